#include "services/kubelet-agent/pod_manager.h"

#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/api/deterministic.h"
#include "common/api/well_known.h"
#include "common/clock/timestamp.h"
#include "common/status/status_macros.h"
#include "google/protobuf/util/message_differencer.h"
#include "services/kubelet-agent/pod_dns.h"
#include "services/kubelet-agent/pod_status.h"
#include "spdlog/spdlog.h"

namespace ordo::kubelet {
namespace fs = std::filesystem;

namespace {

std::string WriteFile(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::trunc);
  out << content;
  return path;
}

ResolvConf HostResolvConf() {
  std::ifstream in("/etc/resolv.conf");
  std::stringstream text;
  text << in.rdbuf();
  return ParseResolvConf(text.str());
}

}  // namespace

PodManager::PodManager(AgentConfig config, ContainerRuntime& runtime, PodNetwork& network,
                       PodCheckpoint& checkpoint, PodApi& api, Clock& clock,
                       std::shared_ptr<prometheus::Registry> metrics, events::EventRecorder* events)
    : config_(std::move(config)),
      runtime_(runtime),
      network_(network),
      checkpoint_(checkpoint),
      api_(api),
      clock_(clock),
      metrics_registry_(metrics != nullptr ? std::move(metrics)
                                           : std::make_shared<prometheus::Registry>()),
      metrics_(*metrics_registry_),
      events_(events),
      prober_(std::make_unique<Prober>(runtime, clock, metrics_, [this] { Poke(); })) {}

PodManager::~PodManager() { prober_.reset(); }

std::string PodManager::PodDir(const std::string& uid) const {
  return absl::StrCat(config_.root_dir, "/pods/", uid);
}

void PodManager::Poke() {
  absl::MutexLock lock(&wake_mu_);
  poked_ = true;
}

void PodManager::WaitForChange(absl::Time deadline) {
  absl::MutexLock lock(&wake_mu_);
  clock_.AwaitWithDeadline(wake_mu_, absl::Condition(&poked_), deadline);
  poked_ = false;
}

absl::Status PodManager::Restore() {
  ORDO_ASSIGN_OR_RETURN(std::vector<agent::v1::PodRecord> records, checkpoint_.LoadAll());
  absl::MutexLock lock(&mu_);
  for (const auto& r : records) {
    std::unique_ptr<PodState> state = StateFromRecord(r, clock_.Now());
    if (!state->ip.empty()) {
      absl::Status s = network_.Restore(r.uid(), r.pod_ip());
      if (!s.ok())
        spdlog::warn("pod {}/{}: {}", r.namespace_(), r.name(), std::string(s.message()));
    }
    spdlog::info("adopted pod {}/{} (uid {}) from the checkpoint", state->ns, state->name,
                 state->uid);
    pods_[r.uid()] = std::move(state);
  }
  return absl::OkStatus();
}

void PodManager::Save(const PodState& state) {
  agent::v1::PodRecord r = RecordOf(state);
  absl::Status s = checkpoint_.Save(r);
  if (!s.ok()) spdlog::error("pod {}/{}: {}", state.ns, state.name, std::string(s.message()));
}

