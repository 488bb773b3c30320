// Copies a directory tree, as `cp -a --reflink=auto` does: directories,
// regular files, symbolic links, with their permission bits (ownership too
// when run as root). A regular file is first cloned (the FICLONE ioctl: a
// copy-on-write copy that shares blocks on btrfs, XFS and other file systems
// that offer it), else copied by copy_file_range(2) in the kernel. Other
// file types (devices, sockets, FIFOs) are skipped and counted. Stateless;
// safe from any thread on distinct destinations.
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"

namespace ordo::fs {

struct CopyStats {
  int64_t files = 0;
  int64_t bytes = 0;   // of regular files
  int64_t cloned = 0;  // files copied by FICLONE
  int64_t skipped = 0;
};

// Copies the tree at `from` into `to`, which must not exist (its parent
// must). Errors name the path that failed.
absl::StatusOr<CopyStats> CopyTree(const std::string& from, const std::string& to);

// Moves the tree at `from` to `to` (which must not exist): a rename when both
// are on one file system (stats all zero), else CopyTree and then `from` is
// removed.
absl::StatusOr<CopyStats> MoveTree(const std::string& from, const std::string& to);

// The bytes of the regular files under `dir`.
absl::StatusOr<int64_t> TreeSize(const std::string& dir);

}  // namespace ordo::fs
