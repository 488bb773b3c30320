#include "cli/ordoctl/cluster.h"

#include <fcntl.h>
#include <unistd.h>

#include <climits>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "cli/ordoctl/cluster_etcd.h"
#include "cli/ordoctl/cluster_processes.h"
#include "cli/ordoctl/prometheus.h"
#include "common/api/resource_client.h"
#include "common/security/credentials.h"
#include "common/security/pki.h"
#include "common/server/server_main.h"
#include "common/status/status_macros.h"
#include "ordo/agent/v1/agent.grpc.pb.h"

namespace ordo::ctl {
namespace {
namespace fs = std::filesystem;

std::string BinDir() {
  char buf[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  return n > 0 ? fs::path(std::string(buf, n)).parent_path().string() : ".";
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The i-th api-server's name (from 1): api-server, api-server-2, ...
std::string ApiServerName(int i) { return i == 1 ? "api-server" : absl::StrCat("api-server-", i); }

// Whether the cluster whose DIR/run is `run` is up: any of its api-servers
// or etcd members alive.
bool Running(const std::string& run) {
  for (const auto& name : Components(run)) {
    if ((absl::StartsWith(name, "api-server") || absl::StartsWith(name, "etcd-")) &&
        Alive(PidOf(run, name))) {
      return true;
    }
  }
  return false;
}

// The admin's credentials from DIR/kubeconfig, dialing `server`.
security::ClientCredentials Admin(const std::string& dir, const std::string& server) {
  auto creds = security::LoadCredentials(dir + "/kubeconfig", "");
  security::ClientCredentials out = creds.ok() ? *creds : security::ClientCredentials{};
  out.server = server;
  return out;
}

int ReadyNodes(const security::ClientCredentials& admin) {
  auto channel = security::Dial(admin.server, admin);
  api::ResourceClient<core::v1::Node> nodes(channel, SystemClock(),
                                            {.deadline = absl::Seconds(2), .max_attempts = 1});
  auto list = nodes.List({});
  if (!list.ok()) return -1;
  int ready = 0;
  for (const auto& n : list->items()) {
    for (const auto& c : n.status().conditions())
      ready += c.type() == "Ready" && c.status() == "True";
  }
  return ready;
}

// Clusters on one machine must not share pod addresses: each takes a second
// octet X (pods of node i get 127.X.i.0/24) by creating /tmp/ordo-pod-networks/X
// naming its data dir; a claim whose cluster is gone (no live api-server or etcd member) is
// taken over. A cluster keeps its X across down and up (DIR/run/pod-network).
absl::StatusOr<int> ClaimPodNetwork(const std::string& dir) {
  const std::string claims = "/tmp/ordo-pod-networks";
  fs::create_directories(claims);
  std::vector<int> candidates;
  int previous = 0;
  if (absl::SimpleAtoi(ReadLine(dir + "/pod-network"), &previous) && previous >= 2 &&
      previous < 255) {
    candidates.push_back(previous);  // keep the addresses of the last run when free
  }
  for (int x = 2; x < 255; ++x) candidates.push_back(x);
  for (int x : candidates) {
    std::string claim = absl::StrCat(claims, "/", x);
    std::string owner = ReadLine(claim);
    if (!owner.empty() && owner != dir && Running(owner + "/run")) continue;
    fs::remove(claim);
    int fd = open(claim.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0644);
    if (fd < 0) continue;  // another cluster took it meanwhile
    std::string line = dir + "\n";
    bool ok = write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
    close(fd);
    if (!ok) continue;
    std::ofstream(dir + "/pod-network") << x << "\n";
    return x;
  }
  return absl::ResourceExhaustedError("every 127.X pod network is taken by a running cluster");
}

// Starts Prometheus (the `prometheus` on PATH, Debian's package) scraping
// every component whose metrics port is in DIR/run, with the alerting rules,
// its data in DIR/prometheus/data; returns its URL (also in
// DIR/run/prometheus.url).
absl::StatusOr<std::string> StartPrometheus(const Args& args, const std::string& dir) {
  std::string binary;
  for (absl::string_view path : absl::StrSplit(getenv("PATH") ? getenv("PATH") : "", ':')) {
    std::string candidate = absl::StrCat(path, "/prometheus");
    if (!path.empty() && access(candidate.c_str(), X_OK) == 0) {
      binary = candidate;
      break;
    }
  }
  if (binary.empty()) {
    return absl::NotFoundError("no prometheus on PATH (Debian: apt-get install prometheus)");
  }
  const std::string run = dir + "/run";
  // Every component writes its metrics port as it starts serving.
  std::vector<std::string> components;
  for (const auto& name : Components(run)) {
    if (name != "prometheus") components.push_back(name);
  }
  auto all_written = [&] {
    for (const auto& name : components) {
      if (!fs::exists(absl::StrCat(run, "/", name, ".metrics.port"))) return false;
    }
    return true;
  };
  if (!Poll(all_written, absl::Seconds(10))) {
    return absl::DeadlineExceededError(
        absl::StrCat("not every component of ", run, " wrote its <name>.metrics.port in 10s"));
  }
  std::vector<ScrapeTarget> targets;
  for (const auto& name : components) {
    targets.push_back(
        {name, "127.0.0.1:" + ReadLine(absl::StrCat(run, "/", name, ".metrics.port"))});
  }
  int port = 0;
  if (args.Has("prometheus-port")) {
    if (!absl::SimpleAtoi(args.Get("prometheus-port"), &port) || port < 1 || port > 65535) {
      return absl::InvalidArgumentError("--prometheus-port must be a port number (1 to 65535)");
    }
  } else {
    ORDO_ASSIGN_OR_RETURN(port, server::FreeLoopbackPort());
  }
  absl::Duration interval = absl::Seconds(5);
  if (!absl::ParseDuration(args.Get("prometheus-scrape-interval", "5s"), &interval) ||
      interval < absl::Seconds(1)) {
    return absl::InvalidArgumentError("--prometheus-scrape-interval must be 1s or longer");
  }
  const std::string home = dir + "/prometheus";
  fs::create_directories(home + "/data");
  ORDO_RETURN_IF_ERROR(security::WriteFileAtomically(home + "/alerts.yml", AlertRules(), 0644));
  ORDO_RETURN_IF_ERROR(security::WriteFileAtomically(
      home + "/prometheus.yml", ScrapeConfig(targets, interval, home + "/alerts.yml"), 0644));
  const std::string address = absl::StrCat("127.0.0.1:", port);
  ORDO_ASSIGN_OR_RETURN(pid_t pid, Launch("prometheus",
                                          {binary, "--config.file=" + home + "/prometheus.yml",
                                           "--storage.tsdb.path=" + home + "/data",
                                           "--web.listen-address=" + address},
                                          dir));
  if (!Poll([&] { return Accepts(port) || !Alive(pid); }, absl::Seconds(30)) || !Alive(pid)) {
    return absl::UnavailableError(
        absl::StrCat("it did not start on ", address, "; see ", dir, "/logs/prometheus.log"));
  }
  const std::string url = "http://" + address;
  std::ofstream(run + "/prometheus.url") << url << "\n";
  return url;
}

int Up(const Args& args, const std::string& dir, std::ostream& out, std::ostream& err) {
  int nodes = 3;
  if (args.Has("nodes") &&
      (!absl::SimpleAtoi(args.Get("nodes"), &nodes) || nodes < 1 || nodes > 250)) {
    err << "error: --nodes must be a number from 1 to 250\n";
    return 1;
  }
  std::string run = dir + "/run";
  if (Running(run)) {
    err << "error: a cluster is already running in " << dir << " (server "
        << ReadLine(run + "/server") << "); `ordoctl cluster down --data-dir " << dir
        << "` stops it\n";
    return 1;
  }
  // The store: what --store says, else what this directory's cluster had.
  // (A directory from before DIR/store was written has the embedded store's.)
  std::string recorded_store = ReadLine(dir + "/store");
  if (recorded_store.empty() && fs::exists(dir + "/api-server")) recorded_store = "embedded";
  const std::string store =
      args.Get("store", recorded_store.empty() ? std::string("embedded") : recorded_store);
  if (store != "embedded" && store != "etcd") {
    err << "error: --store must be embedded or etcd\n";
    return 1;
  }
  if (!recorded_store.empty() && store != recorded_store) {
    err << "error: --store " << store << ": the cluster in " << dir << " keeps its state in the "
        << recorded_store << " store; a new --data-dir starts one on " << store << "\n";
    return 1;
  }
  int api_servers = 1;
  if (args.Has("api-servers") && (!absl::SimpleAtoi(args.Get("api-servers"), &api_servers) ||
                                  api_servers < 1 || api_servers > 3)) {
    err << "error: --api-servers must be a number from 1 to 3\n";
    return 1;
  }
  if (api_servers > 1 && store != "etcd") {
    err << "error: --api-servers " << api_servers
        << " needs --store etcd: the embedded store belongs to one api-server\n";
    return 1;
  }
  absl::Time start = absl::Now();
  for (const char* sub : {"/logs", "/run", "/nodes"}) fs::create_directories(dir + sub);
  for (const auto& name : Components(run)) fs::remove(absl::StrCat(run, "/", name, ".pid"));
  // Each component writes its metrics port afresh: none of the last run's may
  // be mistaken for this run's (Prometheus would scrape a dead port).
  {
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(run, ec)) {
      if (absl::EndsWith(e.path().filename().string(), ".metrics.port")) fs::remove(e.path(), ec);
    }
  }
  std::ofstream(dir + "/store") << store << "\n";
  auto network = ClaimPodNetwork(dir);
  if (!network.ok()) {
    err << "error: " << network.status().message() << "\n";
    return 1;
  }
  // The cluster's identities (DIR/pki), made on the first up and kept after.
  std::string pki = dir + "/pki";
  security::ClusterPkiOptions pki_options{.dir = pki, .server = "127.0.0.1:6443"};
  for (int i = 1; i <= nodes; ++i) pki_options.nodes.push_back({absl::StrCat("node-", i), {}});
  if (absl::Status s = security::EnsureClusterPki(pki_options); !s.ok()) {
    err << "error: certificates: " << s.message() << "\n";
    return 1;
  }
  auto tls_flags = [&](const std::string& name) {
    return std::vector<std::string>{"--tls-cert-file",        pki + "/" + name + ".crt",
                                    "--tls-private-key-file", pki + "/" + name + ".key",
                                    "--client-ca-file",       pki + "/ca.crt"};
  };
  // Every component serves Prometheus metrics on a free port of its own,
  // written to DIR/run/<name>.metrics.port.
  auto metrics_flags = [&](const std::string& name) {
    return std::vector<std::string>{"--metrics-listen", "127.0.0.1:0", "--metrics-port-file",
                                    run + "/" + name + ".metrics.port"};
  };
  std::string bin = BinDir();
  std::vector<std::string> store_flags;
  if (store == "etcd") {
    auto etcd = StartEtcd(dir, absl::Seconds(60));
    if (!etcd.ok()) {
      err << "error: etcd: " << etcd.status().message() << "\n";
      return 1;
    }
    store_flags = *std::move(etcd);
  }
  // The api-servers, each on a port of its own: the first on --api-port.
  std::vector<std::string> addresses;
  for (int i = 1; i <= api_servers; ++i) {
    const std::string name = ApiServerName(i);
    const std::string port_file = run + "/" + name + ".port";
    fs::remove(port_file);
    std::vector<std::string> argv = {
        bin + "/ordo-api-server",
        "--listen",
        "127.0.0.1:" + (i == 1 ? args.Get("api-port", "0") : "0"),
        "--port-file",
        port_file,
        "--audit-log-path",
        absl::StrCat(dir, "/logs/", i == 1 ? "audit" : "audit-" + name, ".log")};
    if (store_flags.empty()) {
      fs::create_directories(dir + "/api-server");
      argv.insert(argv.end(), {"--data-dir", dir + "/api-server"});
    } else {
      argv.insert(argv.end(), store_flags.begin(), store_flags.end());
    }
    // One certificate serves them all: every one is kube-apiserver on 127.0.0.1.
    for (std::string& flag : tls_flags("api-server")) argv.push_back(std::move(flag));
    for (std::string& flag : metrics_flags(name)) argv.push_back(std::move(flag));
    auto api = Launch(name, argv, dir);
    if (!api.ok()) {
      err << "error: " << api.status().message() << "\n";
      return 1;
    }
    if (!Poll([&] { return fs::exists(port_file) || !Alive(*api); }, absl::Seconds(30)) ||
        !Alive(*api)) {
      err << "error: the api-server did not start; see " << dir << "/logs/" << name << ".log\n";
      return 1;
    }
    addresses.push_back("127.0.0.1:" + ReadLine(port_file));
  }
  // Every client is given them all (server::NewChannel balances over a
  // comma-separated list and carries on through the others when one fails).
  std::string server = absl::StrJoin(addresses, ",");
  std::ofstream(run + "/server") << server << "\n";
  // The admin's kubeconfig names this run's address.
  auto admin_config =
      security::ParseKubeconfig(ReadAll(pki + "/admin.kubeconfig"), pki + "/admin.kubeconfig");
  if (!admin_config.ok()) {
    err << "error: " << admin_config.status().message() << "\n";
    return 1;
  }
  for (auto& cluster : admin_config->clusters) cluster.server = "https://" + server;
  if (absl::Status s = security::WriteFileAtomically(
          dir + "/kubeconfig", security::FormatKubeconfig(*admin_config), 0600);
      !s.ok()) {
    err << "error: " << s.message() << "\n";
    return 1;
  }
  security::ClientCredentials admin = Admin(dir, server);
  auto client_flags = [&](const std::string& name) {
    return std::vector<std::string>{"--kubeconfig", pki + "/" + name + ".kubeconfig", "--server",
                                    server};
  };
  // Cluster DNS: for dig on 127.0.0.1 at --dns-port (default: any free port),
  // and for pods at 127.X.0.10:53 (resolv.conf has no port). Port 53 needs
  // root; without it pods keep the host's resolvers.
  std::string pod_dns = absl::StrCat("127.", *network, ".0.10");
  std::string dns_local = "127.0.0.1:" + args.Get("dns-port", "0");
  auto start_dns = [&](bool for_pods) -> bool {
    fs::remove(run + "/dns.port");
    std::string listen = for_pods ? absl::StrCat(dns_local, ",", pod_dns, ":53") : dns_local;
    std::vector<std::string> argv = {bin + "/ordo-dns", "--listen", listen, "--port-file",
                                     run + "/dns.port"};
    for (std::string& flag : client_flags("dns")) argv.push_back(std::move(flag));
    for (std::string& flag : metrics_flags("dns")) argv.push_back(std::move(flag));
    auto dns = Launch("dns", argv, dir);
    return dns.ok() &&
           Poll([&] { return fs::exists(run + "/dns.port") || !Alive(*dns); }, absl::Seconds(10)) &&
           Alive(*dns);
  };
  // 127.X.0.10:53 may still be held for a moment by the DNS of the cluster
  // that had X before (it is exiting): try a few times before giving up on it.
  bool pods_use_dns = false;
  for (int attempt = 0; attempt < 10 && !pods_use_dns; ++attempt) {
    pods_use_dns = start_dns(true);
    if (!pods_use_dns && geteuid() != 0) break;  // not root: port 53 is out of reach anyway
    if (!pods_use_dns) absl::SleepFor(absl::Milliseconds(500));  // the old server's exit
  }
  if (!pods_use_dns) {
    err << "warning: ordo-dns cannot serve pods at " << pod_dns
        << ":53; pods use the host's resolvers\n";
  }
  if (!pods_use_dns && !start_dns(false)) {
    err << "error: ordo-dns did not start; see " << dir << "/logs/dns.log\n";
    return 1;
  }
  std::string dns = "127.0.0.1:" + ReadLine(run + "/dns.port");
  std::ofstream(run + "/dns") << dns << "\n";
  // Agents renew their leases five times within the grace period (10 s of
  // Kubernetes' 50 s), however short a test makes it.
  absl::Duration grace = absl::Seconds(50);
  if (!absl::ParseDuration(args.Get("node-monitor-grace-period", "50s"), &grace) ||
      grace <= absl::ZeroDuration()) {
    err << "error: --node-monitor-grace-period: not a positive duration\n";
    return 1;
  }
  absl::Duration heartbeat = std::max(absl::Milliseconds(200), grace / 5);
  std::vector<std::pair<std::string, std::vector<std::string>>> rest = {
      // Each serves its own port (gRPC health) on mutual TLS, as kube-scheduler
      // and kube-controller-manager do.
      {"scheduler",
       {bin + "/ordo-scheduler", "--listen", "127.0.0.1:0", "--port-file",
        run + "/scheduler.port"}},
      // Volumes live under DIR/storage (absolute: pods' mounts name them).
      {"controller-manager",
       {bin + "/ordo-controller-manager", "--listen", "127.0.0.1:0", "--port-file",
        run + "/controller-manager.port", "--storage-root",
        fs::absolute(fs::path(dir) / "storage").lexically_normal().string(), "--snapshot-root",
        fs::absolute(fs::path(dir) / "storage" / "snapshots").lexically_normal().string(),
        "--node-monitor-grace-period", args.Get("node-monitor-grace-period", "50s"),
        "--fence-after", args.Get("fence-after", "0s"), "--force-detach-timeout",
        args.Get("force-detach-timeout", "6m"), "--fence-pid-dir",
        fs::absolute(run).lexically_normal().string()}},
  };
  // Backups go to a directory of the user's, outside DIR (made if missing).
  if (args.Has("backup-location")) {
    fs::path location = fs::absolute(args.Get("backup-location")).lexically_normal();
    std::error_code ec;
    fs::create_directories(location, ec);
    rest[1].second.insert(rest[1].second.end(), {"--backup-location", location.string()});
  }
  for (int i = 1; i <= nodes; ++i) {
    std::string name = absl::StrCat("node-", i);
    rest.push_back({name,
                    {bin + "/ordo-kubelet-agent", "--node-name", name, "--root-dir",
                     absl::StrCat(dir, "/nodes/", name), "--pod-cidr",
                     absl::StrCat("127.", *network, ".", i, ".0/24"), "--port-file",
                     absl::StrCat(run, "/", name, ".port"), "--crash-backoff",
                     args.Get("crash-backoff", "10s"), "--heartbeat-interval",
                     absl::FormatDuration(heartbeat), "--cluster-dns", pods_use_dns ? pod_dns : "",
                     // The whole cluster directory (keys, store, logs, other pods'
                     // volumes) is out of every pod's sight.
                     "--masked-paths", dir}});
    // A witness for tests (identity_ledger.h): one ledger for every node.
    if (args.Has("identity-ledger")) {
      std::string ledger = fs::absolute(args.Get("identity-ledger")).lexically_normal().string();
      fs::create_directories(ledger);
      rest.back().second.insert(rest.back().second.end(), {"--identity-ledger", ledger});
    }
  }
  for (auto& [name, argv] : rest) {
    for (std::string& flag : client_flags(name)) argv.push_back(std::move(flag));
    for (std::string& flag : tls_flags(name)) argv.push_back(std::move(flag));
    for (std::string& flag : metrics_flags(name)) argv.push_back(std::move(flag));
    if (auto pid = Launch(name, argv, dir); !pid.ok()) {
      err << "error: " << pid.status().message() << "\n";
      return 1;
    }
  }
  if (!Poll([&] { return ReadyNodes(admin) >= nodes; }, absl::Seconds(60))) {
    err << "error: nodes did not become Ready within 60s; see " << dir << "/logs/\n";
    return 1;
  }
  std::string prometheus_url;
  if (args.Has("prometheus")) {
    auto url = StartPrometheus(args, dir);
    if (!url.ok()) {
      err << "error: prometheus: " << url.status().message() << "\n";
      return 1;
    }
    prometheus_url = *url;
  }
  out << "ordo cluster up: " << nodes << " node(s) Ready in "
      << absl::FormatDuration(absl::Trunc(absl::Now() - start, absl::Milliseconds(1))) << "\n"
      << "server " << server << "\n"
      << (store == "etcd" ? absl::StrCat("store etcd (", kEtcdMembers, " members, ", api_servers,
                                         " api-server(s))\n")
                          : "")
      << "dns " << dns << (pods_use_dns ? " (pods: " + pod_dns + ":53)" : " (pods: the host's)")
      << "\n"
      << (prometheus_url.empty() ? "" : "prometheus " + prometheus_url + "\n")
      << "  export KUBECONFIG=" << dir << "/kubeconfig\n";
  return 0;
}

int Down(const std::string& dir, std::ostream& out, std::ostream& err) {
  std::string run = dir + "/run";
  std::vector<std::string> names = Components(run);
  if (names.empty()) {
    err << "error: no cluster found in " << dir << "\n";
    return 1;
  }
  security::ClientCredentials admin = Admin(dir, ReadLine(run + "/server"));
  // Nodes first: each agent stops its pods, as a node shutdown does.
  for (const auto& name : names) {
    if (!absl::StartsWith(name, "node-") || !Alive(PidOf(run, name))) continue;
    std::string port = ReadLine(absl::StrCat(run, "/", name, ".port"));
    auto stub = agent::v1::KubeletAgent::NewStub(security::Dial("127.0.0.1:" + port, admin));
    grpc::ClientContext ctx;
    ctx.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(40)));
    agent::v1::ShutdownResponse resp;
    grpc::Status s = stub->ShutdownPods(&ctx, {}, &resp);
    if (!s.ok()) err << "warning: " << name << ": stopping pods: " << s.error_message() << "\n";
  }
  // Everything else at once, then the api-servers they talk to, then the
  // store the api-servers talk to.
  std::vector<pid_t> others, api_servers, etcd;
  for (const auto& name : names) {
    pid_t pid = PidOf(run, name);
    if (absl::StartsWith(name, "api-server")) {
      api_servers.push_back(pid);
    } else if (absl::StartsWith(name, "etcd-")) {
      etcd.push_back(pid);
    } else {
      others.push_back(pid);
    }
  }
  for (const auto& group : {others, api_servers, etcd}) StopAll(group, absl::Seconds(10));
  for (const auto& name : names) fs::remove(absl::StrCat(run, "/", name, ".pid"));
  out << "ordo cluster in " << dir << " stopped (" << names.size() << " processes)\n";
  return 0;
}

int Status(const std::string& dir, std::ostream& out) {
  std::string run = dir + "/run";
  std::vector<std::string> names = Components(run);
  if (names.empty()) {
    out << "no cluster in " << dir << "\n";
    return 1;
  }
  std::string server = ReadLine(run + "/server");
  out << "server " << server << "\n";
  int running = 0;
  for (const auto& name : names) {
    pid_t pid = PidOf(run, name);
    bool alive = Alive(pid);
    running += alive;
    out << "  " << name << "\tpid " << pid << "\t" << (alive ? "running" : "stopped") << "\n";
  }
  int ready = ReadyNodes(Admin(dir, server));
  out << (ready < 0 ? std::string("api-server unreachable") : absl::StrCat(ready, " node(s) Ready"))
      << "\n";
  return running == static_cast<int>(names.size()) ? 0 : 1;
}

}  // namespace

int Cluster(const Args& args, std::ostream& out, std::ostream& err) {
  std::string verb = args.positional.size() > 1 ? args.positional[1] : "";
  std::string dir = args.Get("data-dir", ".ordo");
  fs::create_directories(dir);
  dir = fs::absolute(dir).lexically_normal().string();
  if (!dir.empty() && dir.back() == '/') dir.pop_back();
  if (verb == "up") return Up(args, dir, out, err);
  if (verb == "down") return Down(dir, out, err);
  if (verb == "status") return Status(dir, out);
  err << "error: usage: ordoctl cluster up|down|status [--data-dir DIR] [--nodes N] [--api-port "
         "P]\n";
  return 1;
}

}  // namespace ordo::ctl
