// Fakes of the kubelet-agent's I/O edges, for unit tests: a container runtime
// whose containers are entries in a table, a checkpoint in memory, and a PodApi
// over a FakeObjectStore. Each is thread-safe.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "common/testing/fake_object_store.h"
#include "services/kubelet-agent/checkpoint.h"
#include "services/kubelet-agent/container_runtime.h"
#include "services/kubelet-agent/pod_api.h"
#include "services/kubelet-agent/pod_network.h"
#include "services/kubelet-agent/volume_snapshotter.h"

namespace ordo::testing {

class FakeContainerRuntime final : public kubelet::ContainerRuntime {
 public:
  absl::StatusOr<kubelet::ContainerHandle> Start(const agent::v1::ContainerLaunch& launch) override;
  kubelet::ContainerProbe Inspect(const kubelet::ContainerHandle& handle,
                                  const std::string& exit_path) override;
  void Signal(const kubelet::ContainerHandle& handle, int signal) override;
  absl::StatusOr<std::unique_ptr<kubelet::ExecProcess>> Exec(
      const kubelet::ContainerHandle& handle, const std::vector<std::string>& command) override;

  // The container with `pid` ends with `exit_code`.
  void Exit(int pid, int exit_code);
  // Whether `pid` ignores SIGTERM (only SIGKILL ends it).
  void IgnoreTerm(int pid);
  bool Running(int pid);
  std::vector<agent::v1::ContainerLaunch> launches();
  std::vector<std::pair<int, int>> signals();  // (pid, signal)
  // What Exec runs from now on ends with `exit_code`, writing `err` to stderr.
  void SetExecResult(int exit_code, std::string err = "");
  std::vector<std::vector<std::string>> execs();  // the commands, in order
  // Pretends `pid` is a container started before (for adoption tests).
  void Adopt(int pid);
  // `pid` is gone and left no exit record (its shim died with it).
  void Vanish(int pid);

 private:
  struct Entry {
    bool running = true;
    bool ignore_term = false;
    int exit_code = 0;
    bool recorded = true;  // an exit leaves a record
  };
  absl::Mutex mu_;
  int next_pid_ ABSL_GUARDED_BY(mu_) = 1000;
  std::map<int, Entry> containers_ ABSL_GUARDED_BY(mu_);
  std::vector<agent::v1::ContainerLaunch> launches_ ABSL_GUARDED_BY(mu_);
  std::vector<std::pair<int, int>> signals_ ABSL_GUARDED_BY(mu_);
  std::vector<std::vector<std::string>> execs_ ABSL_GUARDED_BY(mu_);
  int exec_exit_code_ ABSL_GUARDED_BY(mu_) = 0;
  std::string exec_stderr_ ABSL_GUARDED_BY(mu_);
};

class MemoryCheckpoint final : public kubelet::PodCheckpoint {
 public:
  absl::Status Save(const agent::v1::PodRecord& record) override;
  absl::Status Remove(const std::string& pod_uid) override;
  absl::StatusOr<std::vector<agent::v1::PodRecord>> LoadAll() override;

 private:
  absl::Mutex mu_;
  std::map<std::string, agent::v1::PodRecord> records_ ABSL_GUARDED_BY(mu_);
};

// The api-server side of the kubelet, over one FakeObjectStore: status
// writes and deletion confirmations go to the store (a pod it does not hold
// yet is stored first: tests hand pods straight to the PodManager, as if the
// api-server had them); a claim's path is its bound volume's hostPath.
class FakePodApi final : public kubelet::PodApi {
 public:
  explicit FakePodApi(Clock& clock) : store(clock) {}

  FakeObjectStore store;

  absl::Status UpdatePodStatus(const core::v1::Pod& pod) override;
  absl::Status ConfirmPodDeletion(const std::string& ns, const std::string& name,
                                  const std::string& uid) override;
  // A claim not in the store, or not Bound, is FAILED_PRECONDITION "... is not bound".
  absl::StatusOr<std::string> ClaimPath(const std::string& ns, const std::string& claim) override;
  absl::Status ReleaseClaim(const std::string& ns, const std::string& claim) override;
  std::vector<std::string> released();

  // The status the store holds for pod `name` of "default", if any.
  std::optional<core::v1::PodStatus> LastStatus(const std::string& name);
  int status_writes();
  std::vector<std::string> confirmed();  // uids
  // Stores claim `claim` of "default", Bound to a volume whose hostPath is `path`.
  void SetClaimPath(const std::string& claim, const std::string& path);

 private:
  absl::Mutex mu_;
  int status_writes_ ABSL_GUARDED_BY(mu_) = 0;
  std::vector<std::string> confirmed_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> released_ ABSL_GUARDED_BY(mu_);
};

// The node's interface as a set of addresses.
class FakeAddressPlumber final : public kubelet::AddressPlumber {
 public:
  absl::Status Add(const std::string& ip) override;
  absl::Status Remove(const std::string& ip) override;
  std::vector<std::string> addresses();  // sorted
  void Clear();
  // Every later Add fails with `error`.
  void FailAdds(absl::Status error);

 private:
  absl::Mutex mu_;
  std::set<std::string> addresses_ ABSL_GUARDED_BY(mu_);
  absl::Status add_error_ ABSL_GUARDED_BY(mu_);
};

// The snapshotter's api-server over a FakeObjectStore: volumes are read
// from it, reports written to it (status, then annotations).
class FakeSnapshotContentApi final : public kubelet::SnapshotContentApi {
 public:
  explicit FakeSnapshotContentApi(Clock& clock) : store(clock) {}
  FakeObjectStore store;
  absl::StatusOr<core::v1::PersistentVolume> GetVolume(const std::string& name) override {
    return store.Get<core::v1::PersistentVolume>("", name);
  }
  absl::Status Report(const snapshot::v1::VolumeSnapshotContent& content) override {
    auto updated = store.UpdateStatus(content);
    if (!updated.ok()) return updated.status();
    *updated->mutable_metadata()->mutable_annotations() = content.metadata().annotations();
    return store.Update(*updated).status();
  }
};

}  // namespace ordo::testing
