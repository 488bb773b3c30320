#include "common/fs/copy_tree.h"

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "absl/strings/str_cat.h"

namespace ordo::fs {
namespace {

namespace stdfs = std::filesystem;

absl::Status Errno(const std::string& what, const std::string& path) {
  return absl::InternalError(absl::StrCat(what, " ", path, ": ", std::strerror(errno)));
}

// Closes a descriptor when it goes out of scope.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

absl::Status CopyFile(const std::string& from, const std::string& to, const struct stat& st,
                      CopyStats& stats) {
  Fd in(open(from.c_str(), O_RDONLY | O_CLOEXEC));
  if (in.get() < 0) return Errno("open", from);
  Fd out(open(to.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, st.st_mode & 07777));
  if (out.get() < 0) return Errno("create", to);
  if (ioctl(out.get(), FICLONE, in.get()) == 0) {
    ++stats.cloned;
  } else {
    off_t left = st.st_size;
    while (left > 0) {
      ssize_t n =
          copy_file_range(in.get(), nullptr, out.get(), nullptr, static_cast<size_t>(left), 0);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return Errno("copy", from);
      if (n == 0) break;  // the file shrank while we copied it
      left -= n;
    }
  }
  ++stats.files;
  stats.bytes += st.st_size;
  return absl::OkStatus();
}

void KeepOwnerAndMode(const std::string& path, const struct stat& st) {
  if (geteuid() == 0) (void)lchown(path.c_str(), st.st_uid, st.st_gid);
  if (!S_ISLNK(st.st_mode)) (void)chmod(path.c_str(), st.st_mode & 07777);
}

absl::Status Copy(const std::string& from, const std::string& to, CopyStats& stats) {
  struct stat st;
  if (lstat(from.c_str(), &st) != 0) return Errno("stat", from);
  if (S_ISDIR(st.st_mode)) {
    if (mkdir(to.c_str(), 0700) != 0) return Errno("mkdir", to);
    std::error_code ec;
    for (const auto& entry : stdfs::directory_iterator(from, ec)) {
      std::string name = entry.path().filename().string();
      if (absl::Status s = Copy(from + "/" + name, to + "/" + name, stats); !s.ok()) return s;
    }
    if (ec) return absl::InternalError(absl::StrCat("list ", from, ": ", ec.message()));
  } else if (S_ISREG(st.st_mode)) {
    if (absl::Status s = CopyFile(from, to, st, stats); !s.ok()) return s;
  } else if (S_ISLNK(st.st_mode)) {
    std::string target(static_cast<size_t>(st.st_size) + 1, '\0');
    ssize_t n = readlink(from.c_str(), target.data(), target.size());
    if (n < 0) return Errno("readlink", from);
    target.resize(static_cast<size_t>(n));
    if (symlink(target.c_str(), to.c_str()) != 0) return Errno("symlink", to);
  } else {
    ++stats.skipped;
    return absl::OkStatus();
  }
  KeepOwnerAndMode(to, st);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<CopyStats> CopyTree(const std::string& from, const std::string& to) {
  struct stat st;
  if (stat(from.c_str(), &st) != 0) return Errno("stat", from);
  if (!S_ISDIR(st.st_mode)) {
    return absl::InvalidArgumentError(absl::StrCat(from, " is not a directory"));
  }
  CopyStats stats;
  if (absl::Status s = Copy(from, to, stats); !s.ok()) return s;
  return stats;
}

absl::StatusOr<int64_t> TreeSize(const std::string& dir) {
  int64_t total = 0;
  std::error_code ec;
  for (auto it = stdfs::recursive_directory_iterator(dir, ec);
       !ec && it != stdfs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_regular_file(ec) && !it->is_symlink(ec)) total += it->file_size(ec);
  }
  if (ec) return absl::InternalError(absl::StrCat("size of ", dir, ": ", ec.message()));
  return total;
}

absl::StatusOr<CopyStats> MoveTree(const std::string& from, const std::string& to) {
  if (::rename(from.c_str(), to.c_str()) == 0) return CopyStats{};
  if (errno != EXDEV) return Errno("rename", from);
  auto copied = CopyTree(from, to);
  if (!copied.ok()) return copied.status();
  std::error_code ec;
  stdfs::remove_all(from, ec);
  if (ec) return absl::InternalError(absl::StrCat("remove ", from, ": ", ec.message()));
  return copied;
}

}  // namespace ordo::fs
