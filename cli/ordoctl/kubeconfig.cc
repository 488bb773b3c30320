// Where ordoctl's credentials come from (commands.h: LoadKubeconfig).
#include <cstdlib>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "cli/ordoctl/commands.h"
#include "common/security/certificates.h"

namespace ordo::ctl {

absl::StatusOr<security::ClientCredentials> LoadKubeconfig(const Args& args) {
  std::string path = args.Get("kubeconfig");
  if (path.empty()) {
    const char* env = std::getenv("KUBECONFIG");
    if (env != nullptr && *env != '\0') {
      path = std::vector<std::string>(absl::StrSplit(env, ':', absl::SkipEmpty())).front();
    } else if (std::filesystem::exists(".ordo/kubeconfig")) {
      path = ".ordo/kubeconfig";
    }
  }
  security::ClientCredentials creds;
  if (!path.empty()) {
    auto loaded = security::LoadCredentials(path, args.Get("context"));
    if (!loaded.ok()) return loaded.status();
    creds = *std::move(loaded);
    if (!creds.cert_pem.empty()) {
      auto info = security::ParseCertificate(creds.cert_pem);
      if (!info.ok()) {
        return absl::InvalidArgumentError(
            absl::StrCat(path, ": client-certificate: ", info.status().message()));
      }
      if (info->not_after < absl::Now()) {
        return absl::FailedPreconditionError(absl::StrCat(
            path, ": the client certificate of user \"", info->subject.common_name,
            "\" expired at ",
            absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", info->not_after, absl::UTCTimeZone()),
            "; renew it (ordoctl certs renew NAME --data-dir DIR) or get a new kubeconfig"));
      }
    }
  } else if (args.Has("context")) {
    return absl::InvalidArgumentError("--context needs a kubeconfig (--kubeconfig or KUBECONFIG)");
  }
  if (args.Has("as")) {
    creds.impersonate_user = args.Get("as");
    creds.impersonate_groups = absl::StrSplit(args.Get("as-group"), ',', absl::SkipEmpty());
  } else if (args.Has("as-group")) {
    return absl::InvalidArgumentError("--as-group needs --as");
  }
  const char* env_server = std::getenv("ORDO_SERVER");
  std::string fallback = !creds.server.empty() ? creds.server : "127.0.0.1:6443";
  creds.server = args.Get("server", env_server != nullptr && *env_server ? env_server : fallback);
  return creds;
}

}  // namespace ordo::ctl