void PodManager::Sync(const std::vector<PodPtr>& desired, bool complete) {
  if (shut_down_) return;
  absl::flat_hash_map<std::string, PodPtr> wanted;
  for (const auto& pod : desired) {
    if (pod->spec().node_name() == config_.node_name) wanted[pod->metadata().uid()] = pod;
  }
  // A pod whose deletion we confirmed but a finalizer keeps is done with;
  // once it leaves a whole list it is forgotten here too.
  if (complete) {
    absl::erase_if(confirmed_, [&](const std::string& uid) { return !wanted.contains(uid); });
  }
  for (const auto& uid : confirmed_) wanted.erase(uid);
  std::vector<std::string> uids;
  {
    absl::MutexLock lock(&mu_);
    for (const auto& [uid, pod] : wanted) {
      if (pods_.contains(uid)) continue;
      const std::string& phase = pod->status().phase();
      if (phase == "Succeeded" || phase == "Failed") {
        // Finished before we knew it (an agent restart): only a deletion needs us.
        if (!pod->metadata().has_deletion_timestamp()) continue;
      }
      auto state = std::make_unique<PodState>();
      state->uid = uid;
      state->ns = pod->metadata().namespace_();
      state->name = pod->metadata().name();
      state->start_time = clock_.Now();
      pods_[uid] = std::move(state);
    }
    for (const auto& [uid, state] : pods_) uids.push_back(uid);
  }
  for (const auto& uid : uids) {
    PodState* state;
    {
      absl::MutexLock lock(&mu_);
      state = pods_[uid].get();
    }
    auto it = wanted.find(uid);
    if (it == wanted.end()) {
      if (!complete) continue;  // not known yet whether it is gone
      if (Terminate(*state, /*still_in_api=*/false)) {
        absl::MutexLock lock(&mu_);
        pods_.erase(uid);
      }
      continue;
    }
    state->pod = it->second;
    if (it->second->metadata().has_deletion_timestamp()) {
      if (Terminate(*state, /*still_in_api=*/true)) {
        absl::MutexLock lock(&mu_);
        pods_.erase(uid);
      }
      continue;
    }
    SyncPod(*state, it->second);
  }
  ReportRunning();
}

void PodManager::Event(const PodState& state, const char* type, const std::string& reason,
                       const std::string& message) {
  if (events_ == nullptr) return;
  events_->Record(events::PodReference(state.ns, state.name, state.uid), type, reason, message);
}

void PodManager::ReportRunning() {
  int pods = 0, containers = 0;
  absl::MutexLock lock(&mu_);
  for (const auto& [uid, state] : pods_) {
    int running = 0;
    for (const auto& c : state->containers) running += c.handle.pid != 0 ? 1 : 0;
    pods += running > 0 ? 1 : 0;
    containers += running;
  }
  metrics_.Running(pods, containers);
}

absl::Status PodManager::PreparePod(PodState& state, const core::v1::Pod& pod) {
  std::string dir = PodDir(state.uid);
  std::error_code ec;
  fs::create_directories(dir + "/tmp", ec);
  fs::permissions(dir + "/tmp", fs::perms::all | fs::perms::sticky_bit, ec);
  if (ec) return absl::InternalError(absl::StrCat("cannot create ", dir, ": ", ec.message()));
  for (const auto& c : pod.spec().containers())
    fs::create_directories(dir + "/containers/" + c.name(), ec);
  if (state.ip.empty()) {
    ORDO_ASSIGN_OR_RETURN(state.ip, network_.Allocate(state.uid));
  }

  // A hostname the kernel cannot take keeps the pod from starting, as in kubelet.
  ORDO_RETURN_IF_ERROR(KernelHostname(pod, config_.cluster_domain).status());
  WriteFile(dir + "/hosts", PodHostsFile(pod, state.ip, config_.cluster_domain));
  WriteFile(dir + "/resolv.conf",
            FormatResolvConf(
                PodResolvConf(pod, config_.dns_servers, config_.cluster_domain, HostResolvConf())));
  state.prepared = true;
  return absl::OkStatus();
}

void PodManager::SyncPod(PodState& state, const PodPtr& pod_ptr) {
  const core::v1::Pod& pod = *pod_ptr;
  if (state.failure_reason.empty()) EnforceActiveDeadline(state, pod);
  if (!state.failure_reason.empty()) {
    // Ended by the agent: stopped, never started again, and reported Failed.
    RequestStop(state, clock_.Now() + absl::Seconds(GracePeriodSeconds(state)));
    ContainersStopped(state);
    ReportStatus(state, pod);
    return;
  }
  if (!state.prepared) {
    absl::Status s = PreparePod(state, pod);
    if (!s.ok()) {
      state.pending_message = std::string(s.message());
      ReportStatus(state, pod);
      return;
    }
    Save(state);
  }
  state.pending_message.clear();
  bool all_started = true;
  for (const auto& spec : pod.spec().containers()) {
    ContainerState& c = state.Container(spec.name());
    SyncContainer(state, pod, spec, c);
    all_started = all_started && c.ever_started();
  }
  if (all_started && !state.start_measured) {
    metrics_.PodStarted(clock_.Now() - state.start_time);
    state.start_measured = true;
  }
  ReportStatus(state, pod);
}

