#include "common/security/server_flags.h"

#include "absl/flags/flag.h"
#include "common/security/authenticator.h"
#include "common/security/credentials.h"
#include "common/status/status_macros.h"

ABSL_FLAG(std::string, tls_cert_file, "",
          "PEM certificate this server presents (with --tls-private-key-file and "
          "--client-ca-file: mutual TLS; without all three: plaintext)");
ABSL_FLAG(std::string, tls_private_key_file, "", "PEM private key of --tls-cert-file");
ABSL_FLAG(std::string, client_ca_file, "",
          "PEM CA bundle: clients must present a certificate it signed");
ABSL_FLAG(absl::Duration, tls_reload_interval, absl::Minutes(1),
          "how often the three files are re-read (a renewed certificate needs no restart)");

namespace ordo::security {

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> ServerCredentialsFromFlags(
    std::shared_ptr<grpc::AuthMetadataProcessor> authenticator, bool client_certificate_optional) {
  ServerTlsFiles files = ServerTlsFilesFromFlags();
  ServerTlsOptions options{.cert_file = std::move(files.cert_file),
                           .key_file = std::move(files.key_file),
                           .client_ca_file = std::move(files.client_ca_file),
                           .reload_interval = absl::GetFlag(FLAGS_tls_reload_interval),
                           .client_certificate_optional = client_certificate_optional,
                           .authenticator = std::move(authenticator)};
  int given =
      !options.cert_file.empty() + !options.key_file.empty() + !options.client_ca_file.empty();
  if (given == 0) return std::shared_ptr<grpc::ServerCredentials>();
  if (given != 3) {
    return absl::InvalidArgumentError(
        "--tls-cert-file, --tls-private-key-file and --client-ca-file go together");
  }
  return NewServerCredentials(options);
}

absl::StatusOr<server::StartedServer> ServeComponentPort(
    const std::string& listen, const std::string& port_file,
    const std::vector<grpc::Service*>& services) {
  ORDO_ASSIGN_OR_RETURN(std::shared_ptr<grpc::ServerCredentials> credentials,
                        ServerCredentialsFromFlags(std::make_shared<Authenticator>()));
  ORDO_ASSIGN_OR_RETURN(server::StartedServer started,
                        server::StartGrpcServer(listen, services, credentials));
  if (!port_file.empty()) ORDO_RETURN_IF_ERROR(server::WritePortFile(port_file, started.port));
  return started;
}

ServerTlsFiles ServerTlsFilesFromFlags() {
  return {.cert_file = absl::GetFlag(FLAGS_tls_cert_file),
          .key_file = absl::GetFlag(FLAGS_tls_private_key_file),
          .client_ca_file = absl::GetFlag(FLAGS_client_ca_file)};
}

}  // namespace ordo::security
