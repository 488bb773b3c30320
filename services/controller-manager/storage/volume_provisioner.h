// VolumeProvisioner makes and unmakes the storage behind dynamically
// provisioned PersistentVolumes. DirectoryProvisioner serves ordo's two
// classes out of one directory tree on the machine (the local cluster's
// nodes share its filesystem):
//   ordo.io/local-path  <root>/local/<node>/<pv>, a `local` volume with node
//                       affinity to <node>: the data lives on that node only;
//   ordo.io/shared      <root>/shared/<pv>, a `hostPath` volume every node
//                       reaches, standing in for network storage.
// A volume provisioned from a snapshot starts as a copy of the snapshot's
// directory (copy-on-write where offered). Deleting a volume removes its
// directory, and only a directory under the root. FakeVolumeProvisioner (fake_storage_writer.h)
// records calls. Thread-safety: Provision and Delete may run concurrently.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "ordo/core/v1/core.pb.h"
#include "ordo/storage/v1/storage.pb.h"

namespace ordo::storage {

inline constexpr char kLocalPathProvisioner[] = "ordo.io/local-path";
inline constexpr char kSharedProvisioner[] = "ordo.io/shared";
inline constexpr char kHostnameLabel[] = "kubernetes.io/hostname";

class VolumeProvisioner {
 public:
  virtual ~VolumeProvisioner() = default;
  // Whether this provisioner serves `provisioner` (a StorageClass's).
  virtual bool Serves(const std::string& provisioner) const = 0;
  // Creates the storage and returns the PersistentVolume to create for
  // `claim` (named `pv_name`, pre-bound to the claim), on `node` when the
  // class waits for a consumer ("" otherwise), holding a copy of the
  // directory `from` when one is given (a volume snapshot's data).
  virtual absl::StatusOr<core::v1::PersistentVolume> Provision(
      const core::v1::PersistentVolumeClaim& claim, const storage::v1::StorageClass& sc,
      const std::string& pv_name, const std::string& node, const std::string& from) = 0;
  // Removes the storage of a volume it made.
  virtual absl::Status Delete(const core::v1::PersistentVolume& volume) = 0;
};

class DirectoryProvisioner final : public VolumeProvisioner {
 public:
  explicit DirectoryProvisioner(std::string root) : root_(std::move(root)) {}
  bool Serves(const std::string& provisioner) const override;
  absl::StatusOr<core::v1::PersistentVolume> Provision(const core::v1::PersistentVolumeClaim& claim,
                                                       const storage::v1::StorageClass& sc,
                                                       const std::string& pv_name,
                                                       const std::string& node,
                                                       const std::string& from) override;
  absl::Status Delete(const core::v1::PersistentVolume& volume) override;

 private:
  const std::string root_;
};

}  // namespace ordo::storage
