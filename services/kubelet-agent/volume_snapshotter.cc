#include "services/kubelet-agent/volume_snapshotter.h"

#include <signal.h>

#include <filesystem>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/str_cat.h"
#include "common/api/well_known.h"
#include "common/clock/timestamp.h"
#include "common/fs/copy_tree.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "spdlog/spdlog.h"

namespace ordo::kubelet {
namespace {

using snapshot::v1::VolumeSnapshotContent;

std::string Annotation(const core::v1::Pod& pod, const std::string& key,
                       const std::string& fallback = "") {
  auto it = pod.metadata().annotations().find(key);
  return it == pod.metadata().annotations().end() ? fallback : it->second;
}

// A hook's command: a JSON array of arguments, or one plain command.
std::vector<std::string> HookCommand(const std::string& text) {
  google::protobuf::ListValue list;
  if (!text.empty() && text.front() == '[' &&
      google::protobuf::util::JsonStringToMessage(text, &list).ok()) {
    std::vector<std::string> argv;
    for (const auto& v : list.values()) argv.push_back(v.string_value());
    return argv;
  }
  return {text};
}

}  // namespace

absl::Status GrpcSnapshotContentApi::Report(const VolumeSnapshotContent& content) {
  // The status first: once it says ready (or failed), no watcher of this
  // content takes it again, whatever the annotations' write sets off.
  auto updated = contents_.UpdateStatus(content);
  if (!updated.ok()) return updated.status();
  *updated->mutable_metadata()->mutable_annotations() = content.metadata().annotations();
  return contents_.Update(*updated).status();
}

bool VolumeSnapshotter::IsMine(const VolumeSnapshotContent& content) const {
  const auto& annotations = content.metadata().annotations();
  auto node = annotations.find(api::kSnapshotNodeAnnotation);
  return node != annotations.end() && node->second == node_ &&
         annotations.contains(api::kSnapshotDirAnnotation) &&
         content.spec().source().has_volume_handle() && !content.status().ready_to_use() &&
         !content.status().has_error() && !content.metadata().has_deletion_timestamp();
}

absl::Status VolumeSnapshotter::RunHook(const core::v1::Pod& pod, const std::string& phase) {
  const std::string prefix = absl::StrCat(phase, ".hook.backup.velero.io/");
  std::string command = Annotation(pod, prefix + "command");
  if (command.empty()) return absl::OkStatus();
  std::string container =
      Annotation(pod, prefix + "container",
                 pod.spec().containers().empty() ? "" : pod.spec().containers(0).name());
  absl::Duration timeout = absl::Seconds(30);
  if (std::string t = Annotation(pod, prefix + "timeout"); !t.empty()) {
    if (!absl::ParseDuration(t, &timeout)) {
      return absl::InvalidArgumentError(
          absl::StrCat(prefix, "timeout: \"", t, "\" is not a duration"));
    }
  }
  const std::string who =
      absl::StrCat(phase, " hook of pod ", pod.metadata().namespace_(), "/", pod.metadata().name());
  auto loc = pods_.FindContainer(pod.metadata().namespace_(), pod.metadata().name(), container,
                                 pod.metadata().uid());
  absl::Status result;
  if (!loc.ok() || loc->handle.pid == 0) {
    result = absl::FailedPreconditionError(
        absl::StrCat(who, ": container \"", container, "\" is not running"));
  } else if (auto exec = runtime_.Exec(loc->handle, HookCommand(command)); !exec.ok()) {
    result = exec.status();
  } else {
    (*exec)->CloseStdin();
    std::string err;
    int code = (*exec)->Wait(
        [&](bool is_stderr, const std::string& data) {
          if (is_stderr) err += data;
        },
        clock_.Now() + timeout);
    if (code != 0) {
      result = absl::AbortedError(absl::StrCat(who, " exited with ", code, ": ", err));
    }
  }
  if (!result.ok() && Annotation(pod, prefix + "on-error", "Fail") == "Continue") {
    spdlog::warn("{} (on-error: Continue)", std::string(result.message()));
    return absl::OkStatus();
  }
  return result;
}

absl::StatusOr<VolumeSnapshotter::Outcome> VolumeSnapshotter::Copy(
    const VolumeSnapshotContent& content) {
  auto volume = api_.GetVolume(content.spec().source().volume_handle());
  if (!volume.ok()) return volume.status();
  const auto& spec = volume->spec();
  std::string source = spec.has_local() ? spec.local().path() : spec.host_path().path();
  if (source.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "persistentvolume ", volume->metadata().name(), " has no directory on this node"));
  }
  const std::string dir = content.metadata().annotations().at(api::kSnapshotDirAnnotation);
  const std::string partial = dir + ".partial";
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(dir).parent_path(), ec);
  std::filesystem::remove_all(partial, ec);
  std::filesystem::remove_all(dir, ec);  // a copy begun before a restart is begun again

  // The pods here that use the claim, running.
  std::vector<std::shared_ptr<const core::v1::Pod>> users;
  for (const auto& pod : pods_here_.List(spec.claim_ref().namespace_(), {})) {
    if (pod->status().phase() == "Running" && !pod->metadata().has_deletion_timestamp() &&
        api::PodUsesClaim(*pod, spec.claim_ref().name())) {
      users.push_back(pod);
    }
  }
  bool hooked = false;
  for (const auto& pod : users) {
    hooked |= !Annotation(*pod, "pre.hook.backup.velero.io/command").empty() ||
              !Annotation(*pod, "post.hook.backup.velero.io/command").empty();
  }
  Outcome outcome{.consistency = users.empty() ? "none" : hooked ? "hooks" : "frozen"};
  std::vector<ContainerHandle> frozen;
  absl::Time frozen_at;
  auto thaw = [&] {
    for (const ContainerHandle& h : frozen) runtime_.Signal(h, SIGCONT);
    if (!frozen.empty()) outcome.frozen = clock_.Now() - frozen_at;
    frozen.clear();
  };
  absl::Cleanup always_thaw = thaw;
  if (hooked) {
    for (const auto& pod : users) {
      if (absl::Status s = RunHook(*pod, "pre"); !s.ok()) return s;
    }
  } else {
    frozen_at = clock_.Now();
    for (const auto& pod : users) {
      for (const auto& c : pod->spec().containers()) {
        auto loc = pods_.FindContainer(pod->metadata().namespace_(), pod->metadata().name(),
                                       c.name(), pod->metadata().uid());
        if (!loc.ok() || loc->handle.pid == 0) continue;
        runtime_.Signal(loc->handle, SIGSTOP);
        frozen.push_back(loc->handle);
      }
    }
  }
  auto copied = fs::CopyTree(source, partial);
  thaw();
  absl::Status post;
  if (hooked) {
    for (const auto& pod : users) {
      if (absl::Status s = RunHook(*pod, "post"); !s.ok() && post.ok()) post = s;
    }
  }
  if (!copied.ok()) {
    std::filesystem::remove_all(partial, ec);
    return copied.status();
  }
  if (!post.ok()) return post;
  std::filesystem::rename(partial, dir, ec);
  if (ec) return absl::InternalError(absl::StrCat("rename ", partial, ": ", ec.message()));
  outcome.bytes = copied->bytes;
  return outcome;
}

