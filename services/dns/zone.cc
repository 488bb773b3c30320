#include "services/dns/zone.h"

#include <arpa/inet.h>

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace ordo::dns {
namespace {

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
      for (const auto& subset : it->second->subsets()) {
        std::vector<NamedPort> ports = PortsOf(subset);
        auto add = [&](const core::v1::EndpointAddress& a, bool ready) {
          auto address = Address::Parse(a.ip());
          if (!address.has_value()) return;
          EndpointRecord e;
          e.name = a.hostname().empty() ? Dashed(a.ip()) : Lower(a.hostname());
          e.address = *address;
          e.ports = ports;
          e.ready = ready;
          if (ready) {
            zone->reverse_[Key(*address)].push_back(absl::StrCat(e.name, ".", fqdn));
          }
          record.endpoints.push_back(std::move(e));
        };
        for (const auto& a : subset.addresses()) add(a, true);
        if (unready_names) {
          for (const auto& a : subset.not_ready_addresses()) {
            if (!a.hostname().empty()) add(a, false);
          }
        }
      }
    }
    zone->services_[absl::StrCat(ns, "/", name)] = std::move(record);
  }
  return zone;
}

const ServiceRecord* ZoneSnapshot::FindService(const std::string& ns,
                                               const std::string& name) const {
  auto it = services_.find(absl::StrCat(ns, "/", name));
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
      : q_(q), zone_(zone), config_(config), max_size_(max_size), qname_(Lower(q.question.name)) {}

  // Empty when the name is not in the zone (or a reverse name to forward).
  Answer Run(bool forward_unknown_reverse) {
    const std::string& zone = config_.zone;
    bool in_zone = qname_ == zone || (qname_.size() > zone.size() && qname_.ends_with(zone) &&
                                      qname_[qname_.size() - zone.size() - 1] == '.');
    if (!in_zone) return Reverse(forward_unknown_reverse);
    // The zone as the question spells it, for owners and targets.
    zone_spelled_ = q_.question.name.substr(q_.question.name.size() - zone.size());
    if (!zone_.synced()) return Finish(kServFail, false);
    std::string rel =
        qname_.size() == zone.size() ? "" : qname_.substr(0, qname_.size() - zone.size() - 1);
    std::vector<std::string> labels =
        rel.empty() ? std::vector<std::string>{} : absl::StrSplit(rel, '.');
    return Lookup(labels);
  }

 private:
  using B = ResponseBuilder;

  Answer Finish(uint16_t rcode, bool with_soa) {
    if (builder_ == nullptr) builder_ = std::make_unique<B>(q_, rcode, true, max_size_);
    if (with_soa) AddSoa(B::kAuthority);
    return {builder_->Finish(), rcode};
  }
  B& Ok() {
    if (builder_ == nullptr) builder_ = std::make_unique<B>(q_, kNoError, true, max_size_);
    return *builder_;
  }
  Answer NoData() { return Finish(kNoError, true); }
  Answer NxDomain() { return Finish(kNXDomain, true); }

  void AddSoa(B::Section section) {
    builder_->AddSoa(section, zone_spelled_, config_.negative_ttl,
                     absl::StrCat("ns.dns.", zone_spelled_),
                     absl::StrCat("hostmaster.", zone_spelled_), zone_.serial(), 7200, 1800, 86400,
                     config_.negative_ttl);
  }

  std::string Under(const std::string& rel) const { return absl::StrCat(rel, ".", zone_spelled_); }

  // A and AAAA of `addresses` owned by `owner`; false when none of the family.
  bool AddAddresses(B::Section s, const std::string& owner, const std::vector<Address>& addresses,
                    uint16_t type) {
    bool any = false;
    for (size_t i = 0; i < addresses.size(); ++i) {
      const Address& a = addresses[i];
      if ((type == kA) == a.v6) continue;
      bool dup = false;
      for (size_t j = 0; j < i; ++j) dup = dup || addresses[j].bytes == a.bytes;
      if (dup) continue;
      any = true;
      if (a.v6) {
        Ok().AddAAAA(s, owner, config_.ttl, a.bytes.data());
      } else {
        Ok().AddA(s, owner, config_.ttl, a.bytes.data());
      }
    }
    return any;
  }

  Answer Lookup(const std::vector<std::string>& l) {
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
        std::string ns = absl::StrCat("ns.dns.", zone_spelled_);
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
    const std::string& kind = l[n - 1];
    if (kind != "svc" && kind != "pod") return NxDomain();
    if (n == 1) return NoData();
    const std::string& ns = l[n - 2];
    if (!zone_.HasNamespace(ns)) return NxDomain();
    if (n == 2) return NoData();
    if (kind == "pod") return Pod(l);
    const ServiceRecord* svc = zone_.FindService(ns, l[n - 3]);
    if (svc == nullptr) return NxDomain();
    std::string svc_rel = absl::StrCat(l[n - 3], ".", ns, ".svc");
    if (n == 3) return ServiceName(*svc, svc_rel);
    if (n == 4) return EndpointName(*svc, svc_rel, l[0]);
    if (n == 5 && l[0].starts_with('_') && l[1].starts_with('_')) {
      return Srv(*svc, svc_rel, l[0].substr(1), l[1].substr(1));
    }
    return NxDomain();
  }

  Answer ServiceName(const ServiceRecord& svc, const std::string& svc_rel) {
    uint16_t type = q_.question.type;
    const std::string& owner = q_.question.name;
    if (svc.kind == ServiceRecord::kExternalName) {
      if (type == kSRV) return NoData();
      std::string target = svc.external_name;
      while (!target.empty() && target.back() == '.') target.pop_back();
      Ok().AddName(B::kAnswer, owner, kCNAME, config_.ttl, target);
      return Finish(kNoError, false);
    }
    if (svc.kind == ServiceRecord::kHeadless) {
      std::vector<Address> ready;
      for (const auto& e : svc.endpoints) {
        if (e.ready) ready.push_back(e.address);
      }
      if (ready.empty()) return NxDomain();  // spec 2.4.1
      if (type == kA || type == kAAAA) {
        return AddAddresses(B::kAnswer, owner, ready, type) ? Finish(kNoError, false) : NoData();
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

  Answer EndpointName(const ServiceRecord& svc, const std::string& svc_rel,
                      const std::string& label) {
    uint16_t type = q_.question.type;
    if (label.starts_with('_')) {
      // `_tcp.<svc>`: an empty non-terminal above SRV names when some port has it.
      for (const auto& p : svc.ports) {
        if ("_" + p.protocol == label) return NoData();
      }
      for (const auto& e : svc.endpoints) {
        for (const auto& p : e.ports) {
          if ("_" + p.protocol == label) return NoData();
        }
      }
      return NxDomain();
    }
    std::vector<Address> found;
    for (const auto& e : svc.endpoints) {
      if (e.name == label) found.push_back(e.address);
    }
    if (found.empty()) return NxDomain();
    if (type != kA && type != kAAAA) return NoData();
    return AddAddresses(B::kAnswer, q_.question.name, found, type) ? Finish(kNoError, false)
                                                                   : NoData();
  }

  // SRV for `_port._proto` (or every port when both are empty).
  Answer Srv(const ServiceRecord& svc, const std::string& svc_rel, const std::string& port,
             const std::string& proto) {
    bool all = port.empty() && proto.empty();
    auto matches = [&](const NamedPort& p) {
      if (all) return true;
      return !p.name.empty() && p.name == port && p.protocol == proto;
    };
    struct Target {
      uint16_t port;
      std::string name;  // relative to the zone
      const Address* address;
    };
    std::vector<Target> targets;
    if (svc.kind == ServiceRecord::kHeadless) {
      for (const auto& e : svc.endpoints) {
        if (!e.ready) continue;
        for (const auto& p : e.ports) {
          if (matches(p))
            targets.push_back({p.port, absl::StrCat(e.name, ".", svc_rel), &e.address});
        }
      }
    } else {
      for (const auto& p : svc.ports) {
        if (matches(p)) targets.push_back({p.port, svc_rel, nullptr});
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
      if (t.address != nullptr) {
        AddAddresses(B::kAdditional, target, {*t.address}, t.address->v6 ? kAAAA : kA);
      } else {
        AddAddresses(B::kAdditional, target, svc.cluster_ips, kA);
      }
    }
    return Finish(kNoError, false);
  }

  Answer Pod(const std::vector<std::string>& l) {
    if (l.size() != 3) return NxDomain();  // <dashed-ip>.<ns>.pod
    std::string ip = l[0];
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
          absl::StrSplit(qname_.substr(0, qname_.size() - v4.size()), '.');
      if (parts.size() == 4) {
        std::reverse(parts.begin(), parts.end());
        address = Address::Parse(absl::StrJoin(parts, "."));
      }
    } else if (qname_.ends_with(v6)) {
      std::vector<std::string> nibbles =
          absl::StrSplit(qname_.substr(0, qname_.size() - v6.size()), '.');
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
  const std::string qname_;
  std::string zone_spelled_;
  std::unique_ptr<B> builder_;
};

}  // namespace

Answer Resolve(const Query& query, const ZoneSnapshot& zone, const ZoneConfig& config,
               size_t max_size, bool forward_unknown_reverse) {
  return Resolution(query, zone, config, max_size).Run(forward_unknown_reverse);
}

}  // namespace ordo::dns
