// BackupLocation is one backup storage location's directory (provider
// ordo.io/directory): where backups are written, how they are sealed, and how
// another cluster finds and checks them. Its layout, Velero's in shape:
//   backups/<name>/resources/<resource.group>/namespaces/<ns>/<name>.yaml
//   backups/<name>/resources/<resource.group>/cluster/<name>.yaml
//   backups/<name>/volumes/<ns>/<claim>/...      a claim's data
//   backups/<name>/backup.log
//   backups/<name>/manifest.json                 every other file's size and SHA-256
//   backups/<name>/velero-backup.json            the Backup, written last
//   restores/<name>/restore.log
// A backup without velero-backup.json is unfinished: it is never listed.
// Stateless beyond its root; safe from any thread for distinct backups.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/api/resource_info.h"
#include "ordo/velero/v1/backup_manifest.pb.h"
#include "ordo/velero/v1/velero.pb.h"

namespace ordo::backup {

inline constexpr char kBackupMetadataFile[] = "velero-backup.json";
inline constexpr char kManifestFile[] = "manifest.json";
inline constexpr char kBackupLogFile[] = "backup.log";
inline constexpr char kRestoreLogFile[] = "restore.log";
inline constexpr char kFormatVersion[] = "1.1.0";
// The time of a log line (backup.log, restore.log), to the millisecond, UTC.
inline constexpr char kLogTimeFormat[] = "%Y-%m-%dT%H:%M:%E3SZ";

// Where an object sits in a backup, relative to its directory.
std::string ResourcePath(const api::ResourceInfo& info, const std::string& ns,
                         const std::string& name);
// Where a claim's data sits in a backup, relative to its directory.
std::string VolumePath(const std::string& ns, const std::string& claim);

class BackupLocation {
 public:
  explicit BackupLocation(std::string root) : root_(std::move(root)) {}

  const std::string& root() const { return root_; }
  std::string BackupDir(const std::string& backup) const;
  std::string RestoreDir(const std::string& restore) const;

  // The directory is there and, unless `read_only`, writable (backups/ is
  // made in it). The error says what is wrong with which path.
  absl::Status Validate(bool read_only) const;

  // Writes `contents` to <backup dir>/<relative> (parents made) by a rename,
  // so a reader never sees half a file.
  absl::Status WriteBackupFile(const std::string& backup, const std::string& relative,
                               absl::string_view contents) const;
  absl::Status WriteRestoreFile(const std::string& restore, const std::string& relative,
                                absl::string_view contents) const;

  // Hashes every file of the backup into manifest.json (`manifest` gives the
  // rest of it), then writes `object` as velero-backup.json.
  absl::Status Seal(const std::string& backup, velero::v1::BackupManifest manifest,
                    const velero::v1::Backup& object) const;

  // The sealed backups, as their velero-backup.json says. An unreadable one
  // is skipped with a warning in `problems`.
  absl::StatusOr<std::vector<velero::v1::Backup>> ListBackups(
      std::vector<std::string>* problems = nullptr) const;

  // manifest.json, after every file it names is checked (size, then
  // SHA-256): DATA_LOSS naming the first that differs or is missing.
  absl::StatusOr<velero::v1::BackupManifest> Verify(const std::string& backup) const;

  // A file of a backup, whole.
  absl::StatusOr<std::string> ReadBackupFile(const std::string& backup,
                                             const std::string& relative) const;

  // Removes the backup's directory (OK if it is not there).
  absl::Status RemoveBackup(const std::string& backup) const;

 private:
  std::string root_;
};

}  // namespace ordo::backup
