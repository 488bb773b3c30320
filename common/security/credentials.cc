#include "common/security/credentials.h"

#include <grpcpp/security/server_credentials.h>
#include <grpcpp/security/tls_certificate_provider.h>
#include <grpcpp/security/tls_credentials_options.h>

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "common/security/authenticator.h"
#include "common/security/certificates.h"
#include "common/status/status_macros.h"

namespace ordo::security {
namespace {

absl::StatusOr<std::string> ReadPem(const std::string& path, const std::string& flag) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat(flag, ": cannot read ", path));
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Adds the impersonation headers (authenticator.h) to every call.
class ImpersonationPlugin : public grpc::MetadataCredentialsPlugin {
 public:
  ImpersonationPlugin(std::string user, std::vector<std::string> groups)
      : user_(std::move(user)), groups_(std::move(groups)) {}
  bool IsBlocking() const override { return false; }
  grpc::Status GetMetadata(grpc::string_ref, grpc::string_ref, const grpc::AuthContext&,
                           std::multimap<grpc::string, grpc::string>* metadata) override {
    metadata->emplace(kImpersonateUserHeader, user_);
    for (const std::string& g : groups_) metadata->emplace(kImpersonateGroupHeader, g);
    return grpc::Status::OK;
  }

 private:
  const std::string user_;
  const std::vector<std::string> groups_;
};

// The certificate, key and CA of `cert`, `key`, `ca`: read, parsed, the key
// matching the certificate. Errors name the flag and the file.
struct CheckedPems {
  std::string cert, key, ca;
};
absl::StatusOr<CheckedPems> ReadChecked(const FlagFile& cert, const FlagFile& key,
                                        const FlagFile& ca) {
  CheckedPems pems;
  ORDO_ASSIGN_OR_RETURN(pems.cert, ReadPem(cert.path, cert.flag));
  ORDO_ASSIGN_OR_RETURN(pems.key, ReadPem(key.path, key.flag));
  ORDO_ASSIGN_OR_RETURN(pems.ca, ReadPem(ca.path, ca.flag));
  for (const auto& [file, pem] : {std::pair(&cert, &pems.cert), std::pair(&ca, &pems.ca)}) {
    if (auto info = ParseCertificate(*pem); !info.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(file->flag, " ", file->path, ": ", info.status().message()));
    }
  }
  if (absl::Status s = CheckKeyMatches(pems.key, pems.cert); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(key.flag, " ", key.path, ": ", s.message()));
  }
  return pems;
}

}  // namespace

absl::StatusOr<ClientCredentials> ClientCredentialsFromFiles(const FlagFile& cert,
                                                             const FlagFile& key,
                                                             const FlagFile& ca) {
  ORDO_ASSIGN_OR_RETURN(CheckedPems pems, ReadChecked(cert, key, ca));
  return ClientCredentials{.ca_pem = pems.ca, .cert_pem = pems.cert, .key_pem = pems.key};
}

absl::StatusOr<ClientCredentials> CaCredentialsFromFile(const FlagFile& ca) {
  ORDO_ASSIGN_OR_RETURN(std::string pem, ReadPem(ca.path, ca.flag));
  if (auto info = ParseCertificate(pem); !info.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(ca.flag, " ", ca.path, ": ", info.status().message()));
  }
  return ClientCredentials{.ca_pem = std::move(pem)};
}

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> NewServerCredentials(
    const ServerTlsOptions& options) {
  if (auto checked = ReadChecked({"--tls-cert-file", options.cert_file},
                                 {"--tls-private-key-file", options.key_file},
                                 {"--client-ca-file", options.client_ca_file});
      !checked.ok()) {
    return checked.status();
  }
  auto seconds =
      static_cast<unsigned>(std::max<int64_t>(1, absl::ToInt64Seconds(options.reload_interval)));
  auto provider = std::make_shared<grpc::experimental::FileWatcherCertificateProvider>(
      options.key_file, options.cert_file, options.client_ca_file, seconds);
  grpc::experimental::TlsServerCredentialsOptions tls(provider);
  tls.watch_root_certs();
  tls.watch_identity_key_cert_pairs();
  tls.set_cert_request_type(options.client_certificate_optional
                                ? GRPC_SSL_REQUEST_CLIENT_CERTIFICATE_AND_VERIFY
                                : GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  std::shared_ptr<grpc::ServerCredentials> creds = grpc::experimental::TlsServerCredentials(tls);
  if (options.authenticator != nullptr) creds->SetAuthMetadataProcessor(options.authenticator);
  return creds;
}

std::shared_ptr<grpc::ChannelCredentials> NewChannelCredentials(const ClientCredentials& creds) {
  if (creds.ca_pem.empty() && creds.cert_pem.empty() && creds.token.empty()) {
    return grpc::InsecureChannelCredentials();
  }
  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = creds.ca_pem;
  ssl.pem_private_key = creds.key_pem;
  ssl.pem_cert_chain = creds.cert_pem;
  std::shared_ptr<grpc::ChannelCredentials> channel = grpc::SslCredentials(ssl);
  if (!creds.token.empty()) {
    channel = grpc::CompositeChannelCredentials(channel, grpc::AccessTokenCredentials(creds.token));
  }
  if (!creds.impersonate_user.empty()) {
    channel = grpc::CompositeChannelCredentials(
        channel, grpc::MetadataCredentialsFromPlugin(std::make_unique<ImpersonationPlugin>(
                     creds.impersonate_user, creds.impersonate_groups)));
  }
  return channel;
}

std::shared_ptr<grpc::Channel> Dial(const std::string& address, const ClientCredentials& creds,
                                    server::ChannelOptions options) {
  options.credentials = NewChannelCredentials(creds);
  return server::NewChannel(address, options);
}

}  // namespace ordo::security