void PodManager::EnforceActiveDeadline(PodState& state, const core::v1::Pod& pod) {
  if (!pod.spec().has_active_deadline_seconds()) return;
  // Counted from the pod's startTime, as kubelet's activeDeadlineHandler does.
  absl::Time started =
      pod.status().has_start_time() ? FromTimestamp(pod.status().start_time()) : state.start_time;
  absl::Duration allowed = absl::Seconds(pod.spec().active_deadline_seconds());
  if (clock_.Now() - started < allowed) return;
  state.failure_reason = "DeadlineExceeded";
  state.failure_message = "Pod was active on the node longer than the specified deadline";
  spdlog::info("pod {}/{}: past activeDeadlineSeconds ({}), stopping it", state.ns, state.name,
               pod.spec().active_deadline_seconds());
  Event(state, events::kEventWarning, state.failure_reason, state.failure_message);
}

void PodManager::SyncContainer(PodState& state, const core::v1::Pod& pod,
                               const core::v1::Container& spec, ContainerState& c) {
  absl::Time now = clock_.Now();
  std::string dir = absl::StrCat(PodDir(state.uid), "/containers/", c.name);
  if (c.handle.pid != 0) {
    ContainerProbe seen = runtime_.Inspect(c.handle, dir + "/exit");
    if (seen.running) {
      if (ProbeResults probes = prober_->Get(state.uid, c.name); !probes.live) {
        spdlog::info("pod {}/{}: container {} failed its liveness probe, killing it", state.ns,
                     state.name, c.name);
        Event(state, events::kEventWarning, "Unhealthy",
              absl::StrCat("Liveness probe failed: ", probes.message));
        Event(state, events::kEventNormal, "Killing",
              absl::StrCat("Container ", c.name, " failed liveness probe, will be restarted"));
        runtime_.Signal(c.handle, SIGKILL);
      }
      return;
    }
    if (!TakeExit(c, seen, now)) return;  // its exit record may still come
    prober_->Stop(state.uid, c.name);
    c.handle = {};
    // A container that ran long enough starts its back-off afresh.
    if (now - c.started_at > 2 * config_.max_backoff) c.backoff = absl::ZeroDuration();
    c.backoff = c.backoff == absl::ZeroDuration() ? config_.initial_backoff
                                                  : std::min(2 * c.backoff, config_.max_backoff);
    c.next_start = now + c.backoff;
    spdlog::info("pod {}/{}: container {} exited with {}", state.ns, state.name, c.name,
                 c.last_exit->exit_code);
    Save(state);
  }
  if (c.ever_started() && c.last_exit.has_value() &&
      !ShouldRestart(pod.spec().restart_policy(), c.last_exit->exit_code)) {
    return;  // finished for good
  }
  if (now < c.next_start) {
    // A container its securityContext keeps from starting says so while it
    // waits, as kubelet's CreateContainerConfigError does; nothing crashed.
    if (c.waiting_reason == "CreateContainerConfigError") return;
    if (c.waiting_reason != "CrashLoopBackOff") {
      Event(state, events::kEventWarning, "BackOff",
            absl::StrCat("Back-off restarting failed container ", c.name, " in pod ", state.name,
                         "_", state.ns, "(", state.uid, ")"));
    }
    c.waiting_reason = "CrashLoopBackOff";
    c.waiting_message = absl::StrCat("back-off ", absl::FormatDuration(c.backoff),
                                     " restarting failed container=", c.name, " pod=", state.name,
                                     "_", state.ns, "(", state.uid, ")");
    return;
  }
  absl::Status s = StartContainer(state, pod, spec, c);
  if (absl::IsFailedPrecondition(s)) {
    // A volume not ready yet (a claim still binding): not the container's
    // fault, so no back-off; the next sync tries again, as kubelet's volume
    // manager waits for attach and mount before any container starts.
    if (c.waiting_message != s.message()) {
      spdlog::info("pod {}/{}: container {} waits: {}", state.ns, state.name, c.name,
                   std::string(s.message()));
    }
    c.waiting_reason = "ContainerCreating";
    c.waiting_message = std::string(s.message());
    return;
  }
  if (!s.ok()) {
    c.backoff = c.backoff == absl::ZeroDuration() ? config_.initial_backoff
                                                  : std::min(2 * c.backoff, config_.max_backoff);
    c.next_start = now + c.backoff;
    if (c.waiting_reason != "ErrImagePull" && c.waiting_reason != "CreateContainerConfigError") {
      c.waiting_reason = "CreateContainerError";
    }
    c.waiting_message = std::string(s.message());
    Event(state, events::kEventWarning, "Failed", c.waiting_message);
    spdlog::warn("pod {}/{}: container {}: {}", state.ns, state.name, c.name,
                 std::string(s.message()));
  }
}

