#include "services/controller-manager/gc/gc_client.h"

#include "absl/strings/str_cat.h"

namespace ordo::gc {

using api::MetaOf;
using api::MutableMetaOf;

const api::ResourceInfo* ResourceOfOwner(const meta::v1::OwnerReference& ref) {
  for (const auto& info : api::AllResources()) {
    if (info.kind == ref.kind() && info.ApiVersion() == ref.api_version()) return &info;
  }
  return nullptr;
}

absl::StatusOr<OwnerState> ApiGcClient::LookupOwner(const meta::v1::OwnerReference& ref,
                                                    const std::string& ns) {
  const api::ResourceInfo* info = ResourceOfOwner(ref);
  if (info == nullptr) return OwnerState::kPresent;
  auto owner = client_.Get(*info, info->namespaced ? ns : "", ref.name());
  if (absl::IsNotFound(owner.status())) return OwnerState::kAbsent;
  if (!owner.ok()) return owner.status();
  const auto& meta = MetaOf(**owner);
  if (meta.uid() != ref.uid()) return OwnerState::kAbsent;
  if (meta.has_deletion_timestamp()) {
    for (const auto& f : meta.finalizers()) {
      if (f == kForegroundFinalizer) return OwnerState::kWaitingOnDependents;
    }
  }
  return OwnerState::kPresent;
}

absl::Status ApiGcClient::Delete(const ObjectNode& node, const std::string& propagation) {
  meta::v1::DeleteRequest request;
  request.set_namespace_(node.ns);
  request.set_name(node.name);
  request.mutable_preconditions()->set_uid(node.uid);
  request.set_propagation_policy(propagation);
  absl::Status s = client_.Delete(*node.info, request).status();
  return absl::IsNotFound(s) ? absl::OkStatus() : s;
}

absl::Status ApiGcClient::UpdateMeta(const ObjectNode& node,
                                     const std::function<void(meta::v1::ObjectMeta&)>& change) {
  constexpr int kAttempts = 5;
  absl::Status last;
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    auto current = client_.Get(*node.info, node.ns, node.name);
    if (absl::IsNotFound(current.status())) return absl::OkStatus();
    if (!current.ok()) return current.status();
    meta::v1::ObjectMeta* meta = MutableMetaOf(**current);
    if (meta->uid() != node.uid) return absl::OkStatus();  // another object now
    change(*meta);
    last = client_.Update(*node.info, **current).status();
    if (absl::IsNotFound(last)) return absl::OkStatus();
    if (!absl::IsAborted(last)) return last;  // done, or an error a retry will not fix
  }
  return last;
}

absl::Status ApiGcClient::RemoveOwners(const ObjectNode& node,
                                       const absl::flat_hash_set<std::string>& owner_uids) {
  return UpdateMeta(node, [&](meta::v1::ObjectMeta& meta) {
    auto* refs = meta.mutable_owner_references();
    refs->erase(std::remove_if(refs->begin(), refs->end(),
                               [&](const auto& ref) { return owner_uids.contains(ref.uid()); }),
                refs->end());
  });
}

absl::Status ApiGcClient::RemoveFinalizer(const ObjectNode& node, const std::string& finalizer) {
  return UpdateMeta(node, [&](meta::v1::ObjectMeta& meta) {
    auto* fs = meta.mutable_finalizers();
    fs->erase(std::remove(fs->begin(), fs->end(), finalizer), fs->end());
  });
}

}  // namespace ordo::gc
