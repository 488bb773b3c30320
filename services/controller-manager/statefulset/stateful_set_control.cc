#include "services/controller-manager/statefulset/stateful_set_control.h"

#include <google/protobuf/util/message_differencer.h>

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "common/api/statefulset.h"
#include "common/api/well_known.h"
#include "common/clock/timestamp.h"
#include "common/status/status_macros.h"
#include "services/controller-manager/statefulset/pod_identity.h"
#include "services/controller-manager/statefulset/revisions.h"
#include "services/controller-manager/statefulset/slow_start_batch.h"

namespace ordo::statefulset {

using apps::v1::StatefulSet;
using apps::v1::StatefulSetStatus;

namespace {

bool IsRollingUpdate(const StatefulSet& set) {
  return set.spec().update_strategy().type() != api::kOnDeleteStrategy;
}

int Partition(const StatefulSet& set) {
  const auto& u = set.spec().update_strategy();
  return u.has_rolling_update() ? u.rolling_update().partition() : 0;
}

// maxUnavailable scaled to the replicas, rounded down, at least 1 (§2.8).
int MaxUnavailable(const StatefulSet& set) {
  const auto& u = set.spec().update_strategy();
  if (!u.has_rolling_update() || !u.rolling_update().has_max_unavailable()) return 1;
  const auto& v = u.rolling_update().max_unavailable();
  int value = 1;
  if (v.has_number_value()) {
    value = static_cast<int>(v.number_value());
  } else if (v.has_string_value()) {
    std::string s = v.string_value();
    if (!s.empty() && s.back() == '%') s.pop_back();
    int percent = std::atoi(s.c_str());
    value = static_cast<int>(std::floor(percent * Replicas(set) / 100.0));
  }
  return std::max(1, value);
}

bool IsParallel(const StatefulSet& set) {
  return set.spec().pod_management_policy() == api::kParallelPodManagement;
}

std::shared_ptr<core::v1::Pod> MarkTerminating(const core::v1::Pod& pod, absl::Time now) {
  auto copy = std::make_shared<core::v1::Pod>(pod);
  if (!copy->metadata().has_deletion_timestamp()) {
    SetTimestamp(copy->mutable_metadata()->mutable_deletion_timestamp(), now);
  }
  return copy;
}

}  // namespace

// The work of one Sync over one set: its pods split into replicas and
// condemned, walked through phases A, C and D, and the resulting status.
class DefaultStatefulSetControl::Step {
 public:
  Step(DefaultStatefulSetControl& control, const StatefulSet& set,
       const RevisionHistory::Revisions& revisions, core::v1::PodTemplateSpec current_template,
       core::v1::PodTemplateSpec update_template)
      : c_(control),
        set_(set),
        rev_(revisions),
        current_template_(std::move(current_template)),
        update_template_(std::move(update_template)),
        now_(control.clock_.Now()),
        monotonic_(!IsParallel(set)),
        min_ready_(set.spec().min_ready_seconds()) {}

  void Split(const std::vector<PodPtr>& pods) {
    int start = StartOrdinal(set_);
    int count = Replicas(set_);
    replicas_.assign(count, nullptr);
    for (const auto& pod : pods) {
      auto parsed = ParsePodName(pod->metadata().name());
      if (!parsed.has_value()) continue;
      if (parsed->ordinal >= start && parsed->ordinal < start + count) {
        replicas_[parsed->ordinal - start] = pod;
      } else {
        condemned_.push_back(pod);
      }
    }
    for (int i = 0; i < count; ++i) {
      if (replicas_[i] == nullptr) replicas_[i] = Placeholder(i);
    }
    std::sort(condemned_.begin(), condemned_.end(), [](const PodPtr& a, const PodPtr& b) {
      return ParsePodName(a->metadata().name())->ordinal >
             ParsePodName(b->metadata().name())->ordinal;
    });
    // The first unavailable pod: replicas by index, then condemned by ordinal.
    for (const auto& pod : replicas_) {
      if (first_unavailable_ == nullptr && IsUnavailable(*pod, min_ready_, now_)) {
        first_unavailable_ = pod;
      }
    }
    for (auto it = condemned_.rbegin(); it != condemned_.rend(); ++it) {
      if (first_unavailable_ == nullptr && IsUnavailable(**it, min_ready_, now_)) {
        first_unavailable_ = *it;
      }
    }
  }

