// The wire code: names (compression, escapes, malformations), queries
// (questions, OPT), and a mutation run that throws broken packets at the
// parser and the whole query path: nothing may crash or read out of bounds.
#include <gtest/gtest.h>

#include <random>

#include "services/dns/server.h"
#include "services/dns/test_decoder.h"
#include "services/dns/wire.h"

namespace ordo::dns {
namespace {

using testing::MakeQuery;

TEST(WireTest, ParsesAQueryWithEdns) {
  Query q;
  ASSERT_FALSE(ParseQuery(MakeQuery("web-0.nginx.default.svc.cluster.local", kSRV, 4096), &q));
  EXPECT_EQ(q.id, 0x1234);
  EXPECT_TRUE(q.recursion_desired());
  EXPECT_EQ(q.question.name, "web-0.nginx.default.svc.cluster.local");
  EXPECT_EQ(q.question.type, kSRV);
  EXPECT_TRUE(q.has_edns);
  EXPECT_EQ(q.edns_udp_size, 4096);
  // An advertised size under 512 counts as 512.
  ASSERT_FALSE(ParseQuery(MakeQuery("a", kA, 100), &q));
  EXPECT_EQ(q.edns_udp_size, 512);
}

TEST(WireTest, NamesFollowPointersButNeverLoops) {
  std::string packet(
      "\x03"
      "abc"
      "\x00"
      "\xC0\x00",
      7);
  std::string packet_with_loop("\xC0\x00", 2);
  size_t at = 5;
  std::string name;
  ASSERT_TRUE(ReadName(packet, &at, &name));
  EXPECT_EQ(name, "abc");
  EXPECT_EQ(at, 7u);
  at = 0;
  EXPECT_FALSE(ReadName(packet_with_loop, &at, &name));
  std::string forward_pointer("\xC0\x02\x00", 3);
  at = 0;
  EXPECT_FALSE(ReadName(forward_pointer, &at, &name));
  std::string too_long;
  for (int i = 0; i < 50; ++i)
    too_long += std::string(
        "\x05"
        "abcde");
  too_long.push_back('\0');
  at = 0;
  EXPECT_FALSE(ReadName(too_long, &at, &name));  // over 255 bytes
}

TEST(WireTest, DotsInsideLabelsSurviveTheRoundTrip) {
  std::string q = MakeQuery("x", kA);
  q[12] = 3;  // label "a.b" in place of "x"
  q.replace(13, 1, "a.b");
  Query parsed;
  ASSERT_FALSE(ParseQuery(q, &parsed));
  EXPECT_EQ(parsed.question.name, "a\\.b");
  std::string response = ResponseBuilder(parsed, kNXDomain, true, 512).Finish();
  EXPECT_EQ(response.substr(12, 5), q.substr(12, 5));  // the question echoed byte for byte
}

TEST(WireTest, CompressionPointsAtTheQuestion) {
  Query q;
  ASSERT_FALSE(ParseQuery(MakeQuery("web-0.nginx.default.svc.cluster.local", kA), &q));
  ResponseBuilder b(q, kNoError, true, 512);
  uint8_t ip[4] = {10, 0, 0, 1};
  b.AddA(ResponseBuilder::kAnswer, q.question.name, 5, ip);
  std::string out = b.Finish();
  // header 12 + question 39+4 + answer (pointer 2 + 10 + 4).
  EXPECT_EQ(out.size(), 12u + 43u + 16u);
}

TEST(WireTest, MinimumTtlOfAResponse) {
  Query q;
  ASSERT_FALSE(ParseQuery(MakeQuery("a.example", kA), &q));
  ResponseBuilder b(q, kNoError, false, 512);
  uint8_t ip[4] = {1, 2, 3, 4};
  b.AddA(ResponseBuilder::kAnswer, "a.example", 300, ip);
  b.AddA(ResponseBuilder::kAnswer, "a.example", 60, ip);
  EXPECT_EQ(MinimumTtl(b.Finish()), 60u);
  EXPECT_FALSE(MinimumTtl("short").has_value());
}

// Mutations of real queries through the whole handler: must never crash.
TEST(WireTest, AnUpstreamQueryAndItsAnswerRecordsRoundTrip) {
  Query q;
  ASSERT_FALSE(ParseQuery(BuildQuery(0x4242, "Example.org", kAAAA), &q).has_value());
  EXPECT_EQ(q.id, 0x4242);
  EXPECT_TRUE(q.recursion_desired());
  EXPECT_EQ(q.question.name, "Example.org");
  EXPECT_EQ(q.question.type, kAAAA);

  ResponseBuilder b(q, kNoError, false, 512);
  const uint8_t v6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  b.AddName(ResponseBuilder::kAnswer, "Example.org", kCNAME, 60, "www.example.org");
  b.AddAAAA(ResponseBuilder::kAnswer, "www.example.org", 30, v6);  // compressed owner
  b.AddTxt(ResponseBuilder::kAnswer, "www.example.org", 30, "left out");
  b.AddSoa(ResponseBuilder::kAuthority, "example.org", 5, "ns", "hm", 1, 2, 3, 4, 5);
  auto parsed = ParseAnswer(b.Finish());
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->rcode, kNoError);
  ASSERT_EQ(parsed->records.size(), 2u) << "A, AAAA and CNAME of the answer section only";
  EXPECT_EQ(parsed->records[0].owner, "Example.org");
  EXPECT_EQ(parsed->records[0].type, kCNAME);
  EXPECT_EQ(parsed->records[0].ttl, 60u);
  EXPECT_EQ(parsed->records[0].rdata, "www.example.org");
  EXPECT_EQ(parsed->records[1].owner, "www.example.org");
  EXPECT_EQ(parsed->records[1].rdata, std::string(reinterpret_cast<const char*>(v6), 16));
  EXPECT_FALSE(ParseAnswer("short").has_value());
}

TEST(WireTest, MutatedPacketsNeverCrashTheServer) {
  ServerOptions options;
  DnsServer server(options);
  std::mt19937 rng(20261129);
  std::vector<std::string> seeds = {
      MakeQuery("web-0.nginx.default.svc.cluster.local", kA),
      MakeQuery("_web._tcp.nginx.default.svc.cluster.local", kSRV, 4096),
      MakeQuery("10.0.0.10.in-addr.arpa", kPTR, 1232), MakeQuery("cluster.local", kSOA)};
  int answered = 0;
  for (int i = 0; i < 200000; ++i) {
    std::string p = seeds[i % seeds.size()];
    int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits; ++e) {
      switch (rng() % 4) {
        case 0:
          p[rng() % p.size()] = static_cast<char>(rng());
          break;
        case 1:
          p.resize(rng() % (p.size() + 1));
          break;
        case 2:
          p.insert(rng() % (p.size() + 1), 1, static_cast<char>(rng()));
          break;
        case 3:
          p += std::string(rng() % 8, static_cast<char>(rng()));
          break;
      }
      if (p.empty()) p = "x";
    }
    bool forward = false;
    std::string reply = server.Handle(p, i % 2 == 0, &forward);
    answered += !reply.empty();
    ASSERT_LE(reply.size(), i % 2 == 0 ? 65535u : 4096u);
  }
  EXPECT_GT(answered, 1000);
}

}  // namespace
}  // namespace ordo::dns
