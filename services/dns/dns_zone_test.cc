// The record rules of dns.md §2 over a fixture of namespaces, Services and
// Endpoints, query by query: positive answers, NXDOMAIN versus NODATA, SRV,
// PTR, ExternalName, case, EDNS and truncation, SERVFAIL before the sync.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "absl/strings/str_cat.h"
#include "services/dns/server.h"
#include "services/dns/test_decoder.h"
#include "services/dns/zone.h"

namespace ordo::dns {
namespace {

using testing::Decode;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using testing::MakeQuery;
using ::testing::UnorderedElementsAre;

std::shared_ptr<const core::v1::Namespace> Ns(const std::string& name) {
  auto ns = std::make_shared<core::v1::Namespace>();
  ns->mutable_metadata()->set_name(name);
  return ns;
}

core::v1::Service Svc(const std::string& name, const std::string& cluster_ip) {
  core::v1::Service s;
  s.mutable_metadata()->set_name(name);
  s.mutable_metadata()->set_namespace_("default");
  s.mutable_spec()->set_cluster_ip(cluster_ip);
  auto* p = s.mutable_spec()->add_ports();
  p->set_name("web");
  p->set_port(80);
  p->set_protocol("TCP");
  return s;
}

core::v1::EndpointAddress Addr(const std::string& ip, const std::string& hostname = "") {
  core::v1::EndpointAddress a;
  a.set_ip(ip);
  a.set_hostname(hostname);
  return a;
}

// A subset of `e` with these addresses on port web, 8080/TCP.
void AddWebSubset(core::v1::Endpoints& e, const std::vector<core::v1::EndpointAddress>& ready,
                  const std::vector<core::v1::EndpointAddress>& unready = {}) {
  auto* subset = e.add_subsets();
  for (const auto& a : ready) *subset->add_addresses() = a;
  for (const auto& a : unready) *subset->add_not_ready_addresses() = a;
  auto* port = subset->add_ports();
  port->set_name("web");
  port->set_port(8080);
  port->set_protocol("TCP");
}

class ZoneTest : public ::testing::Test {
 protected:
  ZoneTest() {
    namespaces_ = {Ns("default"), Ns("kube-system")};
    auto nginx = Svc("nginx", "None");    // headless, StatefulSet web
    auto api = Svc("api", "10.96.0.20");  // ClusterIP
    auto empty = Svc("empty", "None");    // headless, nobody ready
    core::v1::Service ext;
    ext.mutable_metadata()->set_name("ext");
    ext.mutable_metadata()->set_namespace_("default");
    ext.mutable_spec()->set_type("ExternalName");
    ext.mutable_spec()->set_external_name("example.org");
    auto peers = Svc("peers", "None");  // opts in to unready hostnames
    (*peers.mutable_metadata()->mutable_annotations())[kPublishUnreadyHostnames] = "true";
    services_ = {
        std::make_shared<core::v1::Service>(nginx), std::make_shared<core::v1::Service>(api),
        std::make_shared<core::v1::Service>(empty), std::make_shared<core::v1::Service>(ext),
        std::make_shared<core::v1::Service>(peers)};

    auto eps = [](const std::string& name, std::vector<core::v1::EndpointAddress> ready,
                  std::vector<core::v1::EndpointAddress> unready) {
      auto e = std::make_shared<core::v1::Endpoints>();
      e->mutable_metadata()->set_name(name);
      e->mutable_metadata()->set_namespace_("default");
      AddWebSubset(*e, ready, unready);
      return std::shared_ptr<const core::v1::Endpoints>(e);
    };
    endpoints_ = {
        eps("nginx", {Addr("10.0.0.10", "web-0"), Addr("10.0.0.11", "web-1")},
            {Addr("10.0.0.12", "web-2")}),
        eps("api", {Addr("10.0.1.5")}, {}),
        eps("empty", {}, {Addr("10.0.2.1", "db-0")}),
        eps("peers", {Addr("10.0.3.1", "p-0")}, {Addr("10.0.3.2", "p-1")}),
    };
    Rebuild();
  }

  void Rebuild() { zone_ = ZoneSnapshot::Build(namespaces_, services_, endpoints_, 42); }

