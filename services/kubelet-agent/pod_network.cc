#include "services/kubelet-agent/pod_network.h"

#include <arpa/inet.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace ordo::kubelet {
namespace {

std::optional<uint32_t> ParseIp(const std::string& ip) {
  in_addr addr;
  if (inet_pton(AF_INET, ip.c_str(), &addr) != 1) return std::nullopt;
  return ntohl(addr.s_addr);
}

std::string FormatIp(uint32_t ip) {
  return absl::StrCat(ip >> 24, ".", (ip >> 16) & 255, ".", (ip >> 8) & 255, ".", ip & 255);
}

}  // namespace

absl::StatusOr<std::unique_ptr<LoopbackPodNetwork>> LoopbackPodNetwork::Create(
    const std::string& cidr) {
  std::pair<std::string, std::string> parts = absl::StrSplit(cidr, absl::MaxSplits('/', 1));
  std::optional<uint32_t> ip = ParseIp(parts.first);
  int bits = 0;
  if (!ip.has_value() || !absl::SimpleAtoi(parts.second, &bits) || bits < 8 || bits > 30) {
    return absl::InvalidArgumentError(
        absl::StrCat("podCIDR \"", cidr, "\": expected an IPv4 CIDR such as 127.1.1.0/24"));
  }
  if ((*ip >> 24) != 127) {
    return absl::InvalidArgumentError(
        absl::StrCat("podCIDR \"", cidr, "\": the loopback network needs 127.0.0.0/8"));
  }
  uint32_t size = uint32_t{1} << (32 - bits);
  uint32_t base = *ip & ~(size - 1);
  return std::unique_ptr<LoopbackPodNetwork>(new LoopbackPodNetwork(base, size));
}

absl::StatusOr<std::string> LoopbackPodNetwork::Allocate(const std::string& pod_uid) {
  absl::MutexLock lock(&mu_);
  if (auto it = by_pod_.find(pod_uid); it != by_pod_.end()) return FormatIp(base_ + it->second);
  // Skip the network, the node's own .1 and the broadcast address.
  for (uint32_t tried = 0; tried < size_; ++tried) {
    uint32_t offset = next_;
    next_ = next_ + 1 >= size_ - 1 ? 2 : next_ + 1;
    if (offset < 2 || offset >= size_ - 1 || by_address_.contains(offset)) continue;
    by_pod_[pod_uid] = offset;
    by_address_[offset] = pod_uid;
    return FormatIp(base_ + offset);
  }
  return absl::ResourceExhaustedError("the node's podCIDR has no free address");
}

absl::Status LoopbackPodNetwork::Restore(const std::string& pod_uid, const std::string& ip) {
  std::optional<uint32_t> addr = ParseIp(ip);
  if (!addr.has_value() || *addr < base_ || *addr >= base_ + size_) {
    return absl::InvalidArgumentError(absl::StrCat(ip, " is outside the node's podCIDR"));
  }
  absl::MutexLock lock(&mu_);
  uint32_t offset = *addr - base_;
  if (auto it = by_address_.find(offset); it != by_address_.end() && it->second != pod_uid) {
    return absl::AlreadyExistsError(absl::StrCat(ip, " belongs to pod ", it->second));
  }
  by_pod_[pod_uid] = offset;
  by_address_[offset] = pod_uid;
  return absl::OkStatus();
}

void LoopbackPodNetwork::Release(const std::string& pod_uid) {
  absl::MutexLock lock(&mu_);
  auto it = by_pod_.find(pod_uid);
  if (it == by_pod_.end()) return;
  by_address_.erase(it->second);
  by_pod_.erase(it);
}

}  // namespace ordo::kubelet
