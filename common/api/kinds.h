// The one place a kind is declared. Each line of ORDO_FOR_EACH_KIND names a
// kind's proto package and message, its gRPC service, its API group, plural,
// scope, whether it has a status subresource, and kubectl's short names.
// Everything else follows from that line:
//   - KindTraits<T>: the service, list and watch-event types of T and its
//     ResourceInfo (so ResourceClient, GrpcListerWatcher and the informer
//     factory take just T);
//   - AllResources(): the table ordoctl, GenericClient and the api-server
//     read (resource_info.h);
//   - the api-server's gRPC services (typed_services.cc), which check at
//     compile time that the service has UpdateStatus exactly when the line
//     says the kind has a status subresource.
// The list and watch-event messages of kind K are named KList and KWatchEvent.
// Everything here is compile-time or immutable: safe from any thread.
#pragma once

#include <type_traits>

#include "common/api/resource_info.h"
#include "ordo/apps/v1/services.grpc.pb.h"
#include "ordo/coordination/v1/services.grpc.pb.h"
#include "ordo/core/v1/services.grpc.pb.h"
#include "ordo/policy/v1/services.grpc.pb.h"
#include "ordo/rbac/v1/services.grpc.pb.h"
#include "ordo/snapshot/v1/services.grpc.pb.h"
#include "ordo/storage/v1/services.grpc.pb.h"
#include "ordo/velero/v1/services.grpc.pb.h"

// X(package, Kind, Service, group, plural, namespaced, has_status, short names...)
// clang-format off
#define ORDO_FOR_EACH_KIND(X)                                                                    \
  X(core::v1, Namespace, Namespaces, "", "namespaces", false, true, "ns")                        \
  X(core::v1, Pod, Pods, "", "pods", true, true, "po")                                           \
  X(core::v1, Node, Nodes, "", "nodes", false, true, "no")                                       \
  X(core::v1, Service, Services, "", "services", true, true, "svc")                              \
  X(core::v1, Endpoints, EndpointsService, "", "endpoints", true, false, "ep")                   \
  X(core::v1, PersistentVolume, PersistentVolumes, "", "persistentvolumes", false, true, "pv")   \
  X(core::v1, PersistentVolumeClaim, PersistentVolumeClaims, "", "persistentvolumeclaims", true, \
    true, "pvc")                                                                                 \
  X(core::v1, Event, Events, "", "events", true, false, "ev")                                    \
  X(apps::v1, StatefulSet, StatefulSets, "apps", "statefulsets", true, true, "sts")              \
  X(apps::v1, ControllerRevision, ControllerRevisions, "apps", "controllerrevisions", true,      \
    false)                                                                                       \
  X(storage::v1, StorageClass, StorageClasses, "storage.k8s.io", "storageclasses", false, false, \
    "sc")                                                                                        \
  X(policy::v1, PodDisruptionBudget, PodDisruptionBudgets, "policy", "poddisruptionbudgets",     \
    true, true, "pdb")                                                                           \
  X(coordination::v1, Lease, Leases, "coordination.k8s.io", "leases", true, false)                \
  X(rbac::v1, Role, Roles, "rbac.authorization.k8s.io", "roles", true, false)                     \
  X(rbac::v1, ClusterRole, ClusterRoles, "rbac.authorization.k8s.io", "clusterroles", false,     \
    false)                                                                                       \
  X(rbac::v1, RoleBinding, RoleBindings, "rbac.authorization.k8s.io", "rolebindings", true,      \
    false)                                                                                       \
  X(rbac::v1, ClusterRoleBinding, ClusterRoleBindings, "rbac.authorization.k8s.io",             \
    "clusterrolebindings", false, false)                                                         \
  X(snapshot::v1, VolumeSnapshotClass, VolumeSnapshotClasses, "snapshot.storage.k8s.io",        \
    "volumesnapshotclasses", false, false, "vsclass", "vsclasses")                               \
  X(snapshot::v1, VolumeSnapshot, VolumeSnapshots, "snapshot.storage.k8s.io", "volumesnapshots", \
    true, true, "vs")                                                                            \
  X(snapshot::v1, VolumeSnapshotContent, VolumeSnapshotContents, "snapshot.storage.k8s.io",     \
    "volumesnapshotcontents", false, true, "vsc", "vscs")                                        \
  X(velero::v1, Backup, Backups, "velero.io", "backups", true, true)                             \
  X(velero::v1, Restore, Restores, "velero.io", "restores", true, true)                          \
  X(velero::v1, Schedule, Schedules, "velero.io", "schedules", true, true)                       \
  X(velero::v1, BackupStorageLocation, BackupStorageLocations, "velero.io",                     \
    "backupstoragelocations", true, true, "bsl")
// clang-format on

namespace ordo::api {

// Defined for exactly the kinds of ORDO_FOR_EACH_KIND.
template <typename T>
struct KindTraits;

#define ORDO_DEFINE_KIND_TRAITS(pkg, Kind, Svc, group_name, plural_name, is_namespaced, \
                                with_status, ...)                                       \
  template <>                                                                           \
  struct KindTraits<pkg::Kind> {                                                        \
    using Service = pkg::Svc;                                                           \
    using List = pkg::Kind##List;                                                       \
    using WatchEvent = pkg::Kind##WatchEvent;                                           \
    static constexpr const char* kKind = #Kind;                                         \
    static constexpr const char* kGroup = group_name;                                   \
    static constexpr const char* kPlural = plural_name;                                 \
    static constexpr bool kNamespaced = is_namespaced;                                  \
    static constexpr bool kHasStatus = with_status;                                     \
    static const ResourceInfo& Info() {                                                 \
      static const ResourceInfo& info = ResourceFor(kKind);                             \
      return info;                                                                      \
    }                                                                                   \
  };
ORDO_FOR_EACH_KIND(ORDO_DEFINE_KIND_TRAITS)
#undef ORDO_DEFINE_KIND_TRAITS

// True for the kinds of ORDO_FOR_EACH_KIND.
template <typename T>
concept Kind = requires {
  typename KindTraits<T>::Service;
};

// Calls fn.template operator()<T>() for every kind, in the order of the list:
//   ForEachKind([&]<typename T>() { ... });
template <typename Fn>
void ForEachKind(Fn&& fn) {
#define ORDO_VISIT_KIND(pkg, Kind, ...) fn.template operator()<pkg::Kind>();
  ORDO_FOR_EACH_KIND(ORDO_VISIT_KIND)
#undef ORDO_VISIT_KIND
}

}  // namespace ordo::api