absl::Status PodManager::StartContainer(PodState& state, const core::v1::Pod& pod,
                                        const core::v1::Container& spec, ContainerState& c) {
  std::string dir = absl::StrCat(PodDir(state.uid), "/containers/", c.name);
  int run = c.ever_started() ? c.restart_count + 1 : 0;
  ORDO_ASSIGN_OR_RETURN(
      agent::v1::ContainerLaunch launch,
      BuildLaunch(
          pod, spec, config_,
          {.pod_dir = PodDir(state.uid), .container_dir = dir, .pod_ip = state.ip, .run = run},
          [this](const std::string& ns, const std::string& claim) {
            return api_.ClaimPath(ns, claim);
          },
          &c.waiting_reason));
  ORDO_ASSIGN_OR_RETURN(ContainerHandle handle, runtime_.Start(launch));
  if (c.ever_started()) {
    ++c.restart_count;
    metrics_.ContainerRestarted();
  }
  // Keep this run's log and the previous one.
  std::error_code ec;
  fs::remove(absl::StrCat(dir, "/", run - 2, ".log"), ec);
  c.handle = handle;
  c.started_at = clock_.Now();
  c.waiting_reason.clear();
  c.waiting_message.clear();
  Save(state);
  prober_->Start(state.uid, spec, state.ip, handle);
  Event(state, events::kEventNormal, "Started", absl::StrCat("Started container ", c.name));
  spdlog::info("pod {}/{}: started container {} (pid {})", state.ns, state.name, c.name,
               handle.pid);
  return absl::OkStatus();
}

bool PodManager::ClaimUsedByOtherPod(const PodState& state, const std::string& claim) {
  absl::MutexLock lock(&mu_);
  for (const auto& [uid, other] : pods_) {
    if (uid == state.uid || other->ns != state.ns || other->pod == nullptr) continue;
    if (api::PodUsesClaim(*other->pod, claim)) return true;
  }
  return false;
}

void PodManager::RequestStop(PodState& state, absl::Time kill_at) {
  state.kill_at = state.stop_requested ? std::min(state.kill_at, kill_at) : kill_at;
  if (state.stop_requested) return;
  state.stop_requested = true;
  prober_->StopPod(state.uid);
  for (auto& c : state.containers) {
    if (c.handle.pid == 0) continue;
    Event(state, events::kEventNormal, "Killing", absl::StrCat("Stopping container ", c.name));
    runtime_.Signal(c.handle, SIGTERM);
  }
}

