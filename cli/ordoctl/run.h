// `ordoctl run NAME --image=IMG [--restart=Never] [-i] [--tty] [--rm] [-- CMD...]`:
// kubectl run for one-off pods. Without -i it creates a pod that runs the
// image (or CMD) and prints `pod/NAME created`. With -i it creates a pod that
// idles, waits until it runs, then runs CMD (default `sh`) inside it with
// this terminal's stdin and stdout, as kubectl attaches; with --rm the pod
// is deleted afterwards. (ordo's containers take no stdin of their own, so
// the session is an exec into the pod rather than an attach.)
#pragma once

#include "cli/ordoctl/args.h"
#include "cli/ordoctl/commands.h"

namespace ordo::ctl {

int Run(const Args& args, Context& ctx);

}  // namespace ordo::ctl
