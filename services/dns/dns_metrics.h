// ordo-dns' metrics, under CoreDNS's names where it has one:
// coredns_dns_requests_total{proto,type}, coredns_dns_responses_total{rcode},
// coredns_forward_requests_total{to}, coredns_forward_responses_total{to,rcode},
// and ordo's own ordo_dns_forward_failures_total{to} (no answer in time),
// ordo_dns_packet_cache_{hits,misses}_total, ordo_dns_zone_build_seconds (how
// long each served snapshot took to build from the informers' caches) and
// ordo_dns_zone_snapshot_age_seconds (computed at scrape).
// The serving threads count into a Tally of plain integers and add it here
// once per batch, so the hot path never touches a shared counter per packet.
// Thread-safety: DnsMetrics is safe from any thread; a Tally belongs to one.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "prometheus/collectable.h"
#include "prometheus/counter.h"
#include "prometheus/histogram.h"
#include "prometheus/metric_family.h"
#include "prometheus/registry.h"

namespace ordo::dns {

// The query types counted by name; the rest are "other".
inline constexpr std::array<std::pair<uint16_t, const char*>, 10> kCountedTypes = {{
    {1, "A"},
    {28, "AAAA"},
    {5, "CNAME"},
    {15, "MX"},
    {2, "NS"},
    {12, "PTR"},
    {6, "SOA"},
    {33, "SRV"},
    {16, "TXT"},
    {255, "ANY"},
}};
inline constexpr size_t kTypeSlots = kCountedTypes.size() + 1;  // + other

// One serving thread's counts since it last added them.
struct DnsTally {
  uint64_t requests[2][kTypeSlots] = {};  // [tcp][type slot]
  uint64_t responses[16] = {};            // by rcode
  uint64_t cache_hits = 0;
  uint64_t cache_misses = 0;

  void Request(std::string_view packet, bool tcp);
  void Response(std::string_view reply);
};

// Its counters live in `registry`; as a Collectable it reports the zone
// snapshot's age (register it with the metrics endpoint).
class DnsMetrics final : public prometheus::Collectable {
 public:
  explicit DnsMetrics(std::shared_ptr<prometheus::Registry> registry);

  // Adds `tally` and clears it.
  void Add(DnsTally& tally);
  // One query sent to upstream `to`; `reply` empty: no answer came.
  void Forwarded(const std::string& to, std::string_view reply);
  // A new zone snapshot, which took `build_time` to build, is served from now on.
  void ZoneReplaced(absl::Time now, absl::Duration build_time);

  // ordo_dns_zone_snapshot_age_seconds, once a zone has been set.
  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  const std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Counter>& forward_requests_;
  prometheus::Family<prometheus::Counter>& forward_responses_;
  prometheus::Family<prometheus::Counter>& forward_failures_;
  prometheus::Counter* requests_[2][kTypeSlots];
  prometheus::Counter* responses_[16];
  prometheus::Counter& cache_hits_;
  prometheus::Counter& cache_misses_;
  prometheus::Histogram& zone_build_;
  std::atomic<int64_t> zone_set_ns_{0};  // 0: no zone yet
};

}  // namespace ordo::dns
