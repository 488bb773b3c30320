#include "common/api/resource_info.h"

#include <cstdlib>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/api/kinds.h"
#include "google/protobuf/descriptor.h"

namespace ordo::api {

std::string ResourceInfo::ApiVersion() const {
  return group.empty() ? version : absl::StrCat(group, "/", version);
}

std::string ResourceInfo::GroupResource() const {
  return group.empty() ? resource : absl::StrCat(resource, ".", group);
}

std::string ResourceInfo::QualifiedKind() const {
  return group.empty() ? kind : absl::StrCat(kind, ".", group);
}

std::string ResourceInfo::Key(absl::string_view ns, absl::string_view name) const {
  if (!namespaced) return absl::StrCat("/registry/", resource, "/", name);
  return absl::StrCat("/registry/", resource, "/", ns, "/", name);
}

std::string ResourceInfo::Prefix(absl::string_view ns) const {
  if (!namespaced || ns.empty()) return absl::StrCat("/registry/", resource, "/");
  return absl::StrCat("/registry/", resource, "/", ns, "/");
}

const std::vector<ResourceInfo>& AllResources() {
  // The version is the last segment of the kind's proto package (ordo.apps.v1).
  auto version_of = [](const google::protobuf::Message& prototype) {
    const std::string& package = prototype.GetDescriptor()->file()->package();
    return package.substr(package.rfind('.') + 1);
  };
#define ORDO_RESOURCE_INFO(pkg, Kind, Svc, group, plural, namespaced, has_status, ...) \
  {#Kind,                                                                              \
   group,                                                                              \
   version_of(pkg::Kind::default_instance()),                                          \
   plural,                                                                             \
   namespaced,                                                                         \
   has_status,                                                                         \
   {__VA_ARGS__},                                                                      \
   &pkg::Kind::default_instance()},
  static const auto* table = new std::vector<ResourceInfo>{ORDO_FOR_EACH_KIND(ORDO_RESOURCE_INFO)};
#undef ORDO_RESOURCE_INFO
  return *table;
}

const ResourceInfo& ResourceFor(absl::string_view kind) {
  for (const auto& info : AllResources()) {
    if (info.kind == kind) return info;
  }
  std::abort();
}

const ResourceInfo* FindResource(absl::string_view name) {
  std::string lower = absl::AsciiStrToLower(name);
  for (const auto& info : AllResources()) {
    std::string singular = absl::AsciiStrToLower(info.kind);
    if (lower == singular || lower == info.resource || lower == info.GroupResource()) {
      return &info;
    }
    for (const auto& s : info.short_names) {
      if (lower == s) return &info;
    }
  }
  return nullptr;
}

}  // namespace ordo::api
