// ordo-controller-manager: hosts ordo's controllers behind leader election on
// the Lease kube-system/ordo-controller-manager, so several replicas may run
// and only one acts. Each term of leadership builds the controllers afresh
// over one shared informer factory and tears them down when it ends.
#include <unistd.h>

#include <thread>

#include "absl/cleanup/cleanup.h"
#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "common/metrics/metrics.h"
#include "common/metrics/metrics_flags.h"
#include "common/security/client_flags.h"
#include "common/security/server_flags.h"
#include "common/server/channel.h"
#include "common/server/server_main.h"
#include "prometheus/gauge.h"
#include "services/controller-manager/backup/backup_controller.h"
#include "services/controller-manager/controller_descriptor.h"
#include "services/controller-manager/disruption/disruption_controller.h"
#include "services/controller-manager/endpoints/endpoints_controller.h"
#include "services/controller-manager/gc/garbage_collector.h"
#include "services/controller-manager/leader_elector.h"
#include "services/controller-manager/namespace/namespace_controller.h"
#include "services/controller-manager/nodelifecycle/node_lifecycle_controller.h"
#include "services/controller-manager/nodelifecycle/pod_gc.h"
#include "services/controller-manager/nodelifecycle/taint_eviction.h"
#include "services/controller-manager/snapshot/snapshot_controller.h"
#include "services/controller-manager/state_metrics.h"
#include "services/controller-manager/statefulset/stateful_set_controller.h"
#include "services/controller-manager/storage/volume_controller.h"
#include "spdlog/spdlog.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:10257",
          "HOST:PORT of this controller-manager's own port (gRPC health; mutual TLS with "
          "--tls-cert-file, "
          "--tls-private-key-file and --client-ca-file); port 0 picks a free one");
ABSL_FLAG(std::string, port_file, "", "if set, the bound port is written here once serving");
ABSL_FLAG(std::string, server, "",
          "The api-server's address (default: the --kubeconfig's server, else 127.0.0.1:6443)");
ABSL_FLAG(std::string, identity, "", "This replica's name in the lease (default: host_pid)");
ABSL_FLAG(absl::Duration, lease_duration, absl::Seconds(15), "How long a lease holds unrenewed");
ABSL_FLAG(absl::Duration, renew_deadline, absl::Seconds(10), "The leader gives up after this");
ABSL_FLAG(absl::Duration, retry_period, absl::Seconds(2), "How often to renew or retry");
ABSL_FLAG(
    std::string, controllers, "*",
    "Controllers to run: '*' (all on by default), 'name' (on), '-name' (off), comma-separated; "
    "names: statefulset, garbagecollector, persistentvolume-binder, endpoint, nodelifecycle, "
    "taint-eviction-controller, podgc, disruption, volumesnapshot, backup");
ABSL_FLAG(int, concurrent_statefulset_syncs, 5, "StatefulSets synced at once");
ABSL_FLAG(int, concurrent_gc_syncs, 20, "Objects the garbage collector syncs at once");
ABSL_FLAG(int, concurrent_persistentvolume_syncs, 5, "Claims and volumes synced at once");
ABSL_FLAG(int, concurrent_endpoint_syncs, 5, "Services whose Endpoints are synced at once");
ABSL_FLAG(int, concurrent_disruption_syncs, 2, "PodDisruptionBudgets synced at once");
ABSL_FLAG(std::string, storage_root, "/var/lib/ordo/storage",
          "Where the local-path and shared classes keep volumes' directories");
ABSL_FLAG(std::string, snapshot_root, "/var/lib/ordo/snapshots",
          "Where volume snapshots are copied when their VolumeSnapshotClass names no location");
ABSL_FLAG(std::string, backup_location, "",
          "A directory outside the cluster's data: the default BackupStorageLocation "
          "(velero/default) is made there when missing");
ABSL_FLAG(bool, default_storage_classes, true, "Create the local-path and shared classes");
ABSL_FLAG(absl::Duration, node_monitor_grace_period, absl::Seconds(50),
          "A node silent this long is Unknown (and tainted unreachable)");
