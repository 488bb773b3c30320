// The cluster zone as ordo-dns serves it: an immutable snapshot built from
// the Namespaces, Services and Endpoints the server watches (dns.md §1), and
// the resolver that answers one query from a snapshot (dns.md §2):
//   <svc>.<ns>.svc.<zone>            A/AAAA: the ClusterIPs, or for a headless
//                                    Service every ready address (none: NXDOMAIN);
//                                    CNAME for ExternalName (an in-zone target
//                                    followed; an outside one left in
//                                    Answer::chase); SRV: every port
//   <host>.<svc>.<ns>.svc.<zone>     the ready endpoint named <host> (its
//                                    hostname, else its dashed IP); with the
//                                    Service annotation
//                                    ordo.io/publish-unready-hostnames: "true"
//                                    also not-ready endpoints that have a
//                                    hostname (dns.md §6.2), while the Service's
//                                    own A and SRV sets still follow readiness
//   _<port>._<proto>.<svc>.<ns>.svc.<zone>  SRV, priority 0, weight 100/N,
//                                    targets' addresses in ADDITIONAL
//   <a-b-c-d>.<ns>.pod.<zone>        A (pods insecure)
//   reverse names                    PTR for ClusterIPs and endpoint IPs
//   dns-version.<zone>               TXT "1.1.0"; the apex: SOA and NS
// A name that exists answers NODATA for other types (RFC-correct where
// CoreDNS is not: dns-version A, `_tcp.<svc>` and `_port._proto` A are
// NODATA); a name that does not is NXDOMAIN; both carry the SOA, whose TTL
// and MINIMUM are the short negative TTL. Before the first full sync every
// in-zone query is SERVFAIL. Snapshots are immutable: share them freely.
#pragma once

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "ordo/core/v1/core.pb.h"
#include "services/dns/wire.h"

namespace ordo::dns {

inline constexpr char kPublishUnreadyHostnames[] = "ordo.io/publish-unready-hostnames";

struct Address {
  std::array<uint8_t, 16> bytes{};
  bool v6 = false;
  static std::optional<Address> Parse(const std::string& text);
};

struct NamedPort {
  std::string name;      // lower case
  std::string protocol;  // lower case: "tcp", "udp"
  uint16_t port = 0;
  bool operator==(const NamedPort&) const = default;
};

struct EndpointRecord {
  std::string name;  // hostname, else the dashed IP; lower case
  Address address;
  std::vector<NamedPort> ports;
  bool ready = true;
};

struct ServiceRecord {
  enum Kind { kClusterIP, kHeadless, kExternalName } kind = kClusterIP;
  std::vector<Address> cluster_ips;
  std::string external_name;              // without a trailing dot
  std::vector<NamedPort> ports;           // the Service's ports (ClusterIP SRV)
  std::vector<EndpointRecord> endpoints;  // ready ones, plus unready named ones when opted in
  std::vector<Address> ready_addresses;   // of the ready endpoints, without duplicates
};

struct ZoneConfig {
  std::string zone = "cluster.local";  // lower case, no trailing dot
  uint32_t ttl = 5;
  uint32_t negative_ttl = 1;              // the SOA's TTL and MINIMUM: negative answers age fast
  std::vector<Address> server_addresses;  // for ns.dns.<zone>
};

class ZoneSnapshot {
 public:
  // An empty, unsynced zone: everything in it is SERVFAIL.
  ZoneSnapshot() = default;
  static std::shared_ptr<const ZoneSnapshot> Build(
      const std::vector<std::shared_ptr<const core::v1::Namespace>>& namespaces,
      const std::vector<std::shared_ptr<const core::v1::Service>>& services,
      const std::vector<std::shared_ptr<const core::v1::Endpoints>>& endpoints, uint32_t serial);

  bool synced() const { return synced_; }
  uint32_t serial() const { return serial_; }
  bool HasNamespace(std::string_view ns) const {
    return namespaces_.contains(absl::string_view(ns.data(), ns.size()));
  }
  // By "<name>.<namespace>.svc", lower case.
  const ServiceRecord* FindService(std::string_view fqdn) const;
  // Fully qualified names (no zone suffix: "<host>.<svc>.<ns>.svc") for a PTR.
  const std::vector<std::string>* Reverse(const Address& address) const;

 private:
  bool synced_ = false;
  uint32_t serial_ = 0;
  absl::flat_hash_set<std::string> namespaces_;
  absl::flat_hash_map<std::string, ServiceRecord> services_;            // "<ns>/<name>"
  absl::flat_hash_map<std::string, std::vector<std::string>> reverse_;  // address bytes
};

// How a query was handled.
struct Answer {
  std::string response;  // empty: not ours, forward it
  uint16_t rcode = kNoError;
  // An A or AAAA answer that ends at a CNAME pointing outside the zone (an
  // ExternalName): the target, for the server to resolve through its
  // upstream when the query asked for recursion (the DNS spec's example).
  std::string chase;
};

// Answers `query` from `zone` in at most `max_size` bytes. Queries outside the
// zone (and unknown reverse names when `forward_unknown_reverse`) come back
// with an empty response: the caller forwards them.
Answer Resolve(const Query& query, const ZoneSnapshot& zone, const ZoneConfig& config,
               size_t max_size, bool forward_unknown_reverse);

}  // namespace ordo::dns
