// `ordoctl logs` and `ordoctl exec`: the pods/log and pods/exec subresources
// of the api-server (ordo.core.v1.PodIO), which authorizes the caller and
// relays the stream to the pod's kubelet-agent, as kubectl's go through
// kube-apiserver.
#pragma once

#include "cli/ordoctl/args.h"
#include "cli/ordoctl/commands.h"

namespace ordo::ctl {

int Logs(const Args& args, Context& ctx);
int Exec(const Args& args, Context& ctx);

}  // namespace ordo::ctl