bool PodManager::ContainersStopped(PodState& state) {
  absl::Time now = clock_.Now();
  bool running = false, exited = false;
  std::string pod_dir = PodDir(state.uid);
  for (auto& c : state.containers) {
    if (c.handle.pid == 0) continue;
    ContainerProbe seen =
        runtime_.Inspect(c.handle, absl::StrCat(pod_dir, "/containers/", c.name, "/exit"));
    if (seen.running) {
      running = true;
      if (now >= state.kill_at) runtime_.Signal(c.handle, SIGKILL);
    } else if (TakeExit(c, seen, now)) {
      c.handle = {};
      exited = true;
    } else {
      running = true;  // its exit record may still come
    }
  }
  if (exited) Save(state);
  return !running;
}

int64_t PodManager::GracePeriodSeconds(const PodState& state) {
  if (state.pod == nullptr) return 30;
  const auto& m = state.pod->metadata();
  return m.has_deletion_grace_period_seconds()
             ? m.deletion_grace_period_seconds()
             : state.pod->spec().termination_grace_period_seconds();
}

bool PodManager::Terminate(PodState& state, bool still_in_api) {
  if (!state.terminating) {
    state.terminating = true;
    int64_t grace = GracePeriodSeconds(state);
    RequestStop(state, clock_.Now() + absl::Seconds(grace));
    spdlog::info("pod {}/{}: stopping (grace {}s)", state.ns, state.name, grace);
  }
  if (!ContainersStopped(state)) return false;
  // Its containers are gone: its claims may go to another node (unless
  // another pod here still uses them).
  if (state.pod != nullptr) {
    for (const auto& v : state.pod->spec().volumes()) {
      if (!v.has_persistent_volume_claim()) continue;
      const std::string& claim = v.persistent_volume_claim().claim_name();
      if (ClaimUsedByOtherPod(state, claim)) continue;
      absl::Status s = api_.ReleaseClaim(state.ns, claim);
      if (!s.ok()) {
        spdlog::warn("pod {}/{}: releasing claim {}: {}", state.ns, state.name, claim,
                     std::string(s.message()));
        return false;  // try again next pass
      }
    }
  }
  if (still_in_api) {
    // The pod's last word before it goes (kubelet 1.27+): its containers
    // terminated, not Ready, phase Succeeded or Failed. A finalizer may keep
    // the object a while, and nobody must count it as running meanwhile.
    if (absl::Status s = ReportFinalStatus(state); !s.ok()) {
      spdlog::warn("pod {}/{}: final status: {}", state.ns, state.name, std::string(s.message()));
      return false;  // try again next pass
    }
    absl::Status s = api_.ConfirmPodDeletion(state.ns, state.name, state.uid);
    if (!s.ok()) {
      spdlog::warn("pod {}/{}: confirming deletion: {}", state.ns, state.name,
                   std::string(s.message()));
      return false;  // try again next pass
    }
    confirmed_.insert(state.uid);
  }
  network_.Release(state.uid);
  absl::Status s = checkpoint_.Remove(state.uid);
  if (!s.ok()) spdlog::error("pod {}/{}: {}", state.ns, state.name, std::string(s.message()));
  std::error_code ec;
  fs::remove_all(PodDir(state.uid), ec);
  spdlog::info("pod {}/{}: stopped and forgotten", state.ns, state.name);
  return true;
}

absl::Status PodManager::ReportFinalStatus(PodState& state) {
  if (state.pod == nullptr || !state.prepared) return absl::OkStatus();  // nothing ran here
  const core::v1::Pod& pod = *state.pod;
  core::v1::PodStatus status = BuildPodStatus(
      state, pod, [](const std::string&) { return ProbeResults{}; }, config_.node_ip, clock_.Now());
  if (google::protobuf::util::MessageDifferencer::Equals(status, pod.status())) {
    return absl::OkStatus();
  }
  core::v1::Pod update;
  *update.mutable_metadata() = pod.metadata();
  *update.mutable_status() = std::move(status);
  absl::Status s = api_.UpdatePodStatus(update);
  return absl::IsNotFound(s) ? absl::OkStatus() : s;
}

