// Cron schedules: parsing, named fields and descriptors, errors naming the
// field, and next-run times across month ends, leap days and weekdays.
#include "common/cron/cron.h"

#include <gtest/gtest.h>

namespace ordo::cron {
namespace {

absl::Time At(const std::string& rfc3339) {
  absl::Time t;
  std::string err;
  EXPECT_TRUE(absl::ParseTime(absl::RFC3339_full, rfc3339, &t, &err)) << err;
  return t;
}

std::string Next(const std::string& spec, const std::string& after) {
  auto s = Schedule::Parse(spec);
  EXPECT_TRUE(s.ok()) << s.status();
  if (!s.ok()) return "";
  auto next = s->Next(At(after));
  return next ? absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", *next, absl::UTCTimeZone()) : "never";
}

TEST(CronTest, EverySixHoursAsTheIssueSchedulesIt) {
  EXPECT_EQ(Next("0 */6 * * *", "2026-12-01T00:00:00Z"), "2026-12-01T06:00:00Z");
  EXPECT_EQ(Next("0 */6 * * *", "2026-12-01T05:59:59Z"), "2026-12-01T06:00:00Z");
  EXPECT_EQ(Next("0 */6 * * *", "2026-12-31T23:00:00Z"), "2027-01-01T00:00:00Z");
}

TEST(CronTest, FieldsRangesListsAndNames) {
  EXPECT_EQ(Next("30 2 * * *", "2026-12-01T02:30:00Z"), "2026-12-02T02:30:00Z");
  EXPECT_EQ(Next("15,45 9-10 * * *", "2026-12-01T09:20:00Z"), "2026-12-01T09:45:00Z");
  EXPECT_EQ(Next("15,45 9-10 * * *", "2026-12-01T10:50:00Z"), "2026-12-02T09:15:00Z");
  // 2026-12-01 is a Tuesday.
  EXPECT_EQ(Next("0 0 * * MON", "2026-12-01T00:00:00Z"), "2026-12-07T00:00:00Z");
  EXPECT_EQ(Next("0 0 * * 7", "2026-12-01T00:00:00Z"), "2026-12-06T00:00:00Z");  // Sunday
  EXPECT_EQ(Next("0 0 1 feb *", "2026-12-01T00:00:00Z"), "2027-02-01T00:00:00Z");
  EXPECT_EQ(Next("0 0 29 2 *", "2026-12-01T00:00:00Z"), "2028-02-29T00:00:00Z");
  EXPECT_EQ(Next("0 0 31 * *", "2026-11-01T00:00:00Z"), "2026-12-31T00:00:00Z");
  // Day of month and day of week both restricted: either day runs.
  EXPECT_EQ(Next("0 0 15 * FRI", "2026-12-01T00:00:00Z"), "2026-12-04T00:00:00Z");
  EXPECT_EQ(Next("0 0 30 2 *", "2026-12-01T00:00:00Z"), "never");
}

TEST(CronTest, Descriptors) {
  EXPECT_EQ(Next("@hourly", "2026-12-01T10:05:00Z"), "2026-12-01T11:00:00Z");
  EXPECT_EQ(Next("@daily", "2026-12-01T10:05:00Z"), "2026-12-02T00:00:00Z");
  EXPECT_EQ(Next("@weekly", "2026-12-01T10:05:00Z"), "2026-12-06T00:00:00Z");
  EXPECT_EQ(Next("@monthly", "2026-12-01T10:05:00Z"), "2027-01-01T00:00:00Z");
  EXPECT_EQ(Next("@yearly", "2026-12-01T10:05:00Z"), "2027-01-01T00:00:00Z");
  EXPECT_EQ(Next("@every 90m", "2026-12-01T10:05:00Z"), "2026-12-01T11:35:00Z");
}

TEST(CronTest, MistakesNameTheField) {
  auto message = [](const std::string& spec) {
    auto s = Schedule::Parse(spec);
    return s.ok() ? std::string("ok") : std::string(s.status().message());
  };
  EXPECT_EQ(message("0 */6 * *"),
            "expected exactly 5 fields (minute hour day-of-month month day-of-week), found 4: "
            "\"0 */6 * *\"");
  EXPECT_EQ(message("61 * * * *"), "minute: 61 is out of range [0-59]");
  EXPECT_EQ(message("0 24 * * *"), "hour: 24 is out of range [0-23]");
  EXPECT_EQ(message("0 0 0 * *"), "day of month: 0 is out of range [1-31]");
  EXPECT_EQ(message("0 0 * 13 *"), "month: 13 is out of range [1-12]");
  EXPECT_EQ(message("0 0 * * FUNDAY"), "day of week: \"FUNDAY\" is not a number");
  EXPECT_EQ(message("*/0 * * * *"), "minute: step \"0\" is not a positive number");
  EXPECT_EQ(message("0 5-2 * * *"), "hour: range \"5-2\" ends before it starts");
  EXPECT_EQ(message("@fortnightly"), "unknown descriptor \"@fortnightly\"");
  EXPECT_EQ(message("@every soon"), "@every: \"soon\" is not a duration of a second or more");
}

}  // namespace
}  // namespace ordo::cron