  testing::Decoded Ask(const std::string& name, uint16_t type, uint16_t udp_size = 0,
                       size_t max_size = 0) {
    Query q;
    std::string packet = MakeQuery(name, type, udp_size);
    EXPECT_FALSE(ParseQuery(packet, &q).has_value());
    size_t limit = max_size ? max_size : (q.has_edns ? q.edns_udp_size : 512);
    Answer a = Resolve(q, *zone_, config_, limit, false);
    if (a.response.empty()) return {};  // forwarded
    return Decode(a.response);
  }

  std::vector<std::shared_ptr<const core::v1::Namespace>> namespaces_;
  std::vector<std::shared_ptr<const core::v1::Service>> services_;
  std::vector<std::shared_ptr<const core::v1::Endpoints>> endpoints_;
  std::shared_ptr<const ZoneSnapshot> zone_;
  ZoneConfig config_;
};

TEST_F(ZoneTest, PodNamesOfAStatefulSet) {
  auto d = Ask("web-0.nginx.default.svc.cluster.local", kA);
  EXPECT_EQ(d.rcode, kNoError);
  EXPECT_TRUE(d.aa);
  EXPECT_THAT(d.answer, ElementsAre("web-0.nginx.default.svc.cluster.local. 5 A 10.0.0.10"));
  // Not ready: no name (without the opt-in), NXDOMAIN with the SOA.
  d = Ask("web-2.nginx.default.svc.cluster.local", kA);
  EXPECT_EQ(d.rcode, kNXDomain);
  EXPECT_THAT(d.authority, ElementsAre("cluster.local. 1 SOA ns.dns.cluster.local. "
                                       "hostmaster.cluster.local. min 1"));
  // AAAA of an IPv4 pod: the name exists, NODATA.
  d = Ask("web-0.nginx.default.svc.cluster.local", kAAAA);
  EXPECT_EQ(d.rcode, kNoError);
  EXPECT_THAT(d.answer, IsEmpty());
  EXPECT_EQ(d.authority.size(), 1u);
}

TEST_F(ZoneTest, HeadlessServiceListsReadyAddressesOnly) {
  auto d = Ask("nginx.default.svc.cluster.local", kA);
  EXPECT_THAT(d.answer, UnorderedElementsAre("nginx.default.svc.cluster.local. 5 A 10.0.0.10",
                                             "nginx.default.svc.cluster.local. 5 A 10.0.0.11"));
  // No ready endpoint at all: NXDOMAIN (spec 2.4.1).
  EXPECT_EQ(Ask("empty.default.svc.cluster.local", kA).rcode, kNXDomain);
}

TEST_F(ZoneTest, ClusterIpServiceAndItsSrv) {
  auto d = Ask("api.default.svc.cluster.local", kA);
  EXPECT_THAT(d.answer, ElementsAre("api.default.svc.cluster.local. 5 A 10.96.0.20"));
  d = Ask("_web._tcp.api.default.svc.cluster.local", kSRV);
  EXPECT_THAT(d.answer, ElementsAre("_web._tcp.api.default.svc.cluster.local. 5 SRV 0 100 80 "
                                    "api.default.svc.cluster.local."));
  EXPECT_THAT(d.additional, ElementsAre("api.default.svc.cluster.local. 5 A 10.96.0.20"));
  // Endpoint names work under ClusterIP services too (dashed IP, no hostname).
  d = Ask("10-0-1-5.api.default.svc.cluster.local", kA);
  EXPECT_THAT(d.answer, ElementsAre("10-0-1-5.api.default.svc.cluster.local. 5 A 10.0.1.5"));
}

TEST_F(ZoneTest, HeadlessSrvHasATargetPerReadyEndpoint) {
  auto d = Ask("_web._tcp.nginx.default.svc.cluster.local", kSRV);
  EXPECT_THAT(d.answer, UnorderedElementsAre("_web._tcp.nginx.default.svc.cluster.local. 5 SRV 0 "
                                             "50 8080 web-0.nginx.default.svc.cluster.local.",
                                             "_web._tcp.nginx.default.svc.cluster.local. 5 SRV 0 "
                                             "50 8080 web-1.nginx.default.svc.cluster.local."));
  EXPECT_THAT(d.additional,
              UnorderedElementsAre("web-0.nginx.default.svc.cluster.local. 5 A 10.0.0.10",
                                   "web-1.nginx.default.svc.cluster.local. 5 A 10.0.0.11"));
  // Unknown port name or protocol: NXDOMAIN; A on the SRV name: NODATA.
  EXPECT_EQ(Ask("_http._tcp.nginx.default.svc.cluster.local", kSRV).rcode, kNXDomain);
  EXPECT_EQ(Ask("_web._udp.nginx.default.svc.cluster.local", kSRV).rcode, kNXDomain);
  auto a = Ask("_web._tcp.nginx.default.svc.cluster.local", kA);
  EXPECT_EQ(a.rcode, kNoError);
  EXPECT_THAT(a.answer, IsEmpty());
  // The empty non-terminal `_tcp.<svc>` exists: NODATA, not NXDOMAIN.
  EXPECT_EQ(Ask("_tcp.nginx.default.svc.cluster.local", kSRV).rcode, kNoError);
}

// RFC 2181 5: an answer holds no record twice. Two pods with one hostname
// (a pod recreated on a new address while the old one is still listed) and an
// address listed in two subsets each give one record per name, not two.
TEST_F(ZoneTest, NoRecordTwiceInAnAnswer) {
  services_.push_back(std::make_shared<core::v1::Service>(Svc("dup", "None")));
  auto e = std::make_shared<core::v1::Endpoints>();
  e->mutable_metadata()->set_name("dup");
  e->mutable_metadata()->set_namespace_("default");
  // Two subsets list db-0 on port 8080; db-1 has two addresses.
  AddWebSubset(*e, {Addr("10.0.4.1", "db-0"), Addr("10.0.4.2", "db-1"), Addr("10.0.4.3", "db-1")});
  AddWebSubset(*e, {Addr("10.0.4.1", "db-0")});
  endpoints_.push_back(e);
  Rebuild();
  EXPECT_THAT(Ask("db-0.dup.default.svc.cluster.local", kA).answer,
              ElementsAre("db-0.dup.default.svc.cluster.local. 5 A 10.0.4.1"));
  EXPECT_THAT(Ask("db-1.dup.default.svc.cluster.local", kA).answer,
              UnorderedElementsAre("db-1.dup.default.svc.cluster.local. 5 A 10.0.4.2",
                                   "db-1.dup.default.svc.cluster.local. 5 A 10.0.4.3"));
  EXPECT_THAT(Ask("dup.default.svc.cluster.local", kA).answer,
              UnorderedElementsAre("dup.default.svc.cluster.local. 5 A 10.0.4.1",
                                   "dup.default.svc.cluster.local. 5 A 10.0.4.2",
                                   "dup.default.svc.cluster.local. 5 A 10.0.4.3"));
  auto srv = Ask("_web._tcp.dup.default.svc.cluster.local", kSRV);
  EXPECT_THAT(srv.answer, UnorderedElementsAre("_web._tcp.dup.default.svc.cluster.local. 5 SRV 0 "
                                               "50 8080 db-0.dup.default.svc.cluster.local.",
                                               "_web._tcp.dup.default.svc.cluster.local. 5 SRV 0 "
                                               "50 8080 db-1.dup.default.svc.cluster.local."));
  EXPECT_THAT(srv.additional,
              UnorderedElementsAre("db-0.dup.default.svc.cluster.local. 5 A 10.0.4.1",
                                   "db-1.dup.default.svc.cluster.local. 5 A 10.0.4.2",
                                   "db-1.dup.default.svc.cluster.local. 5 A 10.0.4.3"));
  EXPECT_THAT(Ask("1.4.0.10.in-addr.arpa", kPTR).answer,
              ElementsAre("1.4.0.10.in-addr.arpa. 5 PTR db-0.dup.default.svc.cluster.local."));
}

TEST_F(ZoneTest, NxdomainVersusNodata) {
  EXPECT_EQ(Ask("nope.default.svc.cluster.local", kA).rcode, kNXDomain);   // no service
  EXPECT_EQ(Ask("nginx.nowhere.svc.cluster.local", kA).rcode, kNXDomain);  // no namespace
  EXPECT_EQ(Ask("default.svc.cluster.local", kA).rcode, kNoError);         // namespace: NODATA
  EXPECT_EQ(Ask("svc.cluster.local", kA).rcode, kNoError);
  EXPECT_EQ(Ask("cluster.local", kA).rcode, kNoError);
  EXPECT_EQ(Ask("foo.cluster.local", kA).rcode, kNXDomain);                          // not svc/pod
  EXPECT_EQ(Ask("a.b.web-0.nginx.default.svc.cluster.local", kA).rcode, kNXDomain);  // too long
  EXPECT_EQ(Ask("nginx.default.svc.cluster.local", kTXT).rcode, kNoError);
  // Search-expanded names a pod's resolver tries first.
  EXPECT_EQ(Ask("nginx.default.default.svc.cluster.local", kA).rcode, kNXDomain);
  EXPECT_EQ(Ask("www.example.com.svc.cluster.local", kA).rcode, kNXDomain);
}

TEST_F(ZoneTest, ApexSoaNsAndDnsVersion) {
  auto soa = Ask("cluster.local", kSOA);
  EXPECT_THAT(soa.answer, ElementsAre("cluster.local. 1 SOA ns.dns.cluster.local. "
                                      "hostmaster.cluster.local. min 1"));
  auto txt = Ask("dns-version.cluster.local", kTXT);
  EXPECT_THAT(txt.answer, ElementsAre("dns-version.cluster.local. 28800 TXT \"1.1.0\""));
  auto a = Ask("dns-version.cluster.local", kA);
  EXPECT_EQ(a.rcode, kNoError);  // NODATA, where CoreDNS says NXDOMAIN
}

TEST_F(ZoneTest, ExternalNameIsACname) {
  auto d = Ask("ext.default.svc.cluster.local", kA);
  EXPECT_THAT(d.answer, ElementsAre("ext.default.svc.cluster.local. 5 CNAME example.org."));
  // The outside target is left for the server to resolve upstream.
  Query q;
  ASSERT_FALSE(ParseQuery(MakeQuery("ext.default.svc.cluster.local", kA), &q).has_value());
  EXPECT_EQ(Resolve(q, *zone_, config_, 512, false).chase, "example.org");
  ASSERT_FALSE(ParseQuery(MakeQuery("ext.default.svc.cluster.local", kTXT), &q).has_value());
  EXPECT_EQ(Resolve(q, *zone_, config_, 512, false).chase, "") << "only A and AAAA are chased";
}

// The DNS specification's example: an ExternalName whose target is in the
// cluster answers the CNAME and the target's records, chains included.
TEST_F(ZoneTest, AnInZoneExternalNameTargetIsFollowed) {
  auto external = [&](const std::string& name, const std::string& target) {
    auto svc = std::make_shared<core::v1::Service>();
    svc->mutable_metadata()->set_name(name);
    svc->mutable_metadata()->set_namespace_("default");
    svc->mutable_spec()->set_type("ExternalName");
    svc->mutable_spec()->set_external_name(target);
    services_.push_back(svc);
  };
  external("to-api", "api.default.svc.cluster.local");
  external("to-web", "nginx.default.svc.cluster.local.");
  external("to-pod", "web-1.nginx.default.svc.cluster.local");
  external("chain", "to-api.default.svc.cluster.local");
  external("loop", "loop.default.svc.cluster.local");
  external("to-nothing", "gone.default.svc.cluster.local");
  Rebuild();
  EXPECT_THAT(
      Ask("to-api.default.svc.cluster.local", kA).answer,
      ElementsAre("to-api.default.svc.cluster.local. 5 CNAME api.default.svc.cluster.local.",
                  "api.default.svc.cluster.local. 5 A 10.96.0.20"));
  EXPECT_THAT(
      Ask("to-web.default.svc.cluster.local", kA).answer,
      ElementsAre("to-web.default.svc.cluster.local. 5 CNAME nginx.default.svc.cluster.local.",
                  "nginx.default.svc.cluster.local. 5 A 10.0.0.10",
                  "nginx.default.svc.cluster.local. 5 A 10.0.0.11"));
  EXPECT_THAT(Ask("to-pod.default.svc.cluster.local", kA).answer,
              ElementsAre("to-pod.default.svc.cluster.local. 5 CNAME "
                          "web-1.nginx.default.svc.cluster.local.",
                          "web-1.nginx.default.svc.cluster.local. 5 A 10.0.0.11"));
  EXPECT_THAT(
      Ask("chain.default.svc.cluster.local", kA).answer,
      ElementsAre("chain.default.svc.cluster.local. 5 CNAME to-api.default.svc.cluster.local.",
                  "to-api.default.svc.cluster.local. 5 CNAME api.default.svc.cluster.local.",
                  "api.default.svc.cluster.local. 5 A 10.96.0.20"));
  EXPECT_EQ(Ask("loop.default.svc.cluster.local", kA).answer.size(), 9u) << "8 links at most";
  EXPECT_THAT(Ask("to-nothing.default.svc.cluster.local", kA).answer,
              ElementsAre("to-nothing.default.svc.cluster.local. 5 CNAME "
                          "gone.default.svc.cluster.local."));
  EXPECT_THAT(
      Ask("to-api.default.svc.cluster.local", kAAAA).answer,
      ElementsAre("to-api.default.svc.cluster.local. 5 CNAME api.default.svc.cluster.local."))
      << "no AAAA to add";
}

TEST_F(ZoneTest, PtrForEndpointAndClusterIp) {
  EXPECT_THAT(Ask("10.0.0.10.in-addr.arpa", kPTR).answer,
              ElementsAre("10.0.0.10.in-addr.arpa. 5 PTR web-0.nginx.default.svc.cluster.local."));
  EXPECT_THAT(Ask("20.0.96.10.in-addr.arpa", kPTR).answer,
              ElementsAre("20.0.96.10.in-addr.arpa. 5 PTR api.default.svc.cluster.local."));
  EXPECT_EQ(Ask("9.9.9.9.in-addr.arpa", kPTR).rcode, kNXDomain);  // no upstream to ask
}

TEST_F(ZoneTest, PodAddressNames) {
  EXPECT_THAT(Ask("10-0-0-10.default.pod.cluster.local", kA).answer,
              ElementsAre("10-0-0-10.default.pod.cluster.local. 5 A 10.0.0.10"));
  EXPECT_EQ(Ask("not-an-ip.default.pod.cluster.local", kA).rcode, kNXDomain);
}

TEST_F(ZoneTest, CaseIsIgnoredAndTheQuestionEchoedAsAsked) {
  Query q;
  std::string packet = MakeQuery("WEB-0.Nginx.DEFAULT.svc.Cluster.Local", kA);
  ASSERT_FALSE(ParseQuery(packet, &q).has_value());
  Answer a = Resolve(q, *zone_, config_, 512, false);
  auto d = Decode(a.response);
  EXPECT_EQ(d.question, "WEB-0.Nginx.DEFAULT.svc.Cluster.Local");
  ASSERT_EQ(d.answer.size(), 1u);
  EXPECT_NE(a.response.find("WEB-0"), std::string::npos);  // the owner spelled as asked
}

TEST_F(ZoneTest, OptInPublishesUnreadyPodNamesButNotInTheServiceSet) {
  EXPECT_THAT(Ask("p-1.peers.default.svc.cluster.local", kA).answer,
              ElementsAre("p-1.peers.default.svc.cluster.local. 5 A 10.0.3.2"));
  EXPECT_THAT(Ask("peers.default.svc.cluster.local", kA).answer,
              ElementsAre("peers.default.svc.cluster.local. 5 A 10.0.3.1"));
  EXPECT_EQ(Ask("_web._tcp.peers.default.svc.cluster.local", kSRV).answer.size(), 1u);
}

TEST_F(ZoneTest, OutsideTheZoneIsForwarded) {
  Query q;
  std::string packet = MakeQuery("example.org", kA);
  ASSERT_FALSE(ParseQuery(packet, &q).has_value());
  EXPECT_TRUE(Resolve(q, *zone_, config_, 512, true).response.empty());
}

TEST_F(ZoneTest, ServfailBeforeTheFirstSync) {
  ZoneSnapshot unsynced;
  Query q;
  std::string packet = MakeQuery("web-0.nginx.default.svc.cluster.local", kA);
  ASSERT_FALSE(ParseQuery(packet, &q).has_value());
  EXPECT_EQ(Decode(Resolve(q, unsynced, config_, 512, false).response).rcode, kServFail);
}

class BigZoneTest : public ZoneTest {
 protected:
  BigZoneTest() {
    auto big = Svc("big", "None");
    services_.push_back(std::make_shared<core::v1::Service>(big));
    auto e = std::make_shared<core::v1::Endpoints>();
    e->mutable_metadata()->set_name("big");
    e->mutable_metadata()->set_namespace_("default");
    auto* subset = e->add_subsets();
    for (int i = 0; i < 100; ++i) *subset->add_addresses() = Addr(absl::StrCat("10.1.0.", i + 1));
    endpoints_.push_back(e);
    Rebuild();
  }
};

// dns.md §2.2's arithmetic: 29 A records fit 512 bytes, 73 fit an EDNS 1232,
// all 100 fit 4096 (1658 bytes); TC says some were left out.
TEST_F(BigZoneTest, TruncationFollowsTheSizeRules) {
  auto plain = Ask("big.default.svc.cluster.local", kA);
  EXPECT_EQ(plain.answer.size(), 29u);
  EXPECT_TRUE(plain.tc);
  auto edns = Ask("big.default.svc.cluster.local", kA, 1232);
  EXPECT_EQ(edns.answer.size(), 73u);
  EXPECT_TRUE(edns.tc);
  Query q;
  std::string packet = MakeQuery("big.default.svc.cluster.local", kA, 4096);
  ASSERT_FALSE(ParseQuery(packet, &q).has_value());
  Answer all = Resolve(q, *zone_, config_, q.edns_udp_size, false);
  EXPECT_EQ(all.response.size(), 1658u);
  EXPECT_EQ(Decode(all.response).answer.size(), 100u);
  EXPECT_FALSE(Decode(all.response).tc);
  // Over TCP everything fits.
  EXPECT_EQ(Ask("big.default.svc.cluster.local", kA, 0, 65535).answer.size(), 100u);
}

TEST(ServerHandleTest, MessageRules) {
  ServerOptions options;
  DnsServer server(options);
  bool forward = false;
  // BADVERS for EDNS version 1, echoed OPT with the extended rcode.
  auto bad = Decode(server.Handle(MakeQuery("a.cluster.local", kA, 1232, 7, 1), false, &forward));
  EXPECT_EQ(bad.rcode, 0);
  EXPECT_EQ(bad.ext_rcode, 1);
  // Class CH: REFUSED; AXFR: REFUSED.
  EXPECT_EQ(
      Decode(server.Handle(MakeQuery("cluster.local", kA, 0, 7, 0, 3), false, &forward)).rcode,
      kRefused);
  EXPECT_EQ(Decode(server.Handle(MakeQuery("cluster.local", kAXFR), false, &forward)).rcode,
            kRefused);
  // A header with two questions: FORMERR; a short packet: dropped.
  std::string two = MakeQuery("cluster.local", kA);
  two[5] = 2;
  EXPECT_EQ(Decode(server.Handle(two, false, &forward)).rcode, kFormErr);
  EXPECT_TRUE(server.Handle("abc", false, &forward).empty());
  // No upstream: names outside the zone are REFUSED.
  EXPECT_EQ(Decode(server.Handle(MakeQuery("example.org", kA), false, &forward)).rcode, kRefused);
}

}  // namespace
}  // namespace ordo::dns

