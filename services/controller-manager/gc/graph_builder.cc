#include "services/controller-manager/gc/graph_builder.h"

#include "spdlog/spdlog.h"

namespace ordo::gc {

using api::MetaOf;

void GraphBuilder::Start() {
  for (const auto& info : api::AllResources()) {
    if (info.kind == "Event") continue;
    ++kinds_;
    threads_.emplace_back([this, &info, stop = stop_.get_token()] { Follow(info, stop); });
  }
}

void GraphBuilder::Stop() {
  stop_.request_stop();
  threads_.clear();
}

absl::StatusOr<std::string> GraphBuilder::Relist(const api::ResourceInfo& info) {
  auto list = client_.List(info, {});
  if (!list.ok()) return list.status();
  const auto* descriptor = (*list)->GetDescriptor();
  const auto* reflection = (*list)->GetReflection();
  const auto* items = descriptor->FindFieldByName("items");
  const auto& list_meta = static_cast<const meta::v1::ListMeta&>(
      reflection->GetMessage(**list, descriptor->FindFieldByName("metadata")));
  absl::flat_hash_set<std::string> present;
  for (int i = 0; i < reflection->FieldSize(**list, items); ++i) {
    const auto& meta = MetaOf(reflection->GetRepeatedMessage(**list, items, i));
    present.insert(meta.uid());
    collector_.Enqueue(graph_.Upsert(NodeOf(info, meta)));
  }
  collector_.Enqueue(graph_.RemoveAllExcept(info, present));
  return list_meta.resource_version();
}

void GraphBuilder::Follow(const api::ResourceInfo& info, std::stop_token stop) {
  std::string revision;
  bool listed_once = false;
  absl::Duration backoff = absl::Milliseconds(100);
  while (!stop.stop_requested()) {
    if (revision.empty()) {
      auto listed = Relist(info);
      if (!listed.ok()) {
        spdlog::debug("gc: list {}: {}", info.resource, std::string(listed.status().message()));
        SleepUntil(clock_, stop, clock_.Now() + backoff);
        backoff = std::min(backoff * 2, absl::Seconds(5));
        continue;
      }
      revision = *listed;
      if (!listed_once) {
        listed_once = true;
        ++synced_;
      }
    }
    meta::v1::ListOptions options;
    options.set_resource_version(revision);
    absl::Status ended = client_.Watch(
        info, options, clock_.Now() + absl::Minutes(5),
        [&](const std::string& type, api::MessagePtr object) {
          const auto& meta = MetaOf(*object);
          if (type == "DELETED") {
            collector_.Enqueue(graph_.Remove(meta.uid()));
          } else if (type == "ADDED" || type == "MODIFIED") {
            collector_.Enqueue(graph_.Upsert(NodeOf(info, meta)));
          }
          revision = meta.resource_version();
          return true;
        },
        stop);
    if (stop.stop_requested()) break;
    if (ended.code() == absl::StatusCode::kOutOfRange) {
      revision.clear();  // the revision is gone: relist
      continue;
    }
    if (!ended.ok() && ended.code() != absl::StatusCode::kDeadlineExceeded) {
      SleepUntil(clock_, stop, clock_.Now() + backoff);
      backoff = std::min(backoff * 2, absl::Seconds(5));
    } else {
      backoff = absl::Milliseconds(100);
    }
  }
}

}  // namespace ordo::gc
