// Services' cluster IPs, from kube-apiserver's --service-cluster-ip-range
// (default 10.96.0.0/12), allocated as Kubernetes' IPAddress allocator does:
// an address is taken by creating its key, /registry/ipaddresses/<ip>, in the
// same store transaction that creates the Service, and freed in the one that
// removes it. The store's uniqueness of keys is the only lock, so no address
// ever goes to two Services, across api-server restarts and between
// api-servers sharing a store. IPv4 only (pods' networks are IPv4 too).
// Thread-safe: the range is immutable, and the store serialises commits.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/store/store.h"
#include "ordo/core/v1/core.pb.h"
#include "services/api-server/registry.h"

namespace ordo::apiserver {

inline constexpr char kDefaultServiceClusterIpRange[] = "10.96.0.0/12";

class ServiceIpRange {
 public:
  // INVALID_ARGUMENT for anything but an IPv4 CIDR of at least 4 addresses.
  static absl::StatusOr<ServiceIpRange> Parse(absl::string_view cidr);

  bool Contains(absl::string_view ip) const;
  // Usable addresses: all but the network and broadcast addresses.
  uint32_t size() const { return size_ - 2; }
  // The usable address at `index` (0: the first, which the `kubernetes`
  // Service takes).
  std::string At(uint32_t index) const;
  const std::string& cidr() const { return cidr_; }

 private:
  uint32_t base_ = 0;  // the network address, host order
  uint32_t size_ = 0;  // addresses in the range
  std::string cidr_;
};

// kDefaultServiceClusterIpRange, parsed.
const ServiceIpRange& DefaultServiceIpRange();

// The key that holds `ip` for a Service.
std::string ServiceIpKey(absl::string_view ip);

class ServiceIpAllocator final : public CompanionKeys {
 public:
  ServiceIpAllocator(ServiceIpRange range, store::Store& store)
      : range_(std::move(range)), store_(store) {}

  const ServiceIpRange& range() const { return range_; }

  // For a Service being created: nothing for a headless or ExternalName one;
  // else the address it asks for (spec.clusterIP, or clusterIPs[0]) or a free
  // one picked at random, written into spec.clusterIP and clusterIPs, and the
  // op that takes it. INVALID_ARGUMENT, in Kubernetes' words, for an
  // address outside the range or taken; RESOURCE_EXHAUSTED when the range
  // is full.
  absl::StatusOr<std::vector<store::Op>> Allocate(core::v1::Service& service);
  // The op that frees a removed Service's address: none when it holds no
  // key (headless, ExternalName, or stored before addresses had keys).
  std::vector<store::Op> Release(const core::v1::Service& service);
  // Gives every Service with an address in the range and no key its key:
  // a store written before the allocator, or restored, hands out no address
  // twice either. Run once at start, before serving.
  absl::Status Repair(const std::vector<core::v1::Service>& services);

  // The Service registry's companion keys: Allocate and Release.
  absl::StatusOr<std::vector<store::Op>> OnCreate(Message& obj) override {
    return Allocate(static_cast<core::v1::Service&>(obj));
  }
  std::vector<store::Op> OnRemove(const Message& obj) override {
    return Release(static_cast<const core::v1::Service&>(obj));
  }

 private:
  const ServiceIpRange range_;
  store::Store& store_;
};

}  // namespace ordo::apiserver
