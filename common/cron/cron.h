// A cron schedule, as Velero's Schedule reads it (robfig/cron's standard
// parser): five fields — minute, hour, day of month, month, day of week —
// each `*`, a number, a range `a-b`, a step `*/n` or `a-b/n`, or a list of
// those; months and weekdays also by name (JAN, MON); day of week 0 or 7 is
// Sunday. As in cron, when both day of month and day of week are restricted,
// a day matching either runs. Also the descriptors @yearly (@annually),
// @monthly, @weekly, @daily (@midnight), @hourly and `@every DURATION`.
// Times are UTC. Immutable after Parse; safe from any thread.
#pragma once

#include <bitset>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace ordo::cron {

class Schedule {
 public:
  // An error names the field and what is wrong with it.
  static absl::StatusOr<Schedule> Parse(absl::string_view spec);

  // The first run strictly after `after` (whole minutes; `@every`: `after`
  // plus the interval), or nullopt when none comes within five years
  // (February 30th).
  std::optional<absl::Time> Next(absl::Time after) const;

 private:
  Schedule() = default;
  bool DayMatches(const absl::CivilDay& day) const;

  std::bitset<60> minutes_;
  std::bitset<24> hours_;
  std::bitset<32> days_of_month_;  // 1..31
  std::bitset<13> months_;         // 1..12
  std::bitset<7> days_of_week_;    // 0 = Sunday
  bool any_day_of_month_ = false;
  bool any_day_of_week_ = false;
  absl::Duration every_ = absl::ZeroDuration();
};

}  // namespace ordo::cron
