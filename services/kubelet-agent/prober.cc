#include "services/kubelet-agent/prober.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace ordo::kubelet {
namespace {

int Seconds(int32_t value, int32_t fallback) { return value > 0 ? value : fallback; }

// A probe's port: a number, or the name of one of the container's ports.
std::optional<int> ResolvePort(const google::protobuf::Value& port,
                               const core::v1::Container& container) {
  if (port.has_number_value()) return static_cast<int>(port.number_value());
  if (port.has_string_value()) {
    int n = 0;
    if (absl::SimpleAtoi(port.string_value(), &n)) return n;
    for (const auto& p : container.ports()) {
      if (p.name() == port.string_value()) return p.container_port();
    }
  }
  return std::nullopt;
}

// Connects with a deadline; returns the socket or -1 with `error` set.
int Connect(const std::string& host, int port, absl::Time deadline, std::string* error) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  if (inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1) {
    *error = absl::StrCat("invalid probe host ", host);
    return -1;
  }
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 && errno != EINPROGRESS) {
    *error = absl::StrCat("dial tcp ", host, ":", port, ": ", strerror(errno));
    close(fd);
    return -1;
  }
  pollfd p{fd, POLLOUT, 0};
  int wait_ms = std::max<int64_t>(0, absl::ToInt64Milliseconds(deadline - absl::Now()));
  int soerr = 0;
  socklen_t len = sizeof soerr;
  if (poll(&p, 1, wait_ms) != 1 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) != 0 ||
      soerr != 0) {
    *error = absl::StrCat("dial tcp ", host, ":", port, ": ",
                          soerr != 0 ? strerror(soerr) : "i/o timeout");
    close(fd);
    return -1;
  }
  return fd;
}

ProbeOutcome HttpGet(const core::v1::HTTPGetAction& get, const std::string& host, int port,
                     absl::Time deadline) {
  std::string error;
  int fd = Connect(host, port, deadline, &error);
  if (fd < 0)
    return {false, absl::StrCat("Get \"http://", host, ":", port, get.path(), "\": ", error)};
  std::string path = get.path().empty() ? "/" : get.path();
  std::string request = absl::StrCat("GET ", path, " HTTP/1.1\r\nHost: ", host, ":", port,
                                     "\r\nUser-Agent: ordo-probe/1.0\r\nConnection: close\r\n");
  for (const auto& h : get.http_headers())
    absl::StrAppend(&request, h.name(), ": ", h.value(), "\r\n");
  request += "\r\n";
  send(fd, request.data(), request.size(), MSG_NOSIGNAL);
  std::string response;
  char buf[1024];
  while (response.find("\r\n") == std::string::npos && absl::Now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, std::max<int64_t>(0, absl::ToInt64Milliseconds(deadline - absl::Now()))) != 1)
      break;
    ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) break;
    response.append(buf, n);
  }
  close(fd);
  // "HTTP/1.1 200 OK"
  int code = 0;
  if (response.size() < 12 || !absl::SimpleAtoi(response.substr(9, 3), &code)) {
    return {false, absl::StrCat("Get \"http://", host, ":", port, path, "\": no HTTP response")};
  }
  if (code >= 200 && code < 400) return {true, ""};
  return {false, absl::StrCat("HTTP probe failed with statuscode: ", code)};
}

}  // namespace

ProbeOutcome RunProbe(const core::v1::Probe& probe, const core::v1::Container& container,
                      const std::string& pod_ip, const ContainerHandle& handle,
                      ContainerRuntime& runtime) {
  absl::Time deadline = absl::Now() + absl::Seconds(Seconds(probe.timeout_seconds(), 1));
  if (probe.has_exec()) {
    std::vector<std::string> command(probe.exec().command().begin(), probe.exec().command().end());
    auto process = runtime.Exec(handle, command);
    if (!process.ok()) return {false, std::string(process.status().message())};
    (*process)->CloseStdin();
    std::string output;
    int code = (*process)->Wait(
        [&](bool, const std::string& data) {
          if (output.size() < 1024) output += data;
        },
        deadline);
    if (code == 0) return {true, ""};
    if (absl::Now() >= deadline) {
      return {false,
              absl::StrCat("command timed out after ", Seconds(probe.timeout_seconds(), 1), "s")};
    }
    return {false, output.empty() ? absl::StrCat("command exited with ", code) : output};
  }
  const google::protobuf::Value& port_value =
      probe.has_http_get() ? probe.http_get().port() : probe.tcp_socket().port();
  std::optional<int> port = ResolvePort(port_value, container);
  if (!port.has_value()) return {false, "the probe's port names no container port"};
  std::string host = probe.has_http_get() ? probe.http_get().host() : probe.tcp_socket().host();
  if (host.empty()) host = pod_ip;
  if (probe.has_http_get()) return HttpGet(probe.http_get(), host, *port, deadline);
  if (probe.has_tcp_socket()) {
    std::string error;
    int fd = Connect(host, *port, deadline, &error);
    if (fd < 0) return {false, error};
    close(fd);
    return {true, ""};
  }
  return {false, "the probe has no handler"};
}

// One container run's probes. `results` and `stopping` are guarded by Prober::mu_.
struct Prober::Worker {
  std::string uid;
  core::v1::Container container;
  std::string pod_ip;
  ContainerHandle handle;
  ProbeResults results;
  bool stopping = false;
  std::thread thread;
};

namespace {

// The running state of one probe.
struct ProbeRun {
  const core::v1::Probe* probe = nullptr;
  absl::Time next;
  int successes = 0;
  int failures = 0;
};

}  // namespace