  // Phases A, C and D; stops early where OrderedReady must wait.
  absl::Status Run() {
    if (set_.metadata().has_deletion_timestamp()) return absl::OkStatus();
    bool stop = false;
    ORDO_RETURN_IF_ERROR(ForAll(
        static_cast<int>(replicas_.size()), [this](int i, bool& s) { return ProcessReplica(i, s); },
        stop));
    if (stop) return absl::OkStatus();
    // B: condemned pods' claims get their owners before any of them goes, so
    // a claim is collected only after its pod is gone.
    for (const auto& pod : condemned_) {
      ORDO_RETURN_IF_ERROR(FixClaimOwners(*pod, /*condemned=*/true));
    }
    ORDO_RETURN_IF_ERROR(DeleteAbandonedClaims());
    ORDO_RETURN_IF_ERROR(ForAll(
        static_cast<int>(condemned_.size()),
        [this](int i, bool& s) { return ProcessCondemned(i, s); }, stop));
    if (stop) return absl::OkStatus();
    return RollingUpdate();
  }

  StatefulSetStatus Status() const {
    StatefulSetStatus status = set_.status();
    status.set_observed_generation(set_.metadata().generation());
    status.set_current_revision(rev_.current->metadata().name());
    status.set_update_revision(rev_.update->metadata().name());
    status.set_collision_count(rev_.collision_count);
    int created = 0, ready = 0, available = 0, current = 0, updated = 0, terminating = 0;
    auto count = [&](const core::v1::Pod& pod) {
      if (!IsCreated(pod)) return;
      ++created;
      if (IsRunningAndReady(pod)) ++ready;
      if (IsRunningAndAvailable(pod, min_ready_, now_)) ++available;
      if (IsTerminating(pod)) {
        ++terminating;
        return;
      }
      if (RevisionOf(pod) == status.current_revision()) ++current;
      if (RevisionOf(pod) == status.update_revision()) ++updated;
    };
    for (const auto& pod : replicas_) count(*pod);
    for (const auto& pod : condemned_) count(*pod);
    status.set_replicas(created);
    status.set_ready_replicas(ready);
    status.set_available_replicas(available);
    status.set_current_replicas(current);
    status.set_updated_replicas(updated);
    status.set_terminating_replicas(terminating);
    int want = Replicas(set_);
    // The rollout is complete only when every replica is updated, Ready and
    // Available (reference §2.10, our choice), whatever the strategy.
    if (updated == want && ready == want && created == want && available == want) {
      status.set_current_revision(status.update_revision());
      status.set_current_replicas(updated);
    }
    SetConditions(status, want);
    return status;
  }

  // When a Ready pod will have been Ready for minReadySeconds.
  absl::Duration NextAvailability() const {
    if (min_ready_ <= 0) return absl::InfiniteDuration();
    absl::Duration soonest = absl::InfiniteDuration();
    for (const auto& pod : replicas_) {
      auto since = ReadySince(*pod);
      if (!since.has_value() || !IsCreated(*pod)) continue;
      absl::Time at = *since + absl::Seconds(min_ready_);
      if (at > now_) soonest = std::min(soonest, at - now_);
    }
    return soonest;
  }

  const std::vector<PodPtr>& replicas() const { return replicas_; }
  const std::vector<PodPtr>& condemned() const { return condemned_; }

 private:
  // Monotonic: in order, stopping at the first step that says stop.
  // Burst: every index, in slow-start batches; "stop" is ignored.
  template <typename Fn>
  absl::Status ForAll(int count, Fn fn, bool& stop) {
    if (monotonic_) {
      for (int i = 0; i < count; ++i) {
        bool s = false;
        absl::Status status = fn(i, s);
        if (!status.ok()) {
          stop = true;
          return status;
        }
        if (s) {
          stop = true;
          return absl::OkStatus();
        }
      }
      return absl::OkStatus();
    }
    return SlowStartBatch(count, [&](int i) {
      bool ignored = false;
      return fn(i, ignored);
    });
  }

