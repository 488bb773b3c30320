// The names Velero gives its objects' labels and namespace, which ordo's
// backup controllers and ordoctl share, so a Velero user's selectors work.
// Constants only; safe from any thread.
#pragma once

namespace ordo::api {

// Where Backups, Restores, Schedules and BackupStorageLocations live.
inline constexpr char kVeleroNamespace[] = "velero";
inline constexpr char kBackupNameLabel[] = "velero.io/backup-name";
inline constexpr char kRestoreNameLabel[] = "velero.io/restore-name";
inline constexpr char kScheduleNameLabel[] = "velero.io/schedule-name";
inline constexpr char kStorageLocationLabel[] = "velero.io/storage-location";
// On a Backup: its data goes when it does (removed by the backup controller).
inline constexpr char kBackupDataFinalizer[] = "ordo.io/backup-data";
// On a Backup the location sync made from a backup found in storage: the
// backup controller never runs it, only keeps and expires it.
inline constexpr char kBackupSyncedAnnotation[] = "ordo.io/synced-from-location";
// On the VolumeSnapshots a backup takes: "<namespace>/<backup>".
inline constexpr char kBackupOfSnapshotAnnotation[] = "ordo.io/backup";

}  // namespace ordo::api
