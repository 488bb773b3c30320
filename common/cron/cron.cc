#include "common/cron/cron.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace ordo::cron {
namespace {

struct FieldSpec {
  const char* name;
  int min;
  int max;
  std::vector<std::string> names;  // names[i] is the value min + i
};

const FieldSpec kMinute{"minute", 0, 59, {}};
const FieldSpec kHour{"hour", 0, 23, {}};
const FieldSpec kDayOfMonth{"day of month", 1, 31, {}};
const FieldSpec kMonth{
    "month",
    1,
    12,
    {"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"}};
// 7 is Sunday too; folded into 0 below.
const FieldSpec kDayOfWeek{"day of week", 0, 7, {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"}};

absl::StatusOr<int> Value(absl::string_view text, const FieldSpec& f) {
  int v = 0;
  if (absl::SimpleAtoi(text, &v)) {
    if (v < f.min || v > f.max) {
      return absl::InvalidArgumentError(
          absl::StrCat(f.name, ": ", v, " is out of range [", f.min, "-", f.max, "]"));
    }
    return v;
  }
  std::string upper = absl::AsciiStrToUpper(text);
  for (size_t i = 0; i < f.names.size(); ++i) {
    if (f.names[i] == upper) return f.min + static_cast<int>(i);
  }
  return absl::InvalidArgumentError(absl::StrCat(f.name, ": \"", text, "\" is not a number"));
}

// Sets the bits of one field; `any` tells whether it was `*` (or `?`).
absl::Status ParseField(absl::string_view text, const FieldSpec& f, std::vector<bool>& bits,
                        bool& any) {
  any = text == "*" || text == "?";
  for (absl::string_view part : absl::StrSplit(text, ',')) {
    int step = 1;
    std::vector<absl::string_view> range_step = absl::StrSplit(part, absl::MaxSplits('/', 1));
    if (range_step.size() == 2) {
      if (!absl::SimpleAtoi(range_step[1], &step) || step <= 0) {
        return absl::InvalidArgumentError(
            absl::StrCat(f.name, ": step \"", range_step[1], "\" is not a positive number"));
      }
    }
    absl::string_view range = range_step[0];
    int lo = f.min, hi = f.max;
    if (range != "*" && range != "?") {
      std::vector<absl::string_view> ends = absl::StrSplit(range, absl::MaxSplits('-', 1));
      auto first = Value(ends[0], f);
      if (!first.ok()) return first.status();
      lo = hi = *first;
      if (ends.size() == 2) {
        auto last = Value(ends[1], f);
        if (!last.ok()) return last.status();
        hi = *last;
      } else if (range_step.size() == 2) {
        hi = f.max;  // "a/n": from a to the end, as robfig/cron reads it
      }
      if (lo > hi) {
        return absl::InvalidArgumentError(
            absl::StrCat(f.name, ": range \"", range, "\" ends before it starts"));
      }
    }
    for (int v = lo; v <= hi; v += step) bits[v] = true;
  }
  return absl::OkStatus();
}

template <size_t N>
absl::Status Field(absl::string_view text, const FieldSpec& f, std::bitset<N>& out, bool& any) {
  std::vector<bool> bits(f.max + 1, false);
  if (absl::Status s = ParseField(text, f, bits, any); !s.ok()) return s;
  for (int v = f.min; v <= f.max; ++v) {
    if (bits[v]) out.set(static_cast<size_t>(v % static_cast<int>(N)));
  }
  return absl::OkStatus();
}

int Weekday(const absl::CivilDay& day) {
  switch (absl::GetWeekday(day)) {
    case absl::Weekday::sunday:
      return 0;
    case absl::Weekday::monday:
      return 1;
    case absl::Weekday::tuesday:
      return 2;
    case absl::Weekday::wednesday:
      return 3;
    case absl::Weekday::thursday:
      return 4;
    case absl::Weekday::friday:
      return 5;
    case absl::Weekday::saturday:
      return 6;
  }
  return 0;
}

}  // namespace

absl::StatusOr<Schedule> Schedule::Parse(absl::string_view spec) {
  spec = absl::StripAsciiWhitespace(spec);
  if (absl::ConsumePrefix(&spec, "@every")) {
    absl::Duration every;
    if (!absl::ParseDuration(absl::StripAsciiWhitespace(spec), &every) ||
        every < absl::Seconds(1)) {
      return absl::InvalidArgumentError(absl::StrCat("@every: \"", absl::StripAsciiWhitespace(spec),
                                                     "\" is not a duration of a second or more"));
    }
    Schedule s;
    s.every_ = every;
    return s;
  }
  static const std::vector<std::pair<std::string, std::string>> kDescriptors = {
      {"@yearly", "0 0 1 1 *"}, {"@annually", "0 0 1 1 *"}, {"@monthly", "0 0 1 * *"},
      {"@weekly", "0 0 * * 0"}, {"@daily", "0 0 * * *"},    {"@midnight", "0 0 * * *"},
      {"@hourly", "0 * * * *"}};
  std::string expanded(spec);
  if (absl::StartsWith(spec, "@")) {
    bool known = false;
    for (const auto& [name, fields] : kDescriptors) {
      if (spec == name) {
        expanded = fields;
        known = true;
      }
    }
    if (!known)
      return absl::InvalidArgumentError(absl::StrCat("unknown descriptor \"", spec, "\""));
  }
  std::vector<absl::string_view> fields = absl::StrSplit(expanded, ' ', absl::SkipWhitespace());
  if (fields.size() != 5) {
    return absl::InvalidArgumentError(absl::StrCat(
        "expected exactly 5 fields (minute hour day-of-month month day-of-week), found ",
        fields.size(), ": \"", spec, "\""));
  }
  Schedule s;
  bool ignored = false;
  if (absl::Status e = Field(fields[0], kMinute, s.minutes_, ignored); !e.ok()) return e;
  if (absl::Status e = Field(fields[1], kHour, s.hours_, ignored); !e.ok()) return e;
  if (absl::Status e = Field(fields[2], kDayOfMonth, s.days_of_month_, s.any_day_of_month_);
      !e.ok()) {
    return e;
  }
  if (absl::Status e = Field(fields[3], kMonth, s.months_, ignored); !e.ok()) return e;
  if (absl::Status e = Field(fields[4], kDayOfWeek, s.days_of_week_, s.any_day_of_week_); !e.ok()) {
    return e;
  }
  return s;
}

bool Schedule::DayMatches(const absl::CivilDay& day) const {
  bool dom = days_of_month_[static_cast<size_t>(day.day())];
  bool dow = days_of_week_[static_cast<size_t>(Weekday(day))];
  if (any_day_of_month_ || any_day_of_week_) return dom && dow;
  return dom || dow;
}

std::optional<absl::Time> Schedule::Next(absl::Time after) const {
  if (every_ > absl::ZeroDuration()) return after + every_;
  absl::TimeZone utc = absl::UTCTimeZone();
  absl::CivilMinute t = absl::ToCivilMinute(after, utc) + 1;
  absl::CivilMinute limit = t + 60 * 24 * 366 * 5;
  while (t < limit) {
    if (!months_[static_cast<size_t>(t.month())]) {
      t = absl::CivilMinute(absl::CivilMonth(t) + 1);
      continue;
    }
    if (!DayMatches(absl::CivilDay(t))) {
      t = absl::CivilMinute(absl::CivilDay(t) + 1);
      continue;
    }
    if (!hours_[static_cast<size_t>(t.hour())]) {
      t = absl::CivilMinute(absl::CivilHour(t) + 1);
      continue;
    }
    if (!minutes_[static_cast<size_t>(t.minute())]) {
      t += 1;
      continue;
    }
    return absl::FromCivil(t, utc);
  }
  return std::nullopt;
}

}  // namespace ordo::cron
