// `ordoctl rollout status|history|undo|restart sts/NAME`: kubectl's rollout
// verbs for StatefulSets, over the set's status and its ControllerRevisions.
//   status   prints progress as it changes, in kubectl's words, until the
//            rollout is done (exit 0) or --timeout passes (exit 1);
//            --watch=false prints once. Unlike kubectl, OnDelete sets report
//            too: ordo advances their currentRevision.
//   history  REVISION / CHANGE-CAUSE (the kubernetes.io/change-cause
//            annotation); --revision N prints that revision's pod template.
//   undo     puts the template of the previous revision (or --to-revision N)
//            back in the set; the controller rolls the pods.
//   restart  stamps kubectl.kubernetes.io/restartedAt on the template.
#pragma once

#include "cli/ordoctl/args.h"
#include "cli/ordoctl/commands.h"

namespace ordo::ctl {

int Rollout(const Args& args, Context& ctx);

}  // namespace ordo::ctl
