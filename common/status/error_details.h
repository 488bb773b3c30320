// The google.rpc error details, beyond BadRequest (field_errors.h), that the
// api-server attaches to its errors so a client can act on them without
// parsing the message: ResourceInfo on NOT_FOUND and ALREADY_EXISTS (which
// object), PreconditionFailure on ABORTED conflicts (what to re-read).
// They travel as absl::Status payloads and reach gRPC clients as
// google.rpc.Status details (grpc_status.h).
// Stateless functions; safe from any thread.
#pragma once

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/cord.h"
#include "absl/strings/string_view.h"
#include "google/rpc/error_details.pb.h"

namespace ordo::status {

inline constexpr char kResourceInfoTypeUrl[] = "type.googleapis.com/google.rpc.ResourceInfo";
inline constexpr char kPreconditionFailureTypeUrl[] =
    "type.googleapis.com/google.rpc.PreconditionFailure";

// `status` with a ResourceInfo naming `resource_type` ("statefulsets.apps")
// and `resource_name` ("default/web"); its description is the status message.
absl::Status WithResourceInfo(absl::Status status, absl::string_view resource_type,
                              absl::string_view resource_name);

// `status` with a PreconditionFailure of one violation: `type` ("Conflict"),
// `subject` ("statefulsets.apps/default/web"), and the status message.
absl::Status WithPreconditionFailure(absl::Status status, absl::string_view type,
                                     absl::string_view subject);

// The detail of type `Detail` that `status` carries under `type_url`; nullopt
// when it carries none (or bytes that do not parse as one).
template <typename Detail>
std::optional<Detail> DetailOf(const absl::Status& status, absl::string_view type_url) {
  auto payload = status.GetPayload(type_url);  // absl::optional<absl::Cord>
  Detail detail;
  if (!payload || !detail.ParseFromString(std::string(*payload))) return std::nullopt;
  return detail;
}

// The details back out of a status; nullopt when it carries none.
std::optional<google::rpc::ResourceInfo> ResourceInfoOf(const absl::Status& status);
std::optional<google::rpc::PreconditionFailure> PreconditionFailureOf(const absl::Status& status);

}  // namespace ordo::status
