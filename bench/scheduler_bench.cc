// ordo-scheduler-bench: how fast the scheduler binds pods. Waits for
// --wait-nodes Ready nodes, opens a watch on pods, creates --pods unscheduled
// pods from --clients threads, and measures until the watch has seen every one
// of them bound (each bind is a durable write): pods bound per second from the
// first create to the last bind, and create-to-bind latency percentiles.
// Run by bench/scheduler.sh against hollow nodes; never by `make test`.
#include <atomic>
#include <cstdio>
#include <thread>

#include "absl/container/flat_hash_map.h"
#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "bench/latency.h"
#include "common/api/resource_client.h"
#include "common/clock/clock.h"
#include "common/server/channel.h"

ABSL_FLAG(std::string, server, "127.0.0.1:6443", "api-server address");
ABSL_FLAG(int, pods, 10000, "pods to create and wait for");
ABSL_FLAG(int, clients, 64, "concurrent creating clients");
ABSL_FLAG(int, wait_nodes, 0, "wait until this many nodes are Ready first");
ABSL_FLAG(absl::Duration, timeout, absl::Minutes(5), "give up after this long");
ABSL_FLAG(std::string, prefix, "", "name prefix of the benchmark's pods (default: a fresh one)");
ABSL_FLAG(bool, create_only, false, "create the pods, then exit (no scheduler runs yet)");
ABSL_FLAG(bool, await_existing, false,
          "create nothing: time the binds of --pods pods named --prefix that exist already");

namespace {

using namespace ordo;  // NOLINT: a benchmark's main

int ReadyNodes(api::ResourceClient<core::v1::Node>& nodes) {
  auto list = nodes.List({});
  if (!list.ok()) return 0;
  int ready = 0;
  for (const auto& n : list->items()) {
    for (const auto& c : n.status().conditions())
      ready += c.type() == "Ready" && c.status() == "True";
  }
  return ready;
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const int total = absl::GetFlag(FLAGS_pods);
  auto channel = ordo::server::NewChannel(absl::GetFlag(FLAGS_server));
  api::ResourceClient<core::v1::Node> nodes(channel, SystemClock());
  api::ResourceClient<core::v1::Pod> pods(channel, SystemClock(), {.deadline = absl::Seconds(60)});
  if (int want = absl::GetFlag(FLAGS_wait_nodes); want > 0) {
    absl::Time start = absl::Now();
    int ready = 0;
    while ((ready = ReadyNodes(nodes)) < want) {
      if (absl::Now() - start > absl::GetFlag(FLAGS_timeout)) {
        std::fprintf(stderr, "only %d/%d nodes Ready\n", ready, want);
        return 1;
      }
      absl::SleepFor(absl::Milliseconds(500));  // polling the cluster, not a test
    }
    std::printf("nodes Ready: %d (after %.1f s)\n", ready,
                absl::ToDoubleSeconds(absl::Now() - start));
  }
  std::string run = absl::GetFlag(FLAGS_prefix);
  if (run.empty()) run = absl::StrCat("sb", absl::ToUnixSeconds(absl::Now()) % 100000);
  const bool create = !absl::GetFlag(FLAGS_await_existing);
  const bool wait = !absl::GetFlag(FLAGS_create_only);

  absl::Mutex mu;
  absl::flat_hash_map<std::string, absl::Time> created;
  absl::flat_hash_map<std::string, absl::Time> bound;
  bench::Recorder latency;
  std::atomic<int> bound_count{0};
  absl::Time first_bind, last_bind;

  auto list = pods.List({});
  if (!list.ok()) {
    std::fprintf(stderr, "list: %s\n", std::string(list.status().message()).c_str());
    return 1;
  }
  for (const auto& pod : list->items()) {  // bound before this run looked
    if (!pod.spec().node_name().empty() && absl::StartsWith(pod.metadata().name(), run + "-")) {
      bound.emplace(pod.metadata().name(), absl::Now());
      ++bound_count;
    }
  }
  meta::v1::ListOptions from;
  from.set_resource_version(list->metadata().resource_version());
  grpc::ClientContext watch_ctx;
  auto stream = pods.stub().Watch(&watch_ctx, from);
  absl::Time start = absl::Now();
  std::thread watcher([&] {
    if (!wait) return;
    core::v1::PodWatchEvent event;
    while (stream->Read(&event)) {
      const auto& pod = event.object();
      if (pod.spec().node_name().empty() || !absl::StartsWith(pod.metadata().name(), run + "-")) {
        continue;
      }
      absl::Time now = absl::Now();
      absl::MutexLock lock(&mu);
      if (!bound.emplace(pod.metadata().name(), now).second) continue;
      if (bound.size() == 1) first_bind = now;
      last_bind = now;
      if (auto it = created.find(pod.metadata().name()); it != created.end()) {
        latency.Add(now - it->second);
      } else {
        latency.Add(now - start);  // created before this run: latency from the start
      }
      if (++bound_count >= total) break;
    }
  });

  std::atomic<int> next{create ? 0 : total};
  std::atomic<int> failures{0};
  std::vector<std::thread> creators;
  for (int c = 0; c < absl::GetFlag(FLAGS_clients); ++c) {
    creators.emplace_back([&] {
      for (int i; (i = next.fetch_add(1)) < total;) {
        core::v1::Pod pod;
        std::string name = absl::StrCat(run, "-", i);
        pod.mutable_metadata()->set_name(name);
        pod.mutable_metadata()->set_namespace_("default");
        auto* c = pod.mutable_spec()->add_containers();
        c->set_name("app");
        c->set_image("ordo-podapp");
        (*c->mutable_resources()->mutable_requests())["cpu"] = "10m";
        (*c->mutable_resources()->mutable_requests())["memory"] = "10Mi";
        {
          absl::MutexLock lock(&mu);
          created[name] = absl::Now();
        }
        if (!pods.Create(pod).ok()) ++failures;
      }
    });
  }
  for (auto& t : creators) t.join();
  absl::Duration create_time = absl::Now() - start;
  if (!wait) {
    std::printf("pods created: %d in %.2f s (%.0f/s), %d failed\n", total,
                absl::ToDoubleSeconds(create_time), total / absl::ToDoubleSeconds(create_time),
                failures.load());
    watch_ctx.TryCancel();
    watcher.join();
    return failures.load() == 0 ? 0 : 1;
  }
  absl::Time deadline = start + absl::GetFlag(FLAGS_timeout);
  while (bound_count.load() < total && absl::Now() < deadline)
    absl::SleepFor(absl::Milliseconds(10));
  bool done = bound_count.load() >= total;
  watch_ctx.TryCancel();
  watcher.join();
  absl::MutexLock lock(&mu);
  // With pods waiting before the scheduler started, time from its first bind.
  double secs = absl::ToDoubleSeconds(last_bind - (create ? start : first_bind));
  if (create) {
    std::printf("pods created: %d in %.2f s (%.0f/s), %d failed\n", total,
                absl::ToDoubleSeconds(create_time), total / absl::ToDoubleSeconds(create_time),
                failures.load());
  }
  std::printf("pods bound:   %d%s in %.2f s from the first create: %.0f pods/s\n",
              bound_count.load(), done ? "" : " (TIMED OUT)", secs, bound_count.load() / secs);
  std::printf("create->bind latency: p50 %.1f ms, p99 %.1f ms\n", latency.QuantileMs(0.5),
              latency.QuantileMs(0.99));
  return done ? 0 : 1;
}
