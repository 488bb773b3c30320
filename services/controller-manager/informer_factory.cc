#include "services/controller-manager/informer_factory.h"

#include "common/clock/clock.h"
#include "common/informer/grpc_lister_watcher.h"
#include "ordo/apps/v1/services.grpc.pb.h"
#include "ordo/coordination/v1/services.grpc.pb.h"
#include "ordo/core/v1/services.grpc.pb.h"
#include "ordo/policy/v1/services.grpc.pb.h"
#include "ordo/storage/v1/services.grpc.pb.h"

namespace ordo::controller {

template <typename T, typename Make>
Informer<T>& InformerFactory::GetOrCreate(std::unique_ptr<Informer<T>>& slot, Make make,
                                          meta::v1::ListOptions options) {
  if (slot == nullptr) {
    slot = std::make_unique<Informer<T>>(make(), clock_, std::move(options));
    Informer<T>* informer = slot.get();
    synced_.push_back([informer] { return informer->HasSynced(); });
    runs_.push_back([informer](std::stop_token stop) { informer->Run(stop); });
  }
  return *slot;
}

Informer<core::v1::Pod>& InformerFactory::Pods() {
  return GetOrCreate(pods_, [this] {
    return std::make_unique<informer::GrpcListerWatcher<
        core::v1::Pods, core::v1::Pod, core::v1::PodList, core::v1::PodWatchEvent>>(channel_);
  });
}

Informer<core::v1::PersistentVolumeClaim>& InformerFactory::PersistentVolumeClaims() {
  return GetOrCreate(claims_, [this] {
    return std::make_unique<informer::GrpcListerWatcher<
        core::v1::PersistentVolumeClaims, core::v1::PersistentVolumeClaim,
        core::v1::PersistentVolumeClaimList, core::v1::PersistentVolumeClaimWatchEvent>>(channel_);
  });
}

Informer<core::v1::PersistentVolume>& InformerFactory::PersistentVolumes() {
  return GetOrCreate(volumes_, [this] {
    return std::make_unique<informer::GrpcListerWatcher<
        core::v1::PersistentVolumes, core::v1::PersistentVolume, core::v1::PersistentVolumeList,
        core::v1::PersistentVolumeWatchEvent>>(channel_);
  });
}

Informer<storage::v1::StorageClass>& InformerFactory::StorageClasses() {
  return GetOrCreate(classes_, [this] {
    return std::make_unique<informer::GrpcListerWatcher<
        storage::v1::StorageClasses, storage::v1::StorageClass, storage::v1::StorageClassList,
        storage::v1::StorageClassWatchEvent>>(channel_);
  });
}

Informer<core::v1::Service>& InformerFactory::Services() {
  return GetOrCreate(services_, [this] {
    return std::make_unique<informer::GrpcListerWatcher<
        core::v1::Services, core::v1::Service, core::v1::ServiceList, core::v1::ServiceWatchEvent>>(
        channel_);
  });
}

Informer<core::v1::Endpoints>& InformerFactory::Endpoints() {
  return GetOrCreate(endpoints_, [this] {
    return std::make_unique<
        informer::GrpcListerWatcher<core::v1::EndpointsService, core::v1::Endpoints,
                                    core::v1::EndpointsList, core::v1::EndpointsWatchEvent>>(
        channel_);
  });
}

Informer<core::v1::Node>& InformerFactory::Nodes() {
  return GetOrCreate(nodes_, [this] {
    return std::make_unique<informer::GrpcListerWatcher<
        core::v1::Nodes, core::v1::Node, core::v1::NodeList, core::v1::NodeWatchEvent>>(channel_);
  });
}

Informer<coordination::v1::Lease>& InformerFactory::NodeLeases() {
  meta::v1::ListOptions in_node_lease;
  in_node_lease.set_namespace_("kube-node-lease");
  return GetOrCreate(
      leases_,
      [this] {
        return std::make_unique<informer::GrpcListerWatcher<
            coordination::v1::Leases, coordination::v1::Lease, coordination::v1::LeaseList,
            coordination::v1::LeaseWatchEvent>>(channel_);
      },
      in_node_lease);
}

Informer<policy::v1::PodDisruptionBudget>& InformerFactory::PodDisruptionBudgets() {
  return GetOrCreate(pdbs_, [this] {
    return std::make_unique<informer::GrpcListerWatcher<
        policy::v1::PodDisruptionBudgets, policy::v1::PodDisruptionBudget,
        policy::v1::PodDisruptionBudgetList, policy::v1::PodDisruptionBudgetWatchEvent>>(channel_);
  });
}

Informer<apps::v1::StatefulSet>& InformerFactory::StatefulSets() {
  return GetOrCreate(sets_, [this] {
    return std::make_unique<
        informer::GrpcListerWatcher<apps::v1::StatefulSets, apps::v1::StatefulSet,
                                    apps::v1::StatefulSetList, apps::v1::StatefulSetWatchEvent>>(
        channel_);
  });
}

Informer<apps::v1::ControllerRevision>& InformerFactory::ControllerRevisions() {
  return GetOrCreate(revisions_, [this] {
    return std::make_unique<informer::GrpcListerWatcher<
        apps::v1::ControllerRevisions, apps::v1::ControllerRevision,
        apps::v1::ControllerRevisionList, apps::v1::ControllerRevisionWatchEvent>>(channel_);
  });
}

void InformerFactory::Start() {
  for (auto& run : runs_) {
    threads_.emplace_back([run, token = stop_.get_token()] { run(token); });
  }
  runs_.clear();
}

bool InformerFactory::WaitForCacheSync(std::stop_token stop) {
  for (;;) {
    bool all = true;
    for (const auto& synced : synced_) all = all && synced();
    if (all) return true;
    if (!SleepUntil(clock_, stop, clock_.Now() + absl::Milliseconds(20))) {
      return false;
    }
  }
}

void InformerFactory::Stop() {
  stop_.request_stop();
  threads_.clear();
}

}  // namespace ordo::controller
