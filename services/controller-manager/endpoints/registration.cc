// The endpoints controller's entry in the controller-manager's table.
#include "services/controller-manager/endpoints/endpoints_controller.h"

namespace ordo::endpoints {
namespace {

using controller::ListerFor;

class Running final : public controller::RunningController {
 public:
  explicit Running(controller::ControllerContext& ctx)
      : workers_(ctx.options.concurrent_endpoint_syncs),
        writer_(ctx.channel, ctx.clock),
        controller_({ListerFor<core::v1::Service>(ctx), ListerFor<core::v1::Pod>(ctx),
                     ListerFor<core::v1::Endpoints>(ctx)},
                    writer_, ctx.clock) {
    ctx.informers.For<core::v1::Service>().AddEventHandler(controller_.ServiceHandler());
    ctx.informers.For<core::v1::Pod>().AddEventHandler(controller_.PodHandler());
  }
  void Run(std::stop_token stop) override { controller::RunWorkers(controller_, workers_, stop); }

 private:
  const int workers_;
  ApiEndpointsWriter writer_;
  EndpointsController controller_;
};

}  // namespace

controller::ControllerDescriptor EndpointsControllerDescriptor() {
  return controller::Describe<Running>("endpoint");
}

}  // namespace ordo::endpoints
