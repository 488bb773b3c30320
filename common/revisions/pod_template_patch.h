// A ControllerRevision's data for a StatefulSet: the pod template as the
// strategic-merge patch Kubernetes records,
//   {"spec":{"template":{"$patch":"replace", ...the template...}}}
// held in a google.protobuf.Struct. The controller writes it; `rollout undo`
// and `rollout history` read it back. Pure functions; safe from any thread.
#pragma once

#include "absl/status/statusor.h"
#include "google/protobuf/struct.pb.h"
#include "ordo/apps/v1/apps.pb.h"
#include "ordo/core/v1/core.pb.h"

namespace ordo::revisions {

google::protobuf::Struct PodTemplatePatch(const core::v1::PodTemplateSpec& tmpl);

// The template a revision records; INVALID_ARGUMENT naming the revision when
// its data is not such a patch.
absl::StatusOr<core::v1::PodTemplateSpec> TemplateOf(const apps::v1::ControllerRevision& revision);

}  // namespace ordo::revisions
