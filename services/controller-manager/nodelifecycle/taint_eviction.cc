#include "services/controller-manager/nodelifecycle/taint_eviction.h"

#include "absl/strings/str_cat.h"
#include "common/api/tolerations.h"
#include "common/clock/timestamp.h"
#include "spdlog/spdlog.h"

namespace ordo::nodelifecycle {

absl::Status ApiPodEvictor::DeletePod(const std::string& ns, const std::string& name,
                                      const std::string& uid) {
  meta::v1::DeleteRequest request;
  request.set_namespace_(ns);
  request.set_name(name);
  request.mutable_preconditions()->set_uid(uid);
  absl::Status s = pods_.Delete(request).status();
  return absl::IsNotFound(s) ? absl::OkStatus() : s;
}

absl::Duration TaintEviction::Pass() {
  absl::Time now = clock_.Now();
  absl::Duration next = absl::InfiniteDuration();
  for (const auto& node : nodes_.List("", {})) {
    std::vector<const core::v1::Taint*> no_execute;
    for (const auto& t : node->spec().taints()) {
      if (t.effect() == "NoExecute") no_execute.push_back(&t);
    }
    if (no_execute.empty()) continue;
    for (const auto& pod : pods_.ByIndex(informer::kNodeNameIndex, node->metadata().name())) {
      if (pod->metadata().has_deletion_timestamp()) continue;
      // When the pod must go: now (a taint it does not tolerate), at the
      // earliest limited toleration's end, or never.
      absl::Time due = absl::InfiniteFuture();
      for (const auto* taint : no_execute) {
        const auto* toleration = api::MatchingToleration(pod->spec().tolerations(), *taint);
        if (toleration == nullptr) {
          due = absl::InfinitePast();
        } else if (toleration->has_toleration_seconds()) {
          absl::Time added = taint->has_time_added() ? FromTimestamp(taint->time_added()) : now;
          due = std::min(
              due, added + absl::Seconds(std::max<int64_t>(0, toleration->toleration_seconds())));
        }
      }
      if (due == absl::InfiniteFuture()) continue;
      if (due > now) {
        next = std::min(next, due - now);
        continue;
      }
      core::v1::Pod marked = *pod;
      auto* c = marked.mutable_status()->add_conditions();
      c->set_type("DisruptionTarget");
      c->set_status("True");
      c->set_reason("DeletionByTaintManager");
      c->set_message("Taint manager: deleting due to NoExecute taint");
      SetTimestamp(c->mutable_last_transition_time(), now);
      absl::Status s = evictor_.UpdatePodStatus(marked);
      if (s.ok() || absl::IsNotFound(s) || absl::IsAborted(s)) {
        s = evictor_.DeletePod(pod->metadata().namespace_(), pod->metadata().name(),
                               pod->metadata().uid());
      }
      if (s.ok()) {
        spdlog::info("taint eviction: deleting {}/{} from node {}", pod->metadata().namespace_(),
                     pod->metadata().name(), node->metadata().name());
        if (events_ != nullptr) {
          events_->Record(events::ReferenceTo(*pod, "v1", "Pod"), events::kEventNormal,
                          "TaintManagerEviction",
                          absl::StrCat("Marking for deletion Pod ", pod->metadata().namespace_(),
                                       "/", pod->metadata().name()));
        }
      } else {
        spdlog::warn("taint eviction: {}/{}: {}", pod->metadata().namespace_(),
                     pod->metadata().name(), std::string(s.message()));
        next = std::min(next, absl::Seconds(1));
      }
    }
  }
  return next;
}

void TaintEviction::Run(std::stop_token stop, absl::Duration period) {
  absl::Duration wait = period;
  while (SleepUntil(clock_, stop, clock_.Now() + std::min(wait, period))) wait = Pass();
}

}  // namespace ordo::nodelifecycle
