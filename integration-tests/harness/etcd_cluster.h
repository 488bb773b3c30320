// EtcdCluster runs a real etcd cluster for tests: `members` processes of
// Debian's etcd (etcd-server, installed by `make deps`) on free loopback
// ports, each with its data under DIR/<member>, and waits until the cluster
// serves. A member can be killed with SIGKILL and started again over its data.
// Not synchronised: one owner.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "integration-tests/harness/process.h"

namespace ordo::itest {

class EtcdCluster {
 public:
  static absl::StatusOr<std::unique_ptr<EtcdCluster>> Start(const std::string& dir,
                                                            int members = 1);

  // Each member's client address, host:port.
  const std::vector<std::string>& endpoints() const { return client_addresses_; }
  // The endpoints joined with commas, as --etcd-servers takes them.
  std::string EndpointsFlag() const;
  int size() const { return static_cast<int>(members_.size()); }
  // SIGKILL: no chance to flush anything.
  void Kill(int member);
  // Starts a killed member again over its data directory.
  absl::Status Restart(int member);
  // Whether the member answers a read within `timeout`.
  bool Serves(int member, absl::Duration timeout) const;
  // The member that leads now, as a running member reports it; NOT_FOUND
  // when none knows a leader within `timeout` (an election is going on).
  absl::StatusOr<int> Leader(absl::Duration timeout) const;

 private:
  struct Member {
    std::string name;
    std::string data_dir;
    int client_port = 0;
    int peer_port = 0;
    Process process;
  };
  explicit EtcdCluster(std::string dir) : dir_(std::move(dir)) {}
  absl::Status Launch(int member, bool initial);

  std::string dir_;
  std::string initial_cluster_;
  std::vector<Member> members_;
  std::vector<std::string> client_addresses_;
};

}  // namespace ordo::itest
