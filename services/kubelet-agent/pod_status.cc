#include "services/kubelet-agent/pod_status.h"

#include "absl/strings/str_cat.h"
#include "common/clock/timestamp.h"

namespace ordo::kubelet {

core::v1::PodStatus BuildPodStatus(
    PodState& state, const core::v1::Pod& pod,
    const std::function<ProbeResults(const std::string& container)>& probe_results,
    const std::string& node_ip, absl::Time now) {
  core::v1::PodStatus status;
  const core::v1::PodStatus& old = pod.status();
  int finished = 0, failed = 0, ready = 0, started = 0;
  int total = pod.spec().containers_size();
  // A pod being stopped (deleted, or ended by the agent) runs no container
  // again: each that stopped is terminated for good, and none is ready.
  const bool stopping = state.stop_requested;
  for (const auto& spec : pod.spec().containers()) {
    ContainerState& c = state.Container(spec.name());
    ProbeResults probes = probe_results(c.name);
    auto* cs = status.add_container_statuses();
    cs->set_name(c.name);
    cs->set_image(spec.image());
    cs->set_restart_count(c.restart_count);
    bool running = c.handle.pid != 0;
    if (running) {
      cs->set_container_id(absl::StrCat("ordo://", c.handle.pid));
      SetTimestamp(cs->mutable_state()->mutable_running()->mutable_started_at(), c.started_at);
      cs->set_started(probes.started);
      cs->set_ready(!stopping && probes.started && probes.ready);
      ++started;
    } else if (c.ever_started() && c.last_exit.has_value() &&
               (stopping || !ShouldRestart(pod.spec().restart_policy(), c.last_exit->exit_code))) {
      auto* t = cs->mutable_state()->mutable_terminated();
      t->set_exit_code(c.last_exit->exit_code);
      t->set_signal(c.last_exit->signal);
      t->set_reason(c.last_reason);
      SetTimestamp(t->mutable_started_at(), c.started_at);
      SetTimestamp(t->mutable_finished_at(), c.last_exit->finished_at);
      cs->set_started(false);
      ++finished;
      if (c.last_exit->exit_code != 0) ++failed;
    } else {
      auto* w = cs->mutable_state()->mutable_waiting();
      w->set_reason(state.pending_message.empty() ? c.waiting_reason : "ContainerCreating");
      w->set_message(state.pending_message.empty() ? c.waiting_message : state.pending_message);
      cs->set_started(false);
    }
    if (cs->ready()) ++ready;
    if (c.last_exit.has_value() &&
        (running || c.restart_count > 0 || !cs->state().has_terminated())) {
      auto* t = cs->mutable_last_state()->mutable_terminated();
      t->set_exit_code(c.last_exit->exit_code);
      t->set_reason(c.last_reason);
      SetTimestamp(t->mutable_finished_at(), c.last_exit->finished_at);
    }
  }
  bool any_started = false;
  for (const auto& c : state.containers) any_started |= c.ever_started();
  if (!state.failure_reason.empty()) {
    status.set_phase("Failed");
    status.set_reason(state.failure_reason);
    status.set_message(state.failure_message);
  } else if (stopping && started == 0) {
    // Every container has stopped for the pod's deletion (kubelet 1.27+):
    // Succeeded only if each one exited 0.
    status.set_phase(failed == 0 && finished == total ? "Succeeded" : "Failed");
  } else if (total > 0 && finished == total) {
    status.set_phase(failed > 0 ? "Failed" : "Succeeded");
  } else if (any_started) {
    status.set_phase("Running");
  } else {
    status.set_phase("Pending");
  }
  bool containers_ready = total > 0 && ready == total;
  auto condition = [&](const std::string& type, bool value, const std::string& reason) {
    auto* c = status.add_conditions();
    c->set_type(type);
    c->set_status(value ? "True" : "False");
    if (!value) c->set_reason(reason);
    for (const auto& o : old.conditions()) {
      if (o.type() == type && o.status() == c->status() && o.has_last_transition_time()) {
        *c->mutable_last_transition_time() = o.last_transition_time();
      }
    }
    if (!c->has_last_transition_time()) SetTimestamp(c->mutable_last_transition_time(), now);
  };
  condition("Initialized", true, "");
  condition("Ready", containers_ready, "ContainersNotReady");
  condition("ContainersReady", containers_ready, "ContainersNotReady");
  condition("PodScheduled", true, "");
  if (!state.ip.empty()) {
    status.set_pod_ip(state.ip);
    status.add_pod_ips()->set_ip(state.ip);
  }
  status.set_host_ip(node_ip);
  if (old.has_start_time()) {
    *status.mutable_start_time() = old.start_time();
  } else {
    SetTimestamp(status.mutable_start_time(), state.start_time);
  }
  status.set_qos_class(old.qos_class().empty() ? "BestEffort" : old.qos_class());
  return status;
}

}  // namespace ordo::kubelet
