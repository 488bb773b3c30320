// The backup controllers' entry in the controller-manager's table: one
// descriptor, "backup", runs the four of them (Velero's server, in one).
#include "common/api/velero.h"
#include "services/controller-manager/backup/backup_controller.h"
#include "services/controller-manager/backup/location_controller.h"
#include "services/controller-manager/backup/restore_controller.h"
#include "services/controller-manager/backup/schedule_controller.h"
#include "services/controller-manager/controller_descriptor.h"
#include "spdlog/spdlog.h"

namespace ordo::backup {
namespace {

using controller::ListerFor;

// --backup-location DIR: the location "default" in namespace velero (and
// that namespace), made when missing, as `velero install` makes its first.
void EnsureDefaultLocation(const std::shared_ptr<grpc::Channel>& channel, Clock& clock,
                           const std::string& dir) {
  core::v1::Namespace ns;
  ns.set_api_version("v1");
  ns.set_kind("Namespace");
  ns.mutable_metadata()->set_name(api::kVeleroNamespace);
  auto made = api::ResourceClient<core::v1::Namespace>(channel, clock).Create(ns);
  if (!made.ok() && !absl::IsAlreadyExists(made.status())) {
    spdlog::warn("namespace velero: {}", std::string(made.status().message()));
  }
  velero::v1::BackupStorageLocation location;
  location.set_api_version("velero.io/v1");
  location.set_kind("BackupStorageLocation");
  location.mutable_metadata()->set_namespace_(api::kVeleroNamespace);
  location.mutable_metadata()->set_name("default");
  location.mutable_spec()->set_provider("ordo.io/directory");
  location.mutable_spec()->set_default_(true);
  (*location.mutable_spec()->mutable_config())["path"] = dir;
  auto created =
      api::ResourceClient<velero::v1::BackupStorageLocation>(channel, clock).Create(location);
  if (!created.ok() && !absl::IsAlreadyExists(created.status())) {
    spdlog::warn("backupstoragelocation default: {}", std::string(created.status().message()));
  }
}

class Running final : public controller::RunningController {
 public:
  explicit Running(controller::ControllerContext& ctx)
      : client_(ctx.channel, ctx.clock),
        backups_(
            {ListerFor<velero::v1::Backup>(ctx), ListerFor<velero::v1::BackupStorageLocation>(ctx),
             ListerFor<snapshot::v1::VolumeSnapshot>(ctx),
             ListerFor<snapshot::v1::VolumeSnapshotContent>(ctx)},
            client_, ctx.clock),
        schedules_(ListerFor<velero::v1::Schedule>(ctx), client_, ctx.clock),
        restores_({ListerFor<velero::v1::Restore>(ctx), ListerFor<velero::v1::Backup>(ctx),
                   ListerFor<velero::v1::BackupStorageLocation>(ctx)},
                  client_, ctx.clock),
        locations_(ListerFor<velero::v1::BackupStorageLocation>(ctx),
                   ListerFor<velero::v1::Backup>(ctx), client_, ctx.clock) {
    ctx.informers.For<velero::v1::Backup>().AddEventHandler(backups_.BackupHandler());
    ctx.informers.For<snapshot::v1::VolumeSnapshot>().AddEventHandler(backups_.SnapshotHandler());
    ctx.informers.For<velero::v1::Schedule>().AddEventHandler(schedules_.ScheduleHandler());
    ctx.informers.For<velero::v1::Restore>().AddEventHandler(restores_.RestoreHandler());
    ctx.informers.For<velero::v1::BackupStorageLocation>().AddEventHandler(
        locations_.LocationHandler());
    ctx.informers.For<snapshot::v1::VolumeSnapshotContent>();
    if (!ctx.options.backup_location.empty()) {
      EnsureDefaultLocation(ctx.channel, ctx.clock, ctx.options.backup_location);
    }
  }
  void Run(std::stop_token stop) override {
    std::jthread schedules([&](std::stop_token) { controller::RunWorkers(schedules_, 1, stop); });
    std::jthread restores([&](std::stop_token) { controller::RunWorkers(restores_, 1, stop); });
    std::jthread locations([&](std::stop_token) { controller::RunWorkers(locations_, 1, stop); });
    controller::RunWorkers(backups_, 2, stop);
  }

 private:
  ApiBackupClient client_;
  BackupController backups_;
  ScheduleController schedules_;
  RestoreController restores_;
  LocationController locations_;
};

}  // namespace

controller::ControllerDescriptor BackupControllersDescriptor() {
  return controller::Describe<Running>("backup");
}

}  // namespace ordo::backup
