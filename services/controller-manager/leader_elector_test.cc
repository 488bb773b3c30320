// Two controller-manager replicas compete for one Lease on the real
// api-server, on a fake clock: one leads; the other takes over only after the
// lease has gone unrenewed for its duration; a lost race never leaves two leaders.
#include "services/controller-manager/leader_elector.h"

#include <gtest/gtest.h>

#include "common/api/resource_client.h"
#include "common/clock/fake_clock.h"
#include "common/testing/temp_dir.h"
#include "integration-tests/harness/api_server_process.h"

namespace ordo::itest {
namespace {

TEST(LeaderElectionTest, OneLeaderAndATakeOverOnlyAfterTheLeaseExpires) {
  testing::TempDir dir;
  auto server = ApiServerProcess::Start(dir.path());
  ASSERT_TRUE(server.ok()) << server.status();
  FakeClock clock;
  api::ResourceClient<coordination::v1::Lease> leases((*server)->NewChannel(), clock);
  controller::LeaderElectionConfig a_config{.identity = "a"};
  controller::LeaderElectionConfig b_config{.identity = "b"};
  controller::LeaderElector a(a_config, leases, clock);
  controller::LeaderElector b(b_config, leases, clock);

  EXPECT_TRUE(a.TryAcquireOrRenew());
  EXPECT_FALSE(b.TryAcquireOrRenew());
  clock.Advance(absl::Seconds(10));
  EXPECT_TRUE(a.TryAcquireOrRenew());  // renewed
  clock.Advance(absl::Seconds(10));
  EXPECT_FALSE(b.TryAcquireOrRenew()) << "10s after a renewal the 15s lease still holds";
  clock.Advance(absl::Seconds(6));
  EXPECT_TRUE(b.TryAcquireOrRenew()) << "16s without renewal: the lease is free";
  EXPECT_FALSE(a.TryAcquireOrRenew()) << "the old leader must not take it back";
  EXPECT_FALSE(a.IsLeader());
  auto lease = leases.Get("kube-system", "ordo-controller-manager");
  ASSERT_TRUE(lease.ok());
  EXPECT_EQ(lease->spec().holder_identity(), "b");
  EXPECT_EQ(lease->spec().lease_transitions(), 1);
}

}  // namespace
}  // namespace ordo::itest
