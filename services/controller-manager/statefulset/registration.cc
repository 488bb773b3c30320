// The StatefulSet controller's entry in the controller-manager's table.
#include "common/events/event_recorder.h"
#include "services/controller-manager/statefulset/api_writers.h"
#include "services/controller-manager/statefulset/stateful_set_controller.h"

namespace ordo::statefulset {
namespace {

using controller::ListerFor;

class Running final : public controller::RunningController {
 public:
  explicit Running(controller::ControllerContext& ctx)
      : workers_(ctx.options.concurrent_statefulset_syncs),
        pods_(ctx.channel, ctx.clock),
        revisions_(ctx.channel, ctx.clock),
        sets_(ctx.channel, ctx.clock),
        events_(ctx.events, ctx.clock, "statefulset-controller"),
        control_({pods_, revisions_, sets_}, events_, ctx.clock,
                 ListerFor<core::v1::PersistentVolumeClaim>(ctx), ListerFor<core::v1::Node>(ctx)),
        controller_({ListerFor<apps::v1::StatefulSet>(ctx), ListerFor<core::v1::Pod>(ctx),
                     ListerFor<core::v1::PersistentVolumeClaim>(ctx),
                     ListerFor<apps::v1::ControllerRevision>(ctx), ListerFor<core::v1::Node>(ctx)},
                    {pods_, revisions_, sets_}, control_, ctx.clock) {
    ctx.informers.For<apps::v1::StatefulSet>().AddEventHandler(controller_.SetHandler());
    ctx.informers.For<core::v1::Pod>().AddEventHandler(controller_.PodHandler());
    ctx.informers.For<apps::v1::ControllerRevision>().AddEventHandler(
        controller_.RevisionHandler());
  }
  void Run(std::stop_token stop) override { controller::RunWorkers(controller_, workers_, stop); }

 private:
  const int workers_;
  ApiPodClaimWriter pods_;
  ApiRevisionWriter revisions_;
  ApiStatusUpdater sets_;
  events::ApiEventRecorder events_;
  DefaultStatefulSetControl control_;
  StatefulSetController controller_;
};

}  // namespace

controller::ControllerDescriptor StatefulSetControllerDescriptor() {
  return controller::Describe<Running>("statefulset");
}

}  // namespace ordo::statefulset
