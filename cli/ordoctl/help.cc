// The help text of each verb (`ordoctl VERB --help`).
#include "cli/ordoctl/commands.h"

namespace ordo::ctl {

std::string VerbHelp(const std::string& verb) {
  if (verb == "backup") {
    return "Back up objects as YAML and their claims' data into a backup storage location "
           "(Velero's verbs; objects in namespace velero).\n\nUsage:\n"
           "  ordoctl backup create NAME [--selector k=v] [--include-namespaces a,b] "
           "[--exclude-namespaces a,b]\n"
           "         [--include-resources r,...] [--exclude-resources r,...] "
           "[--include-cluster-resources]\n"
           "         [--snapshot-volumes=false] [--ttl 720h0m0s] [--storage-location NAME] "
           "[--wait]\n"
           "  ordoctl backup get [NAME...]\n  ordoctl backup describe NAME\n"
           "  ordoctl backup logs NAME\n  ordoctl backup delete NAME...   (its data goes too)\n";
  }
  if (verb == "schedule") {
    return "Back up on a cron schedule.\n\nUsage:\n"
           "  ordoctl schedule create NAME --schedule \"0 */6 * * *\" [backup create's flags] "
           "[--use-owner-references-in-backup]\n  ordoctl schedule get\n";
  }
  if (verb == "restore") {
    return "Restore a backup: claims first, each from its own data, then Services, then "
           "workloads; objects that exist are left alone and reported.\n\nUsage:\n"
           "  ordoctl restore create [NAME] --from-backup B|--from-schedule S "
           "[--namespace-mappings a:b,...]\n"
           "         [--include-namespaces a,b] [--include-resources r,...] [--selector k=v] "
           "[--restore-volumes=false] [--wait]\n"
           "  ordoctl restore get\n  ordoctl restore describe NAME\n  ordoctl restore logs NAME\n";
  }
  if (verb == "wait") {
    return "Wait until an object is deleted, has a condition, or a field has a value.\n\n"
           "Usage: ordoctl wait KIND/NAME --for=delete|condition=TYPE|jsonpath='{PATH}'=VALUE "
           "[--timeout 30s]\n";
  }
  if (verb == "describe") {
    return "Show an object in detail: its identity, spec, status and the Events about it.\n\n"
           "Usage: ordoctl describe KIND NAME\n";
  }
  if (verb == "apply") {
    return "Apply a configuration to objects, from a file, a directory of .yaml/.yml/.json files, "
           "or stdin (-f -).\nCreates what is missing, updates what changed, and reports "
           "\"unchanged\" (writing nothing) otherwise.\n\nUsage: ordoctl apply -f FILE|DIR|-\n";
  }
  if (verb == "replace") {
    return "Replace objects with the manifests as given (fields they leave out are dropped).\n\n"
           "Usage: ordoctl replace -f FILE|DIR|- [--force [--grace-period N] [--timeout 60s]]\n"
           "  --force  delete each object, wait until it is gone, and create it anew\n";
  }
  if (verb == "create") {
    return "Create objects from a file, a directory or stdin; an existing object is an error.\n\n"
           "Usage: ordoctl create -f FILE|DIR|-\n";
  }
  if (verb == "get") {
    return "Display one or many objects.\n\nUsage: ordoctl get KIND [NAME...] [-o "
           "yaml|json|wide|name|jsonpath=T] [-l SELECTOR] [--field-selector SELECTOR] [-n NS | "
           "-A]\n"
           "  [-w]  (then every change, in the same format)  [--no-headers]\n"
           "  [--chunk-size N]  (objects per List page, default 500; 0: one unpaged List)\n\n"
           "KIND is a kind, its plural or short name: pods (po), statefulsets (sts), services "
           "(svc), persistentvolumeclaims (pvc), ... (see ordoctl api-resources).\n";
  }
  if (verb == "delete") {
    return "Delete objects by kind and name, by label, or those of a file.\n\nUsage: ordoctl "
           "delete KIND NAME... | KIND -l SELECTOR | -f FILE [--grace-period N] [--force] "
           "[--cascade=background|orphan|foreground]\n";
  }
  if (verb == "logs") {
    return "Print a container's logs.\n\nUsage: ordoctl logs POD [-c CONTAINER] [-f|--follow] "
           "[-p|--previous] [--tail N]\n";
  }
  if (verb == "exec") {
    return "Run a command in a container (its hostname, mounts and environment).\n\nUsage: "
           "ordoctl exec POD [-c CONTAINER] [-i] -- COMMAND [ARGS...]\n";
  }
  if (verb == "patch") {
    return "Update fields of an object with a patch.\n\nUsage: ordoctl patch KIND NAME -p "
           "PATCH [--type strategic|merge|json]\n\nstrategic (the default) merges lists of "
           "named items (containers, env, volumes) by name; merge replaces lists; json is a list "
           "of RFC 6902 operations.\n";
  }
  if (verb == "rollout") {
    return "Manage the rollout of a StatefulSet.\n\nUsage:\n"
           "  ordoctl rollout status sts/NAME [--timeout 0] [--watch=false]\n"
           "  ordoctl rollout history sts/NAME [--revision N]\n"
           "  ordoctl rollout undo sts/NAME [--to-revision N]\n"
           "  ordoctl rollout restart sts/NAME\n";
  }
  if (verb == "cluster") {
    return "Run a local cluster of processes.\n\nUsage:\n  ordoctl cluster up [--nodes 3] "
           "[--data-dir .ordo] [--api-port 0] [--dns-port 0] [--crash-backoff 10s]\n"
           "      [--node-monitor-grace-period 50s] [--fence-after 0s] "
           "[--force-detach-timeout 6m]\n"
           "      [--backup-location DIR]   (the default BackupStorageLocation: a directory "
           "outside the cluster's)\n"
           "      [--identity-ledger DIR]   (each container's identity lease and start/stop "
           "record: a witness for tests)\n"
           "      [--store embedded|etcd] [--api-servers 1]\n"
           "                                (etcd: three etcd members under DIR/etcd, mutual TLS; "
           "up to 3 api-servers on it)\n"
           "      [--prometheus [--prometheus-port 0] [--prometheus-scrape-interval 5s]]\n"
           "                                (a Prometheus scraping every component, with "
           "deploy/prometheus's alerts)\n"
           "  ordoctl cluster down [--data-dir .ordo]\n"
           "  ordoctl cluster status [--data-dir .ordo]\n";
  }
  if (verb == "taint") {
    return "Add or remove node taints.\n\nUsage: ordoctl taint nodes NODE "
           "KEY[=VALUE]:EFFECT[-]... [--overwrite]\n\nEFFECT is NoSchedule, PreferNoSchedule or "
           "NoExecute; a trailing - removes the taint (every effect of KEY when EFFECT is left "
           "out).\nA dead node: ordoctl taint nodes NODE "
           "node.kubernetes.io/out-of-service=nodeshutdown:NoExecute\n";
  }
  if (verb == "scale") {
    return "Set the number of replicas of a StatefulSet.\n\nUsage: ordoctl scale sts NAME "
           "--replicas N\n";
  }
  if (verb == "api-resources")
    return "Print the kinds ordo serves.\n\nUsage: ordoctl api-resources\n";
  if (verb == "version") return "Print the client and server versions.\n\nUsage: ordoctl version\n";
  if (verb == "health")
    return "Ask a server whether it is serving (grpc.health.v1); exit 0 when it is.\n\n"
           "Usage: ordoctl health [HOST:PORT]   (default: the --server)\n";
  return "";
}

}  // namespace ordo::ctl
