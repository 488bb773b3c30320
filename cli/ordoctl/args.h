// Args is kubectl's command-line grammar: a verb, positional words, and flags
// anywhere, long (--namespace x, --namespace=x) or short (-n x), boolean
// flags without a value (-A, --force, -w), and `-f -` for standard input.
// Written here because Abseil's flags parse a fixed set of flags for a whole
// program, not per-verb flags with short aliases. Value type; not synchronised.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace ordo::ctl {

struct Args {
  std::vector<std::string> positional;       // verb first
  std::map<std::string, std::string> flags;  // long names, aliases resolved

  bool Has(const std::string& name) const { return flags.count(name) > 0; }
  std::string Get(const std::string& name, const std::string& fallback = "") const {
    auto it = flags.find(name);
    return it == flags.end() ? fallback : it->second;
  }
};

// INVALID_ARGUMENT for an unknown flag or a missing value.
absl::StatusOr<Args> ParseArgs(int argc, char** argv);

}  // namespace ordo::ctl
