// ordo-statefulset-bench: how fast the StatefulSet controller brings a set to
// --replicas Ready pods. Creates a set of 0 replicas (--policy OrderedReady or
// Parallel, no volumes), opens a watch on pods, scales it to --replicas, and
// waits until every pod has been seen Ready. Reports the time from the scale
// to the last Ready and, for OrderedReady, the controller's own overhead per
// ordinal step: from pod N seen Ready to pod N+1 seen created, on one watch
// stream. Run by bench/statefulset.sh against hollow nodes; never by `make test`.
#include <cstdio>
#include <thread>

#include "absl/container/flat_hash_map.h"
#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "bench/latency.h"
#include "common/api/resource_client.h"
#include "common/api/statefulset.h"
#include "common/api/well_known.h"
#include "common/clock/clock.h"
#include "common/server/channel.h"

ABSL_FLAG(std::string, server, "127.0.0.1:6443", "api-server address");
ABSL_FLAG(int, replicas, 100, "replicas to scale to");
ABSL_FLAG(std::string, policy, ordo::api::kOrderedReadyPodManagement,
          "podManagementPolicy: OrderedReady or Parallel");
ABSL_FLAG(std::string, name, "", "the set's name (default: from the policy)");
ABSL_FLAG(absl::Duration, timeout, absl::Minutes(5), "give up after this long");

namespace {

using namespace ordo;  // NOLINT: a benchmark's main

apps::v1::StatefulSet NewSet(const std::string& name, const std::string& policy) {
  apps::v1::StatefulSet set;
  set.mutable_metadata()->set_name(name);
  set.mutable_metadata()->set_namespace_("default");
  auto& spec = *set.mutable_spec();
  spec.set_replicas(0);
  (*spec.mutable_selector()->mutable_match_labels())["app"] = name;
  spec.set_service_name(name);
  spec.set_pod_management_policy(policy);
  auto* tmpl = spec.mutable_template_();
  (*tmpl->mutable_metadata()->mutable_labels())["app"] = name;
  auto* c = tmpl->mutable_spec()->add_containers();
  c->set_name("app");
  c->set_image("ordo-podapp");
  (*c->mutable_resources()->mutable_requests())["cpu"] = "10m";
  (*c->mutable_resources()->mutable_requests())["memory"] = "10Mi";
  return set;
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const int replicas = absl::GetFlag(FLAGS_replicas);
  const std::string policy = absl::GetFlag(FLAGS_policy);
  std::string name = absl::GetFlag(FLAGS_name);
  if (name.empty()) name = policy == ordo::api::kParallelPodManagement ? "parallel" : "ordered";
  auto channel = ordo::server::NewChannel(absl::GetFlag(FLAGS_server));
  api::ResourceClient<core::v1::Pod> pods(channel, SystemClock());
  api::ResourceClient<apps::v1::StatefulSet> sets(channel, SystemClock());
  auto created_set = sets.Create(NewSet(name, policy));
  if (!created_set.ok()) {
    std::fprintf(stderr, "create set: %s\n", created_set.status().ToString().c_str());
    return 1;
  }
  auto list = pods.List({});
  if (!list.ok()) return 1;
  meta::v1::ListOptions from;
  from.set_resource_version(list->metadata().resource_version());
  grpc::ClientContext watch_ctx;
  auto stream = pods.stub().Watch(&watch_ctx, from);

  absl::Mutex mu;
  absl::flat_hash_map<int, absl::Time> created, ready;
  std::thread watcher([&] {
    core::v1::PodWatchEvent event;
    while (stream->Read(&event)) {
      const auto& pod = event.object();
      const std::string& pod_name = pod.metadata().name();
      int ordinal = 0;
      if (!absl::StartsWith(pod_name, name + "-") ||
          !absl::SimpleAtoi(pod_name.substr(name.size() + 1), &ordinal)) {
        continue;
      }
      absl::Time now = absl::Now();
      absl::MutexLock lock(&mu);
      created.emplace(ordinal, now);
      if (api::IsPodReady(pod)) ready.emplace(ordinal, now);
      if (static_cast<int>(ready.size()) >= replicas) break;
    }
  });

  // Scale from 0 to --replicas, as `ordoctl scale` does.
  apps::v1::StatefulSet set = *created_set;
  set.mutable_spec()->set_replicas(replicas);
  absl::Time start = absl::Now();
  for (int attempt = 0;; ++attempt) {
    auto updated = sets.Update(set);
    if (updated.ok()) break;
    auto fresh = sets.Get("default", name);  // the controller wrote status meanwhile
    if (!fresh.ok() || attempt > 10) {
      std::fprintf(stderr, "scale: %s\n", updated.status().ToString().c_str());
      return 1;
    }
    set = *fresh;
    set.mutable_spec()->set_replicas(replicas);
    start = absl::Now();
  }
  absl::Time deadline = start + absl::GetFlag(FLAGS_timeout);
  bool done = false;
  {
    absl::MutexLock lock(&mu);
    auto all_ready = [&] { return static_cast<int>(ready.size()) >= replicas; };
    done = mu.AwaitWithDeadline(absl::Condition(&all_ready), deadline);
  }
  watch_ctx.TryCancel();
  watcher.join();
  absl::MutexLock lock(&mu);
  absl::Time last = start;
  for (const auto& [ordinal, at] : ready) last = std::max(last, at);
  std::printf("%s: %d replicas Ready%s in %.2f s from the scale (%zu created)\n", policy.c_str(),
              static_cast<int>(ready.size()), done ? "" : " (TIMED OUT)",
              absl::ToDoubleSeconds(last - start), created.size());
  if (policy != ordo::api::kParallelPodManagement) {
    bench::Recorder step;
    for (int i = 0; i + 1 < replicas; ++i) {
      auto r = ready.find(i);
      auto c = created.find(i + 1);
      if (r != ready.end() && c != created.end()) step.Add(c->second - r->second);
    }
    bench::Recorder per_pod = step;
    std::printf(
        "controller overhead per ordered step (pod N Ready -> pod N+1 created): "
        "p50 %.2f ms, p99 %.2f ms, max %.2f ms over %zu steps\n",
        step.QuantileMs(0.5), step.QuantileMs(0.99), per_pod.QuantileMs(1.0), step.count());
  }
  return done ? 0 : 1;
}
