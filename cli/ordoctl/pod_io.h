// `ordoctl logs` and `ordoctl exec`: find the pod's node, then talk to that
// node's kubelet-agent (its address and port are in the Node's status).
#pragma once

#include "cli/ordoctl/args.h"
#include "cli/ordoctl/commands.h"

namespace ordo::ctl {

int Logs(const Args& args, Context& ctx);
int Exec(const Args& args, Context& ctx);

}  // namespace ordo::ctl
