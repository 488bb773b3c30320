// TempDir is a fresh directory under $TMPDIR (or /tmp), removed with everything
// in it when the object is destroyed. For hermetic tests. Not synchronised.
#pragma once

#include <string>

namespace ordo::testing {

// The whole content of a file ("" if it cannot be read).
std::string ReadFile(const std::string& path);

class TempDir {
 public:
  TempDir();
  // Under `parent` (created if missing) instead of $TMPDIR.
  explicit TempDir(const std::string& parent);
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string Join(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

}  // namespace ordo::testing
