#include "services/kubelet-agent/pod_network.h"

#include <arpa/inet.h>

#include <vector>

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

struct Cidr {
  uint32_t base;
  uint32_t size;
};

absl::StatusOr<Cidr> ParseCidr(const std::string& cidr) {
  std::pair<std::string, std::string> parts = absl::StrSplit(cidr, absl::MaxSplits('/', 1));
  std::optional<uint32_t> ip = ParseIp(parts.first);
  int bits = 0;
  if (!ip.has_value() || !absl::SimpleAtoi(parts.second, &bits) || bits < 8 || bits > 30) {
    return absl::InvalidArgumentError(
        absl::StrCat("podCIDR \"", cidr, "\": expected an IPv4 CIDR such as 127.1.1.0/24"));
  }
  uint32_t size = uint32_t{1} << (32 - bits);
  return Cidr{*ip & ~(size - 1), size};
}

}  // namespace

absl::StatusOr<std::unique_ptr<CidrPodNetwork>> CidrPodNetwork::Loopback(const std::string& cidr) {
  absl::StatusOr<Cidr> parsed = ParseCidr(cidr);
  if (!parsed.ok()) return parsed.status();
  if ((parsed->base >> 24) != 127) {
    return absl::InvalidArgumentError(
        absl::StrCat("podCIDR \"", cidr, "\": the loopback network needs 127.0.0.0/8"));
  }
  return std::unique_ptr<CidrPodNetwork>(new CidrPodNetwork(parsed->base, parsed->size, nullptr));
}

absl::StatusOr<std::unique_ptr<CidrPodNetwork>> CidrPodNetwork::OnInterface(
    const std::string& cidr, AddressPlumber& plumber) {
  absl::StatusOr<Cidr> parsed = ParseCidr(cidr);
  if (!parsed.ok()) return parsed.status();
  return std::unique_ptr<CidrPodNetwork>(new CidrPodNetwork(parsed->base, parsed->size, &plumber));
}

absl::StatusOr<std::string> CidrPodNetwork::Allocate(const std::string& pod_uid) {
  std::string ip;
  {
    absl::MutexLock lock(&mu_);
    if (auto it = by_pod_.find(pod_uid); it != by_pod_.end()) {
      ip = FormatIp(base_ + it->second);
    } else {
      // Skip the network, the node's own .1 and the broadcast address.
      for (uint32_t tried = 0; tried < size_ && ip.empty(); ++tried) {
        uint32_t offset = next_;
        next_ = next_ + 1 >= size_ - 1 ? 2 : next_ + 1;
        if (offset < 2 || offset >= size_ - 1 || by_address_.contains(offset)) continue;
        by_pod_[pod_uid] = offset;
        by_address_[offset] = pod_uid;
        ip = FormatIp(base_ + offset);
      }
      if (ip.empty()) return absl::ResourceExhaustedError("the node's podCIDR has no free address");
    }
  }
  if (plumber_ != nullptr) {
    if (absl::Status s = plumber_->Add(ip); !s.ok()) return s;
  }
  return ip;
}

absl::Status CidrPodNetwork::Restore(const std::string& pod_uid, const std::string& ip) {
  std::optional<uint32_t> addr = ParseIp(ip);
  if (!addr.has_value() || *addr < base_ || *addr >= base_ + size_) {
    return absl::InvalidArgumentError(absl::StrCat(ip, " is outside the node's podCIDR"));
  }
  {
    absl::MutexLock lock(&mu_);
    uint32_t offset = *addr - base_;
    if (auto it = by_address_.find(offset); it != by_address_.end() && it->second != pod_uid) {
      return absl::AlreadyExistsError(absl::StrCat(ip, " belongs to pod ", it->second));
    }
    by_pod_[pod_uid] = offset;
    by_address_[offset] = pod_uid;
  }
  return plumber_ == nullptr ? absl::OkStatus() : plumber_->Add(ip);
}

void CidrPodNetwork::Release(const std::string& pod_uid) {
  std::string ip;
  {
    absl::MutexLock lock(&mu_);
    auto it = by_pod_.find(pod_uid);
    if (it == by_pod_.end()) return;
    ip = FormatIp(base_ + it->second);
    by_address_.erase(it->second);
    by_pod_.erase(it);
  }
  if (plumber_ != nullptr) plumber_->Remove(ip).IgnoreError();  // Reconcile does not re-add it
}

absl::Status CidrPodNetwork::Reconcile() {
  if (plumber_ == nullptr) return absl::OkStatus();
  std::vector<std::string> held;
  {
    absl::MutexLock lock(&mu_);
    for (const auto& [offset, uid] : by_address_) held.push_back(FormatIp(base_ + offset));
  }
  absl::Status first;
  for (const auto& ip : held) first.Update(plumber_->Add(ip));
  return first;
}

}  // namespace ordo::kubelet
