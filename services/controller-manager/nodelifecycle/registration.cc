// The controller-manager's entries for node lifecycle, taint eviction and pod
// GC. Each reads pods by node: the index is added to the shared pod informer
// here, before the informers start.
#include "services/controller-manager/nodelifecycle/node_lifecycle_controller.h"
#include "services/controller-manager/nodelifecycle/pod_gc.h"
#include "services/controller-manager/nodelifecycle/taint_eviction.h"

namespace ordo::nodelifecycle {
namespace {

using controller::ListerFor;

informer::Lister<core::v1::Pod> PodsByNode(controller::ControllerContext& ctx) {
  auto& pods = ctx.informers.For<core::v1::Pod>();
  pods.indexer().AddIndex(informer::kNodeNameIndex, informer::NodeNameIndexFunc<core::v1::Pod>);
  return informer::Lister(pods.indexer());
}

class RunningLifecycle final : public controller::RunningController {
 public:
  explicit RunningLifecycle(controller::ControllerContext& ctx)
      : writer_(ctx.channel, ctx.clock),
        events_(ctx.events, ctx.clock, "node-controller"),
        oracle_(ctx.options.fence_pid_dir.empty()
                    ? nullptr
                    : std::make_unique<PidFileOracle>(ctx.options.fence_pid_dir, PodsByNode(ctx))),
        controller_(ListerFor<core::v1::Node>(ctx), ListerFor<coordination::v1::Lease>(ctx),
                    PodsByNode(ctx), writer_, ctx.clock,
                    {.grace_period = ctx.options.node_monitor_grace_period,
                     .monitor_period = ctx.options.node_monitor_period,
                     .eviction_rate = ctx.options.node_eviction_rate,
                     .fence_after = ctx.options.fence_after,
                     .oracle = oracle_.get(),
                     .events = &events_}) {}
  void Run(std::stop_token stop) override { controller_.Run(stop); }

 private:
  ApiNodeWriter writer_;
  events::ApiEventRecorder events_;
  std::unique_ptr<PidFileOracle> oracle_;
  NodeLifecycleController controller_;
};

class RunningTaintEviction final : public controller::RunningController {
 public:
  explicit RunningTaintEviction(controller::ControllerContext& ctx)
      : evictor_(ctx.channel, ctx.clock),
        events_(ctx.events, ctx.clock, "taint-eviction-controller"),
        eviction_(ListerFor<core::v1::Node>(ctx), PodsByNode(ctx), evictor_, ctx.clock, &events_) {}
  void Run(std::stop_token stop) override { eviction_.Run(stop, absl::Seconds(1)); }

 private:
  ApiPodEvictor evictor_;
  events::ApiEventRecorder events_;
  TaintEviction eviction_;
};

class RunningPodGc final : public controller::RunningController {
 public:
  explicit RunningPodGc(controller::ControllerContext& ctx)
      : writer_(ctx.channel, ctx.clock),
        gc_(ListerFor<core::v1::Node>(ctx), ListerFor<core::v1::Pod>(ctx),
            ListerFor<core::v1::PersistentVolume>(ctx), writer_, ctx.clock,
            {.quarantine = ctx.options.pod_gc_quarantine,
             .force_detach_after = ctx.options.force_detach_timeout}) {}
  void Run(std::stop_token stop) override { gc_.Run(stop, absl::Seconds(2)); }

 private:
  ApiPodGcWriter writer_;
  PodGC gc_;
};

}  // namespace

controller::ControllerDescriptor NodeLifecycleControllerDescriptor() {
  return controller::Describe<RunningLifecycle>("nodelifecycle");
}
controller::ControllerDescriptor TaintEvictionControllerDescriptor() {
  return controller::Describe<RunningTaintEviction>("taint-eviction-controller");
}
controller::ControllerDescriptor PodGcControllerDescriptor() {
  return controller::Describe<RunningPodGc>("podgc");
}

}  // namespace ordo::nodelifecycle
