#include "services/kubelet-agent/identity_ledger.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "common/testing/temp_dir.h"

namespace ordo::kubelet {
namespace {

TEST(IdentityLedgerTest, TheLeaseIsHeldUntilItsLastDescriptorCloses) {
  testing::TempDir dir;
  IdentityLease first = TakeIdentityLease(dir.path(), "default/web-1/web", "uid-a");
  ASSERT_GE(first.fd, 0);
  EXPECT_EQ(first.held_by, "");
  // flock belongs to the open file description: a second open, even in this
  // process, is a second holder and is refused, naming the first.
  IdentityLease second = TakeIdentityLease(dir.path(), "default/web-1/web", "uid-b");
  ASSERT_GE(second.fd, 0);
  EXPECT_EQ(second.held_by, "uid-a");
  // Another container of the same pod, or another identity, is its own lease.
  IdentityLease sidecar = TakeIdentityLease(dir.path(), "default/web-1/sidecar", "uid-a");
  EXPECT_EQ(sidecar.held_by, "");
  IdentityLease other = TakeIdentityLease(dir.path(), "default/web-2/web", "uid-c");
  EXPECT_EQ(other.held_by, "");
  // A copy (as a forked container holds) keeps the lease after the original closes.
  int copy = dup(first.fd);
  close(first.fd);
  EXPECT_EQ(TakeIdentityLease(dir.path(), "default/web-1/web", "uid-d").held_by, "uid-a");
  close(copy);
  IdentityLease after = TakeIdentityLease(dir.path(), "default/web-1/web", "uid-e");
  EXPECT_EQ(after.held_by, "");
  for (int fd : {second.fd, sidecar.fd, other.fd, after.fd}) close(fd);
}

TEST(IdentityLedgerTest, EventsRoundTripAndAreReadIncrementally) {
  testing::TempDir dir;
  LedgerEvent start{.monotonic_ns = 100,
                    .type = LedgerEvent::Type::kStart,
                    .identity = "default/web-1/web",
                    .pod_uid = "uid-b",
                    .held_by = "uid-a"};
  LedgerEvent stop{.monotonic_ns = 200,
                   .type = LedgerEvent::Type::kStop,
                   .identity = "default/web-1/web",
                   .pod_uid = "uid-b"};
  int events = OpenLedgerEvents(dir.path());
  ASSERT_GE(events, 0);
  AppendLedgerEvent(events, start);
  size_t offset = 0;
  std::vector<LedgerEvent> read = ReadLedger(dir.path(), &offset);
  ASSERT_EQ(read.size(), 1u);
  EXPECT_EQ(read[0].ToLine(), start.ToLine());
  EXPECT_EQ(read[0].held_by, "uid-a");
  AppendLedgerEvent(events, stop);
  {
    std::ofstream torn(dir.Join("events"), std::ios::app);
    torn << "300 start default/web-1";  // a line still being written
  }
  read = ReadLedger(dir.path(), &offset);
  ASSERT_EQ(read.size(), 1u);
  EXPECT_EQ(read[0].type, LedgerEvent::Type::kStop);
  EXPECT_EQ(read[0].monotonic_ns, 200);
  EXPECT_TRUE(ReadLedger(dir.path(), &offset).empty());
  close(events);
}

TEST(IdentityLedgerTest, MalformedLinesAreRefused) {
  for (const char* line : {"", "x start a/b/c u", "1 begin a/b/c u", "1 stop a/b/c u held-by v",
                           "1 start a/b/c u held v", "1 start a/b/c"}) {
    EXPECT_FALSE(LedgerEvent::Parse(line).has_value()) << line;
  }
  EXPECT_TRUE(LedgerEvent::Parse("1 start a/b/c u").has_value());
}

}  // namespace
}  // namespace ordo::kubelet
