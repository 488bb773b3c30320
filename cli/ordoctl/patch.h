// The three patch kinds kubectl sends, applied on the client to a YAML/JSON
// document of the live object (ordo's api-server takes whole objects):
//   merge      RFC 7386: maps merge key by key, null removes, anything else
//              (lists included) replaces;
//   strategic  a merge patch in which lists of objects that have a `name`
//              (containers, volumes, env, ports, ...) merge item by item by
//              name, as Kubernetes' patchMergeKey does for those fields; an
//              item {"name": X, "$patch": "delete"} removes X, and a map with
//              "$patch": "replace" replaces instead of merging;
//   json       RFC 6902: add, remove, replace, move, copy and test over JSON
//              pointers (`/spec/template/spec/containers/0/image`, `-` appends).
// Errors name the operation and the path. yaml-cpp nodes share structure on
// copy: inputs are cloned, never changed. Stateless.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "yaml-cpp/yaml.h"

namespace ordo::ctl {

YAML::Node MergePatch(const YAML::Node& target, const YAML::Node& patch);
YAML::Node StrategicMergePatch(const YAML::Node& target, const YAML::Node& patch);
absl::StatusOr<YAML::Node> JsonPatch(const YAML::Node& target, const YAML::Node& operations);

// Applies a patch of `type` ("strategic", "merge" or "json") given as text.
absl::StatusOr<YAML::Node> ApplyPatch(const YAML::Node& target, const std::string& type,
                                      const std::string& patch);

}  // namespace ordo::ctl
