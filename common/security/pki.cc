#include "common/security/pki.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "common/security/kubeconfig.h"
#include "common/status/status_macros.h"

namespace ordo::security {
namespace {

namespace fs = std::filesystem;

constexpr char kClusterName[] = "ordo";

struct Component {
  std::string name;  // file stem
  CertificateRequest request;
  bool kubeconfig = true;  // it calls the api-server
};

absl::StatusOr<std::string> Read(const fs::path& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path.string()));
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<Component> Components(const ClusterPkiOptions& o) {
  auto client = [&](std::string name, std::string user, std::vector<std::string> groups = {}) {
    return Component{
        .name = std::move(name),
        .request = {.subject = {std::move(user), std::move(groups)}, .usage = Usage::kClient}};
  };
  auto serving = [&](std::string name, std::string user) {
    Component c = client(name, std::move(user));
    c.request.usage = Usage::kServerAndClient;
    c.request.dns_names = {name, "localhost"};
    c.request.ip_addresses = {"127.0.0.1"};
    return c;
  };
  std::vector<std::string> dns = {"localhost", "kubernetes", "kubernetes.default",
                                  "kubernetes.default.svc", "kubernetes.default.svc.cluster.local"};
  dns.insert(dns.end(), o.api_server_dns_names.begin(), o.api_server_dns_names.end());
  std::vector<std::string> ips = {"127.0.0.1"};
  ips.insert(ips.end(), o.api_server_ip_addresses.begin(), o.api_server_ip_addresses.end());
  std::vector<Component> out = {
      {.name = "api-server",
       .request = {.subject = {"kube-apiserver", {}},
                   .usage = Usage::kServerAndClient,
                   .dns_names = dns,
                   .ip_addresses = ips},
       .kubeconfig = false},
      client("admin", kAdminUser, {kMastersGroup}),
      // They serve their own port too (health, metrics), as kube-scheduler's
      // 10259 and kube-controller-manager's 10257 do.
      serving("scheduler", "system:kube-scheduler"),
      serving("controller-manager", "system:kube-controller-manager"),
      client("dns", "system:ordo-dns"),
  };
  for (const NodeIdentity& node : o.nodes) {
    std::vector<std::string> node_ips = {"127.0.0.1"};
    for (const std::string& ip : node.ip_addresses) {
      if (ip != "127.0.0.1") node_ips.push_back(ip);
    }
    out.push_back({.name = node.name,
                   .request = {.subject = {"system:node:" + node.name, {kNodesGroup}},
                               .usage = Usage::kServerAndClient,
                               .dns_names = {node.name, "localhost"},
                               .ip_addresses = node_ips}});
  }
  for (Component& c : out) {
    c.request.not_before = o.now - absl::Minutes(1);
    c.request.not_after = o.now + o.validity;
  }
  return out;
}

std::string KubeconfigFor(const std::string& server, const std::string& ca_pem,
                          const std::string& user, const KeyPair& pair) {
  Kubeconfig config;
  config.clusters.push_back(
      {.name = kClusterName, .server = "https://" + server, .certificate_authority_data = ca_pem});
  config.users.push_back(
      {.name = user, .client_certificate_data = pair.cert_pem, .client_key_data = pair.key_pem});
  std::string context = absl::StrCat(user, "@", kClusterName);
  config.contexts.push_back({.name = context, .cluster = kClusterName, .user = user});
  config.current_context = context;
  return FormatKubeconfig(config);
}

absl::StatusOr<KeyPair> ReadPair(const fs::path& dir, const std::string& name) {
  KeyPair pair;
  ORDO_ASSIGN_OR_RETURN(pair.cert_pem, Read(dir / (name + ".crt")));
  ORDO_ASSIGN_OR_RETURN(pair.key_pem, Read(dir / (name + ".key")));
  if (absl::Status s = CheckKeyMatches(pair.key_pem, pair.cert_pem); !s.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat((dir / (name + ".key")).string(), ": ", s.message()));
  }
  return pair;
}

absl::Status WritePair(const fs::path& dir, const std::string& name, const KeyPair& pair) {
  // The key first: a watcher that sees the new certificate finds its key.
  ORDO_RETURN_IF_ERROR(WriteFileAtomically((dir / (name + ".key")).string(), pair.key_pem, 0600));
  return WriteFileAtomically((dir / (name + ".crt")).string(), pair.cert_pem, 0644);
}

absl::Status MakePrivateDir(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec)
    return absl::UnavailableError(absl::StrCat("cannot create ", dir.string(), ": ", ec.message()));
  fs::permissions(dir, fs::perms::owner_all, ec);
  return absl::OkStatus();
}

// DIR/ca as it is, or a new CA named `common_name` when there is none.
absl::StatusOr<KeyPair> EnsureCa(const fs::path& dir, const std::string& common_name,
                                 absl::Time now, absl::Duration validity) {
  if (fs::exists(dir / "ca.crt")) return ReadPair(dir, "ca");
  ORDO_ASSIGN_OR_RETURN(KeyPair ca,
                        CreateCertificateAuthority(common_name, now, now + 10 * validity));
  ORDO_RETURN_IF_ERROR(WritePair(dir, "ca", ca));
  return ca;
}

// DIR/NAME as it is, or issued by `ca` for `request` when there is none.
absl::StatusOr<KeyPair> EnsurePair(const fs::path& dir, const std::string& name, const KeyPair& ca,
                                   const CertificateRequest& request) {
  if (fs::exists(dir / (name + ".crt"))) return ReadPair(dir, name);
  ORDO_ASSIGN_OR_RETURN(KeyPair pair, IssueCertificate(ca, request));
  ORDO_RETURN_IF_ERROR(WritePair(dir, name, pair));
  return pair;
}

}  // namespace

