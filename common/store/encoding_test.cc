#include "common/store/encoding.h"

#include <gtest/gtest.h>

namespace ordo::store {
namespace {

TEST(EncodingTest, RevisionKeysSortInRevisionOrder) {
  EXPECT_LT(EncodeRevisionKey(255), EncodeRevisionKey(256));
  EXPECT_LT(EncodeRevisionKey(1), EncodeRevisionKey(1LL << 40));
  EXPECT_EQ(DecodeRevisionKey(EncodeRevisionKey(123456789)), 123456789);
}

TEST(EncodingTest, EventRoundTrips) {
  auto kv = std::make_shared<KeyValue>(KeyValue{"/a", "new", 3, 9});
  auto prev = std::make_shared<KeyValue>(KeyValue{"/a", "old", 3, 5});
  Event event{Event::Type::kPut, kv, prev};
  auto back = DecodeEvent(EncodeEvent(event));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ((*back)->kv->value, "new");
  EXPECT_EQ((*back)->revision(), 9);
  EXPECT_EQ((*back)->prev->mod_revision, 5);
}

TEST(EncodingTest, TruncatedRecordsAreDataLossNotCrashes) {
  auto kv = std::make_shared<KeyValue>(KeyValue{"/a", "value", 1, 1});
  std::string record = EncodeEvent(Event{Event::Type::kPut, kv, nullptr});
  for (size_t n = 0; n < record.size(); ++n) {
    EXPECT_EQ(DecodeEvent(record.substr(0, n)).status().code(), absl::StatusCode::kDataLoss);
  }
  EXPECT_EQ(DecodeKeyValue("/a", "xx").status().code(), absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace ordo::store
