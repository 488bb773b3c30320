#include "common/testing/fake_object_store.h"

#include <algorithm>

#include "common/clock/timestamp.h"

namespace ordo::testing {

std::string Action::ToString() const {
  std::string key = ns.empty() ? name : absl::StrCat(ns, "/", name);
  return absl::StrCat(verb, " ", resource, subresource.empty() ? "" : "/", subresource, " ", key);
}

std::vector<Action> FakeObjectStore::TakeActions() {
  absl::MutexLock lock(&mu_);
  return std::exchange(actions_, {});
}

std::string FakeObjectStore::NextVersion() { return absl::StrCat(next_version_++); }

std::string FakeObjectStore::NextUid() { return absl::StrCat("uid-", next_uid_++); }

void FakeObjectStore::StampCreation(meta::v1::ObjectMeta& meta) {
  SetTimestamp(meta.mutable_creation_timestamp(), clock_.Now());
}

void FakeObjectStore::SetDeletionTimestamp(meta::v1::ObjectMeta& meta) {
  SetTimestamp(meta.mutable_deletion_timestamp(), clock_.Now());
}

void FakeObjectStore::AddFinalizer(meta::v1::ObjectMeta& meta, const std::string& finalizer) {
  const auto& fs = meta.finalizers();
  if (std::find(fs.begin(), fs.end(), finalizer) == fs.end()) meta.add_finalizers(finalizer);
}

void FakeObjectStore::KeepServerFields(const meta::v1::ObjectMeta& old,
                                       meta::v1::ObjectMeta& meta) {
  meta.set_uid(old.uid());
  meta.set_generation(old.generation());
  *meta.mutable_creation_timestamp() = old.creation_timestamp();
  if (old.has_deletion_timestamp()) {
    *meta.mutable_deletion_timestamp() = old.deletion_timestamp();
  } else {
    meta.clear_deletion_timestamp();
  }
}

}  // namespace ordo::testing
