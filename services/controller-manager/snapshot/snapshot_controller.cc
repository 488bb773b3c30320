#include "services/controller-manager/snapshot/snapshot_controller.h"

#include <algorithm>

#include "absl/algorithm/container.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/api/deterministic.h"
#include "common/api/well_known.h"
#include "common/clock/timestamp.h"

namespace ordo::snapshot {
namespace {

constexpr char kSnapshotPrefix[] = "snapshot/";
constexpr char kContentPrefix[] = "content/";
constexpr char kApiVersion[] = "snapshot.storage.k8s.io/v1";

bool HasFinalizer(const meta::v1::ObjectMeta& meta) {
  return absl::c_linear_search(meta.finalizers(), std::string(kBoundProtectionFinalizer));
}

// Bytes as Kubernetes' BinarySI quantity writes them: the largest binary
// suffix that divides exactly ("3Mi"), else the plain number.
std::string BytesQuantity(int64_t bytes) {
  static const char* kSuffixes[] = {"Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
  std::string suffix;
  for (const char* s : kSuffixes) {
    if (bytes == 0 || bytes % 1024 != 0) break;
    bytes /= 1024;
    suffix = s;
  }
  return absl::StrCat(bytes, suffix);
}

// The node a local volume's affinity pins it to, or "".
std::string LocalNodeOf(const core::v1::PersistentVolume& volume) {
  for (const auto& term : volume.spec().node_affinity().required().node_selector_terms()) {
    for (const auto& req : term.match_expressions()) {
      if (req.key() == "kubernetes.io/hostname" && req.operator_() == "In" &&
          req.values_size() == 1) {
        return req.values(0);
      }
    }
  }
  return "";
}

}  // namespace

informer::EventHandler<VolumeSnapshot> SnapshotController::SnapshotHandler() {
  auto enqueue = [this](const informer::ObjectPtr<VolumeSnapshot>& vs) {
    queue().Add(absl::StrCat(kSnapshotPrefix, informer::KeyOf(vs->metadata())));
  };
  return {enqueue, [enqueue](const auto&, const auto& vs) { enqueue(vs); }, enqueue};
}

informer::EventHandler<VolumeSnapshotContent> SnapshotController::ContentHandler() {
  auto enqueue = [this](const informer::ObjectPtr<VolumeSnapshotContent>& c) {
    queue().Add(absl::StrCat(kContentPrefix, c->metadata().name()));
    const auto& ref = c->spec().volume_snapshot_ref();
    if (!ref.name().empty()) {
      queue().Add(absl::StrCat(kSnapshotPrefix, ref.namespace_(), "/", ref.name()));
    }
  };
  return {enqueue, [enqueue](const auto&, const auto& c) { enqueue(c); }, enqueue};
}

absl::Status SnapshotController::Sync(const std::string& key) {
  absl::string_view rest = key;
  if (absl::ConsumePrefix(&rest, kContentPrefix)) return SyncContent(std::string(rest));
  if (!absl::ConsumePrefix(&rest, kSnapshotPrefix)) return absl::OkStatus();
  auto [ns, name] = informer::SplitKey(std::string(rest));
  return SyncSnapshot(ns, name);
}

absl::Status SnapshotController::SyncSnapshot(const std::string& ns, const std::string& name) {
  auto vs = listers_.snapshots.Get(ns, name);
  if (vs == nullptr) return absl::OkStatus();
  if (vs->metadata().has_deletion_timestamp()) return DeleteSnapshot(*vs);
  if (!HasFinalizer(vs->metadata())) {
    VolumeSnapshot updated = *vs;
    updated.mutable_metadata()->add_finalizers(kBoundProtectionFinalizer);
    return client_.UpdateSnapshot(updated).status();  // its event brings us back
  }
  const auto& source = vs->spec().source();
  if (source.has_volume_snapshot_content_name()) {
    const std::string& wanted = source.volume_snapshot_content_name();
    auto content = listers_.contents.Get("", wanted);
    if (content == nullptr) {
      return MirrorStatus(*vs, nullptr,
                          absl::StrCat("VolumeSnapshotContent ", wanted, " not found"));
    }
    const auto& ref = content->spec().volume_snapshot_ref();
    if (ref.name() != name || ref.namespace_() != ns) {
      return MirrorStatus(*vs, nullptr,
                          absl::StrCat("VolumeSnapshotContent ", wanted,
                                       " is not bound to this snapshot: its volumeSnapshotRef is ",
                                       ref.namespace_(), "/", ref.name()));
    }
    return MirrorStatus(*vs, content.get(), "");
  }
  std::string content_name = absl::StrCat("snapcontent-", vs->metadata().uid());
  if (auto content = listers_.contents.Get("", content_name); content != nullptr) {
    return MirrorStatus(*vs, content.get(), "");
  }
  auto want = ContentFor(*vs);
  if (!want.ok()) {
    // Said on the snapshot, and retried with back-off (a claim binds later).
    absl::Status said = MirrorStatus(*vs, nullptr, std::string(want.status().message()));
    return said.ok() ? want.status() : said;
  }
  auto created = client_.CreateContent(*want);
  if (!created.ok() && !absl::IsAlreadyExists(created.status())) return created.status();
  events_.Record(events::ReferenceTo(*vs, kApiVersion, "VolumeSnapshot"), events::kEventNormal,
                 "CreatingSnapshot",
                 absl::StrCat("Waiting for a snapshot ", ns, "/", name, " to be taken by node ",
                              want->metadata().annotations().at(api::kSnapshotNodeAnnotation)));
  return MirrorStatus(*vs, created.ok() ? &*created : &*want, "");
}

absl::StatusOr<VolumeSnapshotContent> SnapshotController::ContentFor(const VolumeSnapshot& vs) {
  const std::string& ns = vs.metadata().namespace_();
  const std::string& claim_name = vs.spec().source().persistent_volume_claim_name();
  auto claim = listers_.claims.Get(ns, claim_name);
  if (claim == nullptr) {
    return absl::UnavailableError(
        absl::StrCat("persistentvolumeclaim \"", claim_name, "\" not found"));
  }
  if (claim->status().phase() != "Bound" || claim->spec().volume_name().empty()) {
    return absl::UnavailableError(
        absl::StrCat("persistentvolumeclaim \"", claim_name, "\" is not bound yet"));
  }
  auto volume = listers_.volumes.Get("", claim->spec().volume_name());
  if (volume == nullptr) {
    return absl::UnavailableError(
        absl::StrCat("persistentvolume \"", claim->spec().volume_name(), "\" not found"));
  }
  std::string driver;
  if (auto sc = listers_.storage_classes.Get("", volume->spec().storage_class_name())) {
    driver = sc->provisioner();
  }
  if (driver.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "persistentvolume \"", volume->metadata().name(), "\" has no provisioner to snapshot it"));
  }
  std::shared_ptr<const snapshot::v1::VolumeSnapshotClass> klass;
  if (vs.spec().has_volume_snapshot_class_name()) {
    const std::string& class_name = vs.spec().volume_snapshot_class_name();
    klass = listers_.classes.Get("", class_name);
    if (klass == nullptr) {
      return absl::UnavailableError(
          absl::StrCat("volumesnapshotclass \"", class_name, "\" not found"));
    }
    if (klass->driver() != driver) {
      return absl::FailedPreconditionError(absl::StrCat("volumesnapshotclass \"", class_name,
                                                        "\" is for driver ", klass->driver(),
                                                        ", not the claim's ", driver));
    }
  } else {
    for (const auto& c : listers_.classes.List()) {
      auto it = c->metadata().annotations().find(api::kDefaultSnapshotClassAnnotation);
      if (c->driver() == driver && it != c->metadata().annotations().end() &&
          it->second == "true") {
        klass = c;
      }
    }
    if (klass == nullptr) {
      return absl::UnavailableError(
          absl::StrCat("no default VolumeSnapshotClass for driver ", driver));
    }
  }
  auto node = NodeFor(*volume, *claim);
  if (!node.ok()) return node.status();
  std::string name = absl::StrCat("snapcontent-", vs.metadata().uid());
  auto location = klass->parameters().find("location");
  std::string root = location != klass->parameters().end() ? location->second : snapshot_root_;
  VolumeSnapshotContent content;
  content.set_api_version(kApiVersion);
  content.set_kind("VolumeSnapshotContent");
  content.mutable_metadata()->set_name(name);
  auto& annotations = *content.mutable_metadata()->mutable_annotations();
  annotations[api::kSnapshotNodeAnnotation] = *node;
  annotations[api::kSnapshotDirAnnotation] = absl::StrCat(root, "/", name);
  auto& spec = *content.mutable_spec();
  auto& ref = *spec.mutable_volume_snapshot_ref();
  ref.set_kind("VolumeSnapshot");
  ref.set_api_version(kApiVersion);
  ref.set_namespace_(ns);
  ref.set_name(vs.metadata().name());
  ref.set_uid(vs.metadata().uid());
  spec.set_deletion_policy(klass->deletion_policy());
  spec.set_driver(driver);
  spec.set_volume_snapshot_class_name(klass->metadata().name());
  spec.mutable_source()->set_volume_handle(volume->metadata().name());
  spec.set_source_volume_mode("Filesystem");
  return content;
}

