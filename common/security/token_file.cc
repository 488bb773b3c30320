#include "common/security/token_file.h"

#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace ordo::security {
namespace {

// One CSV record: fields split on commas outside double quotes, "" inside
// quotes standing for one quote (RFC 4180, what Go's encoding/csv reads).
absl::StatusOr<std::vector<std::string>> SplitRecord(absl::string_view line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        fields.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        fields.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.emplace_back();
    } else {
      fields.back() += c;
    }
  }
  if (quoted) return absl::InvalidArgumentError("unterminated quoted field");
  return fields;
}

}  // namespace

absl::StatusOr<TokenFile> TokenFile::Parse(absl::string_view csv, absl::string_view source) {
  TokenFile file;
  int number = 0;
  for (absl::string_view line : absl::StrSplit(csv, '\n')) {
    ++number;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line.front() == '#') continue;
    std::string at = absl::StrCat(source, ":", number, ": ");
    auto fields = SplitRecord(line);
    if (!fields.ok())
      return absl::InvalidArgumentError(at + std::string(fields.status().message()));
    if (fields->size() < 3) {
      return absl::InvalidArgumentError(at +
                                        "want at least 3 columns (token,user,uid[,\"group,...\"])");
    }
    if (fields->size() > 4) {
      return absl::InvalidArgumentError(at + "want at most 4 columns; quote the groups");
    }
    TokenUser user{.name = (*fields)[1], .uid = (*fields)[2]};
    if ((*fields)[0].empty()) return absl::InvalidArgumentError(at + "token: Required value");
    if (user.name.empty()) return absl::InvalidArgumentError(at + "user: Required value");
    if (fields->size() == 4) {
      for (absl::string_view g : absl::StrSplit((*fields)[3], ',', absl::SkipWhitespace())) {
        user.groups.emplace_back(absl::StripAsciiWhitespace(g));
      }
    }
    if (!file.users_.emplace((*fields)[0], std::move(user)).second) {
      return absl::InvalidArgumentError(at + "token: Duplicate value");
    }
  }
  return file;
}

absl::StatusOr<TokenFile> TokenFile::Read(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("--token-auth-file: cannot read ", path));
  std::stringstream text;
  text << in.rdbuf();
  return Parse(text.str(), path);
}

const TokenUser* TokenFile::Find(absl::string_view token) const {
  auto it = users_.find(token);
  return it == users_.end() ? nullptr : &it->second;
}

}  // namespace ordo::security
