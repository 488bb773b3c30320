#include "services/controller-manager/storage/fake_storage_writer.h"

#include "absl/strings/str_cat.h"

namespace ordo::testing {

using core::v1::PersistentVolume;
using core::v1::PersistentVolumeClaim;

namespace {

// The log line of one store action.
std::string Describe(const Action& action) {
  std::string key = action.ns.empty() ? action.name : action.ns + "/" + action.name;
  if (action.resource == "persistentvolumeclaims") {
    if (action.subresource.empty()) return absl::StrCat(action.verb, " claim ", key);
    const auto& claim = static_cast<const PersistentVolumeClaim&>(*action.after);
    return absl::StrCat("claim ", key, " ", claim.status().phase());
  }
  if (action.resource != "persistentvolumes") return action.ToString();
  if (action.verb != "update") return absl::StrCat(action.verb, " volume ", key);
  const auto& volume = static_cast<const PersistentVolume&>(*action.after);
  if (!action.subresource.empty())
    return absl::StrCat("volume ", key, " ", volume.status().phase());
  if (!volume.spec().has_claim_ref()) return absl::StrCat("update volume ", key);
  return absl::StrCat("bind volume ", key, " to ", volume.spec().claim_ref().namespace_(), "/",
                      volume.spec().claim_ref().name());
}

}  // namespace

FakeStorageWriter::FakeStorageWriter(Clock& clock)
    : store(clock),
      claims(store.Cache<PersistentVolumeClaim>()),
      volumes(store.Cache<PersistentVolume>()),
      classes(store.Cache<storage::v1::StorageClass>()),
      pods(store.Cache<core::v1::Pod>()) {}

void FakeStorageWriter::PutClaim(PersistentVolumeClaim claim) {
  if (claim.metadata().uid().empty())
    claim.mutable_metadata()->set_uid("uid-" + claim.metadata().name());
  if (claim.status().phase().empty()) claim.mutable_status()->set_phase("Pending");
  store.Put(std::move(claim));
}

void FakeStorageWriter::PutVolume(PersistentVolume volume) {
  if (volume.metadata().uid().empty())
    volume.mutable_metadata()->set_uid("uid-" + volume.metadata().name());
  store.Put(std::move(volume));
}

void FakeStorageWriter::PutClass(storage::v1::StorageClass sc) { store.Put(std::move(sc)); }

void FakeStorageWriter::PutPod(core::v1::Pod pod) { store.Put(std::move(pod)); }

PersistentVolumeClaim FakeStorageWriter::Claim(const std::string& name, const std::string& ns) {
  auto c = store.Find<PersistentVolumeClaim>(ns, name);
  return c == nullptr ? PersistentVolumeClaim() : *c;
}

PersistentVolume FakeStorageWriter::Volume(const std::string& name) {
  auto v = store.Find<PersistentVolume>("", name);
  return v == nullptr ? PersistentVolume() : *v;
}

std::vector<std::string> FakeStorageWriter::TakeActions() {
  std::vector<std::string> out;
  for (const auto& action : store.TakeActions()) out.push_back(Describe(action));
  return out;
}

absl::Status FakeStorageWriter::DeleteVolume(const std::string& name, const std::string& uid) {
  absl::Status s = store.Delete<PersistentVolume>("", name, {.uid = uid});
  return absl::IsNotFound(s) ? absl::OkStatus() : s;
}

absl::StatusOr<PersistentVolume> FakeVolumeProvisioner::Provision(
    const PersistentVolumeClaim& claim, const storage::v1::StorageClass& sc,
    const std::string& pv_name, const std::string& node, const std::string& from) {
  {
    absl::MutexLock lock(&mu_);
    calls_.push_back(absl::StrCat("provision ", pv_name, " on ", node.empty() ? "any" : node,
                                  from.empty() ? "" : " from " + from));
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
