#include "services/controller-manager/backup/backup_location.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "common/fs/sha256.h"
#include "common/manifest/manifest.h"
#include "google/protobuf/util/json_util.h"

namespace ordo::backup {
namespace {

namespace stdfs = std::filesystem;

absl::Status WriteAtomically(const std::string& path, absl::string_view contents) {
  std::error_code ec;
  stdfs::create_directories(stdfs::path(path).parent_path(), ec);
  if (ec) return absl::InternalError(absl::StrCat("mkdir for ", path, ": ", ec.message()));
  const std::string part = path + ".part";
  {
    std::ofstream out(part, std::ios::binary | std::ios::trunc);
    out.write(contents.data(), static_cast<std::streamsize>(contents.size()));
    out.flush();
    if (!out) return absl::InternalError(absl::StrCat("write ", part, ": failed"));
  }
  stdfs::rename(part, path, ec);
  if (ec) return absl::InternalError(absl::StrCat("rename ", part, ": ", ec.message()));
  return absl::OkStatus();
}

// The SHA-256 of each file, hashed on every core at once (a backup's data is
// most of its time to seal or check).
std::vector<absl::StatusOr<std::string>> HashAll(const std::vector<std::string>& paths) {
  std::vector<absl::StatusOr<std::string>> hashes(paths.size(), absl::UnknownError("not hashed"));
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i = next++; i < paths.size(); i = next++) hashes[i] = fs::Sha256File(paths[i]);
  };
  const size_t threads =
      std::min<size_t>(paths.size(), std::clamp(std::thread::hardware_concurrency(), 1u, 4u));
  std::vector<std::jthread> pool;
  for (size_t t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  return hashes;  // the pool joins first
}

absl::StatusOr<std::string> ReadWhole(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot be read"));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

std::string ResourcePath(const api::ResourceInfo& info, const std::string& ns,
                         const std::string& name) {
  if (info.namespaced) {
    return absl::StrCat("resources/", info.GroupResource(), "/namespaces/", ns, "/", name, ".yaml");
  }
  return absl::StrCat("resources/", info.GroupResource(), "/cluster/", name, ".yaml");
}

std::string VolumePath(const std::string& ns, const std::string& claim) {
  return absl::StrCat("volumes/", ns, "/", claim);
}

std::string BackupLocation::BackupDir(const std::string& backup) const {
  return absl::StrCat(root_, "/backups/", backup);
}

std::string BackupLocation::RestoreDir(const std::string& restore) const {
  return absl::StrCat(root_, "/restores/", restore);
}

absl::Status BackupLocation::Validate(bool read_only) const {
  std::error_code ec;
  if (!stdfs::is_directory(root_, ec)) {
    return absl::FailedPreconditionError(
        absl::StrCat("config.path ", root_, " is not a directory"));
  }
  if (read_only) {
    if (::access(root_.c_str(), R_OK | X_OK) != 0) {
      return absl::FailedPreconditionError(absl::StrCat("config.path ", root_, " is not readable"));
    }
    return absl::OkStatus();
  }
  stdfs::create_directories(root_ + "/backups", ec);
  if (ec || ::access((root_ + "/backups").c_str(), W_OK | X_OK) != 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("config.path ", root_, " is not writable", ec ? ": " + ec.message() : ""));
  }
  return absl::OkStatus();
}

absl::Status BackupLocation::WriteBackupFile(const std::string& backup, const std::string& relative,
                                             absl::string_view contents) const {
  return WriteAtomically(absl::StrCat(BackupDir(backup), "/", relative), contents);
}

absl::Status BackupLocation::WriteRestoreFile(const std::string& restore,
                                              const std::string& relative,
                                              absl::string_view contents) const {
  return WriteAtomically(absl::StrCat(RestoreDir(restore), "/", relative), contents);
}

absl::Status BackupLocation::Seal(const std::string& backup, velero::v1::BackupManifest manifest,
                                  const velero::v1::Backup& object) const {
  const std::string dir = BackupDir(backup);
  manifest.set_format_version(kFormatVersion);
  manifest.set_backup_name(backup);
  manifest.clear_files();
  std::vector<std::string> paths;
  std::error_code ec;
  for (auto it = stdfs::recursive_directory_iterator(dir, ec);
       !ec && it != stdfs::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file(ec) || it->is_symlink(ec)) continue;
    std::string rel = stdfs::relative(it->path(), dir).string();
    if (rel == kManifestFile || rel == kBackupMetadataFile) continue;
    paths.push_back(std::move(rel));
  }
  if (ec) return absl::InternalError(absl::StrCat("list ", dir, ": ", ec.message()));
  std::sort(paths.begin(), paths.end());
  std::vector<std::string> full;
  for (const auto& rel : paths) full.push_back(absl::StrCat(dir, "/", rel));
  std::vector<absl::StatusOr<std::string>> hashes = HashAll(full);
  for (size_t i = 0; i < paths.size(); ++i) {
    if (!hashes[i].ok()) return hashes[i].status();
    auto* file = manifest.add_files();
    file->set_path(paths[i]);
    file->set_size(static_cast<int64_t>(stdfs::file_size(full[i], ec)));
    file->set_sha256(*hashes[i]);
  }
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.preserve_proto_field_names = false;
  if (!google::protobuf::util::MessageToJsonString(manifest, &json, options).ok()) {
    return absl::InternalError("encode manifest.json");
  }
  if (auto s = WriteBackupFile(backup, kManifestFile, json); !s.ok()) return s;
  return WriteBackupFile(backup, kBackupMetadataFile, manifest::EncodeJson(object));
}

