// The server's own decisions around the zone, with a fake upstream on a
// loopback UDP socket: an ExternalName whose target is outside the cluster
// answers the whole CNAME chain when the query asks for recursion (the DNS
// specification's example), the CNAME alone when it does not, and the
// upstream's NXDOMAIN for a target that does not exist.
#include "services/dns/server.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/testing/status_matchers.h"
#include "services/dns/fake_upstream.h"
#include "services/dns/test_decoder.h"

namespace ordo::dns {
namespace {

using testing::Decode;
using ::testing::ElementsAre;
using testing::FakeUpstream;
using testing::MakeQuery;

class DnsServerTest : public ::testing::Test {
 protected:
  DnsServerTest() {
    ServerOptions options;
    options.listen = {"127.0.0.1:0"};
    options.upstreams = {upstream_.address()};
    server_ = std::make_unique<DnsServer>(options);
    auto ns = std::make_shared<core::v1::Namespace>();
    ns->mutable_metadata()->set_name("default");
    std::vector<std::shared_ptr<const core::v1::Service>> services;
    for (auto [name, target] : {std::pair{"ext", "example.org"}, {"dead", "gone.example"}}) {
      auto svc = std::make_shared<core::v1::Service>();
      svc->mutable_metadata()->set_name(name);
      svc->mutable_metadata()->set_namespace_("default");
      svc->mutable_spec()->set_type("ExternalName");
      svc->mutable_spec()->set_external_name(target);
      services.push_back(svc);
    }
    server_->SetZone(ZoneSnapshot::Build({ns}, services, {}, 1), absl::ZeroDuration());
  }

  // What a client gets for `packet`: answered at once, or forwarded.
  std::string Ask(const std::string& packet) {
    bool forward = false;
    std::string reply = server_->Handle(packet, /*tcp=*/false, &forward);
    return forward ? server_->Forward(packet) : reply;
  }

  FakeUpstream upstream_;
  std::unique_ptr<DnsServer> server_;
};

TEST_F(DnsServerTest, AnOutsideExternalNameTargetIsResolvedThroughTheUpstream) {
  auto d = Decode(Ask(MakeQuery("ext.default.svc.cluster.local", kA)));
  EXPECT_EQ(d.rcode, kNoError);
  EXPECT_FALSE(d.aa) << "part of the answer is the upstream's";
  EXPECT_THAT(d.answer, ElementsAre("ext.default.svc.cluster.local. 5 CNAME example.org.",
                                    "example.org. 300 CNAME www.example.org.",
                                    "www.example.org. 300 A 192.0.2.7"));
}

TEST_F(DnsServerTest, WithoutRecursionDesiredTheAnswerEndsAtTheCname) {
  std::string query = MakeQuery("ext.default.svc.cluster.local", kA);
  query[2] = static_cast<char>(query[2] & ~0x01);  // RD off
  bool forward = true;
  auto d = Decode(server_->Handle(query, /*tcp=*/false, &forward));
  EXPECT_FALSE(forward);
  EXPECT_TRUE(d.aa);
  EXPECT_THAT(d.answer, ElementsAre("ext.default.svc.cluster.local. 5 CNAME example.org."));
}

TEST_F(DnsServerTest, ATargetTheUpstreamDoesNotKnowIsNxdomainAfterTheCname) {
  auto d = Decode(Ask(MakeQuery("dead.default.svc.cluster.local", kA)));
  EXPECT_EQ(d.rcode, kNXDomain) << "RFC 6604: the rcode of the last name";
  EXPECT_THAT(d.answer, ElementsAre("dead.default.svc.cluster.local. 5 CNAME gone.example."));
}

}  // namespace
}  // namespace ordo::dns
