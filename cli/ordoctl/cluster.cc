#include "cli/ordoctl/cluster.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <climits>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "cli/ordoctl/prometheus.h"
#include "common/api/resource_client.h"
#include "common/security/credentials.h"
#include "common/security/pki.h"
#include "common/server/server_main.h"
#include "common/status/status_macros.h"
#include "ordo/agent/v1/agent.grpc.pb.h"

extern char** environ;

namespace ordo::ctl {
namespace {
namespace fs = std::filesystem;

std::string BinDir() {
  char buf[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  return n > 0 ? fs::path(std::string(buf, n)).parent_path().string() : ".";
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::string s;
  std::getline(in, s);
  return s;
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

bool Alive(pid_t pid) { return pid > 0 && kill(pid, 0) == 0; }

pid_t PidOf(const std::string& run, const std::string& name) {
  pid_t pid = 0;
  if (!absl::SimpleAtoi(ReadFile(absl::StrCat(run, "/", name, ".pid")), &pid)) return 0;
  return pid;
}

// Starts `argv` in its own session with output appended to `log`; records its pid.
absl::StatusOr<pid_t> Launch(const std::string& name, const std::vector<std::string>& argv,
                             const std::string& dir) {
  std::string log = absl::StrCat(dir, "/logs/", name, ".log");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  int rc = posix_spawn(&pid, args[0], &actions, &attr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0)
    return absl::InternalError(absl::StrCat("cannot start ", argv[0], ": ", strerror(rc)));
  std::ofstream(absl::StrCat(dir, "/run/", name, ".pid")) << pid << "\n";
  return pid;
}

template <typename Condition>
bool Poll(Condition condition, absl::Duration timeout) {
  absl::Time deadline = absl::Now() + timeout;
  while (!condition()) {
    if (absl::Now() >= deadline) return false;
    absl::SleepFor(absl::Milliseconds(20));  // poll interval of a user-facing wait
  }
  return true;
}

// Stops processes: SIGTERM to each, then SIGKILL to any left after `grace`.
void StopAll(const std::vector<pid_t>& pids, absl::Duration grace) {
  for (pid_t pid : pids) {
    if (Alive(pid)) kill(pid, SIGTERM);
  }
  auto all_gone = [&] {
    for (pid_t pid : pids) {
      if (Alive(pid)) return false;
    }
    return true;
  };
  if (Poll(all_gone, grace)) return;
  for (pid_t pid : pids) {
    if (Alive(pid)) kill(pid, SIGKILL);
  }
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

std::vector<std::string> Components(const std::string& run) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(run, ec)) {
    if (e.path().extension() == ".pid") names.push_back(e.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

// Clusters on one machine must not share pod addresses: each takes a second
// octet X (pods of node i get 127.X.i.0/24) by creating /tmp/ordo-pod-networks/X
// naming its data dir; a claim whose cluster is gone (no live api-server) is
// taken over. A cluster keeps its X across down and up (DIR/run/pod-network).
absl::StatusOr<int> ClaimPodNetwork(const std::string& dir) {
  const std::string claims = "/tmp/ordo-pod-networks";
  fs::create_directories(claims);
  std::vector<int> candidates;
  int previous = 0;
  if (absl::SimpleAtoi(ReadFile(dir + "/pod-network"), &previous) && previous >= 2 &&
      previous < 255) {
    candidates.push_back(previous);  // keep the addresses of the last run when free
  }
  for (int x = 2; x < 255; ++x) candidates.push_back(x);
  for (int x : candidates) {
    std::string claim = absl::StrCat(claims, "/", x);
    std::string owner = ReadFile(claim);
    if (!owner.empty() && owner != dir && Alive(PidOf(owner + "/run", "api-server"))) continue;
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

bool Accepts(int port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  close(fd);
  return ok;
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
        {name, "127.0.0.1:" + ReadFile(absl::StrCat(run, "/", name, ".metrics.port"))});
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
  if (Alive(PidOf(run, "api-server"))) {
    err << "error: a cluster is already running in " << dir << " (server "
        << ReadFile(run + "/server") << "); `ordoctl cluster down --data-dir " << dir
        << "` stops it\n";
    return 1;
  }
  absl::Time start = absl::Now();
  for (const char* sub : {"/logs", "/run", "/api-server", "/nodes"})
    fs::create_directories(dir + sub);
  for (const auto& name : Components(run)) fs::remove(absl::StrCat(run, "/", name, ".pid"));
  // Each component writes its metrics port afresh: none of the last run's may
  // be mistaken for this run's (Prometheus would scrape a dead port).
  {
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(run, ec)) {
      if (absl::EndsWith(e.path().filename().string(), ".metrics.port")) fs::remove(e.path(), ec);
    }
  }
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
  std::string api_port = args.Get("api-port", "0");
  fs::remove(run + "/api-server.port");
  std::vector<std::string> api_argv = {
      bin + "/ordo-api-server", "--data-dir",  dir + "/api-server",      "--listen",
      "127.0.0.1:" + api_port,  "--port-file", run + "/api-server.port", "--audit-log-path",
      dir + "/logs/audit.log"};
  for (std::string& flag : tls_flags("api-server")) api_argv.push_back(std::move(flag));
  for (std::string& flag : metrics_flags("api-server")) api_argv.push_back(std::move(flag));
  auto api = Launch("api-server", api_argv, dir);
  if (!api.ok()) {
    err << "error: " << api.status().message() << "\n";
    return 1;
  }
  if (!Poll([&] { return fs::exists(run + "/api-server.port") || !Alive(*api); },
            absl::Seconds(30)) ||
      !Alive(*api)) {
    err << "error: the api-server did not start; see " << dir << "/logs/api-server.log\n";
    return 1;
  }
  std::string server = "127.0.0.1:" + ReadFile(run + "/api-server.port");
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
  std::string dns = "127.0.0.1:" + ReadFile(run + "/dns.port");
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
  security::ClientCredentials admin = Admin(dir, ReadFile(run + "/server"));
  // Nodes first: each agent stops its pods, as a node shutdown does.
  for (const auto& name : names) {
    if (!absl::StartsWith(name, "node-") || !Alive(PidOf(run, name))) continue;
    std::string port = ReadFile(absl::StrCat(run, "/", name, ".port"));
    auto stub = agent::v1::KubeletAgent::NewStub(security::Dial("127.0.0.1:" + port, admin));
    grpc::ClientContext ctx;
    ctx.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(40)));
    agent::v1::ShutdownResponse resp;
    grpc::Status s = stub->ShutdownPods(&ctx, {}, &resp);
    if (!s.ok()) err << "warning: " << name << ": stopping pods: " << s.error_message() << "\n";
  }
  // Everything but the api-server at once, then the api-server they talk to.
  std::vector<pid_t> others;
  for (const auto& name : names) {
    if (name != "api-server") others.push_back(PidOf(run, name));
  }
  StopAll(others, absl::Seconds(10));
  StopAll({PidOf(run, "api-server")}, absl::Seconds(10));
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
  std::string server = ReadFile(run + "/server");
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
