// ordo-kubelet-agent: the node agent. Registers its Node, renews its Lease,
// runs the pods bound to it as Linux processes (see pod_manager.h) and serves
// logs and exec; or, with --hollow, pretends to be --hollow-nodes nodes.
#include <unistd.h>

#include <climits>
#include <filesystem>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/flags/reflection.h"
#include "absl/strings/str_split.h"
#include "common/clock/clock.h"
#include "common/events/event_recorder.h"
#include "common/informer/shared_informer_factory.h"
#include "common/metrics/metrics.h"
#include "common/metrics/metrics_flags.h"
#include "common/security/client_flags.h"
#include "common/security/server_flags.h"
#include "common/server/channel.h"
#include "common/server/server_main.h"
#include "common/workqueue/work_queue.h"
#include "services/kubelet-agent/agent_service.h"
#include "services/kubelet-agent/checkpoint.h"
#include "services/kubelet-agent/hollow.h"
#include "services/kubelet-agent/interface_addresses.h"
#include "services/kubelet-agent/node_heartbeat.h"
#include "services/kubelet-agent/pod_manager.h"
#include "services/kubelet-agent/process_runtime.h"
#include "services/kubelet-agent/shim.h"
#include "services/kubelet-agent/volume_snapshotter.h"
#include "spdlog/spdlog.h"

ABSL_FLAG(std::string, server, "",
          "The api-server's address (default: the --kubeconfig's server, else 127.0.0.1:6443)");
ABSL_FLAG(std::string, node_name, "", "This node's name (required unless --hollow)");
ABSL_FLAG(std::string, listen, "127.0.0.1:0", "Address of the agent's logs/exec service");
ABSL_FLAG(std::string, port_file, "", "Write the agent service's port here once serving");
ABSL_FLAG(std::string, root_dir, "", "Where pods' files, logs and the checkpoint live");
ABSL_FLAG(std::string, pod_cidr, "127.1.0.0/24",
          "This node's pod addresses (in 127.0.0.0/8 unless --pod-network=interface)");
ABSL_FLAG(std::string, pod_network, "loopback",
          "loopback: pod IPs on lo (one host); interface: pod IPs added to the interface "
          "holding --node-ip, reachable from the node's network (needs CAP_NET_ADMIN)");
ABSL_FLAG(std::string, node_ip, "127.0.0.1", "The node's InternalIP");
ABSL_FLAG(absl::Duration, heartbeat_interval, absl::Seconds(10), "How often the Lease is renewed");
ABSL_FLAG(std::string, cluster_dns, "", "Comma-separated nameservers for pods (default: host's)");
ABSL_FLAG(std::string, cluster_domain, "cluster.local", "The cluster's DNS domain");
ABSL_FLAG(std::string, cpu, "", "cpu capacity to report (default: the machine's)");
ABSL_FLAG(std::string, memory, "", "memory capacity to report (default: the machine's)");
ABSL_FLAG(std::string, max_pods, "110", "pods capacity to report");
ABSL_FLAG(std::string, node_labels, "", "Extra node labels: k=v,k2=v2");
ABSL_FLAG(absl::Duration, crash_backoff, absl::Seconds(10), "First restart back-off");
ABSL_FLAG(absl::Duration, crash_backoff_max, absl::Seconds(300), "Longest restart back-off");
ABSL_FLAG(bool, hollow, false, "Pretend pods run (no processes), for scale tests");
ABSL_FLAG(int, hollow_nodes, 1, "With --hollow: how many nodes this process pretends to be");
ABSL_FLAG(std::string, identity_ledger, "",
          "A witness for tests: each container takes its identity's lease in this directory "
          "and records its start and stop there (every agent of the machine shares it)");
ABSL_FLAG(std::vector<std::string>, masked_paths, {},
          "Paths hidden from every container (the cluster's store, logs, keys); the agent's "
          "checkpoint and the directories of --kubeconfig and its TLS files are always hidden");

