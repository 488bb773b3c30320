#include "common/quantity/quantity.h"

#include <cmath>
#include <limits>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace ordo::quantity {
namespace {

struct Suffix {
  const char* text;
  long double factor;
};

// Longest suffixes first so "Ki" wins over "k"-style single letters.
constexpr Suffix kSuffixes[] = {
    {"Ki", 1024.0L},
    {"Mi", 1024.0L * 1024},
    {"Gi", 1024.0L * 1024 * 1024},
    {"Ti", 1024.0L * 1024 * 1024 * 1024},
    {"Pi", 1024.0L * 1024 * 1024 * 1024 * 1024},
    {"Ei", 1024.0L * 1024 * 1024 * 1024 * 1024 * 1024},
    {"n", 1e-9L},
    {"u", 1e-6L},
    {"m", 1e-3L},
    {"k", 1e3L},
    {"M", 1e6L},
    {"G", 1e9L},
    {"T", 1e12L},
    {"P", 1e15L},
    {"E", 1e18L},
};

absl::StatusOr<long double> Parse(absl::string_view text) {
  absl::string_view number = absl::StripAsciiWhitespace(text);
  if (!IsWellFormed(number)) {
    return absl::InvalidArgumentError(absl::StrCat("quantity \"", text, "\" is not valid"));
  }
  long double factor = 1;
  for (const Suffix& s : kSuffixes) {
    if (absl::EndsWith(number, s.text)) {
      number.remove_suffix(absl::string_view(s.text).size());
      factor = s.factor;
      break;
    }
  }
  double value = 0;
  // SimpleAtod takes "1e3" as well as "1.5"; it refuses "" and stray letters.
  if (number.empty() || !absl::SimpleAtod(number, &value) || !std::isfinite(value)) {
    return absl::InvalidArgumentError(absl::StrCat("quantity \"", text, "\" is not valid"));
  }
  if (value < 0) {
    return absl::InvalidArgumentError(absl::StrCat("quantity \"", text, "\" is negative"));
  }
  return static_cast<long double>(value) * factor;
}

int64_t CeilClamp(long double v) {
  long double up = std::ceil(v - 1e-9L);  // tolerate binary rounding of exact decimals
  if (up >= static_cast<long double>(std::numeric_limits<int64_t>::max())) {
    return std::numeric_limits<int64_t>::max();
  }
  return static_cast<int64_t>(up);
}

size_t CountDigits(absl::string_view text, size_t from) {
  size_t i = from;
  while (i < text.size() && absl::ascii_isdigit(static_cast<unsigned char>(text[i]))) ++i;
  return i - from;
}

}  // namespace

// Written out rather than a std::regex: it runs on every quantity the
// scheduler reads, and the grammar is five lines.
bool IsWellFormed(absl::string_view text) {
  size_t i = 0;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
  size_t whole = CountDigits(text, i);
  i += whole;
  size_t fraction = 0;
  if (i < text.size() && text[i] == '.') {
    fraction = CountDigits(text, i + 1);
    i += 1 + fraction;
  }
  if (whole == 0 && fraction == 0) return false;
  absl::string_view suffix = text.substr(i);
  if (suffix.empty()) return true;
  for (const Suffix& s : kSuffixes) {
    if (suffix == s.text) return true;
  }
  if (suffix[0] != 'e' && suffix[0] != 'E') return false;
  size_t j = 1;  // an exponent
  if (j < suffix.size() && (suffix[j] == '+' || suffix[j] == '-')) ++j;
  size_t digits = CountDigits(suffix, j);
  return digits > 0 && j + digits == suffix.size();
}

bool IsQuantityField(absl::string_view json_name) {
  return json_name == "requests" || json_name == "limits" || json_name == "capacity" ||
         json_name == "allocatable" || json_name == "sizeLimit";
}

absl::StatusOr<int64_t> ParseMilli(absl::string_view text) {
  auto v = Parse(text);
  if (!v.ok()) return v.status();
  return CeilClamp(*v * 1000);
}

absl::StatusOr<int64_t> ParseValue(absl::string_view text) {
  auto v = Parse(text);
  if (!v.ok()) return v.status();
  return CeilClamp(*v);
}

std::string FormatMilliCpu(int64_t millis) {
  if (millis % 1000 == 0) return absl::StrCat(millis / 1000);
  return absl::StrCat(millis, "m");
}

}  // namespace ordo::quantity
