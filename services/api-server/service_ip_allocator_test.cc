// Services' cluster IPs through the api-server's Service registry over an
// in-memory store: allocated, asked for, refused in Kubernetes' words,
// released, never given twice (concurrent creates, a restart, a store that
// predates the allocator), kept by an update that leaves them out.
#include "services/api-server/service_ip_allocator.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/clock/fake_clock.h"
#include "common/store/memory_store.h"
#include "common/testing/status_matchers.h"
#include "services/api-server/api_server.h"

namespace ordo::apiserver {
namespace {

using ::ordo::testing::StatusIs;
using ::testing::HasSubstr;

core::v1::Service Svc(const std::string& name, const std::string& cluster_ip = "") {
  core::v1::Service svc;
  svc.mutable_metadata()->set_name(name);
  svc.mutable_metadata()->set_namespace_("default");
  svc.mutable_spec()->set_cluster_ip(cluster_ip);
  auto* port = svc.mutable_spec()->add_ports();
  port->set_name("web");
  port->set_port(80);
  return svc;
}

class ServiceIpTest : public ::testing::Test {
 protected:
  ServiceIpTest() { EXPECT_OK(api_->Bootstrap()); }

  absl::StatusOr<core::v1::Service> Create(const core::v1::Service& svc) {
    auto created = api_->registry("Service").Create(svc);
    if (!created.ok()) return created.status();
    return static_cast<const core::v1::Service&>(**created);
  }
  absl::Status Delete(const std::string& name) {
    meta::v1::DeleteRequest request;
    request.set_namespace_("default");
    request.set_name(name);
    return api_->registry("Service").Delete(request).status();
  }
  bool Held(const std::string& ip) { return store_.Get(ServiceIpKey(ip)).ok(); }

  store::MemoryStore store_;
  FakeClock clock_;
  std::unique_ptr<ApiServer> api_ =
      std::make_unique<ApiServer>(store_, clock_, *ServiceIpRange::Parse("10.96.0.0/24"));
};

TEST(ServiceIpRangeTest, ParsesACidrAndKnowsItsAddresses) {
  auto range = ServiceIpRange::Parse("10.96.0.0/12");
  ASSERT_OK(range.status());
  EXPECT_EQ(range->size(), (1u << 20) - 2);
  EXPECT_EQ(range->At(0), "10.96.0.1");
  EXPECT_TRUE(range->Contains("10.111.255.254"));
  EXPECT_FALSE(range->Contains("10.96.0.0")) << "the network address";
  EXPECT_FALSE(range->Contains("10.111.255.255")) << "the broadcast address";
  EXPECT_FALSE(range->Contains("10.112.0.1"));
  EXPECT_FALSE(range->Contains("None"));
  EXPECT_EQ(ServiceIpRange::Parse("10.96.0.7/24")->cidr(), "10.96.0.0/24");
  for (const char* bad : {"10.96.0.0", "10.96.0.0/31", "fd00::/108", "x/12"}) {
    EXPECT_THAT(ServiceIpRange::Parse(bad), StatusIs(absl::StatusCode::kInvalidArgument,
                                                     HasSubstr("--service-cluster-ip-range")))
        << bad;
  }
}

TEST_F(ServiceIpTest, AServiceWithoutAnAddressGetsOneOfTheRange) {
  auto svc = Create(Svc("api"));
  ASSERT_OK(svc.status());
  EXPECT_TRUE(api_->service_ips().range().Contains(svc->spec().cluster_ip()))
      << svc->spec().cluster_ip();
  EXPECT_THAT(svc->spec().cluster_ips(), ::testing::ElementsAre(svc->spec().cluster_ip()));
  EXPECT_TRUE(Held(svc->spec().cluster_ip()));
  // Headless and ExternalName Services take none.
  auto headless = Create(Svc("nginx", "None"));
  ASSERT_OK(headless.status());
  EXPECT_EQ(headless->spec().cluster_ip(), "None");
  core::v1::Service external = Svc("ext");
  external.mutable_spec()->set_type("ExternalName");
  external.mutable_spec()->set_external_name("example.org");
  external.mutable_spec()->clear_ports();
  auto ext = Create(external);
  ASSERT_OK(ext.status());
  EXPECT_EQ(ext->spec().cluster_ip(), "");
}

TEST_F(ServiceIpTest, AnAskedForAddressIsGivenOrRefusedInKubernetesWords) {
  ASSERT_OK(Create(Svc("dns", "10.96.0.10")).status());
  EXPECT_THAT(Create(Svc("other", "10.96.0.10")),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("Service \"other\" is invalid: spec.clusterIPs: Invalid value: "
                                 "[]string{\"10.96.0.10\"}: failed to allocate IP 10.96.0.10: "
                                 "provided IP is already allocated")));
  EXPECT_THAT(Create(Svc("far", "10.0.0.1")),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("failed to allocate IP 10.0.0.1: the provided IP (10.0.0.1) is "
                                 "not in the valid range. The range of valid IPs is "
                                 "10.96.0.0/24")));
  EXPECT_FALSE(Held("10.0.0.1"));
  // Refused creates leave nothing behind; a delete frees the address.
  ASSERT_OK(Delete("dns"));
  EXPECT_FALSE(Held("10.96.0.10"));
  ASSERT_OK(Create(Svc("other", "10.96.0.10")).status());
}

