// Velero's selection rules, shared by backups and restores: include/exclude
// lists where empty or "*" includes everything and an exclusion always wins,
// and resource names as kubectl takes them (plural, kind, short name) or as
// "<resource>.<group>". Pure; safe from any thread.
#pragma once

#include <functional>
#include <string>

#include "common/api/resource_info.h"
#include "google/protobuf/repeated_ptr_field.h"

namespace ordo::backup {

inline bool Included(const google::protobuf::RepeatedPtrField<std::string>& included,
                     const google::protobuf::RepeatedPtrField<std::string>& excluded,
                     const std::function<bool(const std::string&)>& matches) {
  bool in = included.empty();
  for (const auto& entry : included) in = in || entry == "*" || matches(entry);
  for (const auto& entry : excluded) {
    if (entry == "*" || matches(entry)) return false;
  }
  return in;
}

inline bool ResourceMatches(const std::string& entry, const api::ResourceInfo& info) {
  return api::FindResource(entry) == &info || entry == info.GroupResource();
}

}  // namespace ordo::backup
