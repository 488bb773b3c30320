// ordo-controller-manager: hosts ordo's controllers behind leader election on
// the Lease kube-system/ordo-controller-manager, so several replicas may run
// and only one acts. Each term of leadership builds the controllers afresh
// over one shared informer factory and tears them down when it ends.
#include <unistd.h>

#include <thread>

#include "absl/cleanup/cleanup.h"
#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "common/server/server_main.h"
#include "services/controller-manager/controller.h"
#include "services/controller-manager/disruption/disruption_controller.h"
#include "services/controller-manager/endpoints/endpoints_controller.h"
#include "services/controller-manager/event_recorder.h"
#include "services/controller-manager/gc/garbage_collector.h"
#include "services/controller-manager/gc/graph_builder.h"
#include "services/controller-manager/informer_factory.h"
#include "services/controller-manager/leader_elector.h"
#include "services/controller-manager/nodelifecycle/node_lifecycle_controller.h"
#include "services/controller-manager/nodelifecycle/pod_gc.h"
#include "services/controller-manager/nodelifecycle/taint_eviction.h"
#include "services/controller-manager/statefulset/stateful_set_controller.h"
#include "services/controller-manager/storage/volume_controller.h"
#include "spdlog/spdlog.h"

ABSL_FLAG(std::string, server, "127.0.0.1:6443", "The api-server's address");
ABSL_FLAG(std::string, identity, "", "This replica's name in the lease (default: host_pid)");
ABSL_FLAG(absl::Duration, lease_duration, absl::Seconds(15), "How long a lease holds unrenewed");
ABSL_FLAG(absl::Duration, renew_deadline, absl::Seconds(10), "The leader gives up after this");
ABSL_FLAG(absl::Duration, retry_period, absl::Seconds(2), "How often to renew or retry");
ABSL_FLAG(int, statefulset_workers, 5, "StatefulSets synced at once");
ABSL_FLAG(std::string, storage_root, "/var/lib/ordo/storage",
          "Where the local-path and shared classes keep volumes' directories");
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
ABSL_FLAG(int, gc_workers, 20, "Objects the garbage collector syncs at once");
ABSL_FLAG(std::string, log_level, "info", "trace|debug|info|warn|error");

