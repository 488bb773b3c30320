// The snapshot controller's entry in the controller-manager's table.
#include "absl/strings/strip.h"
#include "common/api/well_known.h"
#include "services/controller-manager/snapshot/snapshot_controller.h"
#include "spdlog/spdlog.h"

namespace ordo::snapshot {
namespace {

using controller::ListerFor;

// A default VolumeSnapshotClass for each of ordo's storage classes' drivers
// (ordo.io/local-path, ordo.io/shared), created when missing, as the
// storage classes are: policy Delete, copies under --snapshot-root.
void EnsureSnapshotClasses(const std::shared_ptr<grpc::Channel>& channel, Clock& clock) {
  api::ResourceClient<v1::VolumeSnapshotClass> classes(channel, clock);
  for (const char* driver : {"ordo.io/local-path", "ordo.io/shared"}) {
    v1::VolumeSnapshotClass c;
    c.set_api_version("snapshot.storage.k8s.io/v1");
    c.set_kind("VolumeSnapshotClass");
    c.mutable_metadata()->set_name(std::string(absl::StripPrefix(driver, "ordo.io/")));
    (*c.mutable_metadata()->mutable_annotations())[api::kDefaultSnapshotClassAnnotation] = "true";
    c.set_driver(driver);
    c.set_deletion_policy("Delete");
    auto created = classes.Create(c);
    if (!created.ok() && !absl::IsAlreadyExists(created.status())) {
      spdlog::warn("volumesnapshotclass {}: {}", c.metadata().name(),
                   std::string(created.status().message()));
    }
  }
}

class Running final : public controller::RunningController {
 public:
  explicit Running(controller::ControllerContext& ctx)
      : client_(ctx.channel, ctx.clock),
        events_(ctx.events, ctx.clock, "snapshot-controller"),
        controller_(
            {ListerFor<VolumeSnapshot>(ctx), ListerFor<VolumeSnapshotContent>(ctx),
             ListerFor<snapshot::v1::VolumeSnapshotClass>(ctx),
             ListerFor<core::v1::PersistentVolumeClaim>(ctx),
             ListerFor<core::v1::PersistentVolume>(ctx), ListerFor<storage::v1::StorageClass>(ctx),
             ListerFor<core::v1::Pod>(ctx), ListerFor<core::v1::Node>(ctx)},
            client_, events_, ctx.clock, ctx.options.snapshot_root) {
    ctx.informers.For<VolumeSnapshot>().AddEventHandler(controller_.SnapshotHandler());
    ctx.informers.For<VolumeSnapshotContent>().AddEventHandler(controller_.ContentHandler());
    if (ctx.options.default_storage_classes) EnsureSnapshotClasses(ctx.channel, ctx.clock);
  }
  void Run(std::stop_token stop) override { controller::RunWorkers(controller_, 2, stop); }

 private:
  ApiSnapshotClient client_;
  events::ApiEventRecorder events_;
  SnapshotController controller_;
};

}  // namespace

controller::ControllerDescriptor SnapshotControllerDescriptor() {
  return controller::Describe<Running>("volumesnapshot");
}

}  // namespace ordo::snapshot
