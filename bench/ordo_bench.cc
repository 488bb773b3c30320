// ordo-bench: a load generator for ordo's api-server, or for etcd through its
// KV/Watch gRPC API, so the same load runs against both. Workloads:
//   create  N clients create 1 KiB objects         (durable writes/s, latency)
//   update  N clients update their own object      (conditional writes)
//   get     N clients read their own object
//   getser  the same with etcd's serializable reads (no quorum round; for
//           ordo the same as get: its reads are always local)
//   list    list --objects objects (filled first), latency per list
//   cas     N clients read-modify-write one hot object; conflicts retried
//   watch   --watchers streams while one writer updates at --rate/s (lag)
//   fill    create --objects objects, then report the server's RSS (--server-pid),
//           resident and anonymous, at once and after --settle_seconds of settling
// Prints one line per workload: name, ops, throughput and latency quantiles.
// Exits 1 when a workload had any error or did nothing (so `make test`'s
// smoke run of every benchmark catches a workload that broke).
#include <atomic>
#include <cstdio>
#include <fstream>
#include <thread>
#include <utility>

#include "absl/flags/flag.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "bench/bench_client.h"
#include "bench/latency.h"
#include "common/security/client_flags.h"
#include "common/security/credentials.h"
#include "common/server/server_main.h"

ABSL_FLAG(std::string, target, "ordo", "ordo or etcd");
ABSL_FLAG(std::string, server, "127.0.0.1:6443", "HOST:PORT of the server under test");
ABSL_FLAG(std::string, workloads, "create,update,get,cas,watch,list",
          "comma-separated: create, update, get, getser, list, cas, watch, fill");
ABSL_FLAG(int, clients, 500, "concurrent clients for create/update/get/cas");
ABSL_FLAG(int, channels, 32, "gRPC connections the clients share");
ABSL_FLAG(double, seconds, 5, "how long each timed workload runs");
ABSL_FLAG(int, payload, 1024, "bytes of payload per object");
ABSL_FLAG(int, objects, 10000, "objects for list and fill");
ABSL_FLAG(int, watchers, 100, "watch streams for the watch workload");
ABSL_FLAG(int, rate, 500, "writes per second during the watch workload");
ABSL_FLAG(double, settle_seconds, 10, "fill: seconds without load before the settled RSS");
ABSL_FLAG(int, server_pid, 0, "if set, report this process's RSS after fill");

