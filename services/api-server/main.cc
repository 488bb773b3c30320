// ordo-api-server: the writer of cluster state (one of several, over etcd). Serves every kind over
// gRPC from a RocksDB store in --data-dir, or from etcd (--store etcd, store_flags.h).
#include <spdlog/spdlog.h>

#include <filesystem>
#include <thread>

#include "absl/flags/flag.h"
#include "common/api/well_known.h"
#include "common/clock/clock.h"
#include "common/metrics/metrics_flags.h"
#include "common/security/authenticator.h"
#include "common/security/credentials.h"
#include "common/security/server_flags.h"
#include "common/security/token_file.h"
#include "common/server/executor.h"
#include "common/server/server_main.h"
#include "common/store/rocksdb_store.h"
#include "ordo/snapshot/v1/snapshot.pb.h"
#include "services/api-server/api_server.h"
#include "services/api-server/authorization/node_authorizer.h"
#include "services/api-server/endpoint_reconciler.h"
#include "services/api-server/maintenance_service.h"
#include "services/api-server/pod_io_service.h"
#include "services/api-server/rbac_authorizer.h"
#include "services/api-server/request_metrics.h"
#include "services/api-server/storage_metrics.h"
#include "services/api-server/store_flags.h"
#include "services/api-server/typed_services.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:6443",
          "HOST:PORT to serve gRPC on; port 0 picks a free port (logged)");
ABSL_FLAG(std::string, data_dir, "",
          "directory of the embedded RocksDB store (required unless --store etcd)");
ABSL_FLAG(std::string, restore_from, "",
          "a snapshot file (`ordoctl snapshot save`): before serving, make the store in "
          "--data-dir, which must be new or empty, from it");
ABSL_FLAG(int, handler_threads, 0,
          "threads for lists and subresources (and, over etcd, for every call that reads the "
          "store, as each waits on etcd); 0: 8, or 64 with --store etcd");
ABSL_FLAG(int, watch_threads, 2, "threads that feed watch streams");
ABSL_FLAG(int, event_window, 10000, "recent events kept for watches to resume from");
ABSL_FLAG(std::string, port_file, "",
          "if set, the bound port is written here once serving (for harnesses and cluster up)");
ABSL_FLAG(std::string, token_auth_file, "",
          "static bearer tokens, kube-apiserver's CSV (token,user,uid,\"group1,group2\"): a "
          "second way in beside client certificates");
ABSL_FLAG(std::string, audit_log_path, "",
          "if set, every write and every refused call is appended here as one JSON line "
          "(Kubernetes' audit.k8s.io/v1 Event, level Metadata)");
ABSL_FLAG(int, audit_log_maxsize, 100, "megabytes an audit file grows to before it is rotated");
ABSL_FLAG(int, audit_log_maxbackup, 10, "rotated audit files kept (FILE.1 the newest)");
ABSL_FLAG(std::string, service_cluster_ip_range, ordo::apiserver::kDefaultServiceClusterIpRange,
          "IPv4 CIDR Services' cluster IPs are allocated from (the first one is the "
          "`kubernetes` Service's)");
ABSL_FLAG(std::string, advertise_address, "",
          "the address the `kubernetes` Endpoints give for this api-server (default: --listen's "
          "host, or 127.0.0.1 when it listens on every address)");
ABSL_FLAG(std::string, kubelet_client_certificate, "",
          "PEM client certificate the api-server presents to kubelet-agents when it relays "
          "pods/exec and pods/log (default: --tls-cert-file)");
ABSL_FLAG(std::string, kubelet_client_key, "",
          "PEM key of --kubelet-client-certificate (default: --tls-private-key-file)");
ABSL_FLAG(std::string, kubelet_certificate_authority, "",
          "PEM CA that signed the agents' serving certificates (default: --client-ca-file)");

