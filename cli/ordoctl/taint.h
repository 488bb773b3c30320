// `ordoctl taint nodes NODE KEY[=VALUE]:EFFECT[-]...`, as kubectl's: adds,
// replaces (--overwrite) or removes (a trailing "-"; the effect may then be
// left out to remove every taint of the key) taints on a node. The admin's
// way to declare a node shut down for good (reference §3.4:
// node.kubernetes.io/out-of-service=nodeshutdown:NoExecute) and to lift it.
// A bad spec or a conflict changes nothing. Not synchronised.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "cli/ordoctl/args.h"
#include "cli/ordoctl/commands.h"
#include "ordo/core/v1/core.pb.h"

namespace ordo::ctl {

struct TaintChange {
  core::v1::Taint taint;  // effect may be empty only when removing
  bool remove = false;
};

// One KEY[=VALUE]:EFFECT[-] word; INVALID_ARGUMENT naming the problem.
absl::StatusOr<TaintChange> ParseTaintChange(const std::string& spec);

// Applies `changes` to `node` in order; `now` stamps added NoExecute taints.
// Returns whether anything changed; INVALID_ARGUMENT (node untouched) when a
// key+effect exists with another value without `overwrite`, or a removed
// taint is not there.
absl::StatusOr<bool> ApplyTaintChanges(core::v1::Node& node,
                                       const std::vector<TaintChange>& changes, bool overwrite,
                                       absl::Time now);

int Taint(const Args& args, Context& ctx);

}  // namespace ordo::ctl
