// The garbage collector's entry in the controller-manager's table.
#include "services/controller-manager/gc/garbage_collector.h"
#include "services/controller-manager/gc/graph_builder.h"

namespace ordo::gc {
namespace {

class Running final : public controller::RunningController {
 public:
  explicit Running(controller::ControllerContext& ctx)
      : workers_(ctx.options.concurrent_gc_syncs),
        generic_(ctx.channel, ctx.clock),
        client_(generic_),
        collector_(graph_, client_, ctx.clock),
        builder_(ctx.informers, graph_, collector_) {}
  // Runs once the informers have synced (the controller-manager waits for
  // them), so a start does not ask after every owner.
  void Run(std::stop_token stop) override { controller::RunWorkers(collector_, workers_, stop); }

 private:
  const int workers_;
  api::GenericClient generic_;
  ApiGcClient client_;
  ObjectGraph graph_;
  GarbageCollector collector_;
  GraphBuilder builder_;
};

}  // namespace

controller::ControllerDescriptor GarbageCollectorDescriptor() {
  return controller::Describe<Running>("garbagecollector");
}

}  // namespace ordo::gc
