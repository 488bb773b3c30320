// SHA-256 through OpenSSL (which uses the CPU's SHA instructions where there
// are any): fed as bytes go by, or over a whole file. One Sha256 object per
// thread; the functions are stateless and safe from any thread.
#pragma once

#include <openssl/evp.h>

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace ordo::fs {

class Sha256 {
 public:
  Sha256() : ctx_(EVP_MD_CTX_new()) { EVP_DigestInit_ex(ctx_, EVP_sha256(), nullptr); }
  ~Sha256() { EVP_MD_CTX_free(ctx_); }
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void Update(absl::string_view bytes) { EVP_DigestUpdate(ctx_, bytes.data(), bytes.size()); }
  // The 32-byte digest; the object is spent after.
  std::string Final();

 private:
  EVP_MD_CTX* ctx_;
};

// The lowercase hex SHA-256 of the file at `path` (as sha256sum prints it).
absl::StatusOr<std::string> Sha256File(const std::string& path);

}  // namespace ordo::fs