absl::StatusOr<std::vector<velero::v1::Backup>> BackupLocation::ListBackups(
    std::vector<std::string>* problems) const {
  std::vector<velero::v1::Backup> backups;
  std::error_code ec;
  const std::string dir = root_ + "/backups";
  if (!stdfs::exists(dir, ec)) return backups;
  for (auto it = stdfs::directory_iterator(dir, ec); !ec && it != stdfs::directory_iterator();
       it.increment(ec)) {
    const std::string path = (it->path() / kBackupMetadataFile).string();
    if (!stdfs::exists(path)) continue;
    auto text = ReadWhole(path);
    if (!text.ok()) {
      if (problems != nullptr) problems->push_back(std::string(text.status().message()));
      continue;
    }
    auto objects = manifest::Decode(*text, path);
    if (!objects.ok() || objects->size() != 1 ||
        (*objects)[0].message->GetDescriptor() != velero::v1::Backup::descriptor()) {
      if (problems != nullptr) {
        problems->push_back(absl::StrCat(path, ": not a Backup",
                                         objects.ok() ? "" : ": " + objects.status().ToString()));
      }
      continue;
    }
    backups.push_back(static_cast<const velero::v1::Backup&>(*(*objects)[0].message));
  }
  if (ec) return absl::InternalError(absl::StrCat("list ", dir, ": ", ec.message()));
  std::sort(backups.begin(), backups.end(),
            [](const auto& a, const auto& b) { return a.metadata().name() < b.metadata().name(); });
  return backups;
}

absl::StatusOr<velero::v1::BackupManifest> BackupLocation::Verify(const std::string& backup) const {
  const std::string dir = BackupDir(backup);
  auto json = ReadWhole(absl::StrCat(dir, "/", kManifestFile));
  if (!json.ok()) {
    return absl::DataLossError(
        absl::StrCat("backup ", backup, ": no ", kManifestFile, " in ", dir));
  }
  velero::v1::BackupManifest manifest;
  if (!google::protobuf::util::JsonStringToMessage(*json, &manifest).ok()) {
    return absl::DataLossError(absl::StrCat("backup ", backup, ": ", kManifestFile, " is corrupt"));
  }
  std::vector<std::string> full;
  for (const auto& file : manifest.files()) {
    const std::string& path = full.emplace_back(absl::StrCat(dir, "/", file.path()));
    std::error_code ec;
    auto size = stdfs::file_size(path, ec);
    if (ec)
      return absl::DataLossError(absl::StrCat("backup ", backup, ": ", file.path(), " is missing"));
    if (static_cast<int64_t>(size) != file.size()) {
      return absl::DataLossError(absl::StrCat("backup ", backup, ": ", file.path(), " has ", size,
                                              " bytes, the manifest says ", file.size()));
    }
  }
  std::vector<absl::StatusOr<std::string>> hashes = HashAll(full);
  for (int i = 0; i < manifest.files_size(); ++i) {
    if (!hashes[i].ok()) return hashes[i].status();
    if (*hashes[i] != manifest.files(i).sha256()) {
      return absl::DataLossError(absl::StrCat("backup ", backup, ": ", manifest.files(i).path(),
                                              " does not match its checksum in ", kManifestFile));
    }
  }
  return manifest;
}

absl::StatusOr<std::string> BackupLocation::ReadBackupFile(const std::string& backup,
                                                           const std::string& relative) const {
  return ReadWhole(absl::StrCat(BackupDir(backup), "/", relative));
}

absl::Status BackupLocation::RemoveBackup(const std::string& backup) const {
  std::error_code ec;
  stdfs::remove_all(BackupDir(backup), ec);
  if (ec)
    return absl::InternalError(absl::StrCat("remove ", BackupDir(backup), ": ", ec.message()));
  return absl::OkStatus();
}

}  // namespace ordo::backup