namespace ordo::dns {
namespace {

// A one-socket upstream on 127.0.0.1 that answers every query with one A
// record (TTL 60) and counts what it was asked.
class FakeUpstream {
 public:
  FakeUpstream() {
    fd_ = socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    thread_ = std::jthread([this](std::stop_token stop) {
      char buf[4096];
      while (!stop.stop_requested()) {
        pollfd p{fd_, POLLIN, 0};
        if (poll(&p, 1, 50) <= 0) continue;
        sockaddr_storage from{};
        socklen_t from_len = sizeof from;
        ssize_t n =
            recvfrom(fd_, buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&from), &from_len);
        Query q;
        if (n <= 0 || ParseQuery(std::string_view(buf, n), &q).has_value()) continue;
        ++asked_;
        ResponseBuilder b(q, kNoError, false, 512);
        uint8_t ip[4] = {93, 184, 216, 34};
        b.AddA(ResponseBuilder::kAnswer, q.question.name, 60, ip);
        std::string reply = b.Finish();
        sendto(fd_, reply.data(), reply.size(), 0, reinterpret_cast<sockaddr*>(&from), from_len);
      }
    });
  }
  ~FakeUpstream() {
    thread_.request_stop();
    thread_.join();
    close(fd_);
  }
  int port() const { return port_; }
  int asked() const { return asked_.load(); }

