#include "services/controller-manager/namespace/namespace_controller.h"

#include <algorithm>

#include "common/api/object_meta.h"
#include "spdlog/spdlog.h"

namespace ordo::namespaces {
namespace {

bool HoldsFinalizer(const core::v1::Namespace& ns) {
  const auto& f = ns.metadata().finalizers();
  return std::find(f.begin(), f.end(), kNamespaceFinalizer) != f.end();
}

}  // namespace

absl::StatusOr<int> ApiNamespaceContent::DeleteAll(const std::string& ns) {
  int remaining = 0;
  for (const api::ResourceInfo& info : api::AllResources()) {
    if (!info.namespaced) continue;
    meta::v1::ListOptions options;
    options.set_namespace_(ns);
    auto list = client_.List(info, options);
    if (!list.ok()) return list.status();
    const auto* items = (*list)->GetDescriptor()->FindFieldByName("items");
    const auto* reflection = (*list)->GetReflection();
    for (int i = 0; i < reflection->FieldSize(**list, items); ++i) {
      const auto& meta = api::MetaOf(reflection->GetRepeatedMessage(**list, items, i));
      ++remaining;
      if (meta.has_deletion_timestamp()) continue;  // on its way
      meta::v1::DeleteRequest request;
      request.set_namespace_(ns);
      request.set_name(meta.name());
      request.mutable_preconditions()->set_uid(meta.uid());
      request.set_propagation_policy("Background");
      auto deleted = client_.Delete(info, request);
      if (!deleted.ok() && !absl::IsNotFound(deleted.status()) &&
          !absl::IsAborted(deleted.status())) {
        return deleted.status();
      }
    }
  }
  return remaining;
}

absl::Status ApiNamespaceContent::Finalize(const core::v1::Namespace& ns) {
  core::v1::Namespace updated = ns;  // under ns's resourceVersion
  auto* finalizers = updated.mutable_metadata()->mutable_finalizers();
  finalizers->erase(std::remove(finalizers->begin(), finalizers->end(), kNamespaceFinalizer),
                    finalizers->end());
  absl::Status s = namespaces_.Update(updated).status();
  return absl::IsNotFound(s) ? absl::OkStatus() : s;
}

informer::EventHandler<core::v1::Namespace> NamespaceController::NamespaceHandler() {
  auto enqueue = [this](const auto& ns) { queue().Add(informer::KeyOf(ns->metadata())); };
  return {enqueue, [enqueue](const auto&, const auto& ns) { enqueue(ns); }, nullptr};
}

informer::EventHandler<core::v1::Pod> NamespaceController::PodHandler() {
  return {nullptr, nullptr, [this](const auto& pod) {
            auto ns = namespaces_.Get("", pod->metadata().namespace_());
            if (ns != nullptr && ns->metadata().has_deletion_timestamp()) {
              queue().Add(informer::KeyOf(ns->metadata()));
            }
          }};
}

absl::Status NamespaceController::Sync(const std::string& key) {
  auto [unused, name] = informer::SplitKey(key);
  auto ns = namespaces_.Get("", name);
  if (ns == nullptr || !ns->metadata().has_deletion_timestamp() || !HoldsFinalizer(*ns)) {
    return absl::OkStatus();
  }
  absl::StatusOr<int> remaining = content_.DeleteAll(name);
  if (!remaining.ok()) return remaining.status();
  if (*remaining > 0) {
    spdlog::info("namespace {}: {} objects still being deleted", name, *remaining);
    queue().AddAfter(key, recheck_);
    return absl::OkStatus();
  }
  spdlog::info("namespace {}: empty, removing its finalizer", name);
  return content_.Finalize(*ns);
}

}  // namespace ordo::namespaces
