// A pod's state survives the checkpoint: what RecordOf writes, StateFromRecord
// reads back (an agent restart adopts the same containers).
#include "services/kubelet-agent/pod_state.h"

#include <gtest/gtest.h>

namespace ordo::kubelet {
namespace {

TEST(PodStateTest, ARecordReadsBackAsTheStateItCameFrom) {
  PodState state;
  state.uid = "u1";
  state.ns = "default";
  state.name = "web-0";
  state.ip = "127.1.1.2";
  ContainerState& c = state.Container("nginx");
  c.handle = {4242, 777};
  c.restart_count = 3;
  c.started_at = absl::FromUnixSeconds(1000);
  c.last_exit = ContainerExit{137, 0, absl::FromUnixSeconds(900)};
  c.last_reason = "Error";
  state.Container("never-started");

  absl::Time now = absl::FromUnixSeconds(5000);
  std::unique_ptr<PodState> back = StateFromRecord(RecordOf(state), now);
  EXPECT_EQ(back->uid, "u1");
  EXPECT_EQ(back->ns, "default");
  EXPECT_EQ(back->name, "web-0");
  EXPECT_EQ(back->ip, "127.1.1.2");
  EXPECT_TRUE(back->prepared);
  EXPECT_EQ(back->start_time, now);
  ASSERT_EQ(back->containers.size(), 2u);
  const ContainerState& b = back->containers[0];
  EXPECT_EQ(b.name, "nginx");
  EXPECT_EQ(b.handle.pid, 4242);
  EXPECT_EQ(b.handle.start_ticks, 777u);
  EXPECT_EQ(b.restart_count, 3);
  EXPECT_EQ(b.started_at, absl::FromUnixSeconds(1000));
  ASSERT_TRUE(b.last_exit.has_value());
  EXPECT_EQ(b.last_exit->exit_code, 137);
  EXPECT_EQ(b.last_exit->finished_at, absl::FromUnixSeconds(900));
  EXPECT_EQ(b.last_reason, "Error");
  EXPECT_FALSE(back->containers[1].ever_started());
  EXPECT_FALSE(back->containers[1].last_exit.has_value());
}

TEST(PodStateTest, RestartPolicies) {
  EXPECT_TRUE(ShouldRestart("Always", 0));
  EXPECT_TRUE(ShouldRestart("", 0));
  EXPECT_TRUE(ShouldRestart("OnFailure", 1));
  EXPECT_FALSE(ShouldRestart("OnFailure", 0));
  EXPECT_FALSE(ShouldRestart("Never", 1));
}

}  // namespace
}  // namespace ordo::kubelet
