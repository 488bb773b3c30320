#include "services/scheduler/scheduler.h"

#include <thread>

#include "absl/strings/str_cat.h"
#include "common/api/pod_conditions.h"
#include "common/api/well_known.h"
#include "services/scheduler/predicates.h"
#include "spdlog/spdlog.h"

namespace ordo::scheduler {
namespace {

using api::kDefaultClassAnnotation;
using api::kSelectedNodeAnnotation;

bool Terminal(const core::v1::Pod& pod) {
  return pod.status().phase() == "Succeeded" || pod.status().phase() == "Failed";
}

}  // namespace

int NodesToFind(int nodes) {
  if (nodes <= 100) return nodes;
  int percentage = std::max(5, 50 - nodes / 125);
  return std::max(100, nodes * percentage / 100);
}

Scheduler::Scheduler(SchedulerListers listers, SchedulerClient& client, Clock& clock,
                     SchedulerOptions options)
    : listers_(listers),
      client_(client),
      clock_(clock),
      options_(std::move(options)),
      queue_(clock),
      metrics_registry_(options_.metrics != nullptr ? options_.metrics
                                                    : std::make_shared<prometheus::Registry>()),
      metrics_(*metrics_registry_, options_.name) {
  queue_.SetName("scheduler");
}

informer::EventHandler<core::v1::Pod> Scheduler::PodHandler() {
  return {.on_add = [this](const auto& p) { OnPod(p); },
          .on_update = [this](const auto&, const auto& p) { OnPod(p); },
          .on_delete = [this](const auto& p) { OnPodDeleted(p); }};
}

informer::EventHandler<core::v1::Node> Scheduler::NodeHandler() {
  return {.on_add = [this](const auto& n) { OnNode(n); },
          .on_update = [this](const auto&, const auto& n) { OnNode(n); },
          .on_delete = [this](const auto& n) { OnNodeDeleted(n); }};
}

Scheduler::~Scheduler() = default;

void Scheduler::OnPod(const informer::ObjectPtr<core::v1::Pod>& pod) {
  std::string key = informer::KeyOf(pod->metadata());
  if (!pod->spec().node_name().empty()) {
    absl::MutexLock lock(&mu_);
    if (Terminal(*pod)) {
      Unplace(key);
    } else if (!placed_.contains(key)) {
      Place(key, pod->spec().node_name(), *pod);
    }
    return;
  }
  const std::string& name = pod->spec().scheduler_name();
  if (!name.empty() && name != options_.name) return;
  if (pod->metadata().has_deletion_timestamp()) return;
  {
    absl::MutexLock lock(&mu_);
    if (unschedulable_.contains(key)) return;  // waits for the cluster to change
  }
  queue_.Add(key);
}

void Scheduler::OnPodDeleted(const informer::ObjectPtr<core::v1::Pod>& pod) {
  std::string key = informer::KeyOf(pod->metadata());
  {
    absl::MutexLock lock(&mu_);
    Unplace(key);
    unschedulable_.erase(key);
    first_attempt_.erase(key);
  }
  RetryUnschedulable();  // room was freed
}

void Scheduler::OnNode(const informer::ObjectPtr<core::v1::Node>& node) {
  {
    absl::MutexLock lock(&mu_);
    NodeInfo& info = nodes_[node->metadata().name()];
    if (info.node == nullptr) node_order_stale_ = true;
    NodeInfo fresh = MakeNodeInfo(node);
    info.node = fresh.node;
    info.ready = fresh.ready;
    info.allocatable = fresh.allocatable;
  }
  RetryUnschedulable();
}

void Scheduler::OnNodeDeleted(const informer::ObjectPtr<core::v1::Node>& node) {
  absl::MutexLock lock(&mu_);
  nodes_.erase(node->metadata().name());
  node_order_stale_ = true;
  node_order_.clear();  // it pointed into the erased entry
}

void Scheduler::RetryUnschedulable() {
  absl::flat_hash_set<std::string> waiting;
  {
    absl::MutexLock lock(&mu_);
    waiting.swap(unschedulable_);
  }
  for (const auto& key : waiting) queue_.Add(key);
  ReportPending();
}

void Scheduler::ReportPending() {
  size_t unschedulable;
  {
    absl::MutexLock lock(&mu_);
    unschedulable = unschedulable_.size();
  }
  metrics_.active_pods.Set(static_cast<double>(queue_.Len()));
  metrics_.unschedulable_pods.Set(static_cast<double>(unschedulable));
}

void Scheduler::Place(const std::string& key, const std::string& node, const core::v1::Pod& pod) {
  Placement p{node, PodRequests(pod), ControllerUid(pod)};
  NodeInfo& info = nodes_[node];  // a node not seen yet still counts what it holds
  info.requested.milli_cpu += p.requests.milli_cpu;
  info.requested.memory += p.requests.memory;
  info.requested.pods += 1;
  info.requested.nonzero_milli_cpu += p.requests.nonzero_milli_cpu;
  info.requested.nonzero_memory += p.requests.nonzero_memory;
  if (!p.owner.empty()) ++info.pods_by_owner[p.owner];
  placed_[key] = std::move(p);
}

void Scheduler::Unplace(const std::string& key) {
  auto it = placed_.find(key);
  if (it == placed_.end()) return;
  const Placement& p = it->second;
  if (auto n = nodes_.find(p.node); n != nodes_.end()) {
    n->second.requested.milli_cpu -= p.requests.milli_cpu;
    n->second.requested.memory -= p.requests.memory;
    n->second.requested.pods -= 1;
    n->second.requested.nonzero_milli_cpu -= p.requests.nonzero_milli_cpu;
    n->second.requested.nonzero_memory -= p.requests.nonzero_memory;
    if (!p.owner.empty() && --n->second.pods_by_owner[p.owner] <= 0) {
      n->second.pods_by_owner.erase(p.owner);
    }
  }
  placed_.erase(it);
}

Scheduler::PodClaims Scheduler::ClaimsOf(const core::v1::Pod& pod) {
  PodClaims out;
  const std::string& ns = pod.metadata().namespace_();
  for (const auto& v : pod.spec().volumes()) {
    if (!v.has_persistent_volume_claim()) continue;
    const std::string& name = v.persistent_volume_claim().claim_name();
    auto claim = listers_.claims.Get(ns, name);
    if (claim == nullptr) {
      out.problem = absl::StrCat("persistentvolumeclaim \"", name, "\" not found");
      return out;
    }
    if (claim->metadata().has_deletion_timestamp()) {
      out.problem = absl::StrCat("persistentvolumeclaim \"", name, "\" is being deleted");
      return out;
    }
    if (!claim->spec().volume_name().empty()) {
      auto volume = listers_.volumes.Get("", claim->spec().volume_name());
      if (volume != nullptr) out.bound.push_back(volume);
      continue;
    }
    // Unbound: a class that waits for its first consumer provisions where the pod goes.
    std::shared_ptr<const storage::v1::StorageClass> sc;
    if (claim->spec().has_storage_class_name()) {
      sc = listers_.classes.Get("", claim->spec().storage_class_name());
    } else {
      for (const auto& c : listers_.classes.List()) {
        auto it = c->metadata().annotations().find(kDefaultClassAnnotation);
        if (it != c->metadata().annotations().end() && it->second == "true") sc = c;
      }
    }
    if (sc != nullptr && sc->volume_binding_mode() == "WaitForFirstConsumer") {
      out.to_select.push_back(name);
      continue;
    }
    out.problem = "pod has unbound immediate PersistentVolumeClaims";
    return out;
  }
  return out;
}

absl::Status Scheduler::SelectNode(const std::string& ns, const std::vector<std::string>& claims,
                                   const std::string& node) {
  for (const auto& name : claims) {
    for (int attempt = 0;; ++attempt) {
      auto claim = client_.GetClaim(ns, name);
      if (!claim.ok()) return claim.status();
      if (!claim->spec().volume_name().empty()) break;  // bound meanwhile
      auto& annotations = *claim->mutable_metadata()->mutable_annotations();
      if (annotations[kSelectedNodeAnnotation] == node) break;
      annotations[kSelectedNodeAnnotation] = node;
      absl::Status s = client_.UpdateClaim(*claim).status();
      if (s.ok()) break;
      if (!absl::IsAborted(s) || attempt >= 3) return s;
    }
  }
  return absl::OkStatus();
}

void Scheduler::ScheduleOne(const std::string& key) {
  auto [pod_ns, pod_name] = informer::SplitKey(key);
  auto pod = listers_.pods.Get(pod_ns, pod_name);
  if (pod == nullptr || !pod->spec().node_name().empty() ||
      pod->metadata().has_deletion_timestamp()) {
    queue_.Forget(key);
    return;
  }
  Resources requests = PodRequests(*pod);
  PodClaims claims = ClaimsOf(*pod);
  const VolumeAffinities& volumes = claims.bound;
  const std::string owner = ControllerUid(*pod);
  std::string chosen;
  std::map<std::string, int> reasons;
  int total = 0;
  {
    absl::MutexLock lock(&mu_);
    if (placed_.contains(key)) return;  // assumed; its bind is under way
    first_attempt_.try_emplace(key, clock_.Now());
    if (node_order_stale_) {
      node_order_.clear();
      for (auto& [name, info] : nodes_) {
        if (info.node != nullptr) node_order_.emplace_back(name, &info);
      }
      node_order_stale_ = false;
    }
    total = static_cast<int>(node_order_.size());
    if (!claims.problem.empty()) {
      reasons[claims.problem] = total;
      unschedulable_.insert(key);
    }
    int wanted = claims.problem.empty() ? NodesToFind(total) : 0;
    int feasible = 0;
    int64_t best = INT64_MIN;
    size_t start = total == 0 ? 0 : next_start_ % total;
    int examined = 0;
    for (; examined < total && feasible < wanted; ++examined) {
      const auto& [name, info_ptr] = node_order_[(start + examined) % total];
      const NodeInfo& info = *info_ptr;
      std::vector<std::string> why = Filter(*pod, requests, info, volumes);
      if (!why.empty()) {
        for (const auto& w : why) ++reasons[w];
        continue;
      }
      ++feasible;
      int64_t score = Score(owner, requests, info);
      if (score > best) {
        best = score;
        chosen = name;
      }
    }
    next_start_ = start + examined;
    if (!chosen.empty()) {
      Place(key, chosen, *pod);
    } else {
      unschedulable_.insert(key);
    }
  }
  if (chosen.empty()) {
    metrics_.unschedulable.Increment();
    ReportUnschedulable(*pod, FitErrorMessage(total, reasons));
    return;
  }
  absl::MutexLock lock(&bind_mu_);
  binds_.push_back({key, pod->metadata().namespace_(), pod->metadata().name(),
                    pod->metadata().uid(), chosen, std::move(claims.to_select)});
}

void Scheduler::ReportUnschedulable(const core::v1::Pod& pod, const std::string& message) {
  for (const auto& c : pod.status().conditions()) {
    if (c.type() == "PodScheduled" && c.status() == "False" && c.message() == message) return;
  }
  core::v1::Pod update;
  *update.mutable_metadata() = pod.metadata();
  *update.mutable_status() = pod.status();
  if (update.status().phase().empty()) update.mutable_status()->set_phase("Pending");
  api::SetPodCondition(*update.mutable_status(), "PodScheduled", "False", "Unschedulable", message,
                       clock_.Now());
  if (options_.events != nullptr) {
    options_.events->Record(events::ReferenceTo(pod, "v1", "Pod"), events::kEventWarning,
                            "FailedScheduling", message);
  }
  absl::Status s = client_.UpdatePodStatus(update);
  if (!s.ok() && !absl::IsNotFound(s) && !absl::IsAborted(s)) {
    spdlog::warn("pod {}: reporting unschedulable: {}", informer::KeyOf(pod.metadata()),
                 std::string(s.message()));
  }
  spdlog::info("pod {} is unschedulable: {}", informer::KeyOf(pod.metadata()), message);
}

void Scheduler::BindLoop() {
  for (;;) {
    BindTask task;
    {
      absl::MutexLock lock(&bind_mu_);
      bind_mu_.Await(absl::Condition(
          +[](Scheduler* s)
               ABSL_NO_THREAD_SAFETY_ANALYSIS { return s->stopping_ || !s->binds_.empty(); },
          this));
      if (binds_.empty()) return;
      task = std::move(binds_.front());
      binds_.pop_front();
    }
    Bind(std::move(task));
  }
}

bool Scheduler::BindNext() {
  BindTask task;
  {
    absl::MutexLock lock(&bind_mu_);
    if (binds_.empty()) return false;
    task = std::move(binds_.front());
    binds_.pop_front();
  }
  Bind(std::move(task));
  return true;
}

void Scheduler::Bind(BindTask task) {
  if (absl::Status selected = SelectNode(task.ns, task.claims_to_select, task.node);
      !selected.ok()) {
    spdlog::warn("pod {}: marking its claims for {}: {}", task.key, task.node,
                 std::string(selected.message()));
    metrics_.error.Increment();
    absl::MutexLock lock(&mu_);
    Unplace(task.key);
    queue_.AddRateLimited(task.key);
    return;
  }
  absl::Status s = client_.Bind(task.ns, task.name, task.uid, task.node);
  if (s.ok()) {
    bound_.fetch_add(1);
    queue_.Forget(task.key);
    metrics_.scheduled.Increment();
    if (options_.events != nullptr) {
      options_.events->Record(
          events::PodReference(task.ns, task.name, task.uid), events::kEventNormal, "Scheduled",
          absl::StrCat("Successfully assigned ", task.ns, "/", task.name, " to ", task.node));
    }
    absl::MutexLock lock(&mu_);
    if (auto it = first_attempt_.find(task.key); it != first_attempt_.end()) {
      metrics_.scheduling_duration.Observe(absl::ToDoubleSeconds(clock_.Now() - it->second));
      first_attempt_.erase(it);
    }
    return;
  }
  metrics_.error.Increment();
  spdlog::warn("binding {} to {}: {}", task.key, task.node, std::string(s.message()));
  {
    absl::MutexLock lock(&mu_);
    Unplace(task.key);
  }
  if (!absl::IsNotFound(s)) queue_.AddRateLimited(task.key);
}

bool Scheduler::ScheduleNext() {
  std::string key;
  if (!queue_.TryGet(&key)) return false;
  ScheduleOne(key);
  queue_.Done(key);
  ReportPending();
  return true;
}

void Scheduler::Run(std::stop_token stop) {
  std::vector<std::thread> binders;
  for (int i = 0; i < options_.binders; ++i) binders.emplace_back([this] { BindLoop(); });
  std::thread scheduling([this] {
    std::string key;
    while (queue_.Get(&key)) {
      ScheduleOne(key);
      queue_.Done(key);
      ReportPending();
    }
  });
  std::stop_callback on_stop(stop, [this] { queue_.ShutDown(); });
  scheduling.join();
  {
    absl::MutexLock lock(&bind_mu_);
    stopping_ = true;
  }
  for (auto& b : binders) b.join();
}

}  // namespace ordo::scheduler