ABSL_FLAG(absl::Duration, node_monitor_period, absl::Seconds(5), "How often nodes are checked");
ABSL_FLAG(double, node_eviction_rate, 0.1, "NoExecute taints added per second, at most");
ABSL_FLAG(absl::Duration, fence_after, absl::ZeroDuration(),
          "Opt-in fence: taint out-of-service a node silent this long past the grace period "
          "whose agent is known dead (0: never)");
ABSL_FLAG(std::string, fence_pid_dir, "",
          "Where agents' <node>.pid files are: a pid that is gone proves an agent dead");
ABSL_FLAG(absl::Duration, pod_gc_quarantine, absl::Seconds(40),
          "How long a pod bound to a vanished node waits before it is force-deleted");
ABSL_FLAG(absl::Duration, force_detach_timeout, absl::Minutes(6),
          "How long a volume no pod uses stays attached to a node that is not Ready (0: ever)");

namespace {

using namespace ordo;  // NOLINT(build/namespaces): the binary's wiring

// Every controller this binary can run, in start order.
std::vector<controller::ControllerDescriptor> AllControllers() {
  return {statefulset::StatefulSetControllerDescriptor(),
          gc::GarbageCollectorDescriptor(),
          storage::VolumeControllerDescriptor(),
          endpoints::EndpointsControllerDescriptor(),
          nodelifecycle::NodeLifecycleControllerDescriptor(),
          nodelifecycle::TaintEvictionControllerDescriptor(),
          nodelifecycle::PodGcControllerDescriptor(),
          disruption::DisruptionControllerDescriptor(),
          namespaces::NamespaceControllerDescriptor(),
          snapshot::SnapshotControllerDescriptor(),
          backup::BackupControllersDescriptor()};
}

controller::ControllerOptions OptionsFromFlags() {
  return {
      .concurrent_statefulset_syncs = absl::GetFlag(FLAGS_concurrent_statefulset_syncs),
      .concurrent_gc_syncs = absl::GetFlag(FLAGS_concurrent_gc_syncs),
      .concurrent_persistentvolume_syncs = absl::GetFlag(FLAGS_concurrent_persistentvolume_syncs),
      .concurrent_endpoint_syncs = absl::GetFlag(FLAGS_concurrent_endpoint_syncs),
      .concurrent_disruption_syncs = absl::GetFlag(FLAGS_concurrent_disruption_syncs),
      .storage_root = absl::GetFlag(FLAGS_storage_root),
      .snapshot_root = absl::GetFlag(FLAGS_snapshot_root),
      .default_storage_classes = absl::GetFlag(FLAGS_default_storage_classes),
      .backup_location = absl::GetFlag(FLAGS_backup_location),
      .node_monitor_grace_period = absl::GetFlag(FLAGS_node_monitor_grace_period),
      .node_monitor_period = absl::GetFlag(FLAGS_node_monitor_period),
      .node_eviction_rate = absl::GetFlag(FLAGS_node_eviction_rate),
      .fence_after = absl::GetFlag(FLAGS_fence_after),
      .fence_pid_dir = absl::GetFlag(FLAGS_fence_pid_dir),
      .pod_gc_quarantine = absl::GetFlag(FLAGS_pod_gc_quarantine),
      .force_detach_timeout = absl::GetFlag(FLAGS_force_detach_timeout)};
}

// One term of leadership: the enabled controllers over one informer factory,
// run until `leading` stops. `state` serves the term's caches meanwhile.
void Lead(const std::shared_ptr<grpc::Channel>& channel,
          const std::vector<controller::ControllerDescriptor>& enabled,
          const controller::ControllerOptions& options, controller::StateMetrics& state,
          std::stop_token leading) {
  Clock& clock = SystemClock();
  informer::SharedInformerFactory informers(channel, clock);
  api::ResourceClient<core::v1::Event> events(channel, clock);
  controller::ControllerContext ctx{channel, clock, informers, events, options};
  std::vector<std::unique_ptr<controller::RunningController>> running;
  for (const auto& descriptor : enabled) running.push_back(descriptor.init(ctx));
  state.Lead(controller::StateMetrics::CachesOf(informers));
  absl::Cleanup stop_serving_state = [&] { state.Stop(); };
  // The informers' handlers call into the controllers: stop them first.
  absl::Cleanup stop_informers = [&] { informers.Stop(); };
  informers.Start();
  if (!informers.WaitForCacheSync(leading)) return;
  spdlog::info("caches synced; {} controllers running", running.size());
  std::vector<std::jthread> workers;
  for (auto& c : running) workers.emplace_back([&c, leading] { c->Run(leading); });
  workers.clear();  // joins once leadership ends
}

}  // namespace

