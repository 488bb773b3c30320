// PowerCutFileSystem is a RocksDB file system, over the real one, that shows
// what a power cut leaves on disk: unlike kill -9, which keeps the page cache,
// a cut loses every byte written after a file's last Sync/Fsync.
//
// It remembers, for each file written through it, its length at its last sync.
// CutPower() turns the machine off: every later write, sync, close, create,
// rename and delete fails, so nothing more reaches the disk. RestorePower()
// reboots: every file written through it is cut back to its length at its last
// sync, and calls succeed again.
//
// What it does not model: directory entries (a file created or renamed is
// taken to survive; RocksDB fsyncs its directory after each such change) and a
// sync's own tearing (a sync either happened whole or not at all). Files that
// were there before it count as synced.
//
// For tests. Thread-safe: one mutex, held across each write and sync so a cut
// falls between calls, never inside one.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "rocksdb/file_system.h"

namespace ordo::store {

class PowerCutFileSystem final : public rocksdb::FileSystemWrapper {
 public:
  // Over rocksdb::FileSystem::Default().
  PowerCutFileSystem();

  // From now on nothing reaches the disk.
  void CutPower();
  // Drops what was written after each file's last sync before the cut, and
  // lets calls through again. Call once whatever had the files open is gone.
  void RestorePower();

  const char* Name() const override { return "PowerCutFileSystem"; }

  rocksdb::IOStatus NewWritableFile(const std::string& path, const rocksdb::FileOptions& options,
                                    std::unique_ptr<rocksdb::FSWritableFile>* file,
                                    rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus ReopenWritableFile(const std::string& path, const rocksdb::FileOptions& options,
                                       std::unique_ptr<rocksdb::FSWritableFile>* file,
                                       rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus ReuseWritableFile(const std::string& path, const std::string& old_path,
                                      const rocksdb::FileOptions& options,
                                      std::unique_ptr<rocksdb::FSWritableFile>* file,
                                      rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus NewRandomRWFile(const std::string& path, const rocksdb::FileOptions& options,
                                    std::unique_ptr<rocksdb::FSRandomRWFile>* file,
                                    rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus DeleteFile(const std::string& path, const rocksdb::IOOptions& options,
                               rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus RenameFile(const std::string& from, const std::string& to,
                               const rocksdb::IOOptions& options,
                               rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus LinkFile(const std::string& from, const std::string& to,
                             const rocksdb::IOOptions& options,
                             rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus Truncate(const std::string& path, size_t size,
                             const rocksdb::IOOptions& options,
                             rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus CreateDir(const std::string& path, const rocksdb::IOOptions& options,
                              rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus DeleteDir(const std::string& path, const rocksdb::IOOptions& options,
                              rocksdb::IODebugContext* dbg) override;

 private:
  class File;
  struct Lengths {
    uint64_t written = 0;
    uint64_t synced = 0;
  };

  // Wraps a file just opened at `path`, whose first `durable` bytes are on disk.
  void Track(const std::string& path, uint64_t durable,
             std::unique_ptr<rocksdb::FSWritableFile>* file) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  absl::Mutex mu_;
  bool off_ ABSL_GUARDED_BY(mu_) = false;
  // By path; shared with the open File, so a rename while open keeps them one.
  std::map<std::string, std::shared_ptr<Lengths>> files_ ABSL_GUARDED_BY(mu_);
};

}  // namespace ordo::store