TEST_F(ServiceIpTest, ConcurrentCreatesNeverShareAnAddress) {
  // 200 of the range's 254 addresses, from 8 threads: lost races pick again.
  absl::Mutex mu;
  std::vector<std::string> ips;
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i) {
        auto svc = Create(Svc(absl::StrCat("s-", t, "-", i)));
        ASSERT_OK(svc.status());
        absl::MutexLock lock(&mu);
        ips.push_back(svc->spec().cluster_ip());
      }
    });
  }
  for (auto& t : threads) t.join();
  absl::flat_hash_set<std::string> distinct(ips.begin(), ips.end());
  EXPECT_EQ(distinct.size(), 200u);
  // The rest of the range is found even when nearly every address is held,
  // then the range is full.
  int more = 0;
  while (Create(Svc(absl::StrCat("more-", more))).ok()) ++more;
  EXPECT_EQ(more, 254 - 200) << "every address is handed out, once";
  EXPECT_THAT(Create(Svc("full")),
              StatusIs(absl::StatusCode::kResourceExhausted, HasSubstr("range is full")));
}

TEST_F(ServiceIpTest, AllocationsOutliveARestartAndOldStoresAreRepaired) {
  auto svc = Create(Svc("api"));
  ASSERT_OK(svc.status());
  std::string ip = svc->spec().cluster_ip();
  // A Service stored before addresses had keys (an older store, a restore).
  ASSERT_OK(store_.Commit({store::Op::Delete(ServiceIpKey(ip))}).status());
  api_ = std::make_unique<ApiServer>(store_, clock_, *ServiceIpRange::Parse("10.96.0.0/24"));
  ASSERT_OK(api_->Bootstrap());
  EXPECT_TRUE(Held(ip));
  EXPECT_THAT(Create(Svc("again", ip)),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("already allocated")));
}

TEST_F(ServiceIpTest, AnUpdateThatLeavesTheAddressOutKeepsIt) {
  auto svc = Create(Svc("api"));
  ASSERT_OK(svc.status());
  core::v1::Service manifest = Svc("api");  // what `kubectl replace -f` sends
  (*manifest.mutable_metadata()->mutable_labels())["tier"] = "web";
  auto updated = api_->registry("Service").Update(manifest);
  ASSERT_OK(updated.status());
  const auto& kept = static_cast<const core::v1::Service&>(**updated);
  EXPECT_EQ(kept.spec().cluster_ip(), svc->spec().cluster_ip());
  EXPECT_EQ(kept.metadata().labels().at("tier"), "web");
  core::v1::Service moved = kept;
  moved.mutable_spec()->set_cluster_ip("10.96.0.99");
  moved.mutable_spec()->clear_cluster_ips();
  EXPECT_THAT(api_->registry("Service").Update(moved),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("field is immutable")));
}

TEST_F(ServiceIpTest, TheKubernetesServiceTakesTheRangesFirstAddress) {
  ASSERT_OK(api_->EnsureKubernetesService(6443));
  ASSERT_OK(api_->EnsureKubernetesService(6443));  // a restart, or a second api-server
  auto svc = api_->registry("Service").Get("default", "kubernetes");
  ASSERT_OK(svc.status());
  const auto& kubernetes = static_cast<const core::v1::Service&>(**svc);
  EXPECT_EQ(kubernetes.spec().cluster_ip(), "10.96.0.1");
  EXPECT_EQ(kubernetes.spec().ports(0).port(), 443);
  EXPECT_EQ(kubernetes.spec().ports(0).target_port().number_value(), 6443);
}

}  // namespace
}  // namespace ordo::apiserver
