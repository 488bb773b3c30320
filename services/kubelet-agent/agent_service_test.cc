#include "services/kubelet-agent/agent_service.h"

#include <gtest/gtest.h>

namespace ordo::kubelet {
namespace {

TEST(TailLinesTest, KeepsTheLastLines) {
  EXPECT_EQ(TailLines("a\nb\nc\n", 2), "b\nc\n");
  EXPECT_EQ(TailLines("a\nb\nc", 2), "b\nc");
  EXPECT_EQ(TailLines("a\nb\nc\n", 5), "a\nb\nc\n");
  EXPECT_EQ(TailLines("a\nb\nc\n", 0), "");
  EXPECT_EQ(TailLines("a\nb\nc\n", -1), "a\nb\nc\n");
  EXPECT_EQ(TailLines("", 3), "");
}

}  // namespace
}  // namespace ordo::kubelet
