#include "services/api-server/service_ip_allocator.h"

#include <arpa/inet.h>

#include "absl/container/flat_hash_set.h"
#include "absl/random/random.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/status/field_errors.h"
#include "common/status/status_macros.h"

namespace ordo::apiserver {
namespace {

std::optional<uint32_t> ParseIpv4(absl::string_view text) {
  in_addr address{};
  if (inet_pton(AF_INET, std::string(text).c_str(), &address) != 1) return std::nullopt;
  return ntohl(address.s_addr);
}

std::string FormatIpv4(uint32_t host_order) {
  in_addr address{htonl(host_order)};
  char text[INET_ADDRSTRLEN];
  inet_ntop(AF_INET, &address, text, sizeof(text));
  return text;
}

// The address a Service asks for; empty when it asks for none.
std::string Requested(const core::v1::Service& service) {
  if (!service.spec().cluster_ip().empty()) return service.spec().cluster_ip();
  return service.spec().cluster_ips().empty() ? "" : service.spec().cluster_ips(0);
}

// What an address's key holds: the Service's "namespace/name".
std::string OwnerOf(const core::v1::Service& service) {
  return absl::StrCat(service.metadata().namespace_(), "/", service.metadata().name());
}

bool NeedsAddress(const core::v1::Service& service) {
  return service.spec().type() != "ExternalName" && Requested(service) != "None";
}

absl::Status AllocationError(const core::v1::Service& service, const std::string& ip,
                             const std::string& why) {
  using status::FieldPath;
  return status::InvalidError(
      "Service", service.metadata().name(),
      {status::Invalid(FieldPath("spec").Child("clusterIPs"),
                       absl::StrCat("[]string{\"", ip, "\"}"),
                       absl::StrCat("failed to allocate IP ", ip, ": ", why))});
}

}  // namespace

absl::Status ServiceIpAllocator::Repair(const std::vector<core::v1::Service>& services) {
  for (const auto& service : services) {
    const std::string& ip = service.spec().cluster_ip();
    if (!range_.Contains(ip) || store_.Get(ServiceIpKey(ip)).ok()) continue;
    auto taken = store_.Commit({store::Op::Create(ServiceIpKey(ip), OwnerOf(service))});
    if (!taken.ok() && !absl::IsAlreadyExists(taken.status())) return taken.status();
  }
  return absl::OkStatus();
}

absl::StatusOr<ServiceIpRange> ServiceIpRange::Parse(absl::string_view cidr) {
  std::vector<absl::string_view> parts = absl::StrSplit(cidr, '/');
  int bits = 0;
  std::optional<uint32_t> base = parts.size() == 2 ? ParseIpv4(parts[0]) : std::nullopt;
  if (!base.has_value() || !absl::SimpleAtoi(parts[1], &bits) || bits < 8 || bits > 30) {
    return absl::InvalidArgumentError(
        absl::StrCat("--service-cluster-ip-range: \"", cidr,
                     "\" is not an IPv4 CIDR from /8 to /30, e.g. 10.96.0.0/12"));
  }
  ServiceIpRange range;
  range.size_ = uint32_t{1} << (32 - bits);
  range.base_ = *base & ~(range.size_ - 1);
  range.cidr_ = absl::StrCat(FormatIpv4(range.base_), "/", bits);
  return range;
}

bool ServiceIpRange::Contains(absl::string_view ip) const {
  std::optional<uint32_t> address = ParseIpv4(ip);
  if (!address.has_value()) return false;
  uint32_t offset = *address - base_;
  return *address >= base_ && offset >= 1 && offset < size_ - 1;
}

std::string ServiceIpRange::At(uint32_t index) const { return FormatIpv4(base_ + 1 + index); }

const ServiceIpRange& DefaultServiceIpRange() {
  static const ServiceIpRange* range =
      new ServiceIpRange(*ServiceIpRange::Parse(kDefaultServiceClusterIpRange));
  return *range;
}

std::string ServiceIpKey(absl::string_view ip) {
  return absl::StrCat("/registry/ipaddresses/", ip);
}

absl::StatusOr<std::vector<store::Op>> ServiceIpAllocator::Allocate(core::v1::Service& service) {
  if (!NeedsAddress(service)) return std::vector<store::Op>{};
  std::string ip = Requested(service);
  if (!ip.empty()) {
    if (!range_.Contains(ip)) {
      return AllocationError(service, ip,
                             absl::StrCat("the provided IP (", ip,
                                          ") is not in the valid range. The range of valid IPs "
                                          "is ",
                                          range_.cidr()));
    }
    if (store_.Get(ServiceIpKey(ip)).ok()) {
      return AllocationError(service, ip, "provided IP is already allocated");
    }
  } else {
    // A random free address, as Kubernetes picks one: in a sparse range the
    // first try nearly always wins.
    thread_local absl::BitGen random;
    for (int attempt = 0; attempt < 64 && ip.empty(); ++attempt) {
      std::string candidate = range_.At(absl::Uniform<uint32_t>(random, 0, range_.size()));
      if (!store_.Get(ServiceIpKey(candidate)).ok()) ip = candidate;
    }
    if (ip.empty()) {
      // Mostly full: look at every held address once and take the first free.
      absl::flat_hash_set<std::string> held;
      ORDO_ASSIGN_OR_RETURN(store::ListResult listed, store_.List(ServiceIpKey("")));
      for (const auto& kv : listed.kvs) {
        held.insert(kv->key.substr(ServiceIpKey("").size()));
      }
      for (uint32_t i = 0; i < range_.size() && ip.empty(); ++i) {
        if (!held.contains(range_.At(i))) ip = range_.At(i);
      }
    }
    if (ip.empty()) {
      return absl::ResourceExhaustedError(
          "Internal error occurred: failed to allocate a serviceIP: range is full");
    }
  }
  service.mutable_spec()->set_cluster_ip(ip);
  service.mutable_spec()->clear_cluster_ips();
  service.mutable_spec()->add_cluster_ips(ip);
  return std::vector<store::Op>{store::Op::Create(ServiceIpKey(ip), OwnerOf(service))};
}

std::vector<store::Op> ServiceIpAllocator::Release(const core::v1::Service& service) {
  const std::string& ip = service.spec().cluster_ip();
  if (ip.empty() || ip == "None") return {};
  // Only the key this Service holds, as it is now (a Service stored before
  // addresses had keys holds none).
  auto held = store_.Get(ServiceIpKey(ip));
  if (!held.ok() || (*held)->value != OwnerOf(service)) return {};
  return {store::Op::Delete(ServiceIpKey(ip), (*held)->mod_revision)};
}

}  // namespace ordo::apiserver
