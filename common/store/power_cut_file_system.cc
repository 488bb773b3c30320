#include "common/store/power_cut_file_system.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "spdlog/spdlog.h"

namespace ordo::store {
namespace {

rocksdb::IOStatus PoweredOff() { return rocksdb::IOStatus::IOError("power cut"); }

}  // namespace

// A file open for writing: counts what reaches it and what a sync made durable.
class PowerCutFileSystem::File final : public rocksdb::FSWritableFileOwnerWrapper {
 public:
  File(PowerCutFileSystem* fs, std::shared_ptr<Lengths> lengths,
       std::unique_ptr<rocksdb::FSWritableFile> target)
      : FSWritableFileOwnerWrapper(std::move(target)), fs_(fs), lengths_(std::move(lengths)) {}

  rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                           rocksdb::IODebugContext* dbg) override {
    absl::MutexLock lock(&fs_->mu_);
    if (fs_->off_) return PoweredOff();
    rocksdb::IOStatus s = target()->Append(data, options, dbg);
    if (s.ok()) lengths_->written += data.size();
    return s;
  }
  rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                           const rocksdb::DataVerificationInfo& /*info*/,
                           rocksdb::IODebugContext* dbg) override {
    return Append(data, options, dbg);
  }
  rocksdb::IOStatus PositionedAppend(const rocksdb::Slice& data, uint64_t offset,
                                     const rocksdb::IOOptions& options,
                                     rocksdb::IODebugContext* dbg) override {
    absl::MutexLock lock(&fs_->mu_);
    if (fs_->off_) return PoweredOff();
    rocksdb::IOStatus s = target()->PositionedAppend(data, offset, options, dbg);
    if (s.ok()) lengths_->written = std::max(lengths_->written, offset + data.size());
    return s;
  }
  rocksdb::IOStatus PositionedAppend(const rocksdb::Slice& data, uint64_t offset,
                                     const rocksdb::IOOptions& options,
                                     const rocksdb::DataVerificationInfo& /*info*/,
                                     rocksdb::IODebugContext* dbg) override {
    return PositionedAppend(data, offset, options, dbg);
  }
  rocksdb::IOStatus Truncate(uint64_t size, const rocksdb::IOOptions& options,
                             rocksdb::IODebugContext* dbg) override {
    absl::MutexLock lock(&fs_->mu_);
    if (fs_->off_) return PoweredOff();
    rocksdb::IOStatus s = target()->Truncate(size, options, dbg);
    if (s.ok()) {
      lengths_->written = size;
      lengths_->synced = std::min(lengths_->synced, size);
    }
    return s;
  }
  rocksdb::IOStatus Sync(const rocksdb::IOOptions& options, rocksdb::IODebugContext* dbg) override {
    absl::MutexLock lock(&fs_->mu_);
    if (fs_->off_) return PoweredOff();
    rocksdb::IOStatus s = target()->Sync(options, dbg);
    if (s.ok()) lengths_->synced = lengths_->written;
    return s;
  }
  rocksdb::IOStatus Fsync(const rocksdb::IOOptions& options,
                          rocksdb::IODebugContext* dbg) override {
    absl::MutexLock lock(&fs_->mu_);
    if (fs_->off_) return PoweredOff();
    rocksdb::IOStatus s = target()->Fsync(options, dbg);
    if (s.ok()) lengths_->synced = lengths_->written;
    return s;
  }
  rocksdb::IOStatus Close(const rocksdb::IOOptions& options,
                          rocksdb::IODebugContext* dbg) override {
    absl::MutexLock lock(&fs_->mu_);
    if (fs_->off_) return PoweredOff();
    return target()->Close(options, dbg);
  }

 private:
  PowerCutFileSystem* const fs_;
  const std::shared_ptr<Lengths> lengths_;
};

PowerCutFileSystem::PowerCutFileSystem() : FileSystemWrapper(rocksdb::FileSystem::Default()) {}

void PowerCutFileSystem::CutPower() {
  absl::MutexLock lock(&mu_);
  off_ = true;
}

void PowerCutFileSystem::RestorePower() {
  absl::MutexLock lock(&mu_);
  for (const auto& [path, lengths] : files_) {
    // Also undoes whatever a file's closing did to it after the cut (the
    // real file's destructor closes it, which may set its length).
    if (truncate(path.c_str(), static_cast<off_t>(lengths->synced)) != 0 && errno != ENOENT) {
      spdlog::error("power cut: truncate {}: {}", path, std::strerror(errno));
    }
    lengths->written = lengths->synced;
  }
  off_ = false;
}

void PowerCutFileSystem::Track(const std::string& path, uint64_t durable,
                               std::unique_ptr<rocksdb::FSWritableFile>* file) {
  auto lengths = std::make_shared<Lengths>(Lengths{.written = durable, .synced = durable});
  files_[path] = lengths;
  *file = std::make_unique<File>(this, std::move(lengths), std::move(*file));
}

rocksdb::IOStatus PowerCutFileSystem::NewWritableFile(
    const std::string& path, const rocksdb::FileOptions& options,
    std::unique_ptr<rocksdb::FSWritableFile>* file, rocksdb::IODebugContext* dbg) {
  absl::MutexLock lock(&mu_);
  if (off_) return PoweredOff();
  rocksdb::IOStatus s = target()->NewWritableFile(path, options, file, dbg);
  if (s.ok()) Track(path, 0, file);
  return s;
}

