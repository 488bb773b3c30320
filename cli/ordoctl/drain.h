// `ordoctl cordon|uncordon|drain NODE`, as kubectl's (reference §3.6):
// cordon marks the node unschedulable; drain cordons it, then evicts every
// pod on it through the Eviction call, which honours PodDisruptionBudgets: a
// refused eviction (the budget would break) is retried every 5 s until
// --timeout, and each evicted pod is waited for until it is gone. Pods no
// controller owns are refused unless --force; pods with emptyDir volumes
// unless --delete-emptydir-data; finished pods are skipped.
#pragma once

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "cli/ordoctl/args.h"
#include "cli/ordoctl/commands.h"
#include "ordo/core/v1/core.pb.h"

namespace ordo::ctl {

// Reads Node `name`, lets `edit` change it, and writes it back under the
// version read; read again (up to 3 times) when another writer came first.
// Returns whether `edit` changed anything (nothing is written when not), or
// its error, or the server's.
absl::StatusOr<bool> EditNode(Context& ctx, const std::string& name,
                              const std::function<absl::StatusOr<bool>(core::v1::Node&)>& edit);

int Cordon(const Args& args, Context& ctx, bool unschedulable);
int Drain(const Args& args, Context& ctx);

}  // namespace ordo::ctl
