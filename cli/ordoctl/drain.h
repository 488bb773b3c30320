// `ordoctl cordon|uncordon|drain NODE`, as kubectl's (reference §3.6):
// cordon marks the node unschedulable; drain cordons it, then evicts every
// pod on it through the Eviction call, which honours PodDisruptionBudgets: a
// refused eviction (the budget would break) is retried every 5 s until
// --timeout, and each evicted pod is waited for until it is gone. Pods no
// controller owns are refused unless --force; pods with emptyDir volumes
// unless --delete-emptydir-data; finished pods are skipped.
#pragma once

#include "cli/ordoctl/args.h"
#include "cli/ordoctl/commands.h"

namespace ordo::ctl {

int Cordon(const Args& args, Context& ctx, bool unschedulable);
int Drain(const Args& args, Context& ctx);

}  // namespace ordo::ctl
