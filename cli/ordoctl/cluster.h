// `ordoctl cluster up|down|status`: a whole ordo cluster on this machine as
// background processes (api-server, scheduler, controller-manager, dns and N
// kubelet-agents; with --store etcd, three etcd members and up to three
// api-servers), with their logs, pids and ports under --data-dir.
// Single-threaded, like the rest of ordoctl.
#pragma once

#include "cli/ordoctl/args.h"
#include "cli/ordoctl/commands.h"

namespace ordo::ctl {

int Cluster(const Args& args, std::ostream& out, std::ostream& err);

}  // namespace ordo::ctl