Prober::Prober(ContainerRuntime& runtime, Clock& clock, AgentMetrics& metrics,
               std::function<void()> on_change)
    : runtime_(runtime), metrics_(metrics), clock_(clock), on_change_(std::move(on_change)) {}

Prober::~Prober() {
  std::vector<std::string> keys;
  {
    absl::MutexLock lock(&mu_);
    for (const auto& [key, w] : workers_) keys.push_back(key);
  }
  for (const auto& key : keys) {
    auto slash = key.find('/');
    Stop(key.substr(0, slash), key.substr(slash + 1));
  }
}

void Prober::Start(const std::string& pod_uid, const core::v1::Container& container,
                   const std::string& pod_ip, const ContainerHandle& handle) {
  Stop(pod_uid, container.name());
  if (!container.has_startup_probe() && !container.has_liveness_probe() &&
      !container.has_readiness_probe()) {
    return;
  }
  auto worker = std::make_unique<Worker>();
  worker->uid = pod_uid;
  worker->container = container;
  worker->pod_ip = pod_ip;
  worker->handle = handle;
  worker->results.started = !container.has_startup_probe();
  worker->results.ready = !container.has_readiness_probe();
  Worker* raw = worker.get();
  absl::MutexLock lock(&mu_);
  workers_[Key(pod_uid, container.name())] = std::move(worker);
  raw->thread = std::thread([this, raw] { Run(*raw); });
}

void Prober::Stop(const std::string& pod_uid, const std::string& container) {
  std::unique_ptr<Worker> worker;
  {
    absl::MutexLock lock(&mu_);
    auto it = workers_.find(Key(pod_uid, container));
    if (it == workers_.end()) return;
    worker = std::move(it->second);
    workers_.erase(it);
    worker->stopping = true;
  }
  worker->thread.join();
}

void Prober::StopPod(const std::string& pod_uid) {
  std::vector<std::string> names;
  {
    absl::MutexLock lock(&mu_);
    for (const auto& [key, w] : workers_) {
      if (w->uid == pod_uid) names.push_back(w->container.name());
    }
  }
  for (const auto& name : names) Stop(pod_uid, name);
}

ProbeResults Prober::Get(const std::string& pod_uid, const std::string& container) {
  absl::MutexLock lock(&mu_);
  auto it = workers_.find(Key(pod_uid, container));
  return it == workers_.end() ? ProbeResults{} : it->second->results;
}

void Prober::Run(Worker& worker) {
  const core::v1::Container& c = worker.container;
  absl::Time start = clock_.Now();
  ProbeRun startup, liveness, readiness;
  for (auto [run, has, probe] :
       {std::tuple{&startup, c.has_startup_probe(), &c.startup_probe()},
        std::tuple{&liveness, c.has_liveness_probe(), &c.liveness_probe()},
        std::tuple{&readiness, c.has_readiness_probe(), &c.readiness_probe()}}) {
    if (!has) continue;
    run->probe = probe;
    run->next = start + absl::Seconds(probe->initial_delay_seconds());
  }
  for (;;) {
    bool started;
    {
      absl::MutexLock lock(&mu_);
      started = worker.results.started;
    }
    std::vector<ProbeRun*> due_order;
    if (!started) {
      due_order = {&startup};
    } else {
      for (ProbeRun* r : {&liveness, &readiness}) {
        if (r->probe != nullptr) due_order.push_back(r);
      }
    }
    if (due_order.empty()) break;  // only a startup probe, and it passed
    absl::Time next = absl::InfiniteFuture();
    for (ProbeRun* r : due_order) next = std::min(next, r->next);
    {
      absl::MutexLock lock(&mu_);
      clock_.AwaitWithDeadline(mu_, absl::Condition(&worker.stopping), next);
      if (worker.stopping) return;
    }
    absl::Time now = clock_.Now();
    for (ProbeRun* r : due_order) {
      if (r->next > now) continue;
      ProbeOutcome outcome = RunProbe(*r->probe, c, worker.pod_ip, worker.handle, runtime_);
      metrics_.ProbeRan(r == &startup    ? ProbeType::kStartup
                        : r == &liveness ? ProbeType::kLiveness
                                         : ProbeType::kReadiness,
                        outcome.success);
      r->next = clock_.Now() + absl::Seconds(Seconds(r->probe->period_seconds(), 10));
      if (outcome.success) {
        ++r->successes;
        r->failures = 0;
      } else {
        ++r->failures;
        r->successes = 0;
      }
      bool changed = false;
      {
        absl::MutexLock lock(&mu_);
        ProbeResults& res = worker.results;
        int needed_successes = r == &readiness ? Seconds(r->probe->success_threshold(), 1) : 1;
        int needed_failures = Seconds(r->probe->failure_threshold(), 3);
        bool pass = r->successes >= needed_successes;
        bool fail = r->failures >= needed_failures;
        bool* flag = r == &startup ? &res.started : r == &liveness ? &res.live : &res.ready;
        if (pass && !*flag) {
          *flag = true;
          changed = true;
        }
        // A failed startup probe counts as a failed liveness probe.
        if (fail && *flag) {
          *flag = false;
          changed = true;
        }
        if (fail && r == &startup && res.live) {
          res.live = false;
          changed = true;
        }
        if (!outcome.success) res.message = outcome.message;
      }
      if (changed && on_change_) on_change_();
    }
  }
}

}  // namespace ordo::kubelet
