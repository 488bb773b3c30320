// InterfaceAddresses is the AddressPlumber of the compose cluster: it adds
// each pod address as a /32 to whichever interface holds the node's own IP
// (found anew on every call, since a network disconnect and reconnect brings
// the interface back under another name), so the node answers ARP for its
// pods and other hosts on the network reach them directly. Addresses are
// changed with iproute2's `ip addr` (the agent needs CAP_NET_ADMIN).
// Thread-safe: it keeps no state.
#pragma once

#include <string>
#include <vector>

#include "services/kubelet-agent/pod_network.h"

namespace ordo::kubelet {

class InterfaceAddresses final : public AddressPlumber {
 public:
  explicit InterfaceAddresses(std::string node_ip) : node_ip_(std::move(node_ip)) {}

  absl::Status Add(const std::string& ip) override;
  absl::Status Remove(const std::string& ip) override;

 private:
  const std::string node_ip_;
};

// The capabilities a node agent that runs real pods lacks, by name
// ("CAP_SYS_ADMIN: pods' UTS and mount namespaces"), read from
// /proc/self/status; empty when it has them all. `plumbs_addresses` adds
// CAP_NET_ADMIN to what is needed.
std::vector<std::string> MissingCapabilities(bool plumbs_addresses);

}  // namespace ordo::kubelet
