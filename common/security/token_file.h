// Static bearer tokens in kube-apiserver's --token-auth-file format: a CSV of
// `token,user,uid[,"group1,group2"]` per line (blank lines and lines starting
// with # are skipped). Immutable after parsing; safe from any thread.
#pragma once

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace ordo::security {

struct TokenUser {
  std::string name;
  std::string uid;
  std::vector<std::string> groups;
};

class TokenFile {
 public:
  TokenFile() = default;
  // Errors name the line and column (`tokens.csv:3: user: Required value`).
  static absl::StatusOr<TokenFile> Parse(absl::string_view csv, absl::string_view source);
  static absl::StatusOr<TokenFile> Read(const std::string& path);

  const TokenUser* Find(absl::string_view token) const;
  size_t size() const { return users_.size(); }

 private:
  absl::flat_hash_map<std::string, TokenUser> users_;
};

}  // namespace ordo::security
