// The three-way merge `ordoctl apply` makes, as kubectl's: the fields the
// manifest declares now are set on the live object, the fields the previous
// apply declared and this one no longer does are removed, and every other
// field (what the server or another writer set) is left alone. Messages merge
// field by field, maps key by key; lists and int-or-string values are
// replaced whole (JSON merge-patch semantics, simpler than kubectl's
// strategic merge for lists). Stateless.
#pragma once

#include <google/protobuf/message.h>

#include <string>

namespace ordo::ctl {

// The annotation holding what the last apply declared, as JSON (kubectl's name).
inline constexpr char kLastAppliedAnnotation[] = "kubectl.kubernetes.io/last-applied-configuration";

// Merges `manifest` into `live`, given `last` (the previous apply's manifest,
// or nullptr if there was none). apiVersion, kind and status are never touched;
// of metadata, only labels and annotations merge.
void MergeApplied(const google::protobuf::Message& manifest, const google::protobuf::Message* last,
                  google::protobuf::Message& live);

}  // namespace ordo::ctl
