#include "services/dns/zone.h"

#include <arpa/inet.h>

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace ordo::dns {
namespace {

// Debian's Abseil has its own string_view: bridge std's to it.
absl::string_view Absl(std::string_view s) { return absl::string_view(s.data(), s.size()); }

// The question lower-cased into this thread's buffer (no allocation per query).
std::string_view LowerInto(std::string_view name) {
  thread_local std::string buffer;
  buffer.assign(name.data(), name.size());
  for (char& c : buffer) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return buffer;
}

std::string Key(const Address& a) {
  return std::string(reinterpret_cast<const char*>(a.bytes.data()), a.v6 ? 16 : 4);
}

// "10-0-0-10" for 10.0.0.10; IPv6 colons to dashes, a trailing dash closed with 0.
std::string Dashed(const std::string& ip) {
  std::string out = ip;
  std::replace(out.begin(), out.end(), '.', '-');
  std::replace(out.begin(), out.end(), ':', '-');
  if (!out.empty() && out.back() == '-') out.push_back('0');
  return Lower(out);
}

std::vector<NamedPort> PortsOf(const core::v1::EndpointSubset& subset) {
  std::vector<NamedPort> out;
  for (const auto& p : subset.ports()) {
    out.push_back({Lower(p.name()), Lower(p.protocol().empty() ? "TCP" : p.protocol()),
                   static_cast<uint16_t>(p.port())});
  }
  return out;
}

}  // namespace

std::optional<Address> Address::Parse(const std::string& text) {
  Address a;
  if (inet_pton(AF_INET, text.c_str(), a.bytes.data()) == 1) return a;
  if (inet_pton(AF_INET6, text.c_str(), a.bytes.data()) == 1) {
    a.v6 = true;
    return a;
  }
  return std::nullopt;
}

std::shared_ptr<const ZoneSnapshot> ZoneSnapshot::Build(
    const std::vector<std::shared_ptr<const core::v1::Namespace>>& namespaces,
    const std::vector<std::shared_ptr<const core::v1::Service>>& services,
    const std::vector<std::shared_ptr<const core::v1::Endpoints>>& endpoints, uint32_t serial) {
  auto zone = std::make_shared<ZoneSnapshot>();
  zone->synced_ = true;
  zone->serial_ = serial;
  for (const auto& ns : namespaces) zone->namespaces_.insert(Lower(ns->metadata().name()));
  absl::flat_hash_map<std::string, const core::v1::Endpoints*> by_name;
  for (const auto& e : endpoints) {
    by_name[absl::StrCat(e->metadata().namespace_(), "/", e->metadata().name())] = e.get();
  }
  for (const auto& svc : services) {
    const auto& meta = svc->metadata();
    const auto& spec = svc->spec();
    ServiceRecord record;
    std::string ns = Lower(meta.namespace_());
    std::string name = Lower(meta.name());
    std::string fqdn = absl::StrCat(name, ".", ns, ".svc");
    if (spec.type() == "ExternalName") {
      record.kind = ServiceRecord::kExternalName;
      record.external_name = spec.external_name();
      while (!record.external_name.empty() && record.external_name.back() == '.') {
        record.external_name.pop_back();  // the CNAME's target is written without it
      }
    } else if (spec.cluster_ip() == "None") {
      record.kind = ServiceRecord::kHeadless;
    } else {
      std::vector<std::string> ips(spec.cluster_ips().begin(), spec.cluster_ips().end());
      if (ips.empty() && !spec.cluster_ip().empty()) ips.push_back(spec.cluster_ip());
      for (const auto& ip : ips) {
        if (auto a = Address::Parse(ip); a.has_value()) {
          record.cluster_ips.push_back(*a);
          auto& names = zone->reverse_[Key(*a)];
          if (names.empty()) names.push_back(fqdn);  // first match only (spec 2.3.3)
        }
      }
    }
    for (const auto& p : spec.ports()) {
      record.ports.push_back({Lower(p.name()), Lower(p.protocol().empty() ? "TCP" : p.protocol()),
                              static_cast<uint16_t>(p.port())});
    }
    auto annotation = meta.annotations().find(kPublishUnreadyHostnames);
    bool unready_names = annotation != meta.annotations().end() && annotation->second == "true";
    if (auto it = by_name.find(absl::StrCat(meta.namespace_(), "/", meta.name()));
        it != by_name.end()) {
      // Where each (name, address) is in record.endpoints.
      absl::flat_hash_map<std::string, size_t> endpoint_index;
      for (const auto& subset : it->second->subsets()) {
        std::vector<NamedPort> ports = PortsOf(subset);
        // One record per name and address, however often the Endpoints list
        // it (RFC 2181 5: no duplicate records in an answer): an address in
        // two subsets gets the ports of both.
        auto add = [&](const core::v1::EndpointAddress& a, bool ready) {
          auto address = Address::Parse(a.ip());
          if (!address.has_value()) return;
          std::string name = a.hostname().empty() ? Dashed(a.ip()) : Lower(a.hostname());
          auto [index, added] = endpoint_index.try_emplace(absl::StrCat(name, "/", Key(*address)),
                                                           record.endpoints.size());
          if (added) {
            record.endpoints.push_back({.name = name, .address = *address, .ready = false});
          }
          EndpointRecord* same = &record.endpoints[index->second];
          for (const auto& p : ports) {
            if (std::find(same->ports.begin(), same->ports.end(), p) == same->ports.end()) {
              same->ports.push_back(p);
            }
          }
          if (ready && !same->ready) {
            auto& names = zone->reverse_[Key(*address)];
            std::string ptr = absl::StrCat(name, ".", fqdn);
            if (std::find(names.begin(), names.end(), ptr) == names.end()) names.push_back(ptr);
          }
          same->ready = same->ready || ready;
        };
        for (const auto& a : subset.addresses()) add(a, true);
        if (unready_names) {
          for (const auto& a : subset.not_ready_addresses()) {
            if (!a.hostname().empty()) add(a, false);
          }
        }
      }
    }
    for (const auto& e : record.endpoints) {
      if (!e.ready) continue;
      bool seen = false;
      for (const auto& a : record.ready_addresses) seen = seen || a.bytes == e.address.bytes;
      if (!seen) record.ready_addresses.push_back(e.address);
    }
    zone->services_[fqdn] = std::move(record);
  }
  return zone;
}

const ServiceRecord* ZoneSnapshot::FindService(std::string_view fqdn) const {
  auto it = services_.find(absl::string_view(fqdn.data(), fqdn.size()));
  return it == services_.end() ? nullptr : &it->second;
}

const std::vector<std::string>* ZoneSnapshot::Reverse(const Address& address) const {
  auto it = reverse_.find(Key(address));
  return it == reverse_.end() ? nullptr : &it->second;
}

namespace {

// One query against one snapshot: decides the rcode and fills the builder.
class Resolution {
 public:
  Resolution(const Query& q, const ZoneSnapshot& zone, const ZoneConfig& config, size_t max_size)
      : q_(q),
        zone_(zone),
        config_(config),
        max_size_(max_size),
        qname_(LowerInto(q.question.name)) {}

  // Empty when the name is not in the zone (or a reverse name to forward).
  Answer Run(bool forward_unknown_reverse) {
    const std::string& zone = config_.zone;
    bool in_zone = qname_ == zone || (qname_.size() > zone.size() && qname_.ends_with(zone) &&
                                      qname_[qname_.size() - zone.size() - 1] == '.');
    if (!in_zone) return Reverse(forward_unknown_reverse);
    // The zone as the question spells it, for owners and targets.
    zone_spelled_ =
        std::string_view(q_.question.name).substr(q_.question.name.size() - zone.size());
    if (!zone_.synced()) return Finish(kServFail, false);
    std::string_view rel = qname_.size() == zone.size() ? std::string_view()
                                                        : std::string_view(qname_).substr(
                                                              0, qname_.size() - zone.size() - 1);
    // Up to 6 labels mean something here; more is NXDOMAIN (too long).
    std::vector<std::string_view> labels;
    labels.reserve(8);
    for (size_t pos = 0; !rel.empty() && pos <= rel.size();) {
      size_t dot = rel.find('.', pos);
      if (dot == std::string_view::npos) dot = rel.size();
      labels.push_back(rel.substr(pos, dot - pos));
      pos = dot + 1;
      if (labels.size() > 6) return NxDomain();
    }
    return Lookup(labels);
  }

 private:
  using B = ResponseBuilder;

  Answer Finish(uint16_t rcode, bool with_soa) {
    if (!builder_.has_value()) builder_.emplace(q_, rcode, true, max_size_);
    if (with_soa) AddSoa(B::kAuthority);
    return {builder_->Finish(), rcode, std::move(chase_)};
  }
  B& Ok() {
    if (!builder_.has_value()) builder_.emplace(q_, kNoError, true, max_size_);
    return *builder_;
  }
  Answer NoData() { return Finish(kNoError, true); }
  Answer NxDomain() { return Finish(kNXDomain, true); }

  void AddSoa(B::Section section) {
    thread_local std::string mname, rname;
    mname.assign("ns.dns.").append(zone_spelled_);
    rname.assign("hostmaster.").append(zone_spelled_);
    builder_->AddSoa(section, zone_spelled_, config_.negative_ttl, mname, rname, zone_.serial(),
                     7200, 1800, 86400, config_.negative_ttl);
  }

  std::string Under(const std::string& rel) const {
    return absl::StrCat(rel, ".", Absl(zone_spelled_));
  }

  // A and AAAA of `addresses` owned by `owner`; false when none of the family.
  // (Lists are duplicate-free: the snapshot removes duplicates when built.)
  bool AddAddresses(B::Section s, std::string_view owner, const std::vector<Address>& addresses,
                    uint16_t type) {
    bool any = false;
    for (const Address& a : addresses) {
      if ((type == kA) == a.v6) continue;
      any = true;
      if (Ok().truncated()) break;  // nothing more fits
      if (a.v6) {
        Ok().AddAAAA(s, owner, config_.ttl, a.bytes.data());
      } else {
        Ok().AddA(s, owner, config_.ttl, a.bytes.data());
      }
    }
    return any;
  }

  Answer Lookup(const std::vector<std::string_view>& l) {
    uint16_t type = q_.question.type;
    const std::string& owner = q_.question.name;
    size_t n = l.size();
    if (n == 0) {  // the apex
      if (type == kSOA) {
        Ok();
        AddSoa(B::kAnswer);
        return Finish(kNoError, false);
      }
      if (type == kNS) {
        std::string ns = absl::StrCat("ns.dns.", Absl(zone_spelled_));
        Ok().AddName(B::kAnswer, owner, kNS, config_.ttl, ns);
        for (const auto& a : config_.server_addresses) {
          if (!a.v6) Ok().AddA(B::kAdditional, ns, config_.ttl, a.bytes.data());
        }
        return Finish(kNoError, false);
      }
      return NoData();
    }
    if (n == 1 && l[0] == "dns-version") {
      if (type != kTXT) return NoData();
      Ok().AddTxt(B::kAnswer, owner, 28800, "1.1.0");
      return Finish(kNoError, false);
    }
    if (n == 2 && l[0] == "ns" && l[1] == "dns") {
      if ((type == kA || type == kAAAA) &&
          AddAddresses(B::kAnswer, owner, config_.server_addresses, type)) {
        return Finish(kNoError, false);
      }
      return NoData();
    }
    if (n == 1 && l[0] == "dns") return NoData();  // an empty non-terminal
    std::string_view kind = l[n - 1];
    if (kind != "svc" && kind != "pod") return NxDomain();
    if (n == 1) return NoData();
    std::string_view ns = l[n - 2];
    if (!zone_.HasNamespace(ns)) return NxDomain();
    if (n == 2) return NoData();
    if (kind == "pod") return Pod(l);
    // "<svc>.<ns>.svc" is a piece of the question itself: no copies to look it up.
    std::string_view svc_rel(l[n - 3].data(), l[n - 1].data() + l[n - 1].size() - l[n - 3].data());
    const ServiceRecord* svc = zone_.FindService(svc_rel);
    if (svc == nullptr) return NxDomain();
    if (n == 3) return ServiceName(*svc, svc_rel);
    if (n == 4) return EndpointName(*svc, svc_rel, l[0]);
    if (n == 5 && l[0].starts_with('_') && l[1].starts_with('_')) {
      return Srv(*svc, svc_rel, l[0].substr(1), l[1].substr(1));
    }
    return NxDomain();
  }

  Answer ServiceName(const ServiceRecord& svc, std::string_view svc_rel) {
    uint16_t type = q_.question.type;
    const std::string& owner = q_.question.name;
    if (svc.kind == ServiceRecord::kExternalName) {
      if (type == kSRV) return NoData();
      Ok().AddName(B::kAnswer, owner, kCNAME, config_.ttl, svc.external_name);
      if (type == kA || type == kAAAA) chase_ = FollowInZone(svc.external_name, type);
      return Finish(kNoError, false);
    }
    if (svc.kind == ServiceRecord::kHeadless) {
      if (svc.ready_addresses.empty()) return NxDomain();  // spec 2.4.1
      if (type == kA || type == kAAAA) {
        return AddAddresses(B::kAnswer, owner, svc.ready_addresses, type) ? Finish(kNoError, false)
                                                                          : NoData();
      }
      if (type == kSRV) return Srv(svc, svc_rel, "", "");
      return NoData();
    }
    if (type == kA || type == kAAAA) {
      return AddAddresses(B::kAnswer, owner, svc.cluster_ips, type) ? Finish(kNoError, false)
                                                                    : NoData();
    }
    if (type == kSRV) return Srv(svc, svc_rel, "", "");
    return NoData();
  }

  // RFC 1034 §4.3.2: a CNAME whose target is in the zone is followed here,
  // its A or AAAA records (or further CNAMEs, at most 8 links) added to the
  // answer. A target that does not exist ends the answer at the CNAME; one
  // outside the zone is returned, for the server to chase upstream.
  std::string FollowInZone(std::string target, uint16_t type) {
    const std::string& zone = config_.zone;
    for (int link = 0; link < 8; ++link) {
      std::string lower = absl::AsciiStrToLower(target);
      if (!(lower.size() > zone.size() + 1 && lower.ends_with(zone) &&
            lower[lower.size() - zone.size() - 1] == '.')) {
        return target;
      }
      std::vector<absl::string_view> l =
          absl::StrSplit(absl::string_view(lower).substr(0, lower.size() - zone.size() - 1), '.');
      size_t n = l.size();
      if ((n != 3 && n != 4) || l[n - 1] != "svc") return "";
      std::string svc_rel = absl::StrCat(l[n - 3], ".", l[n - 2], ".svc");
      const ServiceRecord* svc = zone_.FindService(svc_rel);
      if (svc == nullptr) return "";
      if (n == 4) {  // <host>.<svc>.<ns>.svc: that endpoint's addresses
        std::vector<Address> addresses;
        for (const auto& e : svc->endpoints) {
          if (e.ready && e.name == l[0]) addresses.push_back(e.address);
        }
        AddAddresses(B::kAnswer, target, addresses, type);
        return "";
      }
      if (svc->kind == ServiceRecord::kExternalName) {
        Ok().AddName(B::kAnswer, target, kCNAME, config_.ttl, svc->external_name);
        target = svc->external_name;
        continue;
      }
      AddAddresses(B::kAnswer, target,
                   svc->kind == ServiceRecord::kHeadless ? svc->ready_addresses : svc->cluster_ips,
                   type);
      return "";
    }
    return "";  // a chain too long to follow
  }

  Answer EndpointName(const ServiceRecord& svc, std::string_view svc_rel, std::string_view label) {
    uint16_t type = q_.question.type;
    if (label.starts_with('_')) {
      // `_tcp.<svc>`: an empty non-terminal above SRV names when some port has it.
      std::string_view proto = label.substr(1);
      for (const auto& p : svc.ports) {
        if (p.protocol == proto) return NoData();
      }
      for (const auto& e : svc.endpoints) {
        for (const auto& p : e.ports) {
          if (p.protocol == proto) return NoData();
        }
      }
      return NxDomain();
    }
    int found = 0;
    for (const auto& e : svc.endpoints) found += e.name == label;
    if (found == 0) return NxDomain();
    if (type != kA && type != kAAAA) return NoData();
    bool any = false;
    for (const auto& e : svc.endpoints) {
      if (e.name != label || (type == kA) == e.address.v6) continue;
      any = true;
      if (e.address.v6) {
        Ok().AddAAAA(B::kAnswer, q_.question.name, config_.ttl, e.address.bytes.data());
      } else {
        Ok().AddA(B::kAnswer, q_.question.name, config_.ttl, e.address.bytes.data());
      }
    }
    return any ? Finish(kNoError, false) : NoData();
  }

  // SRV for `_port._proto` (or every port when both are empty).
  Answer Srv(const ServiceRecord& svc, std::string_view svc_rel, std::string_view port,
             std::string_view proto) {
    bool all = port.empty() && proto.empty();
    auto matches = [&](const NamedPort& p) {
      if (all) return true;
      return !p.name.empty() && p.name == port && p.protocol == proto;
    };
    struct Target {
      uint16_t port;
      std::string name;                // relative to the zone
      std::vector<Address> addresses;  // a headless target's; empty: the cluster IPs
    };
    std::vector<Target> targets;
    if (svc.kind == ServiceRecord::kHeadless) {
      // Two pods with one hostname are one target with both addresses.
      absl::flat_hash_map<std::pair<uint16_t, std::string>, size_t> target_index;
      for (const auto& e : svc.endpoints) {
        if (!e.ready) continue;
        for (const auto& p : e.ports) {
          if (!matches(p)) continue;
          std::string name = absl::StrCat(e.name, ".", Absl(svc_rel));
          auto [index, added] = target_index.try_emplace({p.port, name}, targets.size());
          if (added) targets.push_back({p.port, std::move(name), {}});
          targets[index->second].addresses.push_back(e.address);
        }
      }
    } else {
      for (const auto& p : svc.ports) {
        if (matches(p)) targets.push_back({p.port, std::string(svc_rel), {}});
      }
    }
    if (targets.empty()) return all ? NoData() : NxDomain();
    if (q_.question.type != kSRV) return NoData();
    uint16_t weight = static_cast<uint16_t>(std::max<size_t>(1, 100 / targets.size()));
    for (const auto& t : targets) {
      Ok().AddSrv(B::kAnswer, q_.question.name, config_.ttl, 0, weight, t.port, Under(t.name));
    }
    for (const auto& t : targets) {
      std::string target = Under(t.name);
      const std::vector<Address>& addresses = t.addresses.empty() ? svc.cluster_ips : t.addresses;
      AddAddresses(B::kAdditional, target, addresses, kA);
      AddAddresses(B::kAdditional, target, addresses, kAAAA);
    }
    return Finish(kNoError, false);
  }

  Answer Pod(const std::vector<std::string_view>& l) {
    if (l.size() != 3) return NxDomain();  // <dashed-ip>.<ns>.pod
    std::string ip(l[0]);
    bool v6 = std::count(ip.begin(), ip.end(), '-') > 3;
    std::replace(ip.begin(), ip.end(), '-', v6 ? ':' : '.');
    auto address = Address::Parse(ip);
    if (!address.has_value()) return NxDomain();
    uint16_t type = q_.question.type;
    if ((type == kA && !address->v6) || (type == kAAAA && address->v6)) {
      AddAddresses(B::kAnswer, q_.question.name, {*address}, type);
      return Finish(kNoError, false);
    }
    return NoData();
  }

  // in-addr.arpa / ip6.arpa: PTR from the zone; unknown addresses forwarded.
  Answer Reverse(bool forward_unknown) {
    constexpr std::string_view v4 = ".in-addr.arpa", v6 = ".ip6.arpa";
    std::optional<Address> address;
    if (qname_.ends_with(v4)) {
      std::vector<std::string> parts =
          absl::StrSplit(Absl(qname_.substr(0, qname_.size() - v4.size())), '.');
      if (parts.size() == 4) {
        std::reverse(parts.begin(), parts.end());
        address = Address::Parse(absl::StrJoin(parts, "."));
      }
    } else if (qname_.ends_with(v6)) {
      std::vector<std::string> nibbles =
          absl::StrSplit(Absl(qname_.substr(0, qname_.size() - v6.size())), '.');
      if (nibbles.size() == 32) {
        std::reverse(nibbles.begin(), nibbles.end());
        std::string text;
        for (size_t i = 0; i < 32; ++i) {
          if (i > 0 && i % 4 == 0) text.push_back(':');
          text += nibbles[i];
        }
        address = Address::Parse(text);
      }
    } else {
      return {};  // not ours: forward
    }
    const std::vector<std::string>* names =
        address.has_value() && zone_.synced() ? zone_.Reverse(*address) : nullptr;
    if (names == nullptr) {
      if (forward_unknown) return {};
      zone_spelled_ = config_.zone;
      return NxDomain();
    }
    if (q_.question.type != kPTR) {
      zone_spelled_ = config_.zone;
      return NoData();
    }
    for (const auto& name : *names) {
      Ok().AddName(B::kAnswer, q_.question.name, kPTR, config_.ttl,
                   absl::StrCat(name, ".", config_.zone));
    }
    return Finish(kNoError, false);
  }

  const Query& q_;
  const ZoneSnapshot& zone_;
  const ZoneConfig& config_;
  const size_t max_size_;
  const std::string_view qname_;
  std::string_view zone_spelled_;
  std::optional<B> builder_;
  std::string chase_;  // an outside CNAME target the answer ends at
};

}  // namespace

Answer Resolve(const Query& query, const ZoneSnapshot& zone, const ZoneConfig& config,
               size_t max_size, bool forward_unknown_reverse) {
  return Resolution(query, zone, config, max_size).Run(forward_unknown_reverse);
}

}  // namespace ordo::dns