namespace ordo::bench {
namespace {

std::string Payload(int64_t sent_at_nanos) {
  std::string out = absl::StrCat("t=", sent_at_nanos, ";");
  out.resize(static_cast<size_t>(absl::GetFlag(FLAGS_payload)), 'x');
  return out;
}

// The --kubeconfig's credentials (mutual TLS), or plaintext without one.
std::shared_ptr<grpc::ChannelCredentials> Credentials() {
  static auto* credentials = [] {
    auto creds = security::ClientFromFlags(absl::GetFlag(FLAGS_server));
    if (!creds.ok()) {
      std::fprintf(stderr, "%s\n", std::string(creds.status().message()).c_str());
      std::exit(2);
    }
    return new std::shared_ptr<grpc::ChannelCredentials>(security::NewChannelCredentials(*creds));
  }();
  return *credentials;
}

// Set while the getser workload makes its clients.
bool serializable_reads = false;

std::unique_ptr<BenchClient> Client(int i) {
  return NewBenchClient(absl::GetFlag(FLAGS_target), absl::GetFlag(FLAGS_server),
                        i % absl::GetFlag(FLAGS_channels), Credentials(), serializable_reads);
}

// Workloads that had an error or completed no operation.
std::atomic<int> failed_workloads{0};

void Report(const std::string& name, int clients, Recorder& rec, absl::Duration elapsed, int errors,
            const std::string& extra = "") {
  if (errors > 0 || rec.count() == 0) failed_workloads++;
  double secs = absl::ToDoubleSeconds(elapsed);
  std::printf(
      "%-7s target=%s clients=%d ops=%zu errors=%d throughput=%.0f/s p50=%.3fms p99=%.3fms%s\n",
      name.c_str(), absl::GetFlag(FLAGS_target).c_str(), clients, rec.count(), errors,
      rec.count() / secs, rec.QuantileMs(0.50), rec.QuantileMs(0.99), extra.c_str());
  std::fflush(stdout);
}

// Merges the per-client samples and reports them.
void ReportAll(const std::string& name, const std::vector<Recorder>& recs,
               const std::vector<int>& errors, absl::Duration elapsed) {
  Recorder all;
  int errs = 0;
  for (size_t t = 0; t < recs.size(); ++t) {
    all.Merge(recs[t]);
    errs += errors[t];
  }
  Report(name, static_cast<int>(recs.size()), all, elapsed, errs);
}

// Runs `op(client, thread, i)` in `clients` threads for --seconds.
template <typename Setup, typename Op>
void ClosedLoop(const std::string& name, int clients, Setup setup, Op op) {
  std::vector<Recorder> recs(clients);
  std::vector<int> errors(clients, 0);
  std::vector<std::unique_ptr<BenchClient>> cs;
  for (int t = 0; t < clients; ++t) {
    cs.push_back(Client(t));
    setup(*cs.back(), t);
  }
  absl::Duration length = absl::Seconds(absl::GetFlag(FLAGS_seconds));
  absl::Time start = absl::Now(), end = start + length;
  std::vector<std::thread> threads;
  for (int t = 0; t < clients; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; absl::Now() < end; ++i) {
        absl::Time t0 = absl::Now();
        absl::Status s = op(*cs[t], t, i);
        if (s.ok()) {
          recs[t].Add(absl::Now() - t0);
        } else if (++errors[t] < 3) {
          std::fprintf(stderr, "%s: %s\n", name.c_str(), s.ToString().c_str());
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  ReportAll(name, recs, errors, absl::Now() - start);
}

// Counts the completion callbacks gRPC still holds. gRPC runs a callback and
// destroys it afterwards on its own thread, so a loop that returned as soon as
// its last callback counted down could free the clients and counters while
// that thread was still unwinding through them (ordo-bench died with SIGSEGV
// that way, rarely, under load). Each callback holds a Token; the loop returns
// once none is alive. The atomic's decrement is the token's last touch of the
// counter, so the counter may go as soon as it reads zero.
class CallbacksInFlight {
 public:
  class Token {
   public:
    explicit Token(std::atomic<int>* alive) : alive_(alive) { alive_->fetch_add(1); }
    Token(Token&& other) noexcept : alive_(std::exchange(other.alive_, nullptr)) {}
    Token(const Token&) = delete;
    Token& operator=(const Token&) = delete;
    Token& operator=(Token&&) = delete;
    ~Token() {
      if (alive_ != nullptr) alive_->fetch_sub(1, std::memory_order_acq_rel);
    }

   private:
    std::atomic<int>* alive_;
  };

  Token Hold() { return Token(&alive_); }

  // Polls, not a condition variable: a waker's unlock could still be touching
  // the mutex when the waiter destroys it. A benchmark's wait, not a test's.
  void WaitForNone() {
    while (alive_.load(std::memory_order_acquire) > 0) absl::SleepFor(absl::Milliseconds(1));
  }

 private:
  std::atomic<int> alive_{0};
};

// Like ClosedLoop, but each client keeps one asynchronous call in flight, so
// 500 clients cost a handful of threads: op(client, thread, i, done).
template <typename Setup, typename Op>
void AsyncLoop(const std::string& name, int clients, Setup setup, Op op) {
  std::vector<Recorder> recs(clients);
  std::vector<int> errors(clients, 0), next(clients, 0);
  std::vector<std::unique_ptr<BenchClient>> cs;
  for (int t = 0; t < clients; ++t) {
    cs.push_back(Client(t));
    setup(*cs.back(), t);
  }
  absl::Duration length = absl::Seconds(absl::GetFlag(FLAGS_seconds));
  absl::Time start = absl::Now(), end = start + length;
  CallbacksInFlight in_flight;
  std::function<void(int)> issue = [&](int t) {
    if (absl::Now() >= end) return;
    absl::Time t0 = absl::Now();
    // std::function needs a copyable callable: the token rides in a shared_ptr.
    auto token = std::make_shared<CallbacksInFlight::Token>(in_flight.Hold());
    op(*cs[t], t, next[t]++, [&, t, t0, token](absl::Status s) {
      if (s.ok()) {
        recs[t].Add(absl::Now() - t0);
      } else if (++errors[t] < 3) {
        std::fprintf(stderr, "%s: %s\n", name.c_str(), s.ToString().c_str());
      }
      issue(t);
    });
  };
  for (int t = 0; t < clients; ++t) issue(t);
  in_flight.WaitForNone();
  ReportAll(name, recs, errors, absl::Now() - start);
}

void Fill(int objects, const std::string& prefix) {
  constexpr int kFillers = 64;
  std::vector<std::thread> threads;
  std::atomic<int> next{0};
  for (int t = 0; t < kFillers; ++t) {
    threads.emplace_back([&, t] {
      auto c = Client(t);
      for (int i = next++; i < objects; i = next++) {
        absl::Status s = c->Create(absl::StrCat(prefix, i), Payload(0));
        if (!s.ok() && s.code() != absl::StatusCode::kAlreadyExists) {
          std::fprintf(stderr, "fill: %s\n", s.ToString().c_str());
          failed_workloads++;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
}

// A memory figure of /proc/PID/status in KiB: "VmRSS" (what the process has
// resident, its mapped files and shared pages too) or "RssAnon" (its own heap
// and stacks: what it costs, whatever the page cache holds).
long StatusKib(int pid, const std::string& field) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  const std::string prefix = field + ":";
  while (std::getline(in, line)) {
    if (line.rfind(prefix, 0) == 0) {
      long kib = 0;
      std::sscanf(line.c_str() + prefix.size(), "%ld", &kib);
      return kib;
    }
  }
  return -1;
}

// The server's (--server_pid) figure `field` of /proc/PID/status, as "123MiB";
// "n/a" without a pid.
std::string ServerMib(const char* field) {
  const int pid = absl::GetFlag(FLAGS_server_pid);
  return pid > 0 ? absl::StrCat(StatusKib(pid, field) / 1024, "MiB") : std::string("n/a");
}

void WatchLag() {
  int watchers = absl::GetFlag(FLAGS_watchers);
  int rate = absl::GetFlag(FLAGS_rate);
  // The server's memory before the watches and with them all open (after the
  // writes): what each watch costs it.
  const std::string rss_before = ServerMib("VmRSS");
  absl::Mutex mu;
  Recorder lag;
  std::atomic<int64_t> received{0};
  std::vector<std::unique_ptr<BenchClient>> clients;
  std::vector<std::unique_ptr<WatchHandle>> handles;
  for (int w = 0; w < watchers; ++w) {
    clients.push_back(Client(w));
    handles.push_back(clients.back()->Watch([&](const std::string& payload) {
      absl::Time now = absl::Now();
      int64_t sent = 0;
      std::vector<absl::string_view> parts = absl::StrSplit(payload, ';');
      if (parts.empty() || !absl::SimpleAtoi(parts[0].substr(2), &sent) || sent == 0) return;
      received++;
      absl::MutexLock lock(&mu);
      lag.Add(now - absl::FromUnixNanos(sent));
    }));
  }
  auto writer = Client(watchers);
  constexpr int kKeys = 50;
  for (int k = 0; k < kKeys; ++k) (void)writer->Create(absl::StrCat("w", k), Payload(0));
  absl::Duration length = absl::Seconds(absl::GetFlag(FLAGS_seconds));
  absl::Time start = absl::Now();
  int64_t sent = 0;
  // Open loop: write number n at start + n/rate, however long writes take.
  for (int64_t n = 0;; ++n) {
    absl::Time due = start + absl::Seconds(static_cast<double>(n) / rate);
    if (due >= start + length) break;
    absl::Time now = absl::Now();
    if (due > now) absl::SleepFor(due - now);
    if (writer->Update(absl::StrCat("w", n % kKeys), Payload(absl::ToUnixNanos(absl::Now())))
            .ok()) {
      sent++;
    }
  }
  // Give the streams a moment to deliver the tail.
  absl::Time drain_until = absl::Now() + absl::Seconds(5);
  while (received.load() < sent * watchers && absl::Now() < drain_until) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  const std::string rss_watching = ServerMib("VmRSS");
  handles.clear();
  if (sent == 0 || received.load() == 0) failed_workloads++;
  absl::MutexLock lock(&mu);
  std::printf(
      "watch   target=%s watchers=%d rate=%d/s events_sent=%ld delivered=%ld/%ld lag_p50=%.3fms "
      "lag_p99=%.3fms lag_max=%.3fms rss_before=%s rss_watching=%s\n",
      absl::GetFlag(FLAGS_target).c_str(), watchers, rate, static_cast<long>(sent),
      static_cast<long>(received.load()), static_cast<long>(sent * watchers), lag.QuantileMs(0.5),
      lag.QuantileMs(0.99), lag.QuantileMs(1.0), rss_before.c_str(), rss_watching.c_str());
  std::fflush(stdout);
}

int Main() {
  if (absl::Status s =
          PrepareTarget(absl::GetFlag(FLAGS_target), absl::GetFlag(FLAGS_server), Credentials());
      !s.ok()) {
    std::fprintf(stderr, "cannot reach the server: %s\n", s.ToString().c_str());
    return 1;
  }
  int clients = absl::GetFlag(FLAGS_clients);
  for (absl::string_view w : absl::StrSplit(absl::GetFlag(FLAGS_workloads), ',')) {
    if (w == "create") {
      std::string run = absl::StrCat(absl::ToUnixMicros(absl::Now()));
      AsyncLoop(
          "create", clients, [](BenchClient&, int) {},
          [&](BenchClient& c, int t, int i, BenchClient::Done done) {
            c.CreateAsync(absl::StrCat("c", run, "-", t, "-", i), Payload(0), std::move(done));
          });
    } else if (w == "create1") {
      std::string run = absl::StrCat(absl::ToUnixMicros(absl::Now()));
      ClosedLoop(
          "create1", 1, [](BenchClient&, int) {},
          [&](BenchClient& c, int t, int i) {
            return c.Create(absl::StrCat("s", run, "-", i), Payload(0));
          });
    } else if (w == "get1") {
      std::string run = absl::StrCat(absl::ToUnixMicros(absl::Now()));
      ClosedLoop(
          "get1", 1,
          [&](BenchClient& c, int t) { (void)c.Create(absl::StrCat("g1", run), Payload(0)); },
          [&](BenchClient& c, int t, int i) { return c.Get(absl::StrCat("g1", run)); });
    } else if (w == "update") {
      std::string run = absl::StrCat(absl::ToUnixMicros(absl::Now()));
      AsyncLoop(
          "update", clients,
          [&](BenchClient& c, int t) {
            (void)c.Create(absl::StrCat("u", run, "-", t), Payload(0));
          },
          [&](BenchClient& c, int t, int i, BenchClient::Done done) {
            c.UpdateAsync(absl::StrCat("u", run, "-", t), Payload(absl::ToUnixNanos(absl::Now())),
                          std::move(done));
          });
    } else if (w == "get" || w == "getser") {
      std::string run = absl::StrCat(absl::ToUnixMicros(absl::Now()));
      serializable_reads = w == "getser";
      AsyncLoop(
          std::string(w), clients,
          [&](BenchClient& c, int t) {
            (void)c.Create(absl::StrCat("g", run, "-", t), Payload(0));
          },
          [&](BenchClient& c, int t, int i, BenchClient::Done done) {
            c.GetAsync(absl::StrCat("g", run, "-", t), std::move(done));
          });
    } else if (w == "cas") {
      std::string hot = absl::StrCat("hot", absl::ToUnixMicros(absl::Now()));
      (void)Client(0)->Create(hot, Payload(0));
      std::atomic<int64_t> conflicts{0};
      ClosedLoop(
          "cas", clients, [](BenchClient&, int) {},
          [&](BenchClient& c, int t, int i) {
            while (true) {
              absl::Status s = c.ReadModifyWrite(hot, Payload(absl::ToUnixNanos(absl::Now())));
              if (s.code() != absl::StatusCode::kAborted) return s;
              conflicts++;
            }
          });
      std::printf("cas     conflicts_retried=%ld\n", static_cast<long>(conflicts.load()));
    } else if (w == "list") {
      int objects = absl::GetFlag(FLAGS_objects);
      Fill(objects, "l");
      ClosedLoop(
          "list", 1, [](BenchClient&, int) {},
          [&](BenchClient& c, int, int) -> absl::Status {
            auto n = c.List();
            if (!n.ok()) return n.status();
            if (*n < objects) return absl::InternalError(absl::StrCat("listed only ", *n));
            return absl::OkStatus();
          });
    } else if (w == "watch") {
      WatchLag();
    } else if (w == "fill") {
      int objects = absl::GetFlag(FLAGS_objects);
      absl::Time t0 = absl::Now();
      Fill(objects, "f");
      double secs = absl::ToDoubleSeconds(absl::Now() - t0);
      std::string rss = ServerMib("VmRSS"), anon = ServerMib("RssAnon");
      // Then a settle period, the load over: compactions and flushes finish and
      // freed memory goes back (a benchmark's wait, not a test's).
      if (absl::GetFlag(FLAGS_server_pid) > 0) {
        absl::SleepFor(absl::Seconds(absl::GetFlag(FLAGS_settle_seconds)));
      }
      std::printf(
          "fill    target=%s objects=%d seconds=%.1f rss=%s anon=%s settled_rss=%s "
          "settled_anon=%s\n",
          absl::GetFlag(FLAGS_target).c_str(), objects, secs, rss.c_str(), anon.c_str(),
          ServerMib("VmRSS").c_str(), ServerMib("RssAnon").c_str());
    } else {
      std::fprintf(stderr, "unknown workload %s\n", std::string(w).c_str());
      return 2;
    }
  }
  if (failed_workloads.load() > 0) {
    std::fprintf(stderr, "ordo-bench: %d workload(s) failed\n", failed_workloads.load());
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace ordo::bench

int main(int argc, char** argv) {
  ordo::server::ParseFlags(argc, argv,
                           "ordo-bench --target ordo|etcd --server HOST:PORT [--workloads ...]\n"
                           "Load generator for ordo's api-server and, side by side, etcd.");
  return ordo::bench::Main();
}
