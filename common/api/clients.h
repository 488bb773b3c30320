// The typed client of every kind: PodClient, StatefulSetClient, ... (see
// resource_client.h for deadlines and retries). Thread-safe.
#pragma once

#include "common/api/resource_client.h"
#include "ordo/apps/v1/services.grpc.pb.h"
#include "ordo/coordination/v1/services.grpc.pb.h"
#include "ordo/core/v1/services.grpc.pb.h"
#include "ordo/policy/v1/services.grpc.pb.h"
#include "ordo/storage/v1/services.grpc.pb.h"

namespace ordo::api {

using NamespaceClient =
    ResourceClient<core::v1::Namespaces, core::v1::Namespace, core::v1::NamespaceList>;
using PodClient = ResourceClient<core::v1::Pods, core::v1::Pod, core::v1::PodList>;
using NodeClient = ResourceClient<core::v1::Nodes, core::v1::Node, core::v1::NodeList>;
using ServiceClient = ResourceClient<core::v1::Services, core::v1::Service, core::v1::ServiceList>;
using EndpointsClient =
    ResourceClient<core::v1::EndpointsService, core::v1::Endpoints, core::v1::EndpointsList>;
using PersistentVolumeClient =
    ResourceClient<core::v1::PersistentVolumes, core::v1::PersistentVolume,
                   core::v1::PersistentVolumeList>;
using PersistentVolumeClaimClient =
    ResourceClient<core::v1::PersistentVolumeClaims, core::v1::PersistentVolumeClaim,
                   core::v1::PersistentVolumeClaimList>;
using EventClient = ResourceClient<core::v1::Events, core::v1::Event, core::v1::EventList>;
using StatefulSetClient =
    ResourceClient<apps::v1::StatefulSets, apps::v1::StatefulSet, apps::v1::StatefulSetList>;
using ControllerRevisionClient =
    ResourceClient<apps::v1::ControllerRevisions, apps::v1::ControllerRevision,
                   apps::v1::ControllerRevisionList>;
using StorageClassClient = ResourceClient<storage::v1::StorageClasses, storage::v1::StorageClass,
                                          storage::v1::StorageClassList>;
using PodDisruptionBudgetClient =
    ResourceClient<policy::v1::PodDisruptionBudgets, policy::v1::PodDisruptionBudget,
                   policy::v1::PodDisruptionBudgetList>;
using LeaseClient =
    ResourceClient<coordination::v1::Leases, coordination::v1::Lease, coordination::v1::LeaseList>;

}  // namespace ordo::api
