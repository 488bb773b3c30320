// ordoctl: kubectl's habits for an ordo cluster. `ordoctl --help` lists the verbs.
#include <cstdlib>
#include <iostream>

#include "cli/ordoctl/args.h"
#include "cli/ordoctl/cluster.h"
#include "cli/ordoctl/commands.h"
#include "cli/ordoctl/drain.h"
#include "cli/ordoctl/pod_io.h"
#include "cli/ordoctl/rollout.h"
#include "cli/ordoctl/run.h"
#include "cli/ordoctl/taint.h"
#include "common/clock/clock.h"
#include "common/security/credentials.h"

namespace {

constexpr char kUsage[] = R"(ordoctl controls an ordo cluster, the way kubectl controls Kubernetes.

Usage: ordoctl [--kubeconfig FILE] [--context NAME] [-n NAMESPACE | -A] VERB [ARGS] [FLAGS]

Verbs:
  apply -f FILE|DIR|-        Create objects, or update what changed ("unchanged" when nothing did)
  create -f FILE|DIR|-       Create objects; an existing one is an error
  replace -f FILE|DIR|-      Replace objects with the manifests: [--force] deletes and creates anew
  get KIND [NAME...]         Show objects: [-o yaml|json|wide|name|jsonpath=T] [-l SELECTOR] [--field-selector S] [-w] [--no-headers]
  describe KIND NAME         Show an object in detail, with the Events about it
  delete KIND NAME... | KIND -l SELECTOR | -f FILE
                             Delete objects: [--grace-period N] [--force] [--cascade=background|orphan|foreground] [--wait]
  wait KIND/NAME --for=delete|condition=TYPE|jsonpath='{PATH}'=VALUE [--timeout 30s]
                             Wait until an object is gone, has a condition or a value
  scale sts NAME --replicas N Set the number of replicas of a StatefulSet
  patch KIND NAME -p PATCH   Update fields: [--type strategic|merge|json]
  rollout status|history|undo|restart sts/NAME
                             Follow, list, roll back or restart a StatefulSet's rollout:
                             status [--timeout D] [--watch=false]; history [--revision N];
                             undo [--to-revision N]
  cordon|uncordon NODE       Mark a node unschedulable, or schedulable again
  taint nodes NODE KEY[=VALUE]:EFFECT[-]...
                             Add (or with a trailing - remove) node taints: [--overwrite]
  drain NODE                 Cordon, then evict its pods honouring disruption budgets:
                             [--ignore-daemonsets] [--delete-emptydir-data] [--force] [--timeout D]
  logs POD [-c C] [-f] [--previous] [--tail N]
  exec POD [-c C] [-i] -- CMD...
  run NAME --image=IMG [--restart=Never] [-i] [--tty] [--rm] [-- CMD...]
                             A one-off pod; with -i a session inside it (default sh)
  cluster up|down|status [--data-dir DIR] [--nodes N] [--api-port P] [--backup-location DIR]
                         [--store embedded|etcd] [--api-servers N]
                             A local cluster of processes under DIR (default .ordo), with
                             its certificates in DIR/pki and the admin's kubeconfig in DIR/kubeconfig
  certs [renew NAME] [--data-dir DIR]
                             The cluster's certificates (subject, SANs, expiry), or renew one
  certs init [--data-dir DIR] [--server HOST:PORT[,HOST:PORT]] [--san NAME|IP,...]
             [--node-ips NODE=IP,...] [--etcd-sans NAME|IP,...]
                             Make the CA and each component's certificate (kept if present);
                             with --etcd-sans, etcd's own CA and certificates in DIR/pki/etcd
  snapshot save FILE         The api-server's whole store at one revision, to FILE
  snapshot status FILE [-o json]
                             A snapshot's hash, revision, keys and size, checked whole
                             (ordo-api-server --restore-from FILE --data-dir NEW restores one)
  backup create NAME [--selector k=v] [--include-namespaces a,b] [--include-resources r,...]
         [--snapshot-volumes=false] [--ttl 720h0m0s] [--storage-location L] [--wait]
                             Back up objects (as YAML) and their claims' data (Velero's verbs)
  backup get [NAME...] | describe NAME | logs NAME | delete NAME
  schedule create NAME --schedule "0 */6 * * *" [backup create's flags]
  schedule get
  restore create [NAME] --from-backup B|--from-schedule S [--namespace-mappings a:b,...]
         [--include-namespaces a,b] [--selector k=v] [--restore-volumes=false] [--wait]
                             Claims first (each from its own data), then Services, then sets
  restore get | describe NAME | logs NAME
  api-resources              The kinds ordo serves, with their short names
  version                    The client and server versions
  health [HOST:PORT]         Whether a server is serving (grpc.health.v1)
  auth can-i VERB RESOURCE[/NAME] [--subresource S]
                             Whether you (with --as: that user) may do that: yes or no

Flags:
      --kubeconfig FILE      Credentials and server (default: $KUBECONFIG, else .ordo/kubeconfig
                             when it exists; without one: plaintext)
      --context NAME         The kubeconfig context (default: its current-context)
      --as USER [--as-group G,...]
                             Act as another user (you must be allowed to impersonate it)
  -s, --server HOST:PORT     The api-server (default: $ORDO_SERVER, else the kubeconfig's,
                             else 127.0.0.1:6443)
  -n, --namespace NAME       The namespace (default: default)
  -A, --all-namespaces       Every namespace (get)
  -h, --help                 This help; VERB --help for a verb's
)";

}  // namespace

