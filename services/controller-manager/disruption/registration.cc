// The disruption controller's entry in the controller-manager's table.
#include "services/controller-manager/disruption/disruption_controller.h"

namespace ordo::disruption {
namespace {

using controller::ListerFor;

class Running final : public controller::RunningController {
 public:
  explicit Running(controller::ControllerContext& ctx)
      : workers_(ctx.options.concurrent_disruption_syncs),
        writer_(ctx.channel, ctx.clock),
        controller_(ListerFor<PodDisruptionBudget>(ctx), ListerFor<core::v1::Pod>(ctx),
                    ListerFor<apps::v1::StatefulSet>(ctx), writer_, ctx.clock) {
    ctx.informers.For<PodDisruptionBudget>().AddEventHandler(controller_.PdbHandler());
    ctx.informers.For<core::v1::Pod>().AddEventHandler(controller_.PodHandler());
    ctx.informers.For<apps::v1::StatefulSet>().AddEventHandler(controller_.SetHandler());
  }
  void Run(std::stop_token stop) override { controller::RunWorkers(controller_, workers_, stop); }

 private:
  const int workers_;
  ApiPdbWriter writer_;
  DisruptionController controller_;
};

}  // namespace

controller::ControllerDescriptor DisruptionControllerDescriptor() {
  return controller::Describe<Running>("disruption");
}

}  // namespace ordo::disruption