  bool UsesCurrentRevision(int index) const {
    const auto& u = set_.spec().update_strategy();
    if (IsRollingUpdate(set_) && !u.has_rolling_update()) {
      return index < set_.status().current_replicas();
    }
    return u.has_rolling_update() && index < u.rolling_update().partition();
  }

  PodPtr Placeholder(int index) const {
    int ordinal = StartOrdinal(set_) + index;
    if (UsesCurrentRevision(index)) {
      return std::make_shared<core::v1::Pod>(
          NewStatefulSetPod(set_, current_template_, rev_.current->metadata().name(), ordinal));
    }
    return std::make_shared<core::v1::Pod>(
        NewStatefulSetPod(set_, update_template_, rev_.update->metadata().name(), ordinal));
  }

  absl::Status DeletePod(PodPtr& slot) {
    ORDO_RETURN_IF_ERROR(c_.pods_.DeletePod(set_, *slot));
    slot = MarkTerminating(*slot, now_);
    return absl::OkStatus();
  }

  // A claim still being deleted is never reused: the pod waits, and the
  // Progressing condition says on what (reference §2.6, §5 row 11).
  absl::Status CreateMissingClaims(const core::v1::Pod& pod) {
    absl::Status s = c_.pods_.CreateMissingClaims(set_, pod);
    if (absl::IsFailedPrecondition(s)) {
      absl::MutexLock lock(&mu_);
      waiting_on_claim_ = absl::StrCat("pod ", pod.metadata().name(), " waits: ", s.message());
    }
    return s;
  }

  absl::Status CreatePod(PodPtr& slot) {
    ORDO_RETURN_IF_ERROR(CreateMissingClaims(*slot));
    ORDO_ASSIGN_OR_RETURN(core::v1::Pod created, c_.pods_.CreatePod(set_, *slot));
    slot = std::make_shared<core::v1::Pod>(std::move(created));
    return absl::OkStatus();
  }

  absl::Status FixClaimOwners(const core::v1::Pod& pod, bool condemned) {
    return c_.pods_.UpdateClaimOwners(set_, pod, condemned);
  }

  absl::Status DeleteAbandonedClaims() {
    absl::flat_hash_set<int> with_pod;
    for (const auto* pods : {&replicas_, &condemned_}) {
      for (const auto& pod : *pods) {
        if (IsCreated(*pod)) with_pod.insert(ParsePodName(pod->metadata().name())->ordinal);
      }
    }
    return c_.pods_.DeleteAbandonedClaims(set_, with_pod);
  }

  // An unavailable pod of an old revision whose index is due the update
  // revision: replacing it cannot lower availability, and waiting for it may
  // wait forever (kubernetes#67250).
  bool IsStuckOldRevision(int index) const {
    const auto& pod = *replicas_[index];
    return IsRollingUpdate(set_) && !IsTerminating(pod) && IsUnavailable(pod, min_ready_, now_) &&
           RevisionOf(pod) != rev_.update->metadata().name() && !UsesCurrentRevision(index);
  }

