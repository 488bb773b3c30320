#include "integration-tests/harness/etcd_cluster.h"

#include <unistd.h>

#include <filesystem>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/server/channel.h"
#include "common/server/server_main.h"
#include "etcd/kv.grpc.pb.h"
#include "integration-tests/harness/wait.h"

namespace ordo::itest {

namespace {

std::string EtcdBinary() {
  for (const char* path : {"/usr/bin/etcd", "/usr/local/bin/etcd"}) {
    if (std::filesystem::exists(path)) return path;
  }
  return "";
}

}  // namespace

absl::StatusOr<std::unique_ptr<EtcdCluster>> EtcdCluster::Start(const std::string& dir,
                                                                int members) {
  if (EtcdBinary().empty()) {
    return absl::FailedPreconditionError("etcd is not installed (make deps installs etcd-server)");
  }
  std::unique_ptr<EtcdCluster> cluster(new EtcdCluster(dir));
  std::vector<std::string> peers;
  for (int i = 0; i < members; ++i) {
    Member m;
    m.name = absl::StrCat("etcd-", i);
    m.data_dir = absl::StrCat(dir, "/", m.name);
    auto client = server::FreeLoopbackPort();
    auto peer = server::FreeLoopbackPort();
    if (!client.ok()) return client.status();
    if (!peer.ok()) return peer.status();
    m.client_port = *client;
    m.peer_port = *peer;
    peers.push_back(absl::StrCat(m.name, "=http://127.0.0.1:", m.peer_port));
    cluster->client_addresses_.push_back(absl::StrCat("127.0.0.1:", m.client_port));
    cluster->members_.push_back(std::move(m));
  }
  cluster->initial_cluster_ = absl::StrJoin(peers, ",");
  for (int i = 0; i < members; ++i) {
    if (absl::Status s = cluster->Launch(i, /*initial=*/true); !s.ok()) return s;
  }
  for (int i = 0; i < members; ++i) {
    if (!cluster->Serves(i, absl::Seconds(30))) {
      return absl::DeadlineExceededError(absl::StrCat("etcd member ", i, " did not serve; see ",
                                                      cluster->members_[i].data_dir, ".log"));
    }
  }
  return cluster;
}

absl::Status EtcdCluster::Launch(int member, bool initial) {
  Member& m = members_[member];
  std::filesystem::create_directories(dir_);
  const std::string client = absl::StrCat("http://127.0.0.1:", m.client_port);
  const std::string peer = absl::StrCat("http://127.0.0.1:", m.peer_port);
  std::vector<std::string> args = {"--name",
                                   m.name,
                                   "--data-dir",
                                   m.data_dir,
                                   "--listen-client-urls",
                                   client,
                                   "--advertise-client-urls",
                                   client,
                                   "--listen-peer-urls",
                                   peer,
                                   "--initial-advertise-peer-urls",
                                   peer,
                                   "--initial-cluster",
                                   initial_cluster_,
                                   "--initial-cluster-state",
                                   initial ? "new" : "existing",
                                   "--initial-cluster-token",
                                   absl::StrCat("ordo-test-", getpid())};
  auto process = Process::Start(EtcdBinary(), args, m.data_dir + ".log");
  if (!process.ok()) return process.status();
  m.process = *std::move(process);
  return absl::OkStatus();
}

std::string EtcdCluster::EndpointsFlag() const { return absl::StrJoin(client_addresses_, ","); }

void EtcdCluster::Kill(int member) { members_[member].process.Kill(); }

absl::Status EtcdCluster::Restart(int member) {
  members_[member].process.Kill();
  if (absl::Status s = Launch(member, /*initial=*/false); !s.ok()) return s;
  if (!Serves(member, absl::Seconds(30))) {
    return absl::DeadlineExceededError(absl::StrCat("etcd member ", member, " did not serve"));
  }
  return absl::OkStatus();
}

absl::StatusOr<int> EtcdCluster::Leader(absl::Duration timeout) const {
  int leader = -1;
  WaitFor(
      [&] {
        for (int i = 0; i < size(); ++i) {
          if (!members_[i].process.running()) continue;
          auto stub = etcdserverpb::Maintenance::NewStub(server::NewChannel(client_addresses_[i]));
          etcdserverpb::StatusResponse status;
          grpc::ClientContext ctx;
          ctx.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(1)));
          if (!stub->Status(&ctx, etcdserverpb::StatusRequest(), &status).ok()) continue;
          if (status.leader() == 0 || status.leader() != status.header().member_id()) continue;
          leader = i;
          return true;
        }
        return false;
      },
      timeout);
  if (leader < 0) return absl::NotFoundError("no etcd member leads");
  return leader;
}

bool EtcdCluster::Serves(int member, absl::Duration timeout) const {
  auto stub = etcdserverpb::KV::NewStub(server::NewChannel(client_addresses_[member]));
  return WaitFor(
      [&] {
        etcdserverpb::RangeRequest request;
        request.set_key("health");
        etcdserverpb::RangeResponse response;
        grpc::ClientContext ctx;
        ctx.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(1)));
        return stub->Range(&ctx, request, &response).ok();
      },
      timeout);
}

}  // namespace ordo::itest
