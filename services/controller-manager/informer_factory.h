// InformerFactory gives every controller of the process the same informer of
// a kind (one list and one watch per kind, one cache), as client-go's shared
// informer factory does. Informers are created on first ask, before Start;
// Start runs each one's reflector on its own thread until the stop token.
// Thread-safety: ask for informers and add handlers before Start; after Start
// everything is read-only except through the informers themselves.
#pragma once

#include <grpcpp/grpcpp.h>

#include <functional>
#include <memory>
#include <stop_token>
#include <thread>
#include <vector>

#include "common/clock/clock.h"
#include "common/informer/shared_informer.h"
#include "ordo/apps/v1/apps.pb.h"
#include "ordo/coordination/v1/coordination.pb.h"
#include "ordo/core/v1/core.pb.h"
#include "ordo/policy/v1/policy.pb.h"
#include "ordo/storage/v1/storage.pb.h"

namespace ordo::controller {

template <typename T>
using Informer = informer::SharedInformer<T>;

class InformerFactory {
 public:
  InformerFactory(std::shared_ptr<grpc::Channel> channel, Clock& clock)
      : channel_(std::move(channel)), clock_(clock) {}
  ~InformerFactory() { Stop(); }

  Informer<core::v1::Pod>& Pods();
  Informer<core::v1::PersistentVolumeClaim>& PersistentVolumeClaims();
  Informer<core::v1::PersistentVolume>& PersistentVolumes();
  Informer<storage::v1::StorageClass>& StorageClasses();
  Informer<core::v1::Service>& Services();
  Informer<core::v1::Endpoints>& Endpoints();
  Informer<core::v1::Node>& Nodes();
  Informer<coordination::v1::Lease>& NodeLeases();  // kube-node-lease only
  Informer<policy::v1::PodDisruptionBudget>& PodDisruptionBudgets();
  Informer<apps::v1::StatefulSet>& StatefulSets();
  Informer<apps::v1::ControllerRevision>& ControllerRevisions();

  // Starts every informer created so far.
  void Start();
  // Waits until every started informer has listed once; false if `stop` came first.
  bool WaitForCacheSync(std::stop_token stop);
  void Stop();

 private:
  template <typename T, typename Make>
  Informer<T>& GetOrCreate(std::unique_ptr<Informer<T>>& slot, Make make,
                           meta::v1::ListOptions options = {});

  std::shared_ptr<grpc::Channel> channel_;
  Clock& clock_;
  std::unique_ptr<Informer<core::v1::Pod>> pods_;
  std::unique_ptr<Informer<core::v1::PersistentVolumeClaim>> claims_;
  std::unique_ptr<Informer<core::v1::PersistentVolume>> volumes_;
  std::unique_ptr<Informer<storage::v1::StorageClass>> classes_;
  std::unique_ptr<Informer<core::v1::Service>> services_;
  std::unique_ptr<Informer<core::v1::Endpoints>> endpoints_;
  std::unique_ptr<Informer<core::v1::Node>> nodes_;
  std::unique_ptr<Informer<coordination::v1::Lease>> leases_;
  std::unique_ptr<Informer<policy::v1::PodDisruptionBudget>> pdbs_;
  std::unique_ptr<Informer<apps::v1::StatefulSet>> sets_;
  std::unique_ptr<Informer<apps::v1::ControllerRevision>> revisions_;
  std::vector<std::function<bool()>> synced_;
  std::vector<std::function<void(std::stop_token)>> runs_;
  std::stop_source stop_;
  std::vector<std::jthread> threads_;
};

}  // namespace ordo::controller
