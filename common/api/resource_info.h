// ResourceInfo describes one kind ordo serves: its group/version, its
// plural resource name (the store key segment and the word in errors such as
// `statefulsets.apps "web" not found`), scope, short names and whether it has a
// status subresource. The table is static; safe to read from any thread.
#pragma once

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"

namespace ordo::api {

struct ResourceInfo {
  std::string kind;      // "StatefulSet"
  std::string group;     // "apps"; "" for core
  std::string version;   // "v1"
  std::string resource;  // "statefulsets"
  bool namespaced = true;
  bool has_status = true;
  std::vector<std::string> short_names;
  // An empty message of the kind, for parsing.
  const google::protobuf::Message* prototype = nullptr;

  // "apps/v1", or "v1" for core.
  std::string ApiVersion() const;
  // "statefulsets.apps", or "pods" for core: the word kubectl prints in errors.
  std::string GroupResource() const;
  // "StatefulSet.apps", or "Pod" for core: the word in validation errors.
  std::string QualifiedKind() const;
  // "/registry/statefulsets/" + namespace + "/" + name.
  std::string Key(absl::string_view ns, absl::string_view name) const;
  // The prefix every key of this resource (in `ns`, if not empty) starts with.
  std::string Prefix(absl::string_view ns) const;
};

// Every kind the api-server serves.
const std::vector<ResourceInfo>& AllResources();
// The ResourceInfo of `kind`; dies if it is not in the table (a programming error).
const ResourceInfo& ResourceFor(absl::string_view kind);
// The kind a user names the way kubectl accepts: kind, plural, singular or
// short name, any case ("sts", "StatefulSet", "statefulsets"); null if none.
const ResourceInfo* FindResource(absl::string_view name);

}  // namespace ordo::api
