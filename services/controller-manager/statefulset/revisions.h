// A StatefulSet's history as ControllerRevisions (reference §1.6, §2.3): each
// revision holds the pod template as a patch (common/revisions) and is named `<set>-<hash>`, the
// hash being FNV-1 (32 bit) of the data's bytes followed by the collision count in decimal, spelled
// in Kubernetes' safe alphabet. Two revisions are equal when their hash labels (if both have one)
// and their data bytes agree. Pure functions; safe from any thread.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/revisions/pod_template_patch.h"
#include "google/protobuf/struct.pb.h"
#include "ordo/apps/v1/apps.pb.h"

namespace ordo::statefulset {

inline constexpr char kRevisionHashLabel[] = "controller.kubernetes.io/hash";

using apps::v1::ControllerRevision;

// The data is common/revisions' pod template patch; TemplateOf reads it back.
using revisions::TemplateOf;
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