int main(int argc, char** argv) {
  ordo::server::BlockShutdownSignals();
  ordo::server::ParseFlags(argc, argv,
                           "ordo-controller-manager --server HOST:PORT: ordo's controllers");
  ordo::server::InitLogging("controller-manager");
  // Kept for the life of the process: /metrics serves until exit.
  auto metrics_endpoint = ordo::metrics::ServeMetricsFromFlags();
  if (!metrics_endpoint.ok()) {
    spdlog::error("{}", std::string(metrics_endpoint.status().message()));
    return 1;
  }
  auto enabled =
      ordo::controller::EnabledControllers(absl::GetFlag(FLAGS_controllers), AllControllers());
  if (!enabled.ok()) {
    spdlog::error("{}", std::string(enabled.status().message()));
    return 2;
  }
  ordo::controller::ControllerOptions options = OptionsFromFlags();
  auto dialed = ordo::security::DialFromFlags(absl::GetFlag(FLAGS_server));
  if (!dialed.ok()) {
    spdlog::error("{}", std::string(dialed.status().message()));
    return 2;
  }
  std::shared_ptr<grpc::Channel> channel = *dialed;
  auto serving = ordo::security::ServeComponentPort(absl::GetFlag(FLAGS_listen),
                                                    absl::GetFlag(FLAGS_port_file));
  if (!serving.ok()) {
    spdlog::error("{}", std::string(serving.status().message()));
    return 2;
  }
  ordo::api::ResourceClient<ordo::coordination::v1::Lease> leases(channel, ordo::SystemClock());
  ordo::controller::LeaderElectionConfig config;
  config.identity = absl::GetFlag(FLAGS_identity);
  if (config.identity.empty()) {
    char host[256] = {};
    gethostname(host, sizeof host - 1);
    config.identity = absl::StrCat(host, "_", getpid());
  }
  config.lease_duration = absl::GetFlag(FLAGS_lease_duration);
  config.renew_deadline = absl::GetFlag(FLAGS_renew_deadline);
  config.retry_period = absl::GetFlag(FLAGS_retry_period);
  ordo::controller::LeaderElector elector(config, leases, ordo::SystemClock());
  auto state = std::make_shared<ordo::controller::StateMetrics>();
  // client-go's leader election gauge: 1 while this replica leads.
  prometheus::Gauge& leading_gauge = prometheus::BuildGauge()
                                         .Name("leader_election_master_status")
                                         .Help(
                                             "1 while this replica holds the lease `name` "
                                             "and leads, 0 while it stands by.")
                                         .Register(*ordo::metrics::DefaultRegistry())
                                         .Add({{"name", "ordo-controller-manager"}});
  if (*metrics_endpoint != nullptr) (*metrics_endpoint)->Add(state);
  std::jthread runner([&](std::stop_token stop) {
    elector.Run(stop, [&](std::stop_token leading) {
      leading_gauge.Set(1);
      Lead(channel, *enabled, options, *state, leading);
      leading_gauge.Set(0);
    });
  });
  ordo::server::WaitForShutdownSignal();
  return 0;
}
