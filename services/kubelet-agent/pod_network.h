// PodNetwork hands out pod IPs from the node's podCIDR. LoopbackPodNetwork is
// the local one: the CIDR lies in 127.0.0.0/8, where Linux answers every
// address on lo, so a pod's process binds its own IP with no set-up at all.
// (The compose cluster will add a routable implementation.) Thread-safe.
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

class LoopbackPodNetwork final : public PodNetwork {
 public:
  // `cidr` such as "127.1.3.0/24"; must lie inside 127.0.0.0/8.
  static absl::StatusOr<std::unique_ptr<LoopbackPodNetwork>> Create(const std::string& cidr);

  absl::StatusOr<std::string> Allocate(const std::string& pod_uid) override;
  absl::Status Restore(const std::string& pod_uid, const std::string& ip) override;
  void Release(const std::string& pod_uid) override;

 private:
  LoopbackPodNetwork(uint32_t base, uint32_t size) : base_(base), size_(size) {}

  const uint32_t base_;  // network address, host order
  const uint32_t size_;  // addresses in the CIDR
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, uint32_t> by_pod_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<uint32_t, std::string> by_address_ ABSL_GUARDED_BY(mu_);
  uint32_t next_ ABSL_GUARDED_BY(mu_) = 2;  // .0 is the network, .1 the node
};

}  // namespace ordo::kubelet
