// The namespace controller's entry in the controller-manager's table.
#include "services/controller-manager/namespace/namespace_controller.h"

namespace ordo::namespaces {
namespace {

using controller::ListerFor;

class Running final : public controller::RunningController {
 public:
  explicit Running(controller::ControllerContext& ctx)
      : content_(ctx.channel, ctx.clock),
        controller_(ListerFor<core::v1::Namespace>(ctx), content_, ctx.clock) {
    ctx.informers.For<core::v1::Namespace>().AddEventHandler(controller_.NamespaceHandler());
    ctx.informers.For<core::v1::Pod>().AddEventHandler(controller_.PodHandler());
  }
  // Namespaces are deleted rarely; kube-controller-manager's default
  // --concurrent-namespace-syncs is 10, two is plenty here.
  void Run(std::stop_token stop) override { controller::RunWorkers(controller_, 2, stop); }

 private:
  ApiNamespaceContent content_;
  NamespaceController controller_;
};

}  // namespace

controller::ControllerDescriptor NamespaceControllerDescriptor() {
  return controller::Describe<Running>("namespace");
}

}  // namespace ordo::namespaces
