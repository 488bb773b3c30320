// A StatefulSet's history as ControllerRevisions (reference §1.6, §2.3): each
// revision holds the pod template as a patch
//   {"spec":{"template":{"$patch":"replace", ...}}}
// and is named `<set>-<hash>`, the hash being FNV-1 (32 bit) of the data's
// bytes followed by the collision count in decimal, spelled in Kubernetes'
// safe alphabet. Two revisions are equal when their hash labels (if both have
// one) and their data bytes agree. Pure functions; safe from any thread.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "google/protobuf/struct.pb.h"
#include "ordo/apps/v1/apps.pb.h"

namespace ordo::statefulset {

inline constexpr char kRevisionHashLabel[] = "controller.kubernetes.io/hash";

using apps::v1::ControllerRevision;

// The revision data of a pod template.
google::protobuf::Struct RevisionData(const core::v1::PodTemplateSpec& tmpl);
// The pod template a revision records (INVALID_ARGUMENT if its data is not one).
absl::StatusOr<core::v1::PodTemplateSpec> TemplateOf(const ControllerRevision& revision);
// The `<set>` of `<set>-<hash>` is cut to 223 bytes, as Kubernetes does.
std::string HashRevision(const google::protobuf::Struct& data, int32_t collision_count);
// A new revision of `set`'s current template (owned by `set`, labelled with
// the template's labels and the hash, annotated with the set's annotations).
ControllerRevision NewRevision(const apps::v1::StatefulSet& set, int64_t number,
                               int32_t collision_count);
bool EqualRevision(const ControllerRevision& a, const ControllerRevision& b);
// Oldest first: by .revision, then creation time, then name.
void SortRevisions(std::vector<std::shared_ptr<const ControllerRevision>>& revisions);

}  // namespace ordo::statefulset
