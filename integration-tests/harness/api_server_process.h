// ApiServerProcess runs the real ordo-api-server binary on port 0 over a data
// directory, with mutual TLS from a cluster PKI made in DIR/pki, waits until
// it serves, and hands out channels to it as the cluster admin. It can be
// stopped, killed with SIGKILL and restarted over the same directory.
// Not synchronised: one owner; channels may be used from any thread.
#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/security/kubeconfig.h"
#include "integration-tests/harness/process.h"

namespace ordo::itest {

class ApiServerProcess {
 public:
  // Starts the server with its store in `data_dir` (created if missing) and
  // `flags` added to its command line. Its PKI is made in `pki_dir` (empty:
  // DATA_DIR/pki); api-servers that share one serve the same clients.
  static absl::StatusOr<std::unique_ptr<ApiServerProcess>> Start(
      const std::string& data_dir, std::vector<std::string> flags = {},
      const std::string& pki_dir = "");

  const std::string& address() const { return address_; }
  // A channel of its own connection, as the admin (kubernetes-admin, system:masters).
  std::shared_ptr<grpc::Channel> NewChannel() const;
  // The admin's credentials, dialing this server.
  security::ClientCredentials admin() const;
  // The environment ordoctl needs to reach this server as the admin.
  std::vector<std::string> OrdoctlEnv() const;
  const std::string& pki_dir() const { return pki_dir_; }
  // SIGKILL, no chance to flush anything.
  void Kill() { process_.Kill(); }
  int Stop() { return process_.Stop(); }
  // Starts again over the same data directory (on a new port).
  absl::Status Restart();

 private:
  ApiServerProcess(std::string data_dir, std::vector<std::string> flags, std::string pki_dir)
      : data_dir_(std::move(data_dir)),
        pki_dir_(pki_dir.empty() ? data_dir_ + "/pki" : std::move(pki_dir)),
        flags_(std::move(flags)) {}
  absl::Status Launch();

  std::string data_dir_;
  std::string pki_dir_;
  std::vector<std::string> flags_;
  std::string address_;
  Process process_;
};

}  // namespace ordo::itest
