#include "services/api-server/endpoint_reconciler.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/clock/fake_clock.h"
#include "common/store/memory_store.h"
#include "common/testing/status_matchers.h"

namespace ordo::apiserver {
namespace {

// "HOST:PORT ..." of the kubernetes Endpoints, subset by subset.
std::string Addresses(ApiServer& api) {
  auto got = api.registry("Endpoints").Get("default", "kubernetes");
  if (!got.ok()) return got.status().ToString();
  std::string out;
  for (const auto& subset : static_cast<const core::v1::Endpoints&>(**got).subsets()) {
    for (const auto& address : subset.addresses()) {
      for (const auto& port : subset.ports()) {
        out += absl::StrCat(out.empty() ? "" : " ", address.ip(), ":", port.port());
      }
    }
  }
  return out;
}

int64_t EndpointsRevision(ApiServer& api) {
  auto got = api.registry("Endpoints").Get("default", "kubernetes");
  int64_t rv = -1;
  if (got.ok()) {
    (void)absl::SimpleAtoi(
        static_cast<const core::v1::Endpoints&>(**got).metadata().resource_version(), &rv);
  }
  return rv;
}

class EndpointReconcilerTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_OK(api_.Bootstrap()); }

  store::MemoryStore store_;
  FakeClock clock_;
  ApiServer api_{store_, clock_};
};

TEST_F(EndpointReconcilerTest, EveryLiveApiServerIsListedAndOnlyThose) {
  EndpointReconciler a(api_, clock_, "10.0.0.1", 6443);
  EndpointReconciler b(api_, clock_, "10.0.0.2", 6443);
  EndpointReconciler local(api_, clock_, "127.0.0.1", 40001);  // a port of its own
  ASSERT_OK(a.Reconcile());
  EXPECT_EQ(Addresses(api_), "10.0.0.1:6443");
  ASSERT_OK(b.Reconcile());
  ASSERT_OK(local.Reconcile());
  EXPECT_EQ(Addresses(api_), "10.0.0.1:6443 10.0.0.2:6443 127.0.0.1:40001");
  // Each holds a Lease in kube-system, as Kubernetes' api-servers do.
  auto lease =
      api_.registry("Lease").Get("kube-system", EndpointReconciler::LeaseName("10.0.0.1:6443"));
  ASSERT_OK(lease.status());
  EXPECT_EQ(static_cast<const coordination::v1::Lease&>(**lease).spec().holder_identity(),
            "10.0.0.1:6443");

  // b stops cleanly: gone at once.
  ASSERT_OK(b.Remove());
  EXPECT_EQ(Addresses(api_), "10.0.0.1:6443 127.0.0.1:40001");
  // `local` dies: it stays until its Lease runs out, renewed by no one.
  clock_.Advance(absl::Seconds(10));
  ASSERT_OK(a.Reconcile());
  EXPECT_EQ(Addresses(api_), "10.0.0.1:6443 127.0.0.1:40001");
  clock_.Advance(absl::Seconds(6));
  ASSERT_OK(a.Reconcile());
  EXPECT_EQ(Addresses(api_), "10.0.0.1:6443");
}

TEST_F(EndpointReconcilerTest, AnUnchangedSetIsNotWrittenAgain) {
  EndpointReconciler a(api_, clock_, "10.0.0.1", 6443);
  ASSERT_OK(a.Reconcile());
  int64_t first = EndpointsRevision(api_);
  ASSERT_GT(first, 0);
  for (int i = 0; i < 5; ++i) {
    clock_.Advance(absl::Seconds(5));
    ASSERT_OK(a.Reconcile());
  }
  EXPECT_EQ(EndpointsRevision(api_), first);
}

TEST_F(EndpointReconcilerTest, LeaseNamesAreDnsLabels) {
  EXPECT_EQ(EndpointReconciler::LeaseName("127.0.0.1:6443"), "kube-apiserver-127-0-0-1-6443");
  EXPECT_EQ(EndpointReconciler::LeaseName("[::1]:6443"), "kube-apiserver---1-6443");
}

}  // namespace
}  // namespace ordo::apiserver
