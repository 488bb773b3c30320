// Early-return helpers for absl::Status / absl::StatusOr, with the meaning of
// abseil's own status_macros.h (absent from Abseil 20220623) so they can be
// swapped for it later. Stateless; safe from any thread.
#pragma once

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define ORDO_STATUS_CONCAT_INNER_(a, b) a##b
#define ORDO_STATUS_CONCAT_(a, b) ORDO_STATUS_CONCAT_INNER_(a, b)

// Returns the status from the enclosing function if `expr` is not OK.
#define ORDO_RETURN_IF_ERROR(expr)               \
  do {                                           \
    ::absl::Status ordo_status_ = (expr);        \
    if (!ordo_status_.ok()) return ordo_status_; \
  } while (0)

// `ORDO_ASSIGN_OR_RETURN(auto x, Foo());` declares x from a StatusOr's value or
// returns its status.
#define ORDO_ASSIGN_OR_RETURN(lhs, expr) \
  ORDO_ASSIGN_OR_RETURN_IMPL_(ORDO_STATUS_CONCAT_(ordo_statusor_, __LINE__), lhs, expr)

#define ORDO_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, expr)   \
  auto statusor = (expr);                                  \
  if (!statusor.ok()) return std::move(statusor).status(); \
  lhs = std::move(statusor).value()
