#include "integration-tests/harness/api_server_process.h"

#include <atomic>
#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "common/security/credentials.h"
#include "common/security/pki.h"
#include "integration-tests/harness/wait.h"

namespace ordo::itest {

absl::StatusOr<std::unique_ptr<ApiServerProcess>> ApiServerProcess::Start(
    const std::string& data_dir, std::vector<std::string> flags, const std::string& pki_dir) {
  std::unique_ptr<ApiServerProcess> server(
      new ApiServerProcess(data_dir, std::move(flags), pki_dir));
  if (absl::Status s = server->Launch(); !s.ok()) return s;
  return server;
}

absl::Status ApiServerProcess::Restart() {
  process_.Kill();
  return Launch();
}

absl::Status ApiServerProcess::Launch() {
  std::filesystem::create_directories(data_dir_);
  if (absl::Status s = security::EnsureClusterPki({.dir = pki_dir_, .server = "127.0.0.1:6443"});
      !s.ok()) {
    return s;
  }
  std::string port_file = data_dir_ + "/port";
  std::filesystem::remove(port_file);
  std::vector<std::string> args = {"--data-dir",
                                   data_dir_ + "/store",
                                   "--listen",
                                   "127.0.0.1:0",
                                   "--port-file",
                                   port_file,
                                   "--tls-cert-file",
                                   pki_dir_ + "/api-server.crt",
                                   "--tls-private-key-file",
                                   pki_dir_ + "/api-server.key",
                                   "--client-ca-file",
                                   pki_dir_ + "/ca.crt"};
  args.insert(args.end(), flags_.begin(), flags_.end());
  auto process = Process::Start(BinDir() + "/ordo-api-server", args, data_dir_ + "/api-server.log");
  if (!process.ok()) return process.status();
  process_ = *std::move(process);
  int port = 0;
  bool up = WaitFor(
      [&] {
        std::ifstream in(port_file);
        return static_cast<bool>(in >> port) && port > 0;
      },
      absl::Seconds(30));
  if (!up) {
    return absl::DeadlineExceededError(
        absl::StrCat("ordo-api-server did not start; see ", data_dir_, "/api-server.log"));
  }
  address_ = absl::StrCat("127.0.0.1:", port);
  return absl::OkStatus();
}

security::ClientCredentials ApiServerProcess::admin() const {
  auto creds = security::LoadCredentials(pki_dir_ + "/admin.kubeconfig", "");
  security::ClientCredentials out = creds.ok() ? *creds : security::ClientCredentials{};
  out.server = address_;
  return out;
}

std::vector<std::string> ApiServerProcess::OrdoctlEnv() const {
  return {"ORDO_SERVER=" + address_, "KUBECONFIG=" + pki_dir_ + "/admin.kubeconfig"};
}

std::shared_ptr<grpc::Channel> ApiServerProcess::NewChannel() const {
  // Separate channels get separate connections, so load spreads like real clients.
  return security::Dial(address_, admin(), {.own_connection = true});
}

}  // namespace ordo::itest
