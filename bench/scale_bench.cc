// ordo-scale-bench: the load of `make bench-scale` (bench/scale.sh), which has
// the api-server, scheduler, controller-manager and hollow nodes running.
// Creates --namespaces namespaces, --sets StatefulSets of --replicas pods
// (Parallel, each with its headless Service, so the endpoints controller and
// ordo-dns carry every pod) and --pods plain pods, spread over the
// namespaces, from --clients threads. Meanwhile it renews a Lease every
// --probe_interval, as a leader would, to sample a mutating call's latency
// under the load, and follows every pod through an informer (which lists in
// pages and relists when its watch falls behind) until all are Running.
// Prints one "scale: <name> <value>" line per figure for the script to read.
// Never run by `make test`.
#include <atomic>
#include <cstdio>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "bench/latency.h"
#include "common/api/resource_client.h"
#include "common/api/statefulset.h"
#include "common/clock/clock.h"
#include "common/clock/timestamp.h"
#include "common/informer/shared_informer_factory.h"
#include "common/server/channel.h"

ABSL_FLAG(std::string, server, "127.0.0.1:6443", "api-server address");
ABSL_FLAG(int, namespaces, 100, "namespaces the objects are spread over");
ABSL_FLAG(int, sets, 1400, "StatefulSets (Parallel), each with a headless Service");
ABSL_FLAG(int, replicas, 100, "replicas of each StatefulSet");
ABSL_FLAG(int, pods, 10000, "plain pods, besides the sets'");
ABSL_FLAG(int, clients, 8, "threads creating the objects");
ABSL_FLAG(absl::Duration, probe_interval, absl::Milliseconds(100),
          "how often the Lease is renewed");
ABSL_FLAG(absl::Duration, timeout, absl::Minutes(30), "give up after this long");

