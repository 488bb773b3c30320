// GoogleTest matchers for absl::Status and absl::StatusOr (Abseil 20220623 has
// no status_matchers.h): EXPECT_THAT(s, IsOk()); EXPECT_THAT(s,
// StatusIs(absl::StatusCode::kNotFound, HasSubstr("web"))). Stateless.
#pragma once

#include <gmock/gmock.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace ordo::testing {

inline const absl::Status& GetStatus(const absl::Status& s) { return s; }
template <typename T>
const absl::Status& GetStatus(const absl::StatusOr<T>& s) {
  return s.status();
}

MATCHER(IsOk, "is OK") {
  const absl::Status& s = GetStatus(arg);
  if (!s.ok()) *result_listener << "status is " << s;
  return s.ok();
}

MATCHER_P(StatusIs, code, "has status code " + ::testing::PrintToString(code)) {
  const absl::Status& s = GetStatus(arg);
  *result_listener << "status is " << s;
  return s.code() == code;
}

MATCHER_P2(StatusIs, code, message_matcher, "has status code and message") {
  const absl::Status& s = GetStatus(arg);
  *result_listener << "status is " << s;
  return s.code() == code &&
         ::testing::ExplainMatchResult(message_matcher, std::string(s.message()), result_listener);
}

}  // namespace ordo::testing

#define ASSERT_OK(expr) ASSERT_THAT(expr, ::ordo::testing::IsOk())
#define EXPECT_OK(expr) EXPECT_THAT(expr, ::ordo::testing::IsOk())
