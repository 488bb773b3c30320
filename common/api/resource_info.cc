#include "common/api/resource_info.h"

#include <cstdlib>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "ordo/apps/v1/apps.pb.h"
#include "ordo/coordination/v1/coordination.pb.h"
#include "ordo/core/v1/core.pb.h"
#include "ordo/policy/v1/policy.pb.h"
#include "ordo/storage/v1/storage.pb.h"

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
  static const auto* table = new std::vector<ResourceInfo>{
      {"Namespace",
       "",
       "v1",
       "namespaces",
       false,
       true,
       {"ns"},
       &core::v1::Namespace::default_instance()},
      {"Pod", "", "v1", "pods", true, true, {"po"}, &core::v1::Pod::default_instance()},
      {"Node", "", "v1", "nodes", false, true, {"no"}, &core::v1::Node::default_instance()},
      {"Service",
       "",
       "v1",
       "services",
       true,
       true,
       {"svc"},
       &core::v1::Service::default_instance()},
      {"Endpoints",
       "",
       "v1",
       "endpoints",
       true,
       false,
       {"ep"},
       &core::v1::Endpoints::default_instance()},
      {"PersistentVolume",
       "",
       "v1",
       "persistentvolumes",
       false,
       true,
       {"pv"},
       &core::v1::PersistentVolume::default_instance()},
      {"PersistentVolumeClaim",
       "",
       "v1",
       "persistentvolumeclaims",
       true,
       true,
       {"pvc"},
       &core::v1::PersistentVolumeClaim::default_instance()},
      {"Event", "", "v1", "events", true, false, {"ev"}, &core::v1::Event::default_instance()},
      {"StatefulSet",
       "apps",
       "v1",
       "statefulsets",
       true,
       true,
       {"sts"},
       &apps::v1::StatefulSet::default_instance()},
      {"ControllerRevision",
       "apps",
       "v1",
       "controllerrevisions",
       true,
       false,
       {},
       &apps::v1::ControllerRevision::default_instance()},
      {"StorageClass",
       "storage.k8s.io",
       "v1",
       "storageclasses",
       false,
       false,
       {"sc"},
       &storage::v1::StorageClass::default_instance()},
      {"PodDisruptionBudget",
       "policy",
       "v1",
       "poddisruptionbudgets",
       true,
       true,
       {"pdb"},
       &policy::v1::PodDisruptionBudget::default_instance()},
      {"Lease",
       "coordination.k8s.io",
       "v1",
       "leases",
       true,
       false,
       {},
       &coordination::v1::Lease::default_instance()},
  };
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