namespace {

// ordo's two storage classes (issue 6), created when missing, as an addon
// manager would: local-path (the default; a directory on the node the pod is
// scheduled to) and shared (a directory every node reaches).
void EnsureStorageClasses(const std::shared_ptr<grpc::Channel>& channel, ordo::Clock& clock) {
  ordo::api::StorageClassClient classes(channel, clock);
  auto make = [](const std::string& name, const std::string& provisioner, const std::string& mode,
                 bool is_default) {
    ordo::storage::v1::StorageClass sc;
    sc.set_api_version("storage.k8s.io/v1");
    sc.set_kind("StorageClass");
    sc.mutable_metadata()->set_name(name);
    if (is_default) {
      (*sc.mutable_metadata()->mutable_annotations())[ordo::storage::kDefaultClassAnnotation] =
          "true";
    }
    sc.set_provisioner(provisioner);
    sc.set_reclaim_policy("Delete");
    sc.set_volume_binding_mode(mode);
    return sc;
  };
  for (const auto& sc :
       {make("local-path", ordo::storage::kLocalPathProvisioner, "WaitForFirstConsumer", true),
        make("shared", ordo::storage::kSharedProvisioner, "Immediate", false)}) {
    auto created = classes.Create(sc);
    if (!created.ok() && !absl::IsAlreadyExists(created.status())) {
      spdlog::warn("storageclass {}: {}", sc.metadata().name(),
                   std::string(created.status().message()));
    }
  }
}

// One term of leadership: informers, controllers and workers until `leading` stops.
void Lead(const std::shared_ptr<grpc::Channel>& channel, std::stop_token leading) {
  using namespace ordo;  // NOLINT(build/namespaces): a short function of wiring
  Clock& clock = SystemClock();
  controller::InformerFactory informers(channel, clock);
  api::EventClient event_client(channel, clock);

  statefulset::ApiObjectWriter writer(channel, clock);
  controller::ApiEventRecorder sts_events(event_client, clock, "statefulset-controller");
  statefulset::StatefulSetController statefulsets(
      {informer::Lister(informers.StatefulSets().indexer()),
       informer::Lister(informers.Pods().indexer()),
       informer::Lister(informers.PersistentVolumeClaims().indexer()),
       informer::Lister(informers.ControllerRevisions().indexer()),
       informer::Lister(informers.Nodes().indexer())},
      writer, sts_events, clock);
  informers.StatefulSets().AddEventHandler(statefulsets.SetHandler());
  informers.Pods().AddEventHandler(statefulsets.PodHandler());
  informers.ControllerRevisions().AddEventHandler(statefulsets.RevisionHandler());

  storage::ApiStorageWriter storage_writer(channel, clock);
  storage::DirectoryProvisioner provisioner(absl::GetFlag(FLAGS_storage_root));
  controller::ApiEventRecorder volume_events(event_client, clock, "persistentvolume-controller");
  storage::VolumeController volumes({informer::Lister(informers.PersistentVolumeClaims().indexer()),
                                     informer::Lister(informers.PersistentVolumes().indexer()),
                                     informer::Lister(informers.StorageClasses().indexer()),
                                     informer::Lister(informers.Pods().indexer())},
                                    storage_writer, provisioner, volume_events, clock);
  informers.PersistentVolumeClaims().AddEventHandler(volumes.ClaimHandler());
  informers.PersistentVolumes().AddEventHandler(volumes.VolumeHandler());
  informers.StorageClasses().AddEventHandler(volumes.ClassHandler());
  informers.Pods().AddEventHandler(volumes.PodHandler());
  if (absl::GetFlag(FLAGS_default_storage_classes)) EnsureStorageClasses(channel, clock);

  endpoints::ApiEndpointsWriter endpoints_writer(channel, clock);
  endpoints::EndpointsController endpoints_controller(
      {informer::Lister(informers.Services().indexer()),
       informer::Lister(informers.Pods().indexer()),
       informer::Lister(informers.Endpoints().indexer())},
      endpoints_writer, clock);
  informers.Services().AddEventHandler(endpoints_controller.ServiceHandler());
  informers.Pods().AddEventHandler(endpoints_controller.PodHandler());

  // Pods by node, for the node lifecycle and taint eviction (before Start).
  informers.Pods().indexer().AddIndex(informer::kNodeNameIndex,
                                      informer::NodeNameIndexFunc<core::v1::Pod>);
  nodelifecycle::ApiNodeWriter node_writer(channel, clock);
  std::unique_ptr<nodelifecycle::PidFileOracle> oracle;
  if (!absl::GetFlag(FLAGS_fence_pid_dir).empty()) {
    oracle = std::make_unique<nodelifecycle::PidFileOracle>(absl::GetFlag(FLAGS_fence_pid_dir),
                                                            informers.Pods().indexer());
  }
  nodelifecycle::NodeLifecycleController lifecycle(
      informer::Lister(informers.Nodes().indexer()),
      informer::Lister(informers.NodeLeases().indexer()), informers.Pods().indexer(), node_writer,
      clock,
      {.grace_period = absl::GetFlag(FLAGS_node_monitor_grace_period),
       .monitor_period = absl::GetFlag(FLAGS_node_monitor_period),
       .eviction_rate = absl::GetFlag(FLAGS_node_eviction_rate),
       .fence_after = absl::GetFlag(FLAGS_fence_after),
       .oracle = oracle.get()});
  nodelifecycle::ApiPodEvictor evictor(channel, clock);
  nodelifecycle::TaintEviction taint_eviction(informer::Lister(informers.Nodes().indexer()),
                                              informers.Pods().indexer(), evictor, clock);

  nodelifecycle::ApiPodGcWriter gc_writer(channel, clock);
  nodelifecycle::PodGC pod_gc(
      informer::Lister(informers.Nodes().indexer()), informers.Pods().indexer(),
      informer::Lister(informers.PersistentVolumes().indexer()), gc_writer, clock,
      {.quarantine = absl::GetFlag(FLAGS_pod_gc_quarantine),
       .force_detach_after = absl::GetFlag(FLAGS_force_detach_timeout)});

  disruption::ApiPdbWriter pdb_writer(channel, clock);
  disruption::DisruptionController disruptions(
      informer::Lister(informers.PodDisruptionBudgets().indexer()),
      informer::Lister(informers.Pods().indexer()),
      informer::Lister(informers.StatefulSets().indexer()), pdb_writer, clock);
  informers.PodDisruptionBudgets().AddEventHandler(disruptions.PdbHandler());
  informers.Pods().AddEventHandler(disruptions.PodHandler());
  informers.StatefulSets().AddEventHandler(disruptions.SetHandler());

  api::GenericClient generic(channel, clock);
  gc::ObjectGraph graph;
  gc::ApiGcClient gc_client(generic);
  gc::GarbageCollector collector(graph, gc_client, clock);
  gc::GraphBuilder graph_builder(generic, graph, collector, clock);

  // The informers' handlers call into the controllers: stop them first.
  absl::Cleanup stop_informers = [&] {
    informers.Stop();
    graph_builder.Stop();
  };
  informers.Start();
  graph_builder.Start();
  if (!informers.WaitForCacheSync(leading)) return;
  spdlog::info("caches synced; controllers running");
  std::vector<std::jthread> workers;
  workers.emplace_back([&] {
    controller::RunWorkers(statefulsets, absl::GetFlag(FLAGS_statefulset_workers), leading);
  });
  workers.emplace_back([&] { controller::RunWorkers(volumes, 5, leading); });
  workers.emplace_back([&] { controller::RunWorkers(endpoints_controller, 5, leading); });
  workers.emplace_back([&] { lifecycle.Run(leading); });
  workers.emplace_back([&] { pod_gc.Run(leading, absl::Seconds(2)); });
  workers.emplace_back([&] { controller::RunWorkers(disruptions, 2, leading); });
  workers.emplace_back([&] { taint_eviction.Run(leading, absl::Seconds(1)); });
  workers.emplace_back([&] {
    // Only once every kind is listed, so a startup does not ask after every owner.
    while (!graph_builder.HasSynced()) {
      if (!SleepUntil(clock, leading, clock.Now() + absl::Milliseconds(20))) return;
    }
    controller::RunWorkers(collector, absl::GetFlag(FLAGS_gc_workers), leading);
  });
  workers.clear();  // joins once leadership ends
}

}  // namespace

int main(int argc, char** argv) {
  ordo::server::BlockShutdownSignals();
  ordo::server::ParseFlags(argc, argv,
                           "ordo-controller-manager --server HOST:PORT: ordo's controllers");
  ordo::server::InitLogging("controller-manager", absl::GetFlag(FLAGS_log_level));
  auto channel =
      grpc::CreateChannel(absl::GetFlag(FLAGS_server), grpc::InsecureChannelCredentials());
  ordo::api::LeaseClient leases(channel, ordo::SystemClock());
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
  std::jthread runner([&](std::stop_token stop) {
    elector.Run(stop, [&](std::stop_token leading) { Lead(channel, leading); });
  });
  ordo::server::WaitForShutdownSignal();
  return 0;
}
