#include "services/kubelet-agent/fakes.h"

#include <signal.h>

#include "absl/strings/str_cat.h"

namespace ordo::testing {

absl::StatusOr<kubelet::ContainerHandle> FakeContainerRuntime::Start(
    const agent::v1::ContainerLaunch& launch) {
  absl::MutexLock lock(&mu_);
  int pid = next_pid_++;
  containers_[pid] = Entry{};
  launches_.push_back(launch);
  return kubelet::ContainerHandle{pid, static_cast<uint64_t>(pid) * 7};
}

kubelet::ContainerProbe FakeContainerRuntime::Inspect(const kubelet::ContainerHandle& handle,
                                                      const std::string&) {
  absl::MutexLock lock(&mu_);
  auto it = containers_.find(handle.pid);
  if (it == containers_.end()) return {};
  if (it->second.running) return {.running = true};
  if (!it->second.recorded) return {.running = false};
  return {.running = false, .exit = kubelet::ContainerExit{it->second.exit_code, 0, absl::Now()}};
}

void FakeContainerRuntime::Signal(const kubelet::ContainerHandle& handle, int signal) {
  absl::MutexLock lock(&mu_);
  signals_.push_back({handle.pid, signal});
  auto it = containers_.find(handle.pid);
  if (it == containers_.end() || !it->second.running) return;
  if (signal == SIGKILL || (signal == SIGTERM && !it->second.ignore_term)) {
    it->second.running = false;
    it->second.exit_code = 128 + signal;
  }
}

namespace {

// Ends at once with a set code, its stderr given.
class FakeExecProcess final : public kubelet::ExecProcess {
 public:
  FakeExecProcess(int code, std::string err) : code_(code), err_(std::move(err)) {}
  void WriteStdin(const std::string&) override {}
  void CloseStdin() override {}
  int Wait(const std::function<void(bool, const std::string&)>& on_output, absl::Time) override {
    if (!err_.empty()) on_output(true, err_);
    return code_;
  }