absl::Status VolumeSnapshotter::Take(const VolumeSnapshotContent& content) {
  absl::Time started = clock_.Now();
  auto outcome = Copy(content);
  VolumeSnapshotContent report = content;
  auto& status = *report.mutable_status();
  if (!outcome.ok()) {
    status.set_ready_to_use(false);
    status.mutable_error()->set_message(std::string(outcome.status().message()));
    SetTimestamp(status.mutable_error()->mutable_time(), clock_.Now());
    spdlog::warn("snapshot {}: {}", content.metadata().name(),
                 std::string(outcome.status().message()));
  } else {
    auto& annotations = *report.mutable_metadata()->mutable_annotations();
    annotations[api::kSnapshotConsistencyAnnotation] = outcome->consistency;
    annotations[kFrozenMillisAnnotation] = absl::StrCat(absl::ToInt64Milliseconds(outcome->frozen));
    status.set_snapshot_handle(content.metadata().annotations().at(api::kSnapshotDirAnnotation));
    status.set_creation_time(absl::ToUnixNanos(started));
    status.set_restore_size(outcome->bytes);
    status.set_ready_to_use(true);
    status.clear_error();
    spdlog::info("snapshot {}: {} bytes, {} ({} ms frozen)", content.metadata().name(),
                 outcome->bytes, outcome->consistency, absl::ToInt64Milliseconds(outcome->frozen));
  }
  if (absl::Status s = api_.Report(report); !s.ok()) return s;
  return outcome.status();
}

}  // namespace ordo::kubelet
