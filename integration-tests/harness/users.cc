#include "integration-tests/harness/users.h"

#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/security/certificates.h"
#include "common/status/status_macros.h"
#include "common/testing/temp_dir.h"

namespace ordo::itest {

absl::StatusOr<security::ClientCredentials> IssueUser(const std::string& pki_dir,
                                                      const std::string& name,
                                                      std::vector<std::string> groups) {
  security::KeyPair ca{testing::ReadFile(pki_dir + "/ca.key"),
                       testing::ReadFile(pki_dir + "/ca.crt")};
  absl::Time now = absl::Now();
  ORDO_ASSIGN_OR_RETURN(security::KeyPair cert,
                        security::IssueCertificate(ca, {.subject = {name, std::move(groups)},
                                                        .not_before = now - absl::Minutes(1),
                                                        .not_after = now + absl::Hours(1)}));
  return security::ClientCredentials{
      .ca_pem = ca.cert_pem, .cert_pem = cert.cert_pem, .key_pem = cert.key_pem};
}

std::string WriteKubeconfig(const std::string& path, const std::string& server,
                            const security::ClientCredentials& creds) {
  security::Kubeconfig config;
  config.clusters.push_back({.name = "c",
                             .server = absl::StrCat("https://", server),
                             .certificate_authority_data = creds.ca_pem});
  config.users.push_back({.name = "u",
                          .client_certificate_data = creds.cert_pem,
                          .client_key_data = creds.key_pem,
                          .token = creds.token});
  const std::string context = "test";
  config.contexts.push_back({.name = context, .cluster = "c", .user = "u"});
  config.current_context = context;
  std::ofstream(path) << security::FormatKubeconfig(config);
  return path;
}

}  // namespace ordo::itest
