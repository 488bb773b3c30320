#include "services/dns/dns_metrics.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace ordo::dns {
namespace {

size_t TypeSlot(uint16_t type) {
  for (size_t i = 0; i < kCountedTypes.size(); ++i) {
    if (kCountedTypes[i].first == type) return i;
  }
  return kCountedTypes.size();
}

const char* TypeName(size_t slot) {
  return slot < kCountedTypes.size() ? kCountedTypes[slot].second : "other";
}

// The header's RCODE as CoreDNS names it.
std::string RcodeName(int rcode) {
  static const char* kNames[] = {"NOERROR",  "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED",
                                 "YXDOMAIN", "YXRRSET", "NXRRSET",  "NOTAUTH",  "NOTZONE"};
  return rcode < 11 ? kNames[rcode] : absl::StrCat(rcode);
}

int RcodeOf(std::string_view reply) { return static_cast<uint8_t>(reply[3]) & 0xF; }

// The question's type: after the 12-byte header and the name's labels.
// "other" for anything too short or compressed to read.
size_t QuestionTypeSlot(std::string_view packet) {
  size_t at = 12;
  while (at < packet.size()) {
    const uint8_t len = static_cast<uint8_t>(packet[at]);
    if (len == 0) break;
    if (len >= 0xC0) return kCountedTypes.size();
    at += 1 + len;
  }
  if (at + 3 > packet.size()) return kCountedTypes.size();
  return TypeSlot(static_cast<uint16_t>((static_cast<uint8_t>(packet[at + 1]) << 8) |
                                        static_cast<uint8_t>(packet[at + 2])));
}

}  // namespace

void DnsTally::Request(std::string_view packet, bool tcp) {
  ++requests[tcp ? 1 : 0][QuestionTypeSlot(packet)];
}

void DnsTally::Response(std::string_view reply) {
  if (reply.size() >= 12) ++responses[RcodeOf(reply)];
}

DnsMetrics::DnsMetrics(std::shared_ptr<prometheus::Registry> shared_registry)
    : registry_(std::move(shared_registry)),
      forward_requests_(prometheus::BuildCounter()
                            .Name("coredns_forward_requests_total")
                            .Help("Queries sent to each upstream (label to).")
                            .Register(*registry_)),
      forward_responses_(prometheus::BuildCounter()
                             .Name("coredns_forward_responses_total")
                             .Help("Answers from each upstream, by rcode.")
                             .Register(*registry_)),
      forward_failures_(prometheus::BuildCounter()
                            .Name("ordo_dns_forward_failures_total")
                            .Help("Queries an upstream did not answer in time.")
                            .Register(*registry_)),
      cache_hits_(prometheus::BuildCounter()
                      .Name("ordo_dns_packet_cache_hits_total")
                      .Help("Queries answered from the packet cache, bytes for bytes.")
                      .Register(*registry_)
                      .Add({})),
      cache_misses_(prometheus::BuildCounter()
                        .Name("ordo_dns_packet_cache_misses_total")
                        .Help("Queries the packet cache did not hold.")
                        .Register(*registry_)
                        .Add({})),
      zone_build_(prometheus::BuildHistogram()
                      .Name("ordo_dns_zone_build_seconds")
                      .Help("Time to build each zone snapshot served, from the cached objects.")
                      .Register(*registry_)
                      .Add({}, prometheus::Histogram::BucketBoundaries{
                                   0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10})) {
  prometheus::Registry& registry = *registry_;
  auto& requests = prometheus::BuildCounter()
                       .Name("coredns_dns_requests_total")
                       .Help("Queries received, by transport (proto) and question type.")
                       .Register(registry);
  for (int tcp = 0; tcp < 2; ++tcp) {
    for (size_t slot = 0; slot < kTypeSlots; ++slot) {
      requests_[tcp][slot] =
          &requests.Add({{"proto", tcp ? "tcp" : "udp"}, {"type", TypeName(slot)}});
    }
  }
  auto& responses = prometheus::BuildCounter()
                        .Name("coredns_dns_responses_total")
                        .Help("Answers sent, by the header's rcode.")
                        .Register(registry);
  for (int rcode = 0; rcode < 16; ++rcode) {
    responses_[rcode] = &responses.Add({{"rcode", RcodeName(rcode)}});
  }
}

void DnsMetrics::Add(DnsTally& tally) {
  for (int tcp = 0; tcp < 2; ++tcp) {
    for (size_t slot = 0; slot < kTypeSlots; ++slot) {
      if (tally.requests[tcp][slot] != 0) {
        requests_[tcp][slot]->Increment(static_cast<double>(tally.requests[tcp][slot]));
      }
    }
  }
  for (int rcode = 0; rcode < 16; ++rcode) {
    if (tally.responses[rcode] != 0) {
      responses_[rcode]->Increment(static_cast<double>(tally.responses[rcode]));
    }
  }
  if (tally.cache_hits != 0) cache_hits_.Increment(static_cast<double>(tally.cache_hits));
  if (tally.cache_misses != 0) cache_misses_.Increment(static_cast<double>(tally.cache_misses));
  tally = DnsTally{};
}

void DnsMetrics::Forwarded(const std::string& to, std::string_view reply) {
  forward_requests_.Add({{"to", to}}).Increment();
  if (reply.size() < 12) {
    forward_failures_.Add({{"to", to}}).Increment();
    return;
  }
  forward_responses_.Add({{"to", to}, {"rcode", RcodeName(RcodeOf(reply))}}).Increment();
}

void DnsMetrics::ZoneReplaced(absl::Time now, absl::Duration build_time) {
  zone_build_.Observe(absl::ToDoubleSeconds(build_time));
  zone_set_ns_.store(absl::ToUnixNanos(now));
}

std::vector<prometheus::MetricFamily> DnsMetrics::Collect() const {
  const int64_t set_ns = zone_set_ns_.load();
  if (set_ns == 0) return {};
  prometheus::MetricFamily age{"ordo_dns_zone_snapshot_age_seconds",
                               "Seconds since the zone being served was built from the cluster.",
                               prometheus::MetricType::Gauge,
                               {}};
  prometheus::ClientMetric metric;
  metric.gauge.value = absl::ToDoubleSeconds(absl::Now() - absl::FromUnixNanos(set_ns));
  age.metric.push_back(metric);
  return {age};
}

}  // namespace ordo::dns
