// PodNetwork hands out pod IPs from the node's podCIDR, one per pod uid.
// CidrPodNetwork is the one implementation, in two set-ups:
//   Loopback:    the CIDR lies in 127.0.0.0/8, where Linux answers every
//                address on lo, so a pod's process binds its own IP with no
//                set-up at all (the process cluster on one host);
//   OnInterface: any IPv4 CIDR; each address is added to the node's network
//                interface through an AddressPlumber (interface_addresses.h),
//                so other hosts on that network reach pods directly (the
//                compose cluster: each node takes a slice of the network).
// Thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"

namespace ordo::kubelet {

class PodNetwork {
 public:
  virtual ~PodNetwork() = default;
  // The pod's address, the same one on every call for one uid.
  virtual absl::StatusOr<std::string> Allocate(const std::string& pod_uid) = 0;
  // Re-takes an address a checkpointed pod already holds (after an agent restart).
  virtual absl::Status Restore(const std::string& pod_uid, const std::string& ip) = 0;
  virtual void Release(const std::string& pod_uid) = 0;
};

// Puts pod addresses where the pods' processes can bind them and other
// hosts can reach them. Thread-safe.
class AddressPlumber {
 public:
  virtual ~AddressPlumber() = default;
  // Idempotent: an address already in place is success.
  virtual absl::Status Add(const std::string& ip) = 0;
  // Idempotent: an address already gone is success.
  virtual absl::Status Remove(const std::string& ip) = 0;
};

class CidrPodNetwork final : public PodNetwork {
 public:
  // `cidr` such as "127.1.3.0/24"; must lie inside 127.0.0.0/8.
  static absl::StatusOr<std::unique_ptr<CidrPodNetwork>> Loopback(const std::string& cidr);
  // `cidr` such as "172.28.1.0/24"; each address held is added through
  // `plumber`, which must outlive the network.
  static absl::StatusOr<std::unique_ptr<CidrPodNetwork>> OnInterface(const std::string& cidr,
                                                                     AddressPlumber& plumber);

  absl::StatusOr<std::string> Allocate(const std::string& pod_uid) override;
  absl::Status Restore(const std::string& pod_uid, const std::string& ip) override;
  void Release(const std::string& pod_uid) override;

  // Adds every address held again (the interface may have gone and come back,
  // as after a network disconnect and reconnect). The first error, if any.
  absl::Status Reconcile();

 private:
  CidrPodNetwork(uint32_t base, uint32_t size, AddressPlumber* plumber)
      : base_(base), size_(size), plumber_(plumber) {}

  const uint32_t base_;            // network address, host order
  const uint32_t size_;            // addresses in the CIDR
  AddressPlumber* const plumber_;  // null: loopback, nothing to add
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, uint32_t> by_pod_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<uint32_t, std::string> by_address_ ABSL_GUARDED_BY(mu_);
  uint32_t next_ ABSL_GUARDED_BY(mu_) = 2;  // .0 is the network, .1 the node
};

}  // namespace ordo::kubelet
