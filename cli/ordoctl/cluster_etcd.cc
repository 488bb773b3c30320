#include "cli/ordoctl/cluster_etcd.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "cli/ordoctl/cluster_processes.h"
#include "common/security/credentials.h"
#include "common/security/pki.h"
#include "common/server/channel.h"
#include "common/server/server_main.h"
#include "common/status/status_macros.h"
#include "etcd/kv.grpc.pb.h"

namespace ordo::ctl {
namespace {

namespace fs = std::filesystem;

struct Member {
  std::string name;
  int client_port = 0;
  int peer_port = 0;
  int metrics_port = 0;
};

std::string EtcdBinary() {
  for (const char* path : {"/usr/bin/etcd", "/usr/local/bin/etcd"}) {
    if (access(path, X_OK) == 0) return path;
  }
  return "";
}

// DIR/etcd/members as written by the first up ("NAME CLIENT PEER METRICS" a
// line), or new members on free ports written there.
absl::StatusOr<std::vector<Member>> Members(const std::string& home) {
  const std::string path = home + "/members";
  std::vector<Member> members;
  std::ifstream in(path);
  for (Member m; in >> m.name >> m.client_port >> m.peer_port >> m.metrics_port;) {
    members.push_back(m);
  }
  if (static_cast<int>(members.size()) == kEtcdMembers) return members;
  if (fs::exists(home + "/etcd-1")) {
    return absl::DataLossError(
        absl::StrCat(path,
                     " is missing or damaged, but the members' data is there: their peer "
                     "ports cannot be known (remove ",
                     home, " to start an empty store)"));
  }
  members.clear();
  std::ostringstream text;
  for (int i = 1; i <= kEtcdMembers; ++i) {
    Member m{.name = absl::StrCat("etcd-", i)};
    ORDO_ASSIGN_OR_RETURN(m.client_port, server::FreeLoopbackPort());
    ORDO_ASSIGN_OR_RETURN(m.peer_port, server::FreeLoopbackPort());
    ORDO_ASSIGN_OR_RETURN(m.metrics_port, server::FreeLoopbackPort());
    text << m.name << " " << m.client_port << " " << m.peer_port << " " << m.metrics_port << "\n";
    members.push_back(m);
  }
  ORDO_RETURN_IF_ERROR(security::WriteFileAtomically(path, text.str(), 0644));
  return members;
}

// Whether etcd answers a linearizable read (it has a leader) through `kv`.
bool AnswersRead(etcdserverpb::KV::Stub& kv) {
  etcdserverpb::RangeRequest request;
  request.set_key("health");
  etcdserverpb::RangeResponse response;
  grpc::ClientContext ctx;
  ctx.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(2)));
  // Waiting for the connection, not failing at once: ordoctl's own thread is
  // what drives gRPC's connection attempts (a sync client has no poller of
  // its own), so the call must be in flight while the handshake happens.
  ctx.set_wait_for_ready(true);
  return kv.Range(&ctx, request, &response).ok();
}

}  // namespace

absl::StatusOr<std::vector<std::string>> StartEtcd(const std::string& dir, absl::Duration timeout) {
  const std::string binary = EtcdBinary();
  if (binary.empty()) {
    return absl::NotFoundError("no etcd in /usr/bin (Debian: apt-get install etcd-server)");
  }
  const std::string home = dir + "/etcd";
  const std::string pki = dir + "/pki/etcd";
  fs::create_directories(home);
  ORDO_RETURN_IF_ERROR(security::EnsureEtcdPki({.dir = pki}));
  ORDO_ASSIGN_OR_RETURN(std::vector<Member> members, Members(home));
  std::vector<std::string> peers;
  std::vector<std::string> clients;
  for (const Member& m : members) {
    peers.push_back(absl::StrCat(m.name, "=https://127.0.0.1:", m.peer_port));
    clients.push_back(absl::StrCat("https://127.0.0.1:", m.client_port));
  }
  // Tells this cluster's members from another's that once had their ports.
  const std::string token = absl::StrCat("ordo-", std::hash<std::string>{}(dir));
  const std::string cert = pki + "/server.crt";
  const std::string key = pki + "/server.key";
  const std::string ca = pki + "/ca.crt";
  for (size_t i = 0; i < members.size(); ++i) {
    const Member& m = members[i];
    const std::string peer = absl::StrCat("https://127.0.0.1:", m.peer_port);
    // The initial-cluster flags matter only to a member without data; one
    // with data restarts as the member its write-ahead log says it is.
    std::vector<std::string> argv = {
        binary,
        "--name=" + m.name,
        absl::StrCat("--data-dir=", home, "/", m.name),
        "--listen-client-urls=" + clients[i],
        "--advertise-client-urls=" + clients[i],
        "--listen-peer-urls=" + peer,
        "--initial-advertise-peer-urls=" + peer,
        "--initial-cluster=" + absl::StrJoin(peers, ","),
        "--initial-cluster-state=new",
        "--initial-cluster-token=" + token,
        absl::StrCat("--listen-metrics-urls=http://127.0.0.1:", m.metrics_port),
        "--client-cert-auth",
        "--trusted-ca-file=" + ca,
        "--cert-file=" + cert,
        "--key-file=" + key,
        "--peer-client-cert-auth",
        "--peer-trusted-ca-file=" + ca,
        "--peer-cert-file=" + cert,
        "--peer-key-file=" + key,
        "--logger=zap",
        "--log-outputs=stderr"};
    ORDO_RETURN_IF_ERROR(Launch(m.name, argv, dir).status());
    std::ofstream(absl::StrCat(dir, "/run/", m.name, ".metrics.port")) << m.metrics_port << "\n";
  }
  const std::string servers = absl::StrJoin(clients, ",");
  const std::string client_cert = pki + "/apiserver-etcd-client.crt";
  const std::string client_key = pki + "/apiserver-etcd-client.key";
  std::vector<std::string> flags = {"--store",        "etcd",    "--etcd-servers",  servers,
                                    "--etcd-cafile",  ca,        "--etcd-certfile", client_cert,
                                    "--etcd-keyfile", client_key};
  ORDO_ASSIGN_OR_RETURN(
      security::ClientCredentials creds,
      security::ClientCredentialsFromFiles({"--etcd-certfile", client_cert},
                                           {"--etcd-keyfile", client_key}, {"--etcd-cafile", ca}));
  auto kv = etcdserverpb::KV::NewStub(
      server::NewChannel(servers, {.credentials = security::NewChannelCredentials(creds)}));
  if (!Poll([&] { return AnswersRead(*kv); }, timeout)) {
    return absl::DeadlineExceededError(absl::StrCat("etcd did not elect a leader within ",
                                                    absl::FormatDuration(timeout), "; see ", dir,
                                                    "/logs/etcd-*.log"));
  }
  return flags;
}

}  // namespace ordo::ctl