namespace {

using namespace ordo;  // NOLINT: a benchmark's main

std::string NamespaceOf(int i) {
  return absl::StrCat("scale-", i % absl::GetFlag(FLAGS_namespaces));
}

// A pod spec of realistic size (about 1 KiB stored): two containers with
// ports, environment, requests and limits.
void FillPodSpec(core::v1::PodSpec& spec) {
  for (const char* name : {"app", "sidecar"}) {
    auto* c = spec.add_containers();
    c->set_name(name);
    c->set_image(absl::StrCat("registry.example.com/team/", name, ":1.24.3"));
    c->add_args("--config=/etc/app/config.yaml");
    auto* port = c->add_ports();
    port->set_name("http");
    port->set_container_port(8080);
    for (const char* env : {"LOG_LEVEL", "REGION", "FEATURE_FLAGS"}) {
      auto* e = c->add_env();
      e->set_name(env);
      e->set_value("production-eu-west-1");
    }
    (*c->mutable_resources()->mutable_requests())["cpu"] = "5m";
    (*c->mutable_resources()->mutable_requests())["memory"] = "8Mi";
    (*c->mutable_resources()->mutable_limits())["cpu"] = "100m";
    (*c->mutable_resources()->mutable_limits())["memory"] = "64Mi";
  }
}

core::v1::Service HeadlessService(int i) {
  core::v1::Service svc;
  svc.mutable_metadata()->set_name(absl::StrCat("s-", i));
  svc.mutable_metadata()->set_namespace_(NamespaceOf(i));
  svc.mutable_spec()->set_cluster_ip("None");
  (*svc.mutable_spec()->mutable_selector())["app"] = absl::StrCat("s-", i);
  auto* port = svc.mutable_spec()->add_ports();
  port->set_name("http");
  port->set_port(8080);
  return svc;
}

apps::v1::StatefulSet NewSet(int i, int replicas) {
  const std::string name = absl::StrCat("s-", i);
  apps::v1::StatefulSet set;
  set.mutable_metadata()->set_name(name);
  set.mutable_metadata()->set_namespace_(NamespaceOf(i));
  auto& spec = *set.mutable_spec();
  spec.set_replicas(replicas);
  (*spec.mutable_selector()->mutable_match_labels())["app"] = name;
  spec.set_service_name(name);
  spec.set_pod_management_policy(api::kParallelPodManagement);
  auto* tmpl = spec.mutable_template_();
  (*tmpl->mutable_metadata()->mutable_labels())["app"] = name;
  (*tmpl->mutable_metadata()->mutable_labels())["tier"] = "backend";
  FillPodSpec(*tmpl->mutable_spec());
  return set;
}

core::v1::Pod NewPod(int j) {
  core::v1::Pod pod;
  pod.mutable_metadata()->set_name(absl::StrCat("pod-", j));
  pod.mutable_metadata()->set_namespace_(NamespaceOf(j));
  (*pod.mutable_metadata()->mutable_labels())["app"] = "plain";
  FillPodSpec(*pod.mutable_spec());
  return pod;
}

// Times `call` into `rec`; prints and counts a failure.
template <typename Call>
bool Timed(bench::Recorder& rec, std::atomic<int>& errors, const char* what, Call call) {
  absl::Time start = absl::Now();
  absl::Status s = call();
  rec.Add(absl::Now() - start);
  if (s.ok() || absl::IsAlreadyExists(s)) return true;
  if (errors.fetch_add(1) < 5) std::fprintf(stderr, "%s: %s\n", what, s.ToString().c_str());
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const int namespaces = absl::GetFlag(FLAGS_namespaces);
  const int sets = absl::GetFlag(FLAGS_sets);
  const int replicas = absl::GetFlag(FLAGS_replicas);
  const int plain = absl::GetFlag(FLAGS_pods);
  const int clients = absl::GetFlag(FLAGS_clients);
  const size_t expected = static_cast<size_t>(sets) * replicas + plain;
  auto channel = server::NewChannel(absl::GetFlag(FLAGS_server));

  // Every pod seen Running, by namespace/name.
  absl::Mutex mu;
  absl::flat_hash_set<std::string> running;
  informer::SharedInformerFactory informers(channel, SystemClock());
  auto& pods_informer = informers.For<core::v1::Pod>();
  auto seen = [&](const informer::ObjectPtr<core::v1::Pod>& pod) {
    if (pod->status().phase() != "Running") return;
    absl::MutexLock lock(&mu);
    running.insert(absl::StrCat(pod->metadata().namespace_(), "/", pod->metadata().name()));
  };
  pods_informer.AddEventHandler(
      {.on_add = seen, .on_update = [&](const auto&, const auto& pod) { seen(pod); }});
  informers.Start();
  std::stop_source stop_sync;
  if (!informers.WaitForCacheSync(stop_sync.get_token())) return 1;

  std::atomic<int> errors{0};
  api::ResourceClient<core::v1::Namespace> namespace_client(channel, SystemClock());
  for (int i = 0; i < namespaces; ++i) {
    core::v1::Namespace ns;
    ns.mutable_metadata()->set_name(absl::StrCat("scale-", i));
    absl::Status s = namespace_client.Create(ns).status();
    if (!s.ok() && !absl::IsAlreadyExists(s)) {
      std::fprintf(stderr, "namespace: %s\n", s.ToString().c_str());
      return 1;
    }
  }

  const absl::Time start = absl::Now();
  const absl::Time deadline = start + absl::GetFlag(FLAGS_timeout);
  std::atomic<bool> done{false};

  // The probe: a Lease renewed on a period until every pod runs.
  bench::Recorder probe;
  std::thread prober([&] {
    api::ResourceClient<coordination::v1::Lease> leases(channel, SystemClock());
    coordination::v1::Lease lease;
    lease.mutable_metadata()->set_name("scale-probe");
    lease.mutable_metadata()->set_namespace_("default");
    lease.mutable_spec()->set_holder_identity("ordo-scale-bench");
    auto created = leases.Create(lease);
    if (!created.ok()) {
      std::fprintf(stderr, "lease: %s\n", created.status().ToString().c_str());
      return;
    }
    lease = *created;
    while (!done.load()) {
      absl::SleepFor(absl::GetFlag(FLAGS_probe_interval));
      SetTimestamp(lease.mutable_spec()->mutable_renew_time(), absl::Now());
      absl::StatusOr<coordination::v1::Lease> renewed;
      Timed(probe, errors, "renew lease", [&] {
        renewed = leases.Update(lease);
        return renewed.status();
      });
      if (renewed.ok()) lease = *renewed;
    }
  });

  // The creates: work item w < sets is set w with its Service; the rest are
  // plain pods. Each thread takes every clients-th item.
  std::vector<bench::Recorder> creates(clients);
  std::vector<std::thread> creators;
  for (int c = 0; c < clients; ++c) {
    creators.emplace_back([&, c] {
      api::ResourceClient<core::v1::Service> services(channel, SystemClock());
      api::ResourceClient<apps::v1::StatefulSet> statefulsets(channel, SystemClock());
      api::ResourceClient<core::v1::Pod> pods(channel, SystemClock());
      for (int w = c; w < sets + plain; w += clients) {
        if (w < sets) {
          Timed(creates[c], errors, "create service",
                [&] { return services.Create(HeadlessService(w)).status(); });
          Timed(creates[c], errors, "create statefulset",
                [&] { return statefulsets.Create(NewSet(w, replicas)).status(); });
        } else {
          Timed(creates[c], errors, "create pod",
                [&] { return pods.Create(NewPod(w - sets)).status(); });
        }
      }
    });
  }
  for (auto& t : creators) t.join();
  const absl::Time created = absl::Now();

  bool all_running = false;
  {
    absl::MutexLock lock(&mu);
    auto all = [&] { return running.size() >= expected; };
    all_running = mu.AwaitWithDeadline(absl::Condition(&all), deadline);
  }
  const absl::Time finished = absl::Now();
  done = true;
  prober.join();
  informers.Stop();

  bench::Recorder all_creates;
  for (const auto& r : creates) all_creates.Merge(r);
  size_t seen_running = 0;
  {
    absl::MutexLock lock(&mu);
    seen_running = running.size();
  }
  std::printf("scale: pods_expected %zu\n", expected);
  std::printf("scale: pods_running %zu\n", seen_running);
  std::printf("scale: created_seconds %.1f\n", absl::ToDoubleSeconds(created - start));
  std::printf("scale: running_seconds %.1f%s\n", absl::ToDoubleSeconds(finished - start),
              all_running ? "" : " (TIMED OUT)");
  std::printf("scale: create_calls %zu\n", all_creates.count());
  std::printf("scale: create_p50_ms %.2f\n", all_creates.QuantileMs(0.5));
  std::printf("scale: create_p99_ms %.2f\n", all_creates.QuantileMs(0.99));
  std::printf("scale: probe_calls %zu\n", probe.count());
  std::printf("scale: probe_p50_ms %.2f\n", probe.QuantileMs(0.5));
  std::printf("scale: probe_p99_ms %.2f\n", probe.QuantileMs(0.99));
  std::printf("scale: probe_max_ms %.2f\n", probe.QuantileMs(1.0));
  std::printf("scale: errors %d\n", errors.load());
  return all_running && errors.load() == 0 ? 0 : 1;
}