absl::StatusOr<std::string> SnapshotController::NodeFor(
    const core::v1::PersistentVolume& volume, const core::v1::PersistentVolumeClaim& claim) {
  if (std::string node = LocalNodeOf(volume); !node.empty()) return node;
  for (const auto& pod : listers_.pods.List(claim.metadata().namespace_(), {})) {
    if (!pod->spec().node_name().empty() && pod->status().phase() == "Running" &&
        api::PodUsesClaim(*pod, claim.metadata().name())) {
      return pod->spec().node_name();
    }
  }
  std::vector<std::string> ready;
  for (const auto& node : listers_.nodes.List()) {
    if (api::NodeReadyStatus(*node) == "True") ready.push_back(node->metadata().name());
  }
  if (ready.empty()) return absl::UnavailableError("no Ready node to take the snapshot");
  return *std::min_element(ready.begin(), ready.end());
}

absl::Status SnapshotController::MirrorStatus(const VolumeSnapshot& vs,
                                              const VolumeSnapshotContent* content,
                                              const std::string& error) {
  VolumeSnapshot updated = vs;
  auto& status = *updated.mutable_status();
  if (content != nullptr) {
    status.set_bound_volume_snapshot_content_name(content->metadata().name());
    const auto& cs = content->status();
    status.set_ready_to_use(cs.has_ready_to_use() && cs.ready_to_use());
    if (cs.has_creation_time()) {
      SetTimestamp(status.mutable_creation_time(), absl::FromUnixNanos(cs.creation_time()));
    }
    if (cs.has_restore_size()) status.set_restore_size(BytesQuantity(cs.restore_size()));
    if (cs.has_error()) {
      *status.mutable_error() = cs.error();
    } else if (error.empty()) {
      status.clear_error();
    }
  } else {
    status.set_ready_to_use(false);
  }
  if (!error.empty() && status.error().message() != error) {
    status.mutable_error()->set_message(error);
    SetTimestamp(status.mutable_error()->mutable_time(), clock_.Now());
  }
  if (api::DeterministicBytes(updated.status()) == api::DeterministicBytes(vs.status())) {
    return absl::OkStatus();
  }
  return client_.UpdateSnapshotStatus(updated).status();
}

