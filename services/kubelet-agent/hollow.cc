#include "services/kubelet-agent/hollow.h"

#include <thread>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "common/clock/timestamp.h"
#include "common/informer/shared_informer_factory.h"
#include "common/workqueue/work_queue.h"
#include "spdlog/spdlog.h"

namespace ordo::kubelet {
namespace {

// Node i's podCIDR: 10.<i/256>.<i%256>.0/24 (hollow addresses are never dialled).
std::string HollowCidr(int i) { return absl::StrCat("10.", 64 + i / 256, ".", i % 256, ".0/24"); }

}  // namespace

void HollowFleet::Run(std::stop_token stop) {
  api::ResourceClient<core::v1::Node> nodes(channel_, clock_);
  api::ResourceClient<coordination::v1::Lease> leases(channel_, clock_);
  api::ResourceClient<core::v1::Pod> pods(channel_, clock_);
  absl::flat_hash_map<std::string, int> index;  // node name -> number
  std::vector<std::unique_ptr<NodeHeartbeat>> beats;
  for (int i = 0; i < options_.nodes; ++i) {
    NodeOptions node = options_.node;
    node.name = absl::StrCat(options_.name_prefix, "-", i);
    node.pod_cidr = HollowCidr(i);
    index[node.name] = i;
    beats.push_back(std::make_unique<NodeHeartbeat>(node, nodes, leases, clock_));
  }
  // Register and heartbeat from `workers` threads, each owning a slice of nodes.
  std::vector<std::jthread> threads;
  for (int w = 0; w < options_.workers; ++w) {
    threads.emplace_back([&, w](std::stop_token) {
      for (size_t i = w; i < beats.size() && !stop.stop_requested(); i += options_.workers) {
        while (!stop.stop_requested()) {
          absl::Status s = beats[i]->Register();
          if (s.ok()) break;
          spdlog::warn("hollow node {}: {}", i, std::string(s.message()));
          SleepUntil(clock_, stop, clock_.Now() + absl::Seconds(1));
        }
      }
      while (!stop.stop_requested()) {
        absl::Time next = clock_.Now() + options_.heartbeat_interval;
        for (size_t i = w; i < beats.size() && !stop.stop_requested(); i += options_.workers) {
          absl::Status s = beats[i]->Beat();
          if (!s.ok()) spdlog::warn("hollow node {}: heartbeat: {}", i, std::string(s.message()));
        }
        SleepUntil(clock_, stop, next);
      }
    });
  }

  informer::SharedInformerFactory informers(channel_, clock_);
  auto& informer = informers.For<core::v1::Pod>();
  workqueue::WorkQueue queue(clock_);
  auto enqueue = [&](const informer::ObjectPtr<core::v1::Pod>& pod) {
    if (index.contains(pod->spec().node_name())) queue.Add(informer::KeyOf(pod->metadata()));
  };
  informer.AddEventHandler({.on_add = enqueue,
                            .on_update = [&](const auto&, const auto& pod) { enqueue(pod); },
                            .on_delete = nullptr});
  informers.Start();
  for (int w = 0; w < options_.workers; ++w) {
    threads.emplace_back([&](std::stop_token) {
      std::string key;
      while (queue.Get(&key)) {
        auto pod = informer.indexer().Get(key);
        absl::Status s = absl::OkStatus();
        if (pod != nullptr && pod->metadata().has_deletion_timestamp()) {
          meta::v1::DeleteRequest del;
          del.set_namespace_(pod->metadata().namespace_());
          del.set_name(pod->metadata().name());
          del.set_grace_period_seconds(0);
          del.mutable_preconditions()->set_uid(pod->metadata().uid());
          s = pods.Delete(del).status();
          if (absl::IsNotFound(s)) s = absl::OkStatus();
        } else if (pod != nullptr && pod->status().phase() != "Running") {
          core::v1::Pod update;
          *update.mutable_metadata() = pod->metadata();
          core::v1::PodStatus& st = *update.mutable_status();
          *st.mutable_conditions() = pod->status().conditions();
          absl::Time now = clock_.Now();
          st.set_phase("Running");
          int n = index[pod->spec().node_name()];
          std::string ip = absl::StrCat("10.", 64 + n / 256, ".", n % 256, ".",
                                        2 + std::hash<std::string>()(pod->metadata().uid()) % 250);
          st.set_pod_ip(ip);
          st.add_pod_ips()->set_ip(ip);
          st.set_host_ip(options_.node.address);
          SetTimestamp(st.mutable_start_time(), now);
          for (const char* type : {"Initialized", "Ready", "ContainersReady"}) {
            auto* c = st.add_conditions();
            c->set_type(type);
            c->set_status("True");
            SetTimestamp(c->mutable_last_transition_time(), now);
          }
          for (const auto& spec : pod->spec().containers()) {
            auto* cs = st.add_container_statuses();
            cs->set_name(spec.name());
            cs->set_image(spec.image());
            cs->set_ready(true);
            cs->set_started(true);
            SetTimestamp(cs->mutable_state()->mutable_running()->mutable_started_at(), now);
          }
          s = pods.UpdateStatus(update).status();
          if (absl::IsNotFound(s) || absl::IsAborted(s))
            s = absl::OkStatus();  // a newer event follows
        }
        if (s.ok()) {
          queue.Forget(key);
        } else {
          spdlog::warn("hollow pod {}: {}", key, std::string(s.message()));
          queue.AddRateLimited(key);
        }
        queue.Done(key);
      }
    });
  }
  spdlog::info("hollow fleet of {} nodes running", options_.nodes);
  SleepUntil(clock_, stop, absl::InfiniteFuture());
  queue.ShutDown();
  informers.Stop();
  threads.clear();  // joins workers and heartbeats before the queue goes
}

}  // namespace ordo::kubelet