rocksdb::IOStatus PowerCutFileSystem::ReopenWritableFile(
    const std::string& path, const rocksdb::FileOptions& options,
    std::unique_ptr<rocksdb::FSWritableFile>* file, rocksdb::IODebugContext* dbg) {
  absl::MutexLock lock(&mu_);
  if (off_) return PoweredOff();
  uint64_t durable = 0;
  if (auto it = files_.find(path); it != files_.end()) {
    durable = it->second->synced;
  } else if (!target()->GetFileSize(path, rocksdb::IOOptions(), &durable, dbg).ok()) {
    durable = 0;  // a new file
  }
  rocksdb::IOStatus s = target()->ReopenWritableFile(path, options, file, dbg);
  if (!s.ok()) return s;
  uint64_t length = 0;
  (void)target()->GetFileSize(path, rocksdb::IOOptions(), &length, dbg);
  Track(path, durable, file);
  files_[path]->written = length;
  return s;
}

// A recycled file keeps its old bytes past what is written anew, but those
// are stale to RocksDB: only what the new writer syncs counts as durable.
rocksdb::IOStatus PowerCutFileSystem::ReuseWritableFile(
    const std::string& path, const std::string& old_path, const rocksdb::FileOptions& options,
    std::unique_ptr<rocksdb::FSWritableFile>* file, rocksdb::IODebugContext* dbg) {
  absl::MutexLock lock(&mu_);
  if (off_) return PoweredOff();
  rocksdb::IOStatus s = target()->ReuseWritableFile(path, old_path, options, file, dbg);
  if (!s.ok()) return s;
  files_.erase(old_path);
  Track(path, 0, file);
  return s;
}

rocksdb::IOStatus PowerCutFileSystem::NewRandomRWFile(
    const std::string& path, const rocksdb::FileOptions& options,
    std::unique_ptr<rocksdb::FSRandomRWFile>* file, rocksdb::IODebugContext* dbg) {
  absl::MutexLock lock(&mu_);
  if (off_) return PoweredOff();
  // The store never writes through one; refusing keeps the model honest.
  return rocksdb::IOStatus::NotSupported("PowerCutFileSystem: random read-write files");
}

rocksdb::IOStatus PowerCutFileSystem::DeleteFile(const std::string& path,
                                                 const rocksdb::IOOptions& options,
                                                 rocksdb::IODebugContext* dbg) {
  absl::MutexLock lock(&mu_);
  if (off_) return PoweredOff();
  rocksdb::IOStatus s = target()->DeleteFile(path, options, dbg);
  if (s.ok()) files_.erase(path);
  return s;
}

rocksdb::IOStatus PowerCutFileSystem::RenameFile(const std::string& from, const std::string& to,
                                                 const rocksdb::IOOptions& options,
                                                 rocksdb::IODebugContext* dbg) {
  absl::MutexLock lock(&mu_);
  if (off_) return PoweredOff();
  rocksdb::IOStatus s = target()->RenameFile(from, to, options, dbg);
  if (!s.ok()) return s;
  files_.erase(to);
  if (auto it = files_.find(from); it != files_.end()) {
    files_[to] = it->second;
    files_.erase(from);
  }
  return s;
}

rocksdb::IOStatus PowerCutFileSystem::LinkFile(const std::string& from, const std::string& to,
                                               const rocksdb::IOOptions& options,
                                               rocksdb::IODebugContext* dbg) {
  absl::MutexLock lock(&mu_);
  if (off_) return PoweredOff();
  rocksdb::IOStatus s = target()->LinkFile(from, to, options, dbg);
  if (s.ok()) {
    if (auto it = files_.find(from); it != files_.end()) files_[to] = it->second;
  }
  return s;
}

rocksdb::IOStatus PowerCutFileSystem::Truncate(const std::string& path, size_t size,
                                               const rocksdb::IOOptions& options,
                                               rocksdb::IODebugContext* dbg) {
  absl::MutexLock lock(&mu_);
  if (off_) return PoweredOff();
  rocksdb::IOStatus s = target()->Truncate(path, size, options, dbg);
  if (s.ok()) {
    if (auto it = files_.find(path); it != files_.end()) {
      it->second->written = size;
      it->second->synced = std::min<uint64_t>(it->second->synced, size);
    }
  }
  return s;
}

rocksdb::IOStatus PowerCutFileSystem::CreateDir(const std::string& path,
                                                const rocksdb::IOOptions& options,
                                                rocksdb::IODebugContext* dbg) {
  absl::MutexLock lock(&mu_);
  if (off_) return PoweredOff();
  return target()->CreateDir(path, options, dbg);
}

rocksdb::IOStatus PowerCutFileSystem::DeleteDir(const std::string& path,
                                                const rocksdb::IOOptions& options,
                                                rocksdb::IODebugContext* dbg) {
  absl::MutexLock lock(&mu_);
  if (off_) return PoweredOff();
  return target()->DeleteDir(path, options, dbg);
}

}  // namespace ordo::store