namespace {

// How the api-server dials kubelet-agents: with its client certificate when
// it serves TLS, in plaintext when it does not.
absl::StatusOr<ordo::apiserver::AgentDialer> AgentDialerFromFlags(bool tls) {
  if (!tls) {
    return [](const std::string& address) {
      return ordo::security::Dial(address, ordo::security::ClientCredentials{});
    };
  }
  ordo::security::ServerTlsFiles serving = ordo::security::ServerTlsFilesFromFlags();
  auto or_default = [](const std::string& value, const std::string& fallback) {
    return value.empty() ? fallback : value;
  };
  auto creds = ordo::security::ClientCredentialsFromFiles(
      {"--kubelet-client-certificate",
       or_default(absl::GetFlag(FLAGS_kubelet_client_certificate), serving.cert_file)},
      {"--kubelet-client-key",
       or_default(absl::GetFlag(FLAGS_kubelet_client_key), serving.key_file)},
      {"--kubelet-certificate-authority",
       or_default(absl::GetFlag(FLAGS_kubelet_certificate_authority), serving.client_ca_file)});
  if (!creds.ok()) return creds.status();
  return [creds = *std::move(creds)](const std::string& address) {
    return ordo::security::Dial(address, creds);
  };
}

// The request-metrics interceptor when /metrics is served, else none.
std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
RequestInterceptors(bool serving_metrics) {
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> out;
  if (serving_metrics) {
    out.push_back(ordo::apiserver::RequestMetricsInterceptor(ordo::metrics::DefaultRegistry()));
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  ordo::server::ParseFlags(
      argc, argv,
      "ordo-api-server --data-dir DIR [--listen HOST:PORT]\n"
      "ordo-api-server --store etcd --etcd-servers URL,URL,... [--listen HOST:PORT]\n"
      "Serves the ordo API (every kind, with watches) over gRPC, from a durable RocksDB store\n"
      "or an etcd cluster.");
  ordo::server::BlockShutdownSignals();
  ordo::server::InitLogging("api-server");
  // Kept for the life of the process: /metrics serves until exit.
  auto metrics_endpoint = ordo::metrics::ServeMetricsFromFlags();
  if (!metrics_endpoint.ok()) {
    spdlog::error("{}", std::string(metrics_endpoint.status().message()));
    return 1;
  }
  std::string data_dir = absl::GetFlag(FLAGS_data_dir);
  if (std::string snapshot = absl::GetFlag(FLAGS_restore_from); !snapshot.empty()) {
    if (ordo::apiserver::StoreIsEtcd()) {
      spdlog::error("--restore-from restores the embedded store; not with --store etcd");
      return 2;
    }
    auto restored = ordo::store::RestoreRocksDbStore(snapshot, data_dir);
    if (!restored.ok()) {
      spdlog::error("--restore-from {}: {}", snapshot, std::string(restored.status().message()));
      return 2;
    }
    spdlog::info("restored {} keys at revision {} from {} (sha256 {})", restored->keys,
                 restored->revision, snapshot, restored->sha256_hex);
  }
  if (!data_dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(data_dir, ec);
  }
  ordo::store::MemoryStoreOptions store_options;
  store_options.event_window = static_cast<size_t>(absl::GetFlag(FLAGS_event_window));
  if (*metrics_endpoint != nullptr) {
    store_options.observer =
        std::make_shared<ordo::apiserver::StoreMetrics>(*ordo::metrics::DefaultRegistry());
  }
  auto store = ordo::apiserver::OpenStoreFromFlags(data_dir, store_options);
  if (!store.ok()) {
    spdlog::error("cannot open the store: {}", store.status().ToString());
    return absl::IsInvalidArgument(store.status()) ? 2 : 1;
  }
  ordo::security::TokenFile tokens;
  std::string token_file = absl::GetFlag(FLAGS_token_auth_file);
  if (!token_file.empty()) {
    auto read = ordo::security::TokenFile::Read(token_file);
    if (!read.ok()) {
      spdlog::error("{}", std::string(read.status().message()));
      return 2;
    }
    tokens = *std::move(read);
  }
  // With tokens, a client may come without a certificate and show a token.
  auto authenticator = std::make_shared<ordo::security::Authenticator>(std::move(tokens));
  auto credentials = ordo::security::ServerCredentialsFromFlags(
      authenticator, /*client_certificate_optional=*/!token_file.empty());
  if (!credentials.ok()) {
    spdlog::error("{}", std::string(credentials.status().message()));
    return 2;
  }
  if (*credentials == nullptr && !token_file.empty()) {
    spdlog::error(
        "--token-auth-file needs TLS (--tls-cert-file, --tls-private-key-file, "
        "--client-ca-file): a token must not cross the network in plaintext");
    return 2;
  }
  auto service_ips =
      ordo::apiserver::ServiceIpRange::Parse(absl::GetFlag(FLAGS_service_cluster_ip_range));
  if (!service_ips.ok()) {
    spdlog::error("{}", std::string(service_ips.status().message()));
    return 2;
  }
  ordo::apiserver::ApiServer api(**store, ordo::SystemClock(), *service_ips);
  if (absl::Status s = api.Bootstrap(); !s.ok()) {
    spdlog::error("bootstrap failed: {}", s.ToString());
    return 1;
  }
  if (absl::Status s = api.StartNamespaceCache(); !s.ok()) {
    spdlog::error("namespace cache: {}", s.ToString());
    return 1;
  }
  if (*metrics_endpoint != nullptr) {
    (*metrics_endpoint)->Add(std::make_shared<ordo::apiserver::StoredStateCollector>(api));
  }
  int handler_threads = absl::GetFlag(FLAGS_handler_threads);
  if (handler_threads <= 0) handler_threads = ordo::apiserver::StoreIsEtcd() ? 64 : 8;
  ordo::server::Executor unary(handler_threads);
  ordo::server::Executor watch(absl::GetFlag(FLAGS_watch_threads));
  // Who may do what, whenever callers are authenticated (TLS): the Node
  // authorizer for node agents, then RBAC (kube-apiserver's
  // --authorization-mode=Node,RBAC). A plaintext server knows no one and
  // allows everything.
  std::unique_ptr<ordo::apiserver::RbacAuthorizer> rbac;
  std::unique_ptr<ordo::authorization::NodeAuthorizer> authorizer;
  if (*credentials != nullptr) {
    auto started_rbac = ordo::apiserver::RbacAuthorizer::Start(api);
    if (!started_rbac.ok()) {
      spdlog::error("RBAC: {}", started_rbac.status().ToString());
      return 1;
    }
    rbac = *std::move(started_rbac);
    authorizer = std::make_unique<ordo::authorization::NodeAuthorizer>(
        [&api](const std::string& ns, const std::string& name) -> std::optional<std::string> {
          auto pod = api.registry("Pod").Get(ns, name);
          if (!pod.ok()) return std::nullopt;
          return static_cast<const ordo::core::v1::Pod&>(**pod).spec().node_name();
        },
        *rbac,
        [&api](const std::string& name) -> std::optional<std::string> {
          auto content = api.registry("VolumeSnapshotContent").Get("", name);
          if (!content.ok()) return std::nullopt;
          const auto& annotations =
              static_cast<const ordo::snapshot::v1::VolumeSnapshotContent&>(**content)
                  .metadata()
                  .annotations();
          auto it = annotations.find(ordo::api::kSnapshotNodeAnnotation);
          if (it == annotations.end()) return std::nullopt;
          return it->second;
        });
  }
  std::unique_ptr<ordo::apiserver::FileAuditLog> audit;
  if (std::string path = absl::GetFlag(FLAGS_audit_log_path); !path.empty()) {
    auto opened = ordo::apiserver::FileAuditLog::Open(
        path, int64_t{absl::GetFlag(FLAGS_audit_log_maxsize)} << 20,
        absl::GetFlag(FLAGS_audit_log_maxbackup));
    if (!opened.ok()) {
      spdlog::error("{}", std::string(opened.status().message()));
      return 2;
    }
    audit = *std::move(opened);
  }
  ordo::apiserver::AccessControl access{*credentials != nullptr ? authenticator.get() : nullptr,
                                        authorizer.get(), audit.get()};
  auto services = ordo::apiserver::MakeServices(api, unary, watch, access);
  auto dial_agents = AgentDialerFromFlags(*credentials != nullptr);
  if (!dial_agents.ok()) {
    spdlog::error("{}", std::string(dial_agents.status().message()));
    return 2;
  }
  ordo::apiserver::AccessGate gate(access);
  std::unique_ptr<grpc::Service> pod_io = ordo::apiserver::NewPodIOService(
      gate, ordo::apiserver::LocatePodsIn(api), *std::move(dial_agents));
  std::unique_ptr<grpc::Service> maintenance =
      ordo::apiserver::NewMaintenanceService(**store, gate);
  std::vector<grpc::Service*> all = services->services();
  all.push_back(pod_io.get());
  all.push_back(maintenance.get());
  auto started = ordo::server::StartGrpcServer(absl::GetFlag(FLAGS_listen), all, *credentials,
                                               RequestInterceptors(*metrics_endpoint != nullptr));
  if (!started.ok()) {
    spdlog::error("{}", started.status().ToString());
    return 1;
  }
  spdlog::info("ordo-api-server listening on port {} ({}, revision {})", started->port,
               ordo::apiserver::StoreIsEtcd() ? "store: etcd" : "data dir " + data_dir,
               (*store)->CurrentRevision());
  std::string advertise = absl::GetFlag(FLAGS_advertise_address);
  if (advertise.empty()) {
    std::string listen = absl::GetFlag(FLAGS_listen);
    advertise = listen.substr(0, listen.rfind(':'));
    if (advertise.empty() || advertise == "0.0.0.0" || advertise == "[::]") advertise = "127.0.0.1";
  }
  if (absl::Status s = api.EnsureKubernetesService(started->port); !s.ok()) {
    spdlog::warn("the kubernetes Service: {}", s.ToString());  // serving matters more
  }
  // Its Endpoints name every live api-server of the store; this one until it stops.
  ordo::apiserver::EndpointReconciler endpoints(api, ordo::SystemClock(), advertise, started->port);
  if (absl::Status s = endpoints.Reconcile(); !s.ok()) {
    spdlog::warn("the kubernetes Endpoints: {}", s.ToString());  // Run tries again
  }
  std::jthread reconcile_endpoints([&](std::stop_token stop) { endpoints.Run(stop); });
  if (std::string port_file = absl::GetFlag(FLAGS_port_file); !port_file.empty()) {
    if (absl::Status s = ordo::server::WritePortFile(port_file, started->port); !s.ok()) {
      spdlog::error("{}", s.ToString());
      return 1;
    }
  }
  ordo::server::WaitForShutdownSignal();
  reconcile_endpoints.request_stop();  // and this api-server leaves the Endpoints
  reconcile_endpoints.join();
  started->server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  metrics_endpoint->reset();  // no scrape may read `api` once it is gone
  return 0;
}