int main(int argc, char** argv) {
  auto args = ordo::ctl::ParseArgs(argc, argv);
  if (!args.ok()) {
    std::cerr << "error: " << args.status().message() << "\nSee 'ordoctl --help' for usage.\n";
    return 1;
  }
  if (!args->positional.empty() && args->Has("help")) {
    std::string help = ordo::ctl::VerbHelp(args->positional[0]);
    std::cout << (help.empty() ? kUsage : help);
    return 0;
  }
  if (args->positional.empty() || args->Has("help")) {
    std::cout << kUsage;
    return args->positional.empty() && !args->Has("help") ? 1 : 0;
  }
  if (args->positional[0] == "cluster") return ordo::ctl::Cluster(*args, std::cout, std::cerr);
  if (args->positional[0] == "certs") return ordo::ctl::Certs(*args, std::cout, std::cerr);
  bool snapshot = args->positional[0] == "snapshot";
  std::string snapshot_verb = snapshot && args->positional.size() > 1 ? args->positional[1] : "";
  if (snapshot && snapshot_verb != "save" && snapshot_verb != "status") {
    std::cerr << "error: expected save or status: ordoctl snapshot save|status FILE\n";
    return 1;
  }
  if (snapshot_verb == "status") return ordo::ctl::SnapshotStatus(*args, std::cout, std::cerr);
  auto credentials = ordo::ctl::LoadKubeconfig(*args);
  if (!credentials.ok()) {
    std::cerr << "error: " << credentials.status().message() << "\n";
    return 1;
  }
  std::string server = credentials->server;
  auto channel = ordo::security::Dial(server, *credentials);
  // One attempt: a person at a terminal wants to hear at once that the server is away.
  ordo::api::GenericClient client(channel, ordo::SystemClock(),
                                  ordo::api::ClientOptions{.max_attempts = 1});
  std::string ns = credentials->ns.empty() ? "default" : credentials->ns;
  ordo::ctl::Context ctx{client,
                         server,
                         *credentials,
                         args->Get("namespace", ns),
                         args->Get("all-namespaces") == "true",
                         std::cout,
                         std::cerr,
                         std::cin};
  const std::string& verb = args->positional[0];
  if (verb == "apply") return ordo::ctl::Apply(*args, ctx, /*create_only=*/false);
  if (verb == "create") return ordo::ctl::Apply(*args, ctx, /*create_only=*/true);
  if (verb == "replace") return ordo::ctl::Replace(*args, ctx);
  if (verb == "get") return ordo::ctl::Get(*args, ctx);
  if (verb == "delete") return ordo::ctl::Delete(*args, ctx);
  if (verb == "scale") return ordo::ctl::Scale(*args, ctx);
  if (verb == "patch") return ordo::ctl::Patch(*args, ctx);
  if (verb == "describe") return ordo::ctl::Describe(*args, ctx);
  if (verb == "wait") return ordo::ctl::Wait(*args, ctx);
  if (verb == "api-resources") return ordo::ctl::ApiResources(*args, ctx);
  if (verb == "logs") return ordo::ctl::Logs(*args, ctx);
  if (verb == "exec") return ordo::ctl::Exec(*args, ctx);
  if (verb == "rollout") return ordo::ctl::Rollout(*args, ctx);
  if (verb == "run") return ordo::ctl::Run(*args, ctx);
  if (verb == "cordon") return ordo::ctl::Cordon(*args, ctx, true);
  if (verb == "uncordon") return ordo::ctl::Cordon(*args, ctx, false);
  if (verb == "drain") return ordo::ctl::Drain(*args, ctx);
  if (verb == "taint") return ordo::ctl::Taint(*args, ctx);
  if (verb == "version") return ordo::ctl::Version(*args, ctx);
  if (verb == "health") return ordo::ctl::Health(*args, ctx);
  if (verb == "auth") return ordo::ctl::Auth(*args, ctx);
  if (verb == "snapshot") return ordo::ctl::SnapshotSave(*args, ctx);
  if (verb == "backup") return ordo::ctl::BackupCommand(*args, ctx);
  if (verb == "schedule") return ordo::ctl::ScheduleCommand(*args, ctx);
  if (verb == "restore") return ordo::ctl::RestoreCommand(*args, ctx);
  std::cerr << "error: unknown command \"" << verb
            << "\" for \"ordoctl\"\nRun 'ordoctl --help' for usage.\n";
  return 1;
}