  absl::Status ProcessReplica(int i, bool& stop) {
    PodPtr& slot = replicas_[i];
    if (IsFailed(*slot) || IsSucceeded(*slot)) {
      // Replaced on a later sync, once the old object has left the store.
      if (!IsTerminating(*slot)) ORDO_RETURN_IF_ERROR(DeletePod(slot));
      stop = true;
      return absl::OkStatus();
    }
    if (!IsCreated(*slot)) {
      if (c_.pods_.ClaimIsStale(set_, *slot)) {
        stop = true;
        return absl::OkStatus();
      }
      ORDO_RETURN_IF_ERROR(CreatePod(slot));
      ORDO_RETURN_IF_ERROR(FixClaimOwners(*slot, /*condemned=*/false));
      stop = monotonic_;
      return absl::OkStatus();
    }
    if (IsPending(*slot)) ORDO_RETURN_IF_ERROR(CreateMissingClaims(*slot));
    if (monotonic_ && IsStuckOldRevision(i)) {
      ORDO_RETURN_IF_ERROR(DeletePod(slot));
      stop = true;
      return absl::OkStatus();
    }
    if (monotonic_ && (IsTerminating(*slot) || !IsRunningAndReady(*slot) ||
                       !IsRunningAndAvailable(*slot, min_ready_, now_))) {
      stop = true;
      return absl::OkStatus();
    }
    ORDO_RETURN_IF_ERROR(FixClaimOwners(*slot, /*condemned=*/false));
    if (IdentityMatches(set_, *slot) && StorageMatches(set_, *slot)) return absl::OkStatus();
    core::v1::Pod fixed = *slot;
    RestoreIdentity(set_, fixed);
    RestoreStorage(set_, fixed);
    ORDO_RETURN_IF_ERROR(CreateMissingClaims(fixed));
    ORDO_ASSIGN_OR_RETURN(core::v1::Pod updated, c_.pods_.UpdatePod(set_, fixed));
    slot = std::make_shared<core::v1::Pod>(std::move(updated));
    return absl::OkStatus();
  }

  absl::Status ProcessCondemned(int i, bool& stop) {
    PodPtr& slot = condemned_[i];
    if (IsTerminating(*slot)) {
      stop = monotonic_;  // OrderedReady waits until it is gone
      return absl::OkStatus();
    }
    if (monotonic_ && slot != first_unavailable_ &&
        (!IsRunningAndReady(*slot) || !IsRunningAndAvailable(*slot, min_ready_, now_))) {
      stop = true;  // only the first unhealthy pod may go
      return absl::OkStatus();
    }
    ORDO_RETURN_IF_ERROR(DeletePod(slot));
    stop = monotonic_;
    return absl::OkStatus();
  }

  // Phase D: one update algorithm, maxUnavailable at a time (reference §2.8).
  absl::Status RollingUpdate() {
    if (!IsRollingUpdate(set_)) return absl::OkStatus();
    const std::string& update = rev_.update->metadata().name();
    int max_unavailable = MaxUnavailable(set_);
    int unavailable = 0;
    for (const auto& pod : replicas_) {
      if (!IsUnavailable(*pod, min_ready_, now_)) continue;
      // Parallel: a broken pod of an old revision is replaced, not counted.
      if (!monotonic_ && RevisionOf(*pod) != update && !IsTerminating(*pod)) continue;
      ++unavailable;
    }
    int budget = max_unavailable - unavailable;
    for (int target = static_cast<int>(replicas_.size()) - 1;
         target >= Partition(set_) && budget > 0; --target) {
      PodPtr& slot = replicas_[target];
      if (!IsCreated(*slot) || IsTerminating(*slot) || RevisionOf(*slot) == update) continue;
      bool was_available = !IsUnavailable(*slot, min_ready_, now_);
      ORDO_RETURN_IF_ERROR(DeletePod(slot));
      if (was_available || monotonic_) --budget;
    }
    return absl::OkStatus();
  }

  void SetConditions(StatefulSetStatus& status, int want) const {
    std::string waiting;
    {
      absl::MutexLock lock(&mu_);
      waiting = waiting_on_claim_;
    }
    bool available = status.available_replicas() == want;
    SetCondition(
        status, "Available", available, available ? "AllReplicasAvailable" : "ReplicasUnavailable",
        absl::StrCat(status.available_replicas(), " of ", want, " replicas are available"));
    bool complete = status.current_revision() == status.update_revision() &&
                    status.replicas() == want && available;
    std::string stuck = StuckPods();
    bool had_stuck = false;
    for (const auto& c : status.conditions())
      had_stuck = had_stuck || c.type() == "PodStuckOnUnreachableNode";
    if (!stuck.empty()) {
      SetCondition(status, "PodStuckOnUnreachableNode", true, "NodeNotReady",
                   absl::StrCat(stuck,
                                ": not replaced while the node may still run it (at most one pod "
                                "per identity). Once the node is known to be down, release it "
                                "with `ordoctl delete pod NAME --force --grace-period=0`, by "
                                "deleting the Node, or by tainting the node "
                                "node.kubernetes.io/out-of-service=nodeshutdown:NoExecute"));
    } else if (had_stuck) {
      SetCondition(status, "PodStuckOnUnreachableNode", false, "NoPodOnUnreachableNode", "");
    }
    if (!waiting.empty()) {
      SetCondition(status, "Progressing", false, "ClaimBeingDeleted", waiting);
    } else if (complete) {
      SetCondition(
          status, "Progressing", true, "RolloutComplete",
          absl::StrCat(want, " replicas at revision ", status.update_revision(), " are available"));
    } else {
      SetCondition(
          status, "Progressing", true, "RolloutInProgress",
          absl::StrCat(status.updated_replicas(), " of ", want, " replicas updated to revision ",
                       status.update_revision(), ", ", status.available_replicas(), " available"));
    }
  }

