// A pod's names as kubelet gives them (reference dns.md §3.3, §3.4): its
// hostname and domain, its kernel hostname (the FQDN with
// setHostnameAsFQDN), its /etc/hosts, and its /etc/resolv.conf from
// dnsPolicy (ClusterFirst, ClusterFirstWithHostNet, Default, None) merged
// with dnsConfig. Pure functions; safe from any thread.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "ordo/core/v1/core.pb.h"

namespace ordo::kubelet {

// What a resolv.conf says: nameservers, search domains, options ("ndots:5").
struct ResolvConf {
  std::vector<std::string> nameservers;
  std::vector<std::string> searches;
  std::vector<std::string> options;
};

// Reads the nameserver, search (and domain) and options lines of a
// resolv.conf; other lines and comments are ignored.
ResolvConf ParseResolvConf(absl::string_view text);

// The pod's resolver. `cluster_dns`: the cluster's DNS servers (empty: this
// node has none, and ClusterFirst falls back to Default, as kubelet does);
// `host`: the node's own resolv.conf. At most 3 nameservers and 32 search
// domains are kept, as kubelet keeps them.
ResolvConf PodResolvConf(const core::v1::Pod& pod, const std::vector<std::string>& cluster_dns,
                         const std::string& cluster_domain, const ResolvConf& host);
// As containerd writes it: search, nameservers, options.
std::string FormatResolvConf(const ResolvConf& conf);

// The pod's hostname (spec.hostname, else its name cut to 63 characters)
// and domain ("<subdomain>.<ns>.svc.<cluster domain>", empty without a
// subdomain).
struct PodHostname {
  std::string hostname;
  std::string domain;
};
PodHostname HostnameOf(const core::v1::Pod& pod, const std::string& cluster_domain);

// The kernel hostname: the hostname, or with setHostnameAsFQDN (and a
// domain) the FQDN, which may not pass 64 characters (INVALID_ARGUMENT in
// kubelet's words: the pod cannot start).
absl::StatusOr<std::string> KernelHostname(const core::v1::Pod& pod,
                                           const std::string& cluster_domain);

// The pod's /etc/hosts: kubelet's managed file, with the pod's IP, FQDN (when
// it has a domain) and hostname.
std::string PodHostsFile(const core::v1::Pod& pod, const std::string& ip,
                         const std::string& cluster_domain);

}  // namespace ordo::kubelet
