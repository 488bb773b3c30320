// Reflection helpers over any kind message. Every kind has api_version (1),
// kind (2) and metadata (3, an ObjectMeta), and most have spec and status; these
// helpers let the generic registry read and write those parts without knowing
// the kind. Field paths are in Kubernetes' JSON spelling ("spec.nodeName").
// Pure functions; safe from any thread on distinct messages.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/api/deterministic.h"
#include "common/api/resource_info.h"
#include "google/protobuf/message.h"
#include "google/protobuf/timestamp.pb.h"
#include "ordo/meta/v1/meta.pb.h"

namespace ordo::apiserver {

using api::AllResources;
using api::ResourceFor;
using api::ResourceInfo;
using google::protobuf::Message;

const meta::v1::ObjectMeta& Meta(const Message& obj);
meta::v1::ObjectMeta* MutableMeta(Message& obj);
// Sets apiVersion and kind.
void SetTypeMeta(Message& obj, const ResourceInfo& info);

bool HasField(const Message& obj, absl::string_view field);
// Replaces `field` of `to` with `from`'s (cleared when unset in `from`).
void CopyField(const Message& from, Message& to, absl::string_view field);
// Whether `field` is byte-for-byte equal (deterministic serialization).
bool FieldEquals(const Message& a, const Message& b, absl::string_view field);

// Deterministic serialization of a whole message (common/api/deterministic.h).
using api::DeterministicBytes;

// The string form of a scalar field at `json_path`, for field selectors.
// INVALID_ARGUMENT if the path does not name a scalar field of the kind.
absl::StatusOr<std::string> FieldValue(const Message& obj, absl::string_view json_path);
absl::Status CheckFieldPath(const google::protobuf::Descriptor* descriptor,
                            absl::string_view json_path);

}  // namespace ordo::apiserver
