// ordoctl certs: the cluster's certificates as `kubeadm certs check-expiration`
// shows them, and renewal of one (commands.h: Certs).

#include <arpa/inet.h>

#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "cli/ordoctl/commands.h"
#include "cli/ordoctl/printer.h"
#include "common/security/pki.h"

namespace ordo::ctl {
namespace {

std::string Date(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", t, absl::UTCTimeZone());
}

std::string Subject(const security::Subject& s) {
  std::string out = "CN=" + s.common_name;
  for (const auto& o : s.organizations) out += ",O=" + o;
  return out;
}

bool IsIp(const std::string& s) {
  unsigned char buf[16];
  return inet_pton(AF_INET, s.c_str(), buf) == 1 || inet_pton(AF_INET6, s.c_str(), buf) == 1;
}

// certs init: what a cluster not made by `cluster up` (the compose cluster)
// runs once before its api-server starts. Existing files are kept.
int Init(const Args& args, const std::string& dir, std::ostream& out, std::ostream& err) {
  security::ClusterPkiOptions options{.dir = dir, .server = args.Get("server", "127.0.0.1:6443")};
  for (absl::string_view part : absl::StrSplit(args.Get("san"), ',', absl::SkipEmpty())) {
    std::string san(part);
    (IsIp(san) ? options.api_server_ip_addresses : options.api_server_dns_names).push_back(san);
  }
  for (absl::string_view node : absl::StrSplit(args.Get("node-ips"), ',', absl::SkipEmpty())) {
    std::vector<std::string> parts = absl::StrSplit(node, absl::MaxSplits('=', 1));
    if (parts[0].empty() || (parts.size() == 2 && !IsIp(parts[1]))) {
      err << "error: --node-ips: \"" << node << "\" is not NAME or NAME=IP\n";
      return 1;
    }
    security::NodeIdentity identity{.name = parts[0]};
    if (parts.size() == 2) identity.ip_addresses.push_back(parts[1]);
    options.nodes.push_back(std::move(identity));
  }
  if (absl::Status s = security::EnsureClusterPki(options); !s.ok()) {
    err << "error: " << s.message() << "\n";
    return 1;
  }
  // etcd's own CA and certificates (DIR/etcd), for members reached by these names.
  if (args.Has("etcd-sans")) {
    security::EtcdPkiOptions etcd{.dir = dir + "/etcd"};
    for (absl::string_view part : absl::StrSplit(args.Get("etcd-sans"), ',', absl::SkipEmpty())) {
      std::string san(part);
      (IsIp(san) ? etcd.ip_addresses : etcd.dns_names).push_back(san);
    }
    if (absl::Status s = security::EnsureEtcdPki(etcd); !s.ok()) {
      err << "error: etcd: " << s.message() << "\n";
      return 1;
    }
  }
  out << "certificates in " << dir << "\n";
  return 0;
}

}  // namespace

int Certs(const Args& args, std::ostream& out, std::ostream& err) {
  std::string dir = args.Get("data-dir", ".ordo") + "/pki";
  std::string verb = args.positional.size() > 1 ? args.positional[1] : "";
  if (verb == "renew") {
    if (args.positional.size() != 3) {
      err << "error: usage: ordoctl certs renew NAME [--data-dir DIR]\n";
      return 1;
    }
    const std::string& name = args.positional[2];
    absl::Status s = security::RenewCertificate(dir, name, absl::Now(), absl::Hours(24 * 365));
    if (!s.ok()) {
      err << "error: " << s.message() << "\n";
      return 1;
    }
    out << "certificate " << name << " renewed; servers re-read it within --tls-reload-interval, "
        << "clients use it from their next start\n";
    return 0;
  }
  if (verb == "init") return Init(args, dir, out, err);
  if (!verb.empty()) {
    err << "error: unknown certs command \"" << verb
        << "\"; usage: ordoctl certs [init|renew NAME]\n";
    return 1;
  }
  auto entries = security::ListCertificates(dir);
  if (!entries.ok()) {
    err << "error: " << entries.status().message() << "\n";
    return 1;
  }
  if (entries->empty()) {
    err << "error: no certificates in " << dir << " (`ordoctl cluster up` makes them)\n";
    return 1;
  }
  std::vector<std::vector<std::string>> rows = {
      {"NAME", "SUBJECT", "SANS", "EXPIRES", "RESIDUAL TIME"}};
  absl::Time now = absl::Now();
  for (const auto& e : *entries) {
    std::vector<std::string> sans = e.info.dns_names;
    sans.insert(sans.end(), e.info.ip_addresses.begin(), e.info.ip_addresses.end());
    absl::Duration left = e.info.not_after - now;
    std::string residual =
        left <= absl::ZeroDuration() ? "expired" : absl::StrCat(absl::ToInt64Hours(left) / 24, "d");
    rows.push_back({e.name, Subject(e.info.subject),
                    sans.empty() ? "<none>" : absl::StrJoin(sans, ","), Date(e.info.not_after),
                    residual});
  }
  PrintRows(out, rows);
  return 0;
}

}  // namespace ordo::ctl
