#include "services/api-server/resource_info.h"

#include <cstdlib>

#include "absl/strings/str_cat.h"

namespace ordo::apiserver {

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
      {"Namespace", "", "v1", "namespaces", false, true, {"ns"}},
      {"Pod", "", "v1", "pods", true, true, {"po"}},
      {"Node", "", "v1", "nodes", false, true, {"no"}},
      {"Service", "", "v1", "services", true, true, {"svc"}},
      {"Endpoints", "", "v1", "endpoints", true, false, {"ep"}},
      {"PersistentVolume", "", "v1", "persistentvolumes", false, true, {"pv"}},
      {"PersistentVolumeClaim", "", "v1", "persistentvolumeclaims", true, true, {"pvc"}},
      {"Event", "", "v1", "events", true, false, {"ev"}},
      {"StatefulSet", "apps", "v1", "statefulsets", true, true, {"sts"}},
      {"ControllerRevision", "apps", "v1", "controllerrevisions", true, false, {}},
      {"StorageClass", "storage.k8s.io", "v1", "storageclasses", false, false, {"sc"}},
      {"PodDisruptionBudget", "policy", "v1", "poddisruptionbudgets", true, true, {"pdb"}},
      {"Lease", "coordination.k8s.io", "v1", "leases", true, false, {}},
  };
  return *table;
}

const ResourceInfo& ResourceFor(absl::string_view kind) {
  for (const auto& info : AllResources()) {
    if (info.kind == kind) return info;
  }
  std::abort();
}

}  // namespace ordo::apiserver
