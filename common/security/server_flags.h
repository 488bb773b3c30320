// The TLS flags of every ordo server, with kube-apiserver's and kubelet's
// names: --tls-cert-file, --tls-private-key-file, --client-ca-file, and
// --tls-reload-interval (how often the files are re-read, so a renewed
// certificate is served without a restart). Linked into a binary only when it
// calls ServerCredentialsFromFlags. Call after flags are parsed.
#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "common/server/server_main.h"

namespace ordo::security {

// Null (plaintext, logged as such by StartGrpcServer) when none of the three
// files is given; an error naming the flags when only some are.
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> ServerCredentialsFromFlags(
    std::shared_ptr<grpc::AuthMetadataProcessor> authenticator,
    bool client_certificate_optional = false);

// A component's own port (the scheduler's, the controller-manager's: gRPC
// health today, metrics with them): `services` on `listen` with the flags'
// credentials, any client certificate of the cluster CA admitted; the bound
// port is written to `port_file` when one is named.
absl::StatusOr<server::StartedServer> ServeComponentPort(
    const std::string& listen, const std::string& port_file,
    const std::vector<grpc::Service*>& services = {});

// The three files the flags name (empty strings when not given).
struct ServerTlsFiles {
  std::string cert_file;
  std::string key_file;
  std::string client_ca_file;
};
ServerTlsFiles ServerTlsFilesFromFlags();

}  // namespace ordo::security
