#include "services/controller-manager/nodelifecycle/pod_gc.h"

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "spdlog/spdlog.h"

namespace ordo::nodelifecycle {

absl::Status ApiPodGcWriter::ForceDeletePod(const std::string& ns, const std::string& name,
                                            const std::string& uid) {
  meta::v1::DeleteRequest request;
  request.set_namespace_(ns);
  request.set_name(name);
  request.set_grace_period_seconds(0);
  request.mutable_preconditions()->set_uid(uid);
  absl::Status s = pods_.Delete(request).status();
  return absl::IsNotFound(s) || absl::IsAborted(s) ? absl::OkStatus() : s;
}

namespace {

bool OutOfService(const core::v1::Node& node) {
  bool tainted = false;
  for (const auto& t : node.spec().taints()) tainted = tainted || t.key() == kOutOfServiceTaint;
  if (!tainted) return false;
  return api::NodeReadyStatus(node) != "True";
}

}  // namespace

absl::Status PodGC::Pass() {
  absl::Time now = clock_.Now();
  absl::Status first;
  auto remember = [&](const absl::Status& s) {
    if (!s.ok() && first.ok()) first = s;
  };
  NodeStates nodes;
  for (const auto& node : nodes_.List("", {})) {
    nodes[node->metadata().name()] = {.ready = api::NodeReadyStatus(*node) == "True",
                                      .out_of_service = OutOfService(*node)};
  }
  auto pods = pods_.List();
  absl::flat_hash_set<std::string> still_orphaned;
  for (const auto& pod : pods) {
    const std::string& node = pod->spec().node_name();
    if (node.empty()) continue;
    const auto& meta = pod->metadata();
    auto state = nodes.find(node);
    if (state == nodes.end()) {
      auto [it, fresh] = orphaned_since_.try_emplace(meta.uid(), now);
      still_orphaned.insert(meta.uid());
      if (now - it->second < options_.quarantine) continue;
      spdlog::warn("pod gc: {}/{} is bound to node {}, which is gone: force-deleting",
                   meta.namespace_(), meta.name(), node);
      remember(writer_.ForceDeletePod(meta.namespace_(), meta.name(), meta.uid()));
    } else if (state->second.out_of_service && meta.has_deletion_timestamp()) {
      spdlog::warn("pod gc: {}/{} is terminating on out-of-service node {}: force-deleting",
                   meta.namespace_(), meta.name(), node);
      remember(writer_.ForceDeletePod(meta.namespace_(), meta.name(), meta.uid()));
    }
  }
  absl::erase_if(orphaned_since_,
                 [&](const auto& entry) { return !still_orphaned.contains(entry.first); });
  absl::Status released = ReleaseVolumes(now, nodes, pods);
  return first.ok() ? released : first;
}

absl::Status PodGC::ReleaseVolumes(absl::Time now, const NodeStates& nodes,
                                   const std::vector<std::shared_ptr<const core::v1::Pod>>& pods) {
  // "node/namespace/claim" for every claim a pod that may still run uses.
  absl::flat_hash_set<std::string> in_use;
  for (const auto& pod : pods) {
    const std::string& phase = pod->status().phase();
    if (pod->spec().node_name().empty() || phase == "Succeeded" || phase == "Failed") continue;
    for (const auto& v : pod->spec().volumes()) {
      if (!v.has_persistent_volume_claim()) continue;
      in_use.insert(absl::StrCat(pod->spec().node_name(), "/", pod->metadata().namespace_(), "/",
                                 v.persistent_volume_claim().claim_name()));
    }
  }
  absl::Status first;
  absl::flat_hash_set<std::string> still_unused;
  for (const auto& volume : volumes_.List("", {})) {
    const std::string& name = volume->metadata().name();
    auto it = volume->metadata().annotations().find(kAttachedNodeAnnotation);
    if (it == volume->metadata().annotations().end()) continue;
    const std::string& node = it->second;
    std::string why;
    auto state = nodes.find(node);
    if (state != nodes.end() && state->second.out_of_service) {
      why = "out of service";
    } else {
      const auto& claim = volume->spec().claim_ref();
      if (in_use.contains(absl::StrCat(node, "/", claim.namespace_(), "/", claim.name()))) continue;
      if (state != nodes.end() && state->second.ready) continue;  // its agent lets go itself
      still_unused.insert(name);
      auto [since, fresh] = unused_since_.try_emplace(name, now);
      if (state == nodes.end()) {
        why = "deleted";
      } else if (options_.force_detach_after > absl::ZeroDuration() &&
                 now - since->second >= options_.force_detach_after) {
        why = absl::StrCat("not Ready, unused for ",
                           absl::FormatDuration(options_.force_detach_after));
      } else {
        continue;
      }
    }
    core::v1::PersistentVolume detached = *volume;
    detached.mutable_metadata()->mutable_annotations()->erase(kAttachedNodeAnnotation);
    spdlog::warn("pod gc: detaching volume {} from node {} ({})", name, node, why);
    absl::Status s = writer_.UpdateVolume(detached);
    if (!s.ok() && first.ok()) first = s;
  }
  absl::erase_if(unused_since_,
                 [&](const auto& entry) { return !still_unused.contains(entry.first); });
  return first;
}

void PodGC::Run(std::stop_token stop, absl::Duration period) {
  while (SleepUntil(clock_, stop, clock_.Now() + period)) {
    absl::Status s = Pass();
    if (!s.ok()) spdlog::warn("pod gc: {}", std::string(s.message()));
  }
}

}  // namespace ordo::nodelifecycle