absl::Status WriteFileAtomically(const std::string& path, const std::string& text, int mode) {
  std::string tmp = path + ".tmp";
  int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return absl::UnavailableError(absl::StrCat("cannot write ", tmp));
  bool ok = fchmod(fd, static_cast<mode_t>(mode)) == 0 &&
            write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
            fsync(fd) == 0;
  ok = close(fd) == 0 && ok;
  if (!ok || rename(tmp.c_str(), path.c_str()) != 0) {
    return absl::UnavailableError(absl::StrCat("cannot write ", path));
  }
  return absl::OkStatus();
}

absl::Status EnsureClusterPki(const ClusterPkiOptions& options) {
  fs::path dir(options.dir);
  ORDO_RETURN_IF_ERROR(MakePrivateDir(dir));
  ORDO_ASSIGN_OR_RETURN(KeyPair ca, EnsureCa(dir, "ordo-ca", options.now, options.validity));
  for (const Component& c : Components(options)) {
    ORDO_ASSIGN_OR_RETURN(KeyPair pair, EnsurePair(dir, c.name, ca, c.request));
    fs::path kubeconfig = dir / (c.name + ".kubeconfig");
    if (c.kubeconfig && !fs::exists(kubeconfig)) {
      ORDO_RETURN_IF_ERROR(WriteFileAtomically(
          kubeconfig.string(),
          KubeconfigFor(options.server, ca.cert_pem, c.request.subject.common_name, pair), 0600));
    }
  }
  return absl::OkStatus();
}

absl::Status EnsureEtcdPki(const EtcdPkiOptions& options) {
  fs::path dir(options.dir);
  ORDO_RETURN_IF_ERROR(MakePrivateDir(dir));
  ORDO_ASSIGN_OR_RETURN(KeyPair ca, EnsureCa(dir, "etcd-ca", options.now, options.validity));
  CertificateRequest server{.subject = {"etcd", {}},
                            .usage = Usage::kServerAndClient,  // members are each other's clients
                            .dns_names = {"localhost"},
                            .ip_addresses = {"127.0.0.1"},
                            .not_before = options.now - absl::Minutes(1),
                            .not_after = options.now + options.validity};
  server.dns_names.insert(server.dns_names.end(), options.dns_names.begin(),
                          options.dns_names.end());
  server.ip_addresses.insert(server.ip_addresses.end(), options.ip_addresses.begin(),
                             options.ip_addresses.end());
  ORDO_RETURN_IF_ERROR(EnsurePair(dir, "server", ca, server).status());
  CertificateRequest client{.subject = {"kube-apiserver-etcd-client", {}},
                            .usage = Usage::kClient,
                            .not_before = server.not_before,
                            .not_after = server.not_after};
  return EnsurePair(dir, "apiserver-etcd-client", ca, client).status();
}

absl::Status RenewCertificate(const std::string& dir_name, const std::string& name, absl::Time now,
                              absl::Duration validity) {
  fs::path dir(dir_name);
  if (name == "ca") {
    return absl::InvalidArgumentError(
        "the CA is not renewed in place: every certificate hangs on it");
  }
  ORDO_ASSIGN_OR_RETURN(KeyPair ca, ReadPair(dir, "ca"));
  auto current = Read(dir / (name + ".crt"));
  if (!current.ok()) {
    return absl::NotFoundError(absl::StrCat("no certificate \"", name, "\" in ", dir_name));
  }
  ORDO_ASSIGN_OR_RETURN(CertificateInfo info, ParseCertificate(*current));
  // A certificate that names hosts is a server's too.
  bool serves = !info.dns_names.empty() || !info.ip_addresses.empty();
  CertificateRequest request{.subject = info.subject,
                             .usage = serves ? Usage::kServerAndClient : Usage::kClient,
                             .dns_names = info.dns_names,
                             .ip_addresses = info.ip_addresses,
                             .not_before = now - absl::Minutes(1),
                             .not_after = now + validity};
  ORDO_ASSIGN_OR_RETURN(KeyPair pair, IssueCertificate(ca, request));
  ORDO_RETURN_IF_ERROR(WritePair(dir, name, pair));
  fs::path kubeconfig = dir / (name + ".kubeconfig");
  if (!fs::exists(kubeconfig)) return absl::OkStatus();
  ORDO_ASSIGN_OR_RETURN(std::string text, Read(kubeconfig));
  ORDO_ASSIGN_OR_RETURN(Kubeconfig config, ParseKubeconfig(text, kubeconfig.string()));
  for (Kubeconfig::User& user : config.users) {
    user.client_certificate_data = pair.cert_pem;
    user.client_key_data = pair.key_pem;
  }
  return WriteFileAtomically(kubeconfig.string(), FormatKubeconfig(config), 0600);
}

absl::StatusOr<std::vector<PkiEntry>> ListCertificates(const std::string& dir_name) {
  std::vector<PkiEntry> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir_name, ec)) {
    if (entry.path().extension() != ".crt") continue;
    ORDO_ASSIGN_OR_RETURN(std::string pem, Read(entry.path()));
    auto info = ParseCertificate(pem);
    if (!info.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(entry.path().string(), ": ", info.status().message()));
    }
    out.push_back({entry.path().stem().string(), *std::move(info)});
  }
  if (ec) return absl::NotFoundError(absl::StrCat("cannot read ", dir_name, ": ", ec.message()));
  std::sort(out.begin(), out.end(), [](const PkiEntry& a, const PkiEntry& b) {
    return std::pair(a.name != "ca", a.name) < std::pair(b.name != "ca", b.name);
  });
  return out;
}

}  // namespace ordo::security
