// gRPC credentials for ordo's mutual TLS, both ends.
//   - Servers: TLS from certificate files, re-read every `reload_interval`
//     (gRPC's FileWatcherCertificateProvider), so a renewed certificate is
//     served without a restart; client certificates are required and verified
//     against the cluster CA during the handshake (or, where bearer tokens are
//     accepted, verified when presented and the token checked per call).
//   - Clients: TLS with the cluster CA as the only root, the client's
//     certificate, and a bearer token when the kubeconfig names one. Host
//     names are checked against the server certificate's SANs.
// Stateless functions; the credentials they return are safe from any thread.
#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/security/kubeconfig.h"
#include "common/server/channel.h"

namespace ordo::security {

struct ServerTlsOptions {
  std::string cert_file;
  std::string key_file;
  std::string client_ca_file;
  absl::Duration reload_interval = absl::Minutes(1);
  // Accept a connection without a client certificate (one that presents a
  // certificate must still be signed by the CA); the authenticator then
  // demands a bearer token. For an api-server with --token-auth-file.
  bool client_certificate_optional = false;
  // Runs for every call (authenticator.h); may be null.
  std::shared_ptr<grpc::AuthMetadataProcessor> authenticator;
};

// Checks the files (readable, parseable, the key matches the certificate) so a
// mistake fails at start with the file named, then builds the credentials.
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> NewServerCredentials(
    const ServerTlsOptions& options);

// A file and the flag that named it, for errors.
struct FlagFile {
  std::string flag;
  std::string path;
};

// A client identity from PEM files (the api-server's, toward kubelet-agents):
// each read, the key checked against the certificate; errors name the flag.
absl::StatusOr<ClientCredentials> ClientCredentialsFromFiles(const FlagFile& cert,
                                                             const FlagFile& key,
                                                             const FlagFile& ca);

// Credentials that check the server against the CA at `ca` and present no
// certificate (a server that asks for none, such as etcd without client
// certificate auth); the file read and parsed, errors naming the flag.
absl::StatusOr<ClientCredentials> CaCredentialsFromFile(const FlagFile& ca);

// Credentials for dialing with `creds` (TLS whenever a CA is given; plaintext
// only when the credentials hold nothing at all).
std::shared_ptr<grpc::ChannelCredentials> NewChannelCredentials(const ClientCredentials& creds);

// A channel to `address` (usually creds.server; an agent's address for
// exec and logs) with `creds`, through server::NewChannel.
std::shared_ptr<grpc::Channel> Dial(const std::string& address, const ClientCredentials& creds,
                                    server::ChannelOptions options = {});

}  // namespace ordo::security