namespace {

using namespace ordo;  // NOLINT: main wires the whole agent together

std::string SelfExe() {
  char buf[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  return n > 0 ? std::string(buf, n) : "ordo-kubelet-agent";
}

kubelet::NodeOptions NodeOptionsFromFlags() {
  kubelet::NodeOptions node;
  kubelet::DetectCapacity(node);
  if (!absl::GetFlag(FLAGS_cpu).empty()) node.cpu = absl::GetFlag(FLAGS_cpu);
  if (!absl::GetFlag(FLAGS_memory).empty()) node.memory = absl::GetFlag(FLAGS_memory);
  node.max_pods = absl::GetFlag(FLAGS_max_pods);
  node.address = absl::GetFlag(FLAGS_node_ip);
  node.name = absl::GetFlag(FLAGS_node_name);
  node.pod_cidr = absl::GetFlag(FLAGS_pod_cidr);
  node.heartbeat_interval = absl::GetFlag(FLAGS_heartbeat_interval);
  for (absl::string_view kv :
       absl::StrSplit(absl::GetFlag(FLAGS_node_labels), ',', absl::SkipEmpty())) {
    std::pair<std::string, std::string> p = absl::StrSplit(kv, absl::MaxSplits('=', 1));
    node.labels[p.first] = p.second;
  }
  return node;
}

int RunHollow(std::shared_ptr<grpc::Channel> channel) {
  kubelet::HollowOptions options;
  options.nodes = absl::GetFlag(FLAGS_hollow_nodes);
  if (!absl::GetFlag(FLAGS_node_name).empty()) options.name_prefix = absl::GetFlag(FLAGS_node_name);
  options.node = NodeOptionsFromFlags();
  options.heartbeat_interval = absl::GetFlag(FLAGS_heartbeat_interval);
  kubelet::HollowFleet fleet(options, channel, SystemClock());
  std::jthread runner([&](std::stop_token stop) { fleet.Run(stop); });
  server::WaitForShutdownSignal();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 3 && std::string(argv[1]) == kubelet::kShimMode) return kubelet::RunShim(argv[2]);
  if (argc >= 5 && std::string(argv[1]) == kubelet::kExecMode && std::string(argv[3]) == "--") {
    return kubelet::RunExecHelper(std::atoi(argv[2]),
                                  std::vector<std::string>(argv + 4, argv + argc));
  }
  server::BlockShutdownSignals();
  server::ParseFlags(argc, argv,
                     "ordo-kubelet-agent --node-name N --server HOST:PORT: the node agent");
  server::InitLogging("kubelet-agent");
  // Kept for the life of the process: /metrics serves until exit.
  auto metrics_endpoint = ordo::metrics::ServeMetricsFromFlags();
  if (!metrics_endpoint.ok()) {
    spdlog::error("{}", std::string(metrics_endpoint.status().message()));
    return 1;
  }
  auto dialed = security::DialFromFlags(absl::GetFlag(FLAGS_server));
  if (!dialed.ok()) {
    spdlog::error("{}", std::string(dialed.status().message()));
    return 2;
  }
  std::shared_ptr<grpc::Channel> channel = *dialed;
  if (absl::GetFlag(FLAGS_hollow)) return RunHollow(channel);

  const std::string node_name = absl::GetFlag(FLAGS_node_name);
  if (node_name.empty()) {
    spdlog::error("--node-name is required");
    return 2;
  }
  std::string root = absl::GetFlag(FLAGS_root_dir);
  if (root.empty()) root = "/var/lib/ordo/" + node_name;
  std::filesystem::create_directories(root);
  root = std::filesystem::canonical(root).string();

  auto checkpoint = kubelet::RocksDbCheckpoint::Open(root + "/checkpoint");
  if (!checkpoint.ok()) {
    spdlog::error("{}", std::string(checkpoint.status().message()));
    return 1;
  }
  const std::string pod_network = absl::GetFlag(FLAGS_pod_network);
  if (pod_network != "loopback" && pod_network != "interface") {
    spdlog::error("--pod-network: \"{}\" is neither loopback nor interface", pod_network);
    return 2;
  }
  // Refuse rather than run pods outside their namespaces.
  std::vector<std::string> missing = kubelet::MissingCapabilities(pod_network == "interface");
  for (const auto& m : missing) spdlog::error("the node agent lacks {}", m);
  if (!missing.empty()) return 1;
  kubelet::InterfaceAddresses addresses(absl::GetFlag(FLAGS_node_ip));
  auto network =
      pod_network == "interface"
          ? kubelet::CidrPodNetwork::OnInterface(absl::GetFlag(FLAGS_pod_cidr), addresses)
          : kubelet::CidrPodNetwork::Loopback(absl::GetFlag(FLAGS_pod_cidr));
  if (!network.ok()) {
    spdlog::error("--pod-cidr: {}", std::string(network.status().message()));
    return 2;
  }
  std::string self = SelfExe();
  kubelet::ProcessRuntime runtime(self);
  kubelet::GrpcPodApi pod_api(channel, SystemClock(), absl::GetFlag(FLAGS_node_name));
  kubelet::AgentConfig config;
  config.node_name = node_name;
  config.node_ip = absl::GetFlag(FLAGS_node_ip);
  config.root_dir = root;
  config.cluster_domain = absl::GetFlag(FLAGS_cluster_domain);
  config.dns_servers = absl::StrSplit(absl::GetFlag(FLAGS_cluster_dns), ',', absl::SkipEmpty());
  config.extra_path = std::filesystem::path(self).parent_path().string();
  config.initial_backoff = absl::GetFlag(FLAGS_crash_backoff);
  config.max_backoff = absl::GetFlag(FLAGS_crash_backoff_max);
  config.masked_paths = absl::GetFlag(FLAGS_masked_paths);
  config.identity_ledger = absl::GetFlag(FLAGS_identity_ledger);
  config.masked_paths.push_back(root + "/checkpoint");
  for (const char* flag :
       {"kubeconfig", "tls_cert_file", "tls_private_key_file", "client_ca_file"}) {
    const absl::CommandLineFlag* defined = absl::FindCommandLineFlag(flag);
    std::string value = defined != nullptr ? defined->CurrentValue() : "";
    if (!value.empty()) {
      config.masked_paths.push_back(
          std::filesystem::absolute(value).parent_path().lexically_normal().string());
    }
  }
  api::ResourceClient<core::v1::Event> event_client(channel, SystemClock());
  events::ApiEventRecorder events(event_client, SystemClock(), "kubelet");
  kubelet::PodManager pods(config, runtime, **network, **checkpoint, pod_api, SystemClock(),
                           metrics::DefaultRegistry(), &events);
  if (absl::Status s = pods.Restore(); !s.ok()) {
    spdlog::error("restoring the checkpoint: {}", std::string(s.message()));
    return 1;
  }

  absl::Mutex sync_mu;  // serialises Sync and ShutdownAll
  kubelet::AgentService service(pods, runtime, SystemClock(), [&] {
    absl::MutexLock lock(&sync_mu);
    return pods.ShutdownAll(absl::Seconds(10));
  });
  // Every caller must present a certificate of the cluster CA, and be the
  // api-server or an admin.
  auto credentials = security::ServerCredentialsFromFlags(
      std::make_shared<security::Authenticator>(security::TokenFile{}, kubelet::AdmitAgentCaller));
  if (!credentials.ok()) {
    spdlog::error("{}", std::string(credentials.status().message()));
    return 2;
  }
  auto started = server::StartGrpcServer(absl::GetFlag(FLAGS_listen), {&service}, *credentials);
  if (!started.ok()) {
    spdlog::error("{}", std::string(started.status().message()));
    return 1;
  }

  kubelet::NodeOptions node = NodeOptionsFromFlags();
  node.agent_port = started->port;
  api::ResourceClient<core::v1::Node> nodes(channel, SystemClock());
  api::ResourceClient<coordination::v1::Lease> leases(channel, SystemClock());
  kubelet::NodeHeartbeat heartbeat(node, nodes, leases, SystemClock());
  std::jthread beats([&](std::stop_token stop) {
    bool registered = false;
    while (!stop.stop_requested()) {
      absl::Status s = registered ? heartbeat.Beat() : heartbeat.Register();
      if (!s.ok()) spdlog::warn("node {}: {}", node_name, std::string(s.message()));
      registered |= s.ok();
      // A reconnected interface has lost the pods' addresses: put them back.
      if (absl::Status r = (*network)->Reconcile(); !r.ok()) {
        spdlog::warn("pod addresses: {}", std::string(r.message()));
      }
      absl::Duration wait = registered ? absl::GetFlag(FLAGS_heartbeat_interval) : absl::Seconds(1);
      SleepUntil(SystemClock(), stop, absl::Now() + wait);
    }
  });

  meta::v1::ListOptions only_mine;
  only_mine.set_field_selector("spec.nodeName=" + node_name);
  informer::SharedInformerFactory informers(channel, SystemClock());
  auto& informer = informers.For<core::v1::Pod>(only_mine);
  auto poke = [&](const auto&...) { pods.Poke(); };
  informer.AddEventHandler({.on_add = poke, .on_update = poke, .on_delete = poke});
  // Volume snapshots the controller gives this node, taken one at a time.
  kubelet::GrpcSnapshotContentApi snapshot_api(channel, SystemClock());
  kubelet::VolumeSnapshotter snapshotter(node_name, snapshot_api, pods, runtime,
                                         informer::Lister(informer.indexer()), SystemClock());
  workqueue::WorkQueue snapshot_queue(SystemClock());
  auto& contents = informers.For<snapshot::v1::VolumeSnapshotContent>();
  auto enqueue_mine = [&](const informer::ObjectPtr<snapshot::v1::VolumeSnapshotContent>& c) {
    if (snapshotter.IsMine(*c)) snapshot_queue.Add(c->metadata().name());
  };
  contents.AddEventHandler({.on_add = enqueue_mine,
                            .on_update = [&](const auto&, const auto& c) { enqueue_mine(c); },
                            .on_delete = [](const auto&) {}});
  informers.Start();
  std::jthread snapshot_worker([&] {
    std::string name;
    while (snapshot_queue.Get(&name)) {
      auto content = contents.indexer().Get(name);
      // A failed copy is reported on the content (no longer ours); a failed
      // report is tried again, with back-off.
      if (content != nullptr && snapshotter.IsMine(*content) && !snapshotter.Take(*content).ok()) {
        snapshot_queue.AddRateLimited(name);
      } else {
        snapshot_queue.Forget(name);
      }
      snapshot_queue.Done(name);
    }
  });
  std::jthread syncer([&](std::stop_token stop) {
    while (!stop.stop_requested()) {
      {
        absl::MutexLock lock(&sync_mu);
        pods.Sync(informer.indexer().List(), informer.HasSynced());
      }
      // Container exits are noticed by this pass: at most 100 ms late.
      pods.WaitForChange(absl::Now() + absl::Milliseconds(100));
    }
  });
  if (!absl::GetFlag(FLAGS_port_file).empty()) {
    if (absl::Status s = server::WritePortFile(absl::GetFlag(FLAGS_port_file), started->port);
        !s.ok()) {
      spdlog::error("{}", std::string(s.message()));
    }
  }
  spdlog::info("node {} agent serving on port {}, root {}", node_name, started->port, root);
  server::WaitForShutdownSignal();
  spdlog::info("shutting down; pods keep running and are adopted on restart");
  syncer.request_stop();
  syncer.join();
  snapshot_queue.ShutDown();
  snapshot_worker.join();
  informers.Stop();
  beats.request_stop();
  beats.join();
  started->server->Shutdown(absl::ToChronoTime(absl::Now() + absl::Seconds(2)));
  return 0;
}
