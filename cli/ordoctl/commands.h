// ordoctl's verbs. Each takes the parsed Args and a Context, prints what
// kubectl would print, and returns the process exit code (0, or 1 on error).
// One file per verb family: apply.cc (apply, create, replace, patch, scale), get.cc,
// delete.cc, describe.cc (describe, wait), drain.cc (cordon, uncordon,
// drain), taint.cc, rollout.cc (status, history, undo, restart), run.cc,
// pod_io.cc (logs, exec), backup.cc (backup, schedule, restore), cluster.cc (cluster
// up/down/status), health.cc, help.cc; commands.cc holds what they share (reading manifests,
// waiting on an object, printing errors) and api-resources and version. Not synchronised: one
// command at a time.
#pragma once

#include <functional>
#include <iostream>
#include <string>

#include "cli/ordoctl/args.h"
#include "common/api/generic_client.h"
#include "common/manifest/manifest.h"
#include "common/security/kubeconfig.h"

namespace ordo::ctl {

struct Context {
  api::GenericClient& client;
  std::string server;
  // From the kubeconfig; empty (plaintext) when there is none.
  security::ClientCredentials credentials;
  std::string ns;  // -n, or "default"
  bool all_namespaces = false;
  std::ostream& out;
  std::ostream& err;
  std::istream& in;
};

// A channel to `address` (the api-server, or an agent) with the context's credentials.
std::shared_ptr<grpc::Channel> Dial(const Context& ctx, const std::string& address);

int Apply(const Args& args, Context& ctx, bool create_only);
// kubectl replace -f: each object updated to exactly the manifest; with
// --force, deleted, waited for, and created anew.
int Replace(const Args& args, Context& ctx);
int Get(const Args& args, Context& ctx);
int Delete(const Args& args, Context& ctx);
int Scale(const Args& args, Context& ctx);
int Patch(const Args& args, Context& ctx);
int Describe(const Args& args, Context& ctx);
int Wait(const Args& args, Context& ctx);
int ApiResources(const Args& args, Context& ctx);
int Version(const Args& args, Context& ctx);
// auth can-i VERB RESOURCE[/NAME]: "yes" (0) or "no" (1), as kubectl.
int Auth(const Args& args, Context& ctx);
// grpc.health.v1 of ADDR (default: the --server): prints SERVING and exits 0, or 1.
int Health(const Args& args, Context& ctx);

// The credentials ordoctl dials with: --kubeconfig, else $KUBECONFIG (its
// first file), else .ordo/kubeconfig when it exists, at --context; the server
// from --server, else $ORDO_SERVER, else the kubeconfig's, else
// 127.0.0.1:6443. A client certificate past its expiry is an error naming it.
absl::StatusOr<security::ClientCredentials> LoadKubeconfig(const Args& args);

// ordoctl snapshot save FILE: the api-server's whole store, at one revision,
// checked before it takes FILE's name.
int SnapshotSave(const Args& args, Context& ctx);
// ordoctl snapshot status FILE [-o json]: hash, revision, keys and size of a
// snapshot file, checked whole (needs no server).
int SnapshotStatus(const Args& args, std::ostream& out, std::ostream& err);

// Velero's verbs (backup.cc), on the velero.io kinds in namespace velero:
// backup create|get|describe|logs|delete, schedule create|get,
// restore create|get|describe|logs.
int BackupCommand(const Args& args, Context& ctx);
int ScheduleCommand(const Args& args, Context& ctx);
int RestoreCommand(const Args& args, Context& ctx);

// ordoctl certs [init|renew NAME] [--data-dir DIR]: the cluster's certificates.
int Certs(const Args& args, std::ostream& out, std::ostream& err);

// The help text of a verb, or empty if there is no such verb.
std::string VerbHelp(const std::string& verb);

// Waits until `done(object, or null when it is gone)` holds for one object, by
// a get and then a watch from its version. DEADLINE_EXCEEDED when time runs out.
absl::Status WaitForObject(Context& ctx, const api::ResourceInfo& info, const std::string& ns,
                           const std::string& name, absl::Time deadline,
                           const std::function<bool(const google::protobuf::Message*)>& done);

// Reads -f: a file, every manifest file of a directory, or "-" for stdin;
// INVALID_ARGUMENT for a file over 32 MiB, before it is parsed.
absl::StatusOr<std::vector<manifest::Object>> ReadManifests(const std::string& path,
                                                            std::istream& in);
// An object's namespace as a verb uses it: none for cluster-scoped kinds,
// else its own or the context's.
std::string NamespaceFor(const api::ResourceInfo& info, const meta::v1::ObjectMeta& meta,
                         const Context& ctx);
// The kind and name of "KIND NAME" or "KIND/NAME" from positional word
// `first` on (the words as given when they are neither).
std::vector<std::string> KindAndName(const Args& args, size_t first);

// kubectl's rendering of a failed call: `Error from server (NotFound): ...`.
int PrintError(const absl::Status& status, Context& ctx);

}  // namespace ordo::ctl
