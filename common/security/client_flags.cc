#include "common/security/client_flags.h"

#include "absl/flags/flag.h"
#include "common/security/credentials.h"

ABSL_FLAG(std::string, kubeconfig, "",
          "kubeconfig with the api-server's address, the cluster CA and this component's "
          "certificate (without it: plaintext to --server)");

namespace ordo::security {

absl::StatusOr<ClientCredentials> ClientFromFlags(const std::string& server) {
  std::string path = absl::GetFlag(FLAGS_kubeconfig);
  if (path.empty()) return ClientCredentials{.server = server.empty() ? "127.0.0.1:6443" : server};
  auto creds = LoadCredentials(path, "");
  if (!creds.ok()) return creds.status();
  if (!server.empty()) creds->server = server;
  return creds;
}

absl::StatusOr<std::shared_ptr<grpc::Channel>> DialFromFlags(const std::string& server) {
  auto creds = ClientFromFlags(server);
  if (!creds.ok()) return creds.status();
  return Dial(creds->server, *creds);
}

}  // namespace ordo::security
