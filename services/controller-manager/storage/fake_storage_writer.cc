#include "services/controller-manager/storage/fake_storage_writer.h"

#include "absl/strings/str_cat.h"

namespace ordo::testing {

using core::v1::PersistentVolume;
using core::v1::PersistentVolumeClaim;

std::string FakeStorageWriter::NextVersion() {
  absl::MutexLock lock(&mu_);
  return absl::StrCat(version_++);
}

void FakeStorageWriter::PutClaim(PersistentVolumeClaim claim) {
  if (claim.metadata().namespace_().empty()) claim.mutable_metadata()->set_namespace_("default");
  if (claim.metadata().uid().empty())
    claim.mutable_metadata()->set_uid("uid-" + claim.metadata().name());
  if (claim.status().phase().empty()) claim.mutable_status()->set_phase("Pending");
  claim.mutable_metadata()->set_resource_version(NextVersion());
  claims.Upsert(std::make_shared<const PersistentVolumeClaim>(std::move(claim)));
}

void FakeStorageWriter::PutVolume(PersistentVolume volume) {
  if (volume.metadata().uid().empty())
    volume.mutable_metadata()->set_uid("uid-" + volume.metadata().name());
  volume.mutable_metadata()->set_resource_version(NextVersion());
  volumes.Upsert(std::make_shared<const PersistentVolume>(std::move(volume)));
}

void FakeStorageWriter::PutClass(storage::v1::StorageClass sc) {
  sc.mutable_metadata()->set_resource_version(NextVersion());
  classes.Upsert(std::make_shared<const storage::v1::StorageClass>(std::move(sc)));
}

void FakeStorageWriter::PutPod(core::v1::Pod pod) {
  if (pod.metadata().namespace_().empty()) pod.mutable_metadata()->set_namespace_("default");
  pod.mutable_metadata()->set_resource_version(NextVersion());
  pods.Upsert(std::make_shared<const core::v1::Pod>(std::move(pod)));
}

PersistentVolumeClaim FakeStorageWriter::Claim(const std::string& name, const std::string& ns) {
  auto c = claims.Get(ns + "/" + name);
  return c == nullptr ? PersistentVolumeClaim() : *c;
}

PersistentVolume FakeStorageWriter::Volume(const std::string& name) {
  auto v = volumes.Get(name);
  return v == nullptr ? PersistentVolume() : *v;
}

std::vector<std::string> FakeStorageWriter::TakeActions() {
  absl::MutexLock lock(&mu_);
  return std::exchange(actions_, {});
}

template <typename T>
absl::StatusOr<T> FakeStorageWriter::Write(informer::Indexer<T>& indexer, const T& obj,
                                           bool status_only, const std::string& action) {
  auto old = indexer.Get(informer::KeyOf(obj.metadata()));
  if (old == nullptr) return absl::NotFoundError(action + ": not found");
  if (!obj.metadata().resource_version().empty() &&
      obj.metadata().resource_version() != old->metadata().resource_version()) {
    return absl::AbortedError(action + ": the object has been modified");
  }
  T updated = status_only ? *old : obj;
  if (status_only) *updated.mutable_status() = obj.status();
  if (!status_only) *updated.mutable_status() = old->status();
  updated.mutable_metadata()->set_resource_version(NextVersion());
  // Finalizers all gone from an object being deleted: it goes.
  if (updated.metadata().has_deletion_timestamp() && updated.metadata().finalizers_size() == 0) {
    indexer.Remove(informer::KeyOf(obj.metadata()));
  } else {
    indexer.Upsert(std::make_shared<const T>(updated));
  }
  absl::MutexLock lock(&mu_);
  actions_.push_back(action);
  return updated;
}

absl::StatusOr<PersistentVolumeClaim> FakeStorageWriter::UpdateClaim(
    const PersistentVolumeClaim& c) {
  return Write(claims, c, false, "update claim " + informer::KeyOf(c.metadata()));
}

absl::StatusOr<PersistentVolumeClaim> FakeStorageWriter::UpdateClaimStatus(
    const PersistentVolumeClaim& c) {
  return Write(claims, c, true,
               "claim " + informer::KeyOf(c.metadata()) + " " + c.status().phase());
}

absl::StatusOr<PersistentVolume> FakeStorageWriter::CreateVolume(const PersistentVolume& v) {
  if (volumes.Get(v.metadata().name()) != nullptr) return absl::AlreadyExistsError("exists");
  PersistentVolume created = v;
  created.mutable_metadata()->set_uid("uid-" + v.metadata().name());
  created.mutable_metadata()->set_resource_version(NextVersion());
  created.mutable_status()->set_phase("Pending");
  volumes.Upsert(std::make_shared<const PersistentVolume>(created));
  absl::MutexLock lock(&mu_);
  actions_.push_back("create volume " + v.metadata().name());
  return created;
}

absl::StatusOr<PersistentVolume> FakeStorageWriter::UpdateVolume(const PersistentVolume& v) {
  std::string action = "update volume " + v.metadata().name();
  if (v.spec().has_claim_ref()) {
    action = absl::StrCat("bind volume ", v.metadata().name(), " to ",
                          v.spec().claim_ref().namespace_(), "/", v.spec().claim_ref().name());
  }
  return Write(volumes, v, false, action);
}

absl::StatusOr<PersistentVolume> FakeStorageWriter::UpdateVolumeStatus(const PersistentVolume& v) {
  return Write(volumes, v, true, "volume " + v.metadata().name() + " " + v.status().phase());
}

absl::Status FakeStorageWriter::DeleteVolume(const std::string& name, const std::string&) {
  volumes.Remove(name);
  absl::MutexLock lock(&mu_);
  actions_.push_back("delete volume " + name);
  return absl::OkStatus();
}

absl::StatusOr<PersistentVolume> FakeVolumeProvisioner::Provision(
    const PersistentVolumeClaim& claim, const storage::v1::StorageClass& sc,
    const std::string& pv_name, const std::string& node) {
  {
    absl::MutexLock lock(&mu_);
    calls_.push_back(absl::StrCat("provision ", pv_name, " on ", node.empty() ? "any" : node));
  }
  // The real shape, without the directory: the real provisioner minus mkdir
  // would need a writable root; the test only checks the object.
  PersistentVolume pv;
  pv.mutable_metadata()->set_name(pv_name);
  (*pv.mutable_metadata()->mutable_annotations())["pv.kubernetes.io/provisioned-by"] =
      sc.provisioner();
  (*pv.mutable_spec()->mutable_capacity())["storage"] =
      claim.spec().resources().requests().count("storage")
          ? claim.spec().resources().requests().at("storage")
          : "0";
  *pv.mutable_spec()->mutable_access_modes() = claim.spec().access_modes();
  pv.mutable_spec()->set_storage_class_name(sc.metadata().name());
  pv.mutable_spec()->set_persistent_volume_reclaim_policy(sc.reclaim_policy());
  auto* ref = pv.mutable_spec()->mutable_claim_ref();
  ref->set_namespace_(claim.metadata().namespace_());
  ref->set_name(claim.metadata().name());
  ref->set_uid(claim.metadata().uid());
  if (!node.empty()) {
    auto* req = pv.mutable_spec()
                    ->mutable_node_affinity()
                    ->mutable_required()
                    ->add_node_selector_terms()
                    ->add_match_expressions();
    req->set_key(storage::kHostnameLabel);
    req->set_operator_("In");
    req->add_values(node);
  }
  return pv;
}

absl::Status FakeVolumeProvisioner::Delete(const PersistentVolume& volume) {
  absl::MutexLock lock(&mu_);
  calls_.push_back("delete " + volume.metadata().name());
  return absl::OkStatus();
}

std::vector<std::string> FakeVolumeProvisioner::TakeCalls() {
  absl::MutexLock lock(&mu_);
  return std::exchange(calls_, {});
}

}  // namespace ordo::testing