  // "web-1 on node-2 (Ready=Unknown), ..." for pods on nodes that are not Ready.
  std::string StuckPods() const {
    if (!c_.nodes_.has_value()) return "";
    std::vector<std::string> stuck;
    for (const auto* pods : {&replicas_, &condemned_}) {
      for (const auto& pod : *pods) {
        const std::string& node_name = pod->spec().node_name();
        if (!IsCreated(*pod) || node_name.empty()) continue;
        auto node = c_.nodes_->Get("", node_name);
        if (node == nullptr) continue;
        std::string ready = api::NodeReadyStatus(*node);
        if (ready == "True") continue;
        stuck.push_back(
            absl::StrCat(pod->metadata().name(), " on ", node_name, " (Ready=", ready, ")"));
      }
    }
    return absl::StrJoin(stuck, ", ");
  }

  void SetCondition(StatefulSetStatus& status, const std::string& type, bool value,
                    const std::string& reason, const std::string& message) const {
    apps::v1::StatefulSetCondition* condition = nullptr;
    for (auto& c : *status.mutable_conditions()) {
      if (c.type() == type) condition = &c;
    }
    if (condition == nullptr) {
      condition = status.add_conditions();
      condition->set_type(type);
    }
    std::string s = value ? "True" : "False";
    if (condition->status() != s) {
      condition->set_status(s);
      SetTimestamp(condition->mutable_last_transition_time(), now_);
    }
    condition->set_reason(reason);
    condition->set_message(message);
  }

  DefaultStatefulSetControl& c_;
  const StatefulSet& set_;
  const RevisionHistory::Revisions& rev_;
  const core::v1::PodTemplateSpec current_template_;
  const core::v1::PodTemplateSpec update_template_;
  const absl::Time now_;
  const bool monotonic_;
  const int min_ready_;
  std::vector<PodPtr> replicas_;
  std::vector<PodPtr> condemned_;
  PodPtr first_unavailable_;
  mutable absl::Mutex mu_;
  std::string waiting_on_claim_ ABSL_GUARDED_BY(mu_);
};

absl::StatusOr<absl::Duration> DefaultStatefulSetControl::Sync(const StatefulSet& set,
                                                               const std::vector<PodPtr>& pods,
                                                               std::vector<RevisionPtr> revisions) {
  auto resolved = history_.Resolve(set, revisions);
  if (!resolved.ok()) return resolved.status();
  auto current_template = TemplateOf(*resolved->current);
  if (!current_template.ok()) return current_template.status();
  Step step(*this, set, *resolved, std::move(*current_template), set.spec().template_());
  step.Split(pods);
  absl::Status run = step.Run();
  // The status is written even when the run stopped on an error.
  StatefulSetStatus status = step.Status();
  if (!google::protobuf::util::MessageDifferencer::Equals(status, set.status())) {
    StatefulSet update = set;
    *update.mutable_status() = status;
    absl::Status written = sets_.UpdateStatefulSetStatus(update);
    if (run.ok()) run = written;
  }
  if (!run.ok()) return run;
  std::vector<PodPtr> all = step.replicas();
  all.insert(all.end(), step.condemned().begin(), step.condemned().end());
  absl::Status truncated =
      history_.Truncate(set, revisions, {status.current_revision(), status.update_revision()}, all);
  if (!truncated.ok()) return truncated;
  return step.NextAvailability();
}

}  // namespace ordo::statefulset
