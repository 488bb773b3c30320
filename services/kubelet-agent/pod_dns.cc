#include "services/kubelet-agent/pod_dns.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace ordo::kubelet {
namespace {

constexpr size_t kMaxNameservers = 3;     // glibc's MAXNS
constexpr size_t kMaxSearches = 32;       // kubelet's MaxDNSSearchPaths
constexpr size_t kMaxSearchChars = 2048;  // kubelet's MaxDNSSearchListChars
constexpr size_t kMaxHostnameChars = 63;
constexpr size_t kMaxFqdnChars = 64;  // the kernel's HOST_NAME_MAX

// `list` then `more`, each entry once, in first-seen order.
template <typename Strings>
std::vector<std::string> Merged(std::vector<std::string> list, const Strings& more) {
  for (const auto& item : more) {
    if (std::find(list.begin(), list.end(), item) == list.end()) list.push_back(item);
  }
  return list;
}

absl::string_view OptionName(absl::string_view option) {
  return option.substr(0, option.find(':'));
}

}  // namespace

ResolvConf ParseResolvConf(absl::string_view text) {
  ResolvConf conf;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    line = line.substr(0, line.find_first_of("#;"));
    std::vector<std::string> words =
        absl::StrSplit(line, absl::ByAnyChar(" \t"), absl::SkipEmpty());
    if (words.size() < 2) continue;
    if (words[0] == "nameserver") {
      conf.nameservers.push_back(words[1]);
    } else if (words[0] == "search" || words[0] == "domain") {
      conf.searches.assign(words.begin() + 1, words.end());  // the last one wins, as in glibc
    } else if (words[0] == "options") {
      conf.options.insert(conf.options.end(), words.begin() + 1, words.end());
    }
  }
  return conf;
}

ResolvConf PodResolvConf(const core::v1::Pod& pod, const std::vector<std::string>& cluster_dns,
                         const std::string& cluster_domain, const ResolvConf& host) {
  const std::string& policy = pod.spec().dns_policy();
  ResolvConf conf;
  if (policy == "None") {
    // Only what dnsConfig says.
  } else if ((policy.empty() || policy == "ClusterFirst" || policy == "ClusterFirstWithHostNet") &&
             !cluster_dns.empty()) {
    // Pods have no host network here, so ClusterFirstWithHostNet is ClusterFirst.
    const std::string& ns = pod.metadata().namespace_();
    conf.nameservers = cluster_dns;
    conf.searches = Merged({absl::StrCat(ns, ".svc.", cluster_domain),
                            absl::StrCat("svc.", cluster_domain), cluster_domain},
                           host.searches);
    conf.options = {"ndots:5"};
  } else {
    conf = host;  // Default, or ClusterFirst on a node without cluster DNS
  }
  const auto& extra = pod.spec().dns_config();
  conf.nameservers = Merged(std::move(conf.nameservers), extra.nameservers());
  conf.searches = Merged(std::move(conf.searches), extra.searches());
  for (const auto& o : extra.options()) {
    std::string option = o.has_value() ? absl::StrCat(o.name(), ":", o.value()) : o.name();
    auto same = std::find_if(conf.options.begin(), conf.options.end(),
                             [&](const std::string& have) { return OptionName(have) == o.name(); });
    if (same != conf.options.end()) {
      *same = option;  // the pod's value wins
    } else {
      conf.options.push_back(option);
    }
  }
  if (conf.nameservers.size() > kMaxNameservers) conf.nameservers.resize(kMaxNameservers);
  if (conf.searches.size() > kMaxSearches) conf.searches.resize(kMaxSearches);
  while (!conf.searches.empty() && absl::StrJoin(conf.searches, " ").size() > kMaxSearchChars) {
    conf.searches.pop_back();
  }
  return conf;
}

std::string FormatResolvConf(const ResolvConf& conf) {
  std::string out;
  if (!conf.searches.empty())
    absl::StrAppend(&out, "search ", absl::StrJoin(conf.searches, " "), "\n");
  for (const auto& s : conf.nameservers) absl::StrAppend(&out, "nameserver ", s, "\n");
  if (!conf.options.empty())
    absl::StrAppend(&out, "options ", absl::StrJoin(conf.options, " "), "\n");
  return out;
}

PodHostname HostnameOf(const core::v1::Pod& pod, const std::string& cluster_domain) {
  PodHostname out;
  if (!pod.spec().hostname().empty()) {
    out.hostname = pod.spec().hostname();
  } else {
    // A pod name may be longer than a hostname may be.
    absl::string_view name = pod.metadata().name();
    name = name.substr(0, kMaxHostnameChars);
    while (!name.empty() && (name.back() == '-' || name.back() == '.')) name.remove_suffix(1);
    out.hostname = std::string(name);
  }
  if (!pod.spec().subdomain().empty()) {
    out.domain = absl::StrCat(pod.spec().subdomain(), ".", pod.metadata().namespace_(), ".svc.",
                              cluster_domain);
  }
  return out;
}

absl::StatusOr<std::string> KernelHostname(const core::v1::Pod& pod,
                                           const std::string& cluster_domain) {
  PodHostname name = HostnameOf(pod, cluster_domain);
  if (!pod.spec().set_hostname_as_fqdn() || name.domain.empty()) return name.hostname;
  std::string fqdn = absl::StrCat(name.hostname, ".", name.domain);
  if (fqdn.size() > kMaxFqdnChars) {
    return absl::InvalidArgumentError(
        absl::StrCat("failed to construct FQDN from pod hostname and cluster domain, FQDN ", fqdn,
                     " is too long (", kMaxFqdnChars, " characters is the max, ", fqdn.size(),
                     " characters requested)"));
  }
  return fqdn;
}

std::string PodHostsFile(const core::v1::Pod& pod, const std::string& ip,
                         const std::string& cluster_domain) {
  PodHostname name = HostnameOf(pod, cluster_domain);
  std::string hosts =
      "# Kubernetes-managed hosts file.\n"
      "127.0.0.1\tlocalhost\n"
      "::1\tlocalhost ip6-localhost ip6-loopback\n"
      "fe00::0\tip6-localnet\n"
      "fe00::0\tip6-mcastprefix\n"
      "fe00::1\tip6-allnodes\n"
      "fe00::2\tip6-allrouters\n";
  if (name.domain.empty()) {
    absl::StrAppend(&hosts, ip, "\t", name.hostname, "\n");
  } else {
    absl::StrAppend(&hosts, ip, "\t", name.hostname, ".", name.domain, "\t", name.hostname, "\n");
  }
  return hosts;
}

}  // namespace ordo::kubelet
