// The volume controller's entry in the controller-manager's table.
#include "services/controller-manager/storage/volume_controller.h"
#include "spdlog/spdlog.h"

namespace ordo::storage {
namespace {

using controller::ListerFor;

// ordo's two storage classes (issue 6), created when missing, as an addon
// manager would: local-path (the default; a directory on the node the pod is
// scheduled to) and shared (a directory every node reaches).
void EnsureStorageClasses(const std::shared_ptr<grpc::Channel>& channel, Clock& clock) {
  api::ResourceClient<v1::StorageClass> classes(channel, clock);
  auto make = [](const std::string& name, const std::string& provisioner, const std::string& mode,
                 bool is_default) {
    v1::StorageClass sc;
    sc.set_api_version("storage.k8s.io/v1");
    sc.set_kind("StorageClass");
    sc.mutable_metadata()->set_name(name);
    if (is_default)
      (*sc.mutable_metadata()->mutable_annotations())[kDefaultClassAnnotation] = "true";
    sc.set_provisioner(provisioner);
    sc.set_reclaim_policy("Delete");
    sc.set_volume_binding_mode(mode);
    return sc;
  };
  for (const auto& sc : {make("local-path", kLocalPathProvisioner, "WaitForFirstConsumer", true),
                         make("shared", kSharedProvisioner, "Immediate", false)}) {
    auto created = classes.Create(sc);
    if (!created.ok() && !absl::IsAlreadyExists(created.status())) {
      spdlog::warn("storageclass {}: {}", sc.metadata().name(),
                   std::string(created.status().message()));
    }
  }
}

class Running final : public controller::RunningController {
 public:
  explicit Running(controller::ControllerContext& ctx)
      : workers_(ctx.options.concurrent_persistentvolume_syncs),
        writer_(ctx.channel, ctx.clock),
        provisioner_(ctx.options.storage_root),
        events_(ctx.events, ctx.clock, "persistentvolume-controller"),
        controller_({ListerFor<core::v1::PersistentVolumeClaim>(ctx),
                     ListerFor<core::v1::PersistentVolume>(ctx), ListerFor<v1::StorageClass>(ctx),
                     ListerFor<core::v1::Pod>(ctx), ListerFor<snapshot::v1::VolumeSnapshot>(ctx),
                     ListerFor<snapshot::v1::VolumeSnapshotContent>(ctx)},
                    writer_, provisioner_, events_, ctx.clock) {
    ctx.informers.For<core::v1::PersistentVolumeClaim>().AddEventHandler(
        controller_.ClaimHandler());
    ctx.informers.For<core::v1::PersistentVolume>().AddEventHandler(controller_.VolumeHandler());
    ctx.informers.For<v1::StorageClass>().AddEventHandler(controller_.ClassHandler());
    ctx.informers.For<core::v1::Pod>().AddEventHandler(controller_.PodHandler());
    if (ctx.options.default_storage_classes) EnsureStorageClasses(ctx.channel, ctx.clock);
  }
  void Run(std::stop_token stop) override { controller::RunWorkers(controller_, workers_, stop); }

 private:
  const int workers_;
  ApiStorageWriter writer_;
  DirectoryProvisioner provisioner_;
  events::ApiEventRecorder events_;
  VolumeController controller_;
};

}  // namespace

controller::ControllerDescriptor VolumeControllerDescriptor() {
  return controller::Describe<Running>("persistentvolume-binder");
}

}  // namespace ordo::storage