void PodManager::ReportStatus(PodState& state, const core::v1::Pod& pod) {
  const core::v1::PodStatus& old = pod.status();
  core::v1::PodStatus status = BuildPodStatus(
      state, pod, [&](const std::string& container) { return prober_->Get(state.uid, container); },
      config_.node_ip, clock_.Now());
  std::string serialized = api::DeterministicBytes(status);
  // Written already, and nobody else has written since (the cache may simply
  // not show our write yet): nothing to do. A status someone else changed
  // (the node lifecycle controller marking the pod NotReady while this node
  // was silent) is put right.
  if (serialized == state.last_reported &&
      pod.metadata().resource_version() == state.reported_over) {
    return;
  }
  if (google::protobuf::util::MessageDifferencer::Equals(status, old)) {
    state.last_reported = serialized;
    return;
  }
  core::v1::Pod update;
  *update.mutable_metadata() = pod.metadata();
  *update.mutable_status() = status;
  absl::Status s = api_.UpdatePodStatus(update);
  if (s.ok()) {
    state.last_reported = serialized;
    state.reported_over = pod.metadata().resource_version();
  } else if (!absl::IsNotFound(s)) {
    spdlog::warn("pod {}/{}: status update: {}", state.ns, state.name, std::string(s.message()));
  }
}

int PodManager::ShutdownAll(absl::Duration grace) {
  shut_down_ = true;
  std::vector<PodState*> all;
  {
    absl::MutexLock lock(&mu_);
    for (auto& [uid, s] : pods_) all.push_back(s.get());
  }
  int running = 0;
  for (PodState* s : all) {
    for (auto& c : s->containers) running += c.handle.pid != 0;
  }
  absl::Time deadline = clock_.Now() + grace;
  for (;;) {
    bool done = true;
    for (PodState* s : all) {
      s->terminating = true;
      RequestStop(*s, deadline);
      if (!Terminate(*s, /*still_in_api=*/false)) done = false;
    }
    if (done) break;
    clock_.SleepFor(absl::Milliseconds(20));  // a poll interval, not a wait for an outcome
  }
  absl::MutexLock lock(&mu_);
  pods_.clear();
  return running;
}

absl::StatusOr<ContainerLocation> PodManager::FindContainer(const std::string& ns,
                                                            const std::string& pod,
                                                            const std::string& container,
                                                            const std::string& uid) {
  absl::MutexLock lock(&mu_);
  const PodState* found = nullptr;
  const ContainerState* found_container = nullptr;
  for (const auto& [state_uid, s] : pods_) {
    if (s->ns != ns || s->name != pod) continue;
    if (uid.empty() ? s->terminating : state_uid != uid) continue;
    if (s->containers.empty()) continue;  // nothing started yet
    const ContainerState* c = nullptr;
    for (const auto& cs : s->containers) {
      if (container.empty() || cs.name == container) {
        c = &cs;
        break;
      }
    }
    if (c == nullptr) {
      return absl::NotFoundError(
          absl::StrCat("container ", container, " is not valid for pod ", pod));
    }
    // Two states of one name (a pod recreated before the old one is gone):
    // the one with a running container is the one to talk to.
    if (found == nullptr || (found_container->handle.pid == 0 && c->handle.pid != 0)) {
      found = s.get();
      found_container = c;
    }
  }
  if (found == nullptr) {
    return absl::NotFoundError(absl::StrCat("pods \"", pod, "\" not found on this node"));
  }
  std::string dir = absl::StrCat(PodDir(found->uid), "/containers/", found_container->name, "/");
  int run = found_container->restart_count;
  ContainerLocation loc{found_container->handle, absl::StrCat(dir, run, ".log"), ""};
  if (run > 0) loc.previous_log_path = absl::StrCat(dir, run - 1, ".log");
  return loc;
}

}  // namespace ordo::kubelet
