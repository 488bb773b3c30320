// A cluster's certificates, laid out as kubeadm lays out /etc/kubernetes/pki:
// one directory with the CA (ca.crt, ca.key) and, per component, NAME.crt and
// NAME.key, plus NAME.kubeconfig for each component that calls the
// api-server (its certificate and the CA embedded, so the file stands alone).
// Subjects are Kubernetes' (certificates.h: CN the user, O the groups):
//   api-server          kube-apiserver                     (server, and client of agents)
//   admin               kubernetes-admin, O=system:masters
//   scheduler           system:kube-scheduler
//   controller-manager  system:kube-controller-manager
//   dns                 system:ordo-dns
//   node-N              system:node:node-N, O=system:nodes (the agent's server and client)
// Keys are written mode 0600. Not synchronised: one writer at a time.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/security/certificates.h"

namespace ordo::security {

inline constexpr char kAdminUser[] = "kubernetes-admin";
inline constexpr char kMastersGroup[] = "system:masters";
inline constexpr char kNodesGroup[] = "system:nodes";

struct NodeIdentity {
  std::string name;
  std::vector<std::string> ip_addresses;
};

struct ClusterPkiOptions {
  std::string dir;
  // The api-server's address as the kubeconfigs name it (HOST:PORT).
  std::string server;
  // Extra names and addresses the api-server is reached by (besides
  // localhost, 127.0.0.1 and the kubernetes.default.svc names).
  std::vector<std::string> api_server_dns_names;
  std::vector<std::string> api_server_ip_addresses;
  std::vector<NodeIdentity> nodes;
  absl::Duration validity = absl::Hours(24 * 365);
  absl::Time now = absl::Now();
};

// Creates what is missing: the CA on first use, then each certificate and
// kubeconfig that does not exist yet (existing ones are kept, so a second
// `cluster up` leaves the cluster's identities alone). A CA whose key does not
// match its certificate is an error naming the file.
absl::Status EnsureClusterPki(const ClusterPkiOptions& options);

// etcd's own certificates, laid out as kubeadm lays out /etc/kubernetes/pki/etcd:
//   ca                     etcd's CA: not the cluster's, so that no certificate
//                          the cluster CA issues (a node's, say) opens the store
//   server                 CN etcd: every member's serving and peer certificate,
//                          for localhost, 127.0.0.1 and the extra names below
//   apiserver-etcd-client  CN kube-apiserver-etcd-client: the api-servers' client
//                          certificate (kubeadm keeps it one directory up)
// As EnsureClusterPki, creates only what is missing.
struct EtcdPkiOptions {
  std::string dir;
  std::vector<std::string> dns_names;
  std::vector<std::string> ip_addresses;
  absl::Duration validity = absl::Hours(24 * 365);
  absl::Time now = absl::Now();
};
absl::Status EnsureEtcdPki(const EtcdPkiOptions& options);

// Issues a new key and certificate for `name` (same subject and SANs as the
// current one, validity `validity` from `now`) signed by the directory's CA,
// and rewrites its kubeconfig if it has one. The files are replaced by rename,
// so a server watching them never reads half a file.
absl::Status RenewCertificate(const std::string& dir, const std::string& name, absl::Time now,
                              absl::Duration validity);

// One line per certificate of `dir`, the CA first.
struct PkiEntry {
  std::string name;
  CertificateInfo info;
};
absl::StatusOr<std::vector<PkiEntry>> ListCertificates(const std::string& dir);

// Writes `text` to `path` by a temporary file and a rename, with `mode`.
absl::Status WriteFileAtomically(const std::string& path, const std::string& text, int mode);

}  // namespace ordo::security
