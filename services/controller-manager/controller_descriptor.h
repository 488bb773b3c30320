// How kube-controller-manager's controllers are registered, ordo's way: each
// controller folder exports one ControllerDescriptor (`{name, enabled by
// default, init}`); the binary lists them (controllers.cc), picks the ones
// `--controllers` enables, and for every term of leadership calls each one's
// `init` over one ControllerContext, starts the shared informers, waits for
// their caches and runs what `init` returned until leadership ends.
// Thread-safety: `init` runs on one thread, before the informers start (so it
// may add handlers and indexes); Run runs on a thread of its own.
#pragma once

#include <functional>
#include <memory>
#include <stop_token>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/api/resource_client.h"
#include "common/clock/clock.h"
#include "common/informer/shared_informer_factory.h"

namespace ordo::controller {

// The tunables of every controller (kube-controller-manager's flags).
struct ControllerOptions {
  // Keys each controller syncs at once (--concurrent-<name>-syncs).
  int concurrent_statefulset_syncs = 5;
  int concurrent_gc_syncs = 20;
  int concurrent_persistentvolume_syncs = 5;
  int concurrent_endpoint_syncs = 5;
  int concurrent_disruption_syncs = 2;
  // Volumes.
  std::string storage_root = "/var/lib/ordo/storage";
  // Where volume snapshots are copied when their class names no location.
  std::string snapshot_root = "/var/lib/ordo/snapshots";
  bool default_storage_classes = true;
  // Backups: the directory of the default BackupStorageLocation ("": none made).
  std::string backup_location;
  // Node lifecycle.
  absl::Duration node_monitor_grace_period = absl::Seconds(50);
  absl::Duration node_monitor_period = absl::Seconds(5);
  double node_eviction_rate = 0.1;
  absl::Duration fence_after = absl::ZeroDuration();
  std::string fence_pid_dir;
  // Pod GC.
  absl::Duration pod_gc_quarantine = absl::Seconds(40);
  absl::Duration force_detach_timeout = absl::Minutes(6);
};

// What a controller is built from; lives for one term of leadership.
struct ControllerContext {
  std::shared_ptr<grpc::Channel> channel;
  Clock& clock;
  informer::SharedInformerFactory& informers;
  api::ResourceClient<core::v1::Event>& events;
  const ControllerOptions& options;
};

// The lister of the shared informer of every T.
template <api::Kind T>
informer::Lister<T> ListerFor(ControllerContext& ctx) {
  return informer::Lister(ctx.informers.For<T>().indexer());
}

// A built controller: Run works until `stop` is requested.
class RunningController {
 public:
  virtual ~RunningController() = default;
  virtual void Run(std::stop_token stop) = 0;
};

struct ControllerDescriptor {
  std::string name;  // as --controllers names it: "statefulset"
  bool enabled_by_default = true;
  std::function<std::unique_ptr<RunningController>(ControllerContext&)> init;
};

// The descriptor of a controller whose RunningController R is built by
// R(ControllerContext&).
template <typename R>
ControllerDescriptor Describe(std::string name, bool enabled_by_default = true) {
  return {.name = std::move(name),
          .enabled_by_default = enabled_by_default,
          .init = [](ControllerContext& ctx) -> std::unique_ptr<RunningController> {
            return std::make_unique<R>(ctx);
          }};
}

// The descriptors `flag` enables, in the order of `all`. The flag is a comma
// list as kube-controller-manager's --controllers: "*" (every controller
// enabled by default), "name" (on), "-name" (off). An unknown name is
// INVALID_ARGUMENT naming it.
absl::StatusOr<std::vector<ControllerDescriptor>> EnabledControllers(
    const std::string& flag, const std::vector<ControllerDescriptor>& all);

}  // namespace ordo::controller