 private:
  int fd_ = -1;
  int port_ = 0;
  std::atomic<int> asked_{0};
  std::jthread thread_;
};

TEST(ServerForwardTest, NamesOutsideTheZoneGoUpstreamAndAreCached) {
  FakeUpstream upstream;
  ServerOptions options;
  options.upstreams = {absl::StrCat("127.0.0.1:", upstream.port())};
  DnsServer server(options);
  bool forward = false;
  std::string query = MakeQuery("example.org", kA, 0, 0x4242);
  EXPECT_TRUE(server.Handle(query, false, &forward).empty());
  EXPECT_TRUE(forward);
  auto first = Decode(server.Forward(query));
  EXPECT_THAT(first.answer, ElementsAre("example.org. 60 A 93.184.216.34"));
  std::string again = server.Forward(MakeQuery("EXAMPLE.org", kA, 0, 0x0707));
  EXPECT_EQ(upstream.asked(), 1);                   // the second came from the cache...
  EXPECT_EQ(static_cast<uint8_t>(again[0]), 0x07);  // ...with its own id
  EXPECT_THAT(Decode(again).answer, ElementsAre("example.org. 60 A 93.184.216.34"));
}

TEST(ServerForwardTest, EveryUpstreamDownIsServfail) {
  ServerOptions options;
  options.upstreams = {"127.0.0.1:9"};  // discard: nobody answers
  DnsServer server(options);
  auto d = Decode(server.Forward(MakeQuery("example.org", kA)));
  EXPECT_EQ(d.rcode, kServFail);
}

// Stopping the server shuts its TCP connections down and joins their threads
// (no thread outlives it), without waiting for their idle timeout. The
// timeout is made long here, so that only a server that waits for it (or a
// hang) breaks the bound below, however loaded the machine.
TEST(ServerRunTest, StopsPromptlyWithATcpConnectionOpen) {
  ServerOptions options;
  options.listen = {"127.0.0.1:0"};
  options.tcp_idle_timeout = absl::Minutes(5);
  DnsServer server(options);
  ASSERT_TRUE(server.Bind().ok());
  std::jthread run([&server](std::stop_token stop) { server.Run(stop); });
  int conn = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(static_cast<uint16_t>(server.port(0)));
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(connect(conn, reinterpret_cast<sockaddr*>(&to), sizeof to), 0);
  std::string query = MakeQuery("web-0.nginx.default.svc.cluster.local", kA);
  std::string framed = {static_cast<char>(query.size() >> 8), static_cast<char>(query.size())};
  framed += query;
  ASSERT_EQ(write(conn, framed.data(), framed.size()), static_cast<ssize_t>(framed.size()));
  char length[2];
  ASSERT_EQ(read(conn, length, 2), 2);  // answered (SERVFAIL: no zone yet): being served
  std::string reply(static_cast<uint8_t>(length[0]) << 8 | static_cast<uint8_t>(length[1]), '\0');
  ASSERT_EQ(read(conn, reply.data(), reply.size()), static_cast<ssize_t>(reply.size()));
  absl::Time stopping = absl::Now();
  run.request_stop();
  run.join();
  EXPECT_LT(absl::Now() - stopping, absl::Minutes(1));
  timeval wait{60, 0};  // a closed socket answers at once; this only ends a hang
  setsockopt(conn, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait);
  char byte;
  EXPECT_EQ(read(conn, &byte, 1), 0);  // the server's side is closed already
  close(conn);
}

}  // namespace
}  // namespace ordo::dns
