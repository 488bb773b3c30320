#include "services/dns/packet_cache.h"

#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "services/dns/test_decoder.h"

namespace ordo::dns {
namespace {

using testing::MakeQuery;

std::shared_ptr<const ZoneSnapshot> EmptyZone(uint32_t serial) {
  return ZoneSnapshot::Build({}, {}, {}, serial);
}

class PacketCacheTest : public ::testing::Test {
 protected:
  PacketCacheTest() { cache_.UseZone(zone_); }
  std::shared_ptr<const ZoneSnapshot> zone_ = EmptyZone(1);
  PacketCache cache_{3};
  const std::string answer_ = std::string("\x12\x34\x81\x80", 4) + std::string(8, '\0') + "rest";
};

TEST_F(PacketCacheTest, AnIdenticalQueryGetsTheAnswerWithItsOwnId) {
  cache_.Store(MakeQuery("web-0.nginx.default.svc.cluster.local", kA, 0, 0x1234), answer_);
  std::string out = "old buffer";
  ASSERT_TRUE(
      cache_.Lookup(MakeQuery("web-0.nginx.default.svc.cluster.local", kA, 0, 0xBEEF), &out));
  EXPECT_EQ(out.substr(0, 2), "\xBE\xEF");
  EXPECT_EQ(out.substr(2), answer_.substr(2));
}

TEST_F(PacketCacheTest, AnyOtherByteIsAnotherQuery) {
  cache_.Store(MakeQuery("web-0.nginx.default.svc.cluster.local", kA), answer_);
  std::string out;
  EXPECT_FALSE(cache_.Lookup(MakeQuery("WEB-0.nginx.default.svc.cluster.local", kA), &out));
  EXPECT_FALSE(cache_.Lookup(MakeQuery("web-0.nginx.default.svc.cluster.local", kAAAA), &out));
  EXPECT_FALSE(cache_.Lookup(MakeQuery("web-0.nginx.default.svc.cluster.local", kA, 1232), &out));
}

TEST_F(PacketCacheTest, ANewSnapshotForgetsEveryAnswer) {
  std::string query = MakeQuery("nginx.default.svc.cluster.local", kA);
  cache_.Store(query, answer_);
  std::string out;
  cache_.UseZone(zone_);  // the same snapshot: kept
  EXPECT_TRUE(cache_.Lookup(query, &out));
  cache_.UseZone(EmptyZone(2));
  EXPECT_FALSE(cache_.Lookup(query, &out));
  EXPECT_EQ(cache_.size(), 0u);
}

TEST_F(PacketCacheTest, AFullCacheStartsOver) {
  for (int i = 0; i < 3; ++i)
    cache_.Store(MakeQuery(absl::StrCat("s", i, ".cluster.local"), kA), answer_);
  EXPECT_EQ(cache_.size(), 3u);
  cache_.Store(MakeQuery("s3.cluster.local", kA), answer_);
  EXPECT_EQ(cache_.size(), 1u);
}

TEST_F(PacketCacheTest, PacketsShorterThanAHeaderAreNeverKeys) {
  cache_.Store("short", answer_);
  std::string out;
  EXPECT_FALSE(cache_.Lookup("short", &out));
  EXPECT_EQ(cache_.size(), 0u);
}

}  // namespace
}  // namespace ordo::dns
