#include "services/controller-manager/storage/volume_provisioner.h"

#include <filesystem>
#include <system_error>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/fs/copy_tree.h"

namespace ordo::storage {

namespace fs = std::filesystem;  // ordo::fs is written in full

bool DirectoryProvisioner::Serves(const std::string& provisioner) const {
  return provisioner == kLocalPathProvisioner || provisioner == kSharedProvisioner;
}

absl::StatusOr<core::v1::PersistentVolume> DirectoryProvisioner::Provision(
    const core::v1::PersistentVolumeClaim& claim, const storage::v1::StorageClass& sc,
    const std::string& pv_name, const std::string& node, const std::string& from) {
  bool local = sc.provisioner() == kLocalPathProvisioner;
  if (local && node.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("class ", sc.metadata().name(), " provisions only for a selected node"));
  }
  fs::path dir =
      local ? fs::path(root_) / "local" / node / pv_name : fs::path(root_) / "shared" / pv_name;
  std::error_code ec;
  if (!from.empty()) {
    // Copied beside the target, then renamed: a failure leaves no half volume.
    fs::create_directories(dir.parent_path(), ec);
    fs::path partial = dir.string() + ".partial";
    fs::remove_all(partial, ec);
    if (!fs::exists(dir)) {
      auto copied = ordo::fs::CopyTree(from, partial.string());
      if (!copied.ok()) {
        fs::remove_all(partial, ec);
        return copied.status();
      }
      fs::rename(partial, dir, ec);
    }
  }
  fs::create_directories(dir, ec);
  if (ec) {
    return absl::InternalError(absl::StrCat("mkdir ", dir.string(), ": ", ec.message()));
  }
  // Pods run as whatever user their program runs as: let every one write.
  fs::permissions(dir, fs::perms::all, ec);
  core::v1::PersistentVolume pv;
  pv.set_api_version("v1");
  pv.set_kind("PersistentVolume");
  pv.mutable_metadata()->set_name(pv_name);
  (*pv.mutable_metadata()->mutable_annotations())["pv.kubernetes.io/provisioned-by"] =
      sc.provisioner();
  auto& spec = *pv.mutable_spec();
  const auto& requests = claim.spec().resources().requests();
  if (auto it = requests.find("storage"); it != requests.end()) {
    (*spec.mutable_capacity())["storage"] = it->second;
  }
  *spec.mutable_access_modes() = claim.spec().access_modes();
  spec.set_storage_class_name(sc.metadata().name());
  spec.set_persistent_volume_reclaim_policy(sc.reclaim_policy().empty() ? "Delete"
                                                                        : sc.reclaim_policy());
  spec.set_volume_mode("Filesystem");
  auto* ref = spec.mutable_claim_ref();
  ref->set_kind("PersistentVolumeClaim");
  ref->set_api_version("v1");
  ref->set_namespace_(claim.metadata().namespace_());
  ref->set_name(claim.metadata().name());
  ref->set_uid(claim.metadata().uid());
  if (local) {
    spec.mutable_local()->set_path(dir.string());
    auto* req = spec.mutable_node_affinity()
                    ->mutable_required()
                    ->add_node_selector_terms()
                    ->add_match_expressions();
    req->set_key(kHostnameLabel);
    req->set_operator_("In");
    req->add_values(node);
  } else {
    spec.mutable_host_path()->set_path(dir.string());
    spec.mutable_host_path()->set_type("DirectoryOrCreate");
  }
  return pv;
}

absl::Status DirectoryProvisioner::Delete(const core::v1::PersistentVolume& volume) {
  std::string path =
      volume.spec().has_local() ? volume.spec().local().path() : volume.spec().host_path().path();
  fs::path root = fs::weakly_canonical(root_);
  fs::path target = fs::weakly_canonical(path);
  if (path.empty() || !absl::StartsWith(target.string(), root.string() + "/")) {
    return absl::FailedPreconditionError(absl::StrCat("persistentvolume ", volume.metadata().name(),
                                                      ": ", path, " is not under ", root_));
  }
  std::error_code ec;
  fs::remove_all(target, ec);
  if (ec) return absl::InternalError(absl::StrCat("rm -r ", target.string(), ": ", ec.message()));
  return absl::OkStatus();
}

}  // namespace ordo::storage
