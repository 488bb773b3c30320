// DNS metrics: a tally counts queries by transport and type and answers by
// rcode, and is added in one go; forwards count per upstream with failures
// apart; a real server counts what it serves over UDP, cache hits included.
#include "services/dns/dns_metrics.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include "common/testing/status_matchers.h"
#include "prometheus/text_serializer.h"
#include "services/dns/server.h"
#include "services/dns/test_decoder.h"

namespace ordo::dns {
namespace {

using testing::MakeQuery;

std::string Exposition(prometheus::Registry& registry) {
  return prometheus::TextSerializer().Serialize(registry.Collect());
}

void ExpectLines(const std::string& text, std::initializer_list<const char*> lines) {
  for (const char* line : lines)
    EXPECT_NE(text.find(line), std::string::npos) << line << "\n" << text;
}

TEST(DnsMetricsTest, ATallyIsAddedInOneGoAndCleared) {
  auto registry = std::make_shared<prometheus::Registry>();
  DnsMetrics metrics(registry);
  DnsTally tally;
  tally.Request(MakeQuery("web-0.nginx.default.svc.cluster.local", kA), false);
  tally.Request(MakeQuery("_web._tcp.nginx.default.svc.cluster.local", kSRV), false);
  tally.Request(MakeQuery("x.cluster.local", 99), true);
  tally.Request("\x12\x34", false);  // too short to hold a question
  std::string answer = MakeQuery("a", kA);
  answer[3] = 3;  // NXDOMAIN
  tally.Response(answer);
  tally.Response("");  // dropped: not an answer
  ++tally.cache_hits;
  metrics.Add(tally);
  metrics.Add(tally);  // cleared by the first Add: adds nothing
  ExpectLines(Exposition(*registry),
              {
                  R"(coredns_dns_requests_total{proto="udp",type="A"} 1)",
                  R"(coredns_dns_requests_total{proto="udp",type="SRV"} 1)",
                  R"(coredns_dns_requests_total{proto="tcp",type="other"} 1)",
                  R"(coredns_dns_requests_total{proto="udp",type="other"} 1)",
                  R"(coredns_dns_responses_total{rcode="NXDOMAIN"} 1)",
                  R"(coredns_dns_responses_total{rcode="NOERROR"} 0)",
                  "ordo_dns_packet_cache_hits_total 1",
              });
}

TEST(DnsMetricsTest, ForwardsCountPerUpstreamWithFailuresApart) {
  auto registry = std::make_shared<prometheus::Registry>();
  DnsMetrics metrics(registry);
  std::string answer = MakeQuery("example.org", kA);
  metrics.Forwarded("10.0.0.1", answer);
  metrics.Forwarded("10.0.0.1", "");
  ExpectLines(Exposition(*registry),
              {
                  R"(coredns_forward_requests_total{to="10.0.0.1"} 2)",
                  R"(coredns_forward_responses_total{rcode="NOERROR",to="10.0.0.1"} 1)",
                  R"(ordo_dns_forward_failures_total{to="10.0.0.1"} 1)",
              });
  EXPECT_TRUE(metrics.Collect().empty()) << "no zone yet: no age";
  metrics.ZoneReplaced(absl::Now() - absl::Seconds(30), absl::Milliseconds(20));
  auto age = metrics.Collect();
  ASSERT_EQ(age.size(), 1u);
  EXPECT_GE(age[0].metric[0].gauge.value, 30);
  ExpectLines(Exposition(*registry), {
                                         R"(ordo_dns_zone_build_seconds_count 1)",
                                         R"(ordo_dns_zone_build_seconds_bucket{le="0.01"} 0)",
                                         R"(ordo_dns_zone_build_seconds_bucket{le="0.05"} 1)",
                                     });
}

TEST(DnsMetricsTest, AServerCountsWhatItAnswersOverUdp) {
  auto registry = std::make_shared<prometheus::Registry>();
  ServerOptions options;
  options.listen = {"127.0.0.1:0"};
  options.zone.zone = "cluster.local";
  options.metrics = std::make_shared<DnsMetrics>(registry);
  DnsServer server(options);
  ASSERT_OK(server.Bind());
  std::jthread serving([&](std::stop_token stop) { server.Run(stop); });

  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  ASSERT_GE(fd, 0);
  timeval wait{10, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(static_cast<uint16_t>(server.port(0)));
  inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
  // No upstream and outside the zone: REFUSED, the second from the cache.
  const std::string query = MakeQuery("example.org", kA);
  for (int i = 0; i < 2; ++i) {
    ASSERT_EQ(
        sendto(fd, query.data(), query.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to),
        static_cast<ssize_t>(query.size()));
    char buf[512];
    ASSERT_GE(recv(fd, buf, sizeof buf, 0), 12);
  }
  close(fd);
  serving.request_stop();
  serving.join();  // every batch's tally has been added
  ExpectLines(Exposition(*registry), {
                                         R"(coredns_dns_requests_total{proto="udp",type="A"} 2)",
                                         R"(coredns_dns_responses_total{rcode="REFUSED"} 2)",
                                         "ordo_dns_packet_cache_misses_total 1",
                                         "ordo_dns_packet_cache_hits_total 1",
                                     });
}

}  // namespace
}  // namespace ordo::dns
