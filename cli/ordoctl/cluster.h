// `ordoctl cluster up|down|status`: a whole ordo cluster on this machine as
// background processes (api-server, scheduler, the controller-manager and dns
// once they exist, and N kubelet-agents), with their logs, pids and ports
// under --data-dir. Single-threaded, like the rest of ordoctl.
#pragma once

#include "cli/ordoctl/args.h"
#include "cli/ordoctl/commands.h"

namespace ordo::ctl {

int Cluster(const Args& args, std::ostream& out, std::ostream& err);

}  // namespace ordo::ctl