absl::Status SnapshotController::DeleteSnapshot(const VolumeSnapshot& vs) {
  if (!HasFinalizer(vs.metadata())) return absl::OkStatus();
  std::string bound = vs.status().bound_volume_snapshot_content_name();
  if (bound.empty() && !vs.spec().source().has_volume_snapshot_content_name()) {
    bound = absl::StrCat("snapcontent-", vs.metadata().uid());
  }
  if (auto content = listers_.contents.Get("", bound); content != nullptr) {
    const auto& ref = content->spec().volume_snapshot_ref();
    bool ours = ref.uid().empty() || ref.uid() == vs.metadata().uid();
    if (ours && content->spec().deletion_policy() == "Delete") {
      if (absl::Status s = DeleteContent(*content); !s.ok()) return s;
    }
  }
  VolumeSnapshot updated = vs;
  auto* finalizers = updated.mutable_metadata()->mutable_finalizers();
  finalizers->erase(
      std::remove(finalizers->begin(), finalizers->end(), std::string(kBoundProtectionFinalizer)),
      finalizers->end());
  return client_.UpdateSnapshot(updated).status();
}

absl::Status SnapshotController::SyncContent(const std::string& name) {
  auto content = listers_.contents.Get("", name);
  if (content == nullptr) return absl::OkStatus();
  const auto& source = content->spec().source();
  if (source.has_snapshot_handle() && !content->status().ready_to_use() &&
      !content->status().has_error()) {
    return ImportContent(*content);
  }
  if (content->spec().deletion_policy() != "Delete") return absl::OkStatus();
  const auto& ref = content->spec().volume_snapshot_ref();
  if (ref.uid().empty()) return absl::OkStatus();  // not bound yet
  auto vs = listers_.snapshots.Get(ref.namespace_(), ref.name());
  if (vs != nullptr && vs->metadata().uid() == ref.uid()) return absl::OkStatus();
  return DeleteContent(*content);  // its snapshot is gone
}

absl::Status SnapshotController::ImportContent(const VolumeSnapshotContent& content) {
  const std::string& handle = content.spec().source().snapshot_handle();
  auto size = client_.DataSize(handle);
  VolumeSnapshotContent updated = content;
  auto& status = *updated.mutable_status();
  status.set_snapshot_handle(handle);
  if (size.ok()) {
    status.set_ready_to_use(true);
    status.set_restore_size(*size);
    status.set_creation_time(absl::ToUnixNanos(clock_.Now()));
  } else {
    status.set_ready_to_use(false);
    status.mutable_error()->set_message(
        absl::StrCat("snapshotHandle ", handle, ": ", size.status().message()));
    SetTimestamp(status.mutable_error()->mutable_time(), clock_.Now());
  }
  return client_.UpdateContentStatus(updated).status();
}

absl::Status SnapshotController::DeleteContent(const VolumeSnapshotContent& content) {
  // Only a directory this controller named (snapcontent-<uid> with the dir
  // annotation) is removed: a content made by hand may point anywhere.
  auto dir = content.metadata().annotations().find(api::kSnapshotDirAnnotation);
  if (dir != content.metadata().annotations().end() &&
      absl::StartsWith(content.metadata().name(), "snapcontent-") &&
      absl::EndsWith(dir->second, "/" + content.metadata().name())) {
    if (absl::Status s = client_.RemoveData(dir->second); !s.ok()) return s;
  }
  return client_.DeleteContent(content.metadata().name(), content.metadata().uid());
}

}  // namespace ordo::snapshot