 private:
  int code_;
  std::string err_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<kubelet::ExecProcess>> FakeContainerRuntime::Exec(
    const kubelet::ContainerHandle&, const std::vector<std::string>& command) {
  absl::MutexLock lock(&mu_);
  execs_.push_back(command);
  return std::make_unique<FakeExecProcess>(exec_exit_code_, exec_stderr_);
}

void FakeContainerRuntime::SetExecResult(int exit_code, std::string err) {
  absl::MutexLock lock(&mu_);
  exec_exit_code_ = exit_code;
  exec_stderr_ = std::move(err);
}

std::vector<std::vector<std::string>> FakeContainerRuntime::execs() {
  absl::MutexLock lock(&mu_);
  return execs_;
}

void FakeContainerRuntime::Exit(int pid, int exit_code) {
  absl::MutexLock lock(&mu_);
  containers_[pid].running = false;
  containers_[pid].exit_code = exit_code;
}

void FakeContainerRuntime::Vanish(int pid) {
  absl::MutexLock lock(&mu_);
  containers_[pid].running = false;
  containers_[pid].recorded = false;
}

void FakeContainerRuntime::IgnoreTerm(int pid) {
  absl::MutexLock lock(&mu_);
  containers_[pid].ignore_term = true;
}

bool FakeContainerRuntime::Running(int pid) {
  absl::MutexLock lock(&mu_);
  auto it = containers_.find(pid);
  return it != containers_.end() && it->second.running;
}

std::vector<agent::v1::ContainerLaunch> FakeContainerRuntime::launches() {
  absl::MutexLock lock(&mu_);
  return launches_;
}

std::vector<std::pair<int, int>> FakeContainerRuntime::signals() {
  absl::MutexLock lock(&mu_);
  return signals_;
}

void FakeContainerRuntime::Adopt(int pid) {
  absl::MutexLock lock(&mu_);
  containers_[pid] = Entry{};
}

absl::Status MemoryCheckpoint::Save(const agent::v1::PodRecord& record) {
  absl::MutexLock lock(&mu_);
  records_[record.uid()] = record;
  return absl::OkStatus();
}

absl::Status MemoryCheckpoint::Remove(const std::string& pod_uid) {
  absl::MutexLock lock(&mu_);
  records_.erase(pod_uid);
  return absl::OkStatus();
}

absl::StatusOr<std::vector<agent::v1::PodRecord>> MemoryCheckpoint::LoadAll() {
  absl::MutexLock lock(&mu_);
  std::vector<agent::v1::PodRecord> out;
  for (const auto& [uid, r] : records_) out.push_back(r);
  return out;
}

absl::Status FakePodApi::UpdatePodStatus(const core::v1::Pod& pod) {
  {
    absl::MutexLock lock(&mu_);
    ++status_writes_;
  }
  if (store.Find<core::v1::Pod>(pod.metadata().namespace_(), pod.metadata().name()) == nullptr) {
    store.Put(pod);
  }
  return store.UpdateStatus(pod).status();
}

absl::Status FakePodApi::ConfirmPodDeletion(const std::string& ns, const std::string& name,
                                            const std::string& uid) {
  {
    absl::MutexLock lock(&mu_);
    confirmed_.push_back(uid);
  }
  absl::Status s = store.Delete<core::v1::Pod>(ns, name, {.uid = uid, .grace_period_seconds = 0});
  // As GrpcPodApi: gone already, or another pod of the name, is nothing to confirm.
  return absl::IsNotFound(s) || absl::IsAborted(s) ? absl::OkStatus() : s;
}

absl::StatusOr<std::string> FakePodApi::ClaimPath(const std::string& ns, const std::string& claim) {
  auto pvc = store.Find<core::v1::PersistentVolumeClaim>(ns, claim);
  auto pv = pvc == nullptr ? nullptr
                           : store.Find<core::v1::PersistentVolume>("", pvc->spec().volume_name());
  if (pv == nullptr || pvc->status().phase() != "Bound") {
    return absl::FailedPreconditionError(
        absl::StrCat("persistentvolumeclaim \"", claim, "\" is not bound"));
  }
  return pv->spec().host_path().path();
}

absl::Status FakePodApi::ReleaseClaim(const std::string&, const std::string& claim) {
  absl::MutexLock lock(&mu_);
  released_.push_back(claim);
  return absl::OkStatus();
}

std::vector<std::string> FakePodApi::released() {
  absl::MutexLock lock(&mu_);
  return released_;
}

std::optional<core::v1::PodStatus> FakePodApi::LastStatus(const std::string& name) {
  auto pod = store.Find<core::v1::Pod>("default", name);
  if (pod == nullptr) return std::nullopt;
  return pod->status();
}

int FakePodApi::status_writes() {
  absl::MutexLock lock(&mu_);
  return status_writes_;
}

std::vector<std::string> FakePodApi::confirmed() {
  absl::MutexLock lock(&mu_);
  return confirmed_;
}

void FakePodApi::SetClaimPath(const std::string& claim, const std::string& path) {
  core::v1::PersistentVolume pv;
  pv.mutable_metadata()->set_name("pv-" + claim);
  pv.mutable_spec()->mutable_host_path()->set_path(path);
  store.Put(pv);
  core::v1::PersistentVolumeClaim pvc;
  pvc.mutable_metadata()->set_name(claim);
  pvc.mutable_spec()->set_volume_name("pv-" + claim);
  pvc.mutable_status()->set_phase("Bound");
  store.Put(pvc);
}

absl::Status FakeAddressPlumber::Add(const std::string& ip) {
  absl::MutexLock lock(&mu_);
  if (!add_error_.ok()) return add_error_;
  addresses_.insert(ip);
  return absl::OkStatus();
}

absl::Status FakeAddressPlumber::Remove(const std::string& ip) {
  absl::MutexLock lock(&mu_);
  addresses_.erase(ip);
  return absl::OkStatus();
}

std::vector<std::string> FakeAddressPlumber::addresses() {
  absl::MutexLock lock(&mu_);
  return {addresses_.begin(), addresses_.end()};
}

void FakeAddressPlumber::Clear() {
  absl::MutexLock lock(&mu_);
  addresses_.clear();
}

void FakeAddressPlumber::FailAdds(absl::Status error) {
  absl::MutexLock lock(&mu_);
  add_error_ = std::move(error);
}

}  // namespace ordo::testing
