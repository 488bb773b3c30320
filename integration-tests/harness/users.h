// Users for tests: a client certificate for a user (CN) in groups (O), signed
// by a cluster's CA, and a kubeconfig holding credentials, for ordoctl.
// Stateless functions; safe from any thread.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/security/kubeconfig.h"

namespace ordo::itest {

// Credentials of `name` in `groups`, valid for an hour, signed by the CA in
// `pki_dir` (ca.crt, ca.key), trusting that CA.
absl::StatusOr<security::ClientCredentials> IssueUser(const std::string& pki_dir,
                                                      const std::string& name,
                                                      std::vector<std::string> groups = {});

// Writes a kubeconfig for `server` (HOST:PORT) with `creds` to `path`, and
// returns `path`.
std::string WriteKubeconfig(const std::string& path, const std::string& server,
                            const security::ClientCredentials& creds);

}  // namespace ordo::itest
