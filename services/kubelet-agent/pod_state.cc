#include "services/kubelet-agent/pod_state.h"

namespace ordo::kubelet {
namespace {

absl::Time FromNanos(int64_t nanos) {
  return nanos == 0 ? absl::InfinitePast() : absl::FromUnixNanos(nanos);
}
int64_t ToNanos(absl::Time t) { return t == absl::InfinitePast() ? 0 : absl::ToUnixNanos(t); }

}  // namespace

agent::v1::PodRecord RecordOf(const PodState& state) {
  agent::v1::PodRecord r;
  r.set_uid(state.uid);
  r.set_namespace_(state.ns);
  r.set_name(state.name);
  r.set_pod_ip(state.ip);
  for (const auto& c : state.containers) {
    auto* cr = r.add_containers();
    cr->set_name(c.name);
    cr->set_pid(c.handle.pid);
    cr->set_start_ticks(c.handle.start_ticks);
    cr->set_restart_count(c.restart_count);
    cr->set_started_at_unix_nanos(ToNanos(c.started_at));
    if (c.last_exit.has_value()) {
      cr->set_last_exit_code(c.last_exit->exit_code);
      cr->set_last_finished_at_unix_nanos(absl::ToUnixNanos(c.last_exit->finished_at));
      cr->set_last_reason(c.last_reason);
    }
  }
  return r;
}

bool TakeExit(ContainerState& c, const ContainerProbe& seen, absl::Time now) {
  if (!seen.exit.has_value()) {
    if (c.gone_since == absl::InfiniteFuture()) c.gone_since = now;
    if (now - c.gone_since < absl::Seconds(2)) return false;
  }
  c.gone_since = absl::InfiniteFuture();
  if (seen.exit.has_value()) {
    c.last_exit = seen.exit;
    c.last_reason = seen.exit->exit_code == 0 ? "Completed" : "Error";
  } else {
    c.last_exit = ContainerExit{137, 0, now};
    c.last_reason = "ContainerStatusUnknown";
  }
  return true;
}

std::unique_ptr<PodState> StateFromRecord(const agent::v1::PodRecord& r, absl::Time now) {
  auto state = std::make_unique<PodState>();
  state->uid = r.uid();
  state->ns = r.namespace_();
  state->name = r.name();
  state->ip = r.pod_ip();
  state->start_measured = true;  // first seen by an earlier run of the agent
  state->prepared = !r.pod_ip().empty();
  state->start_time = now;
  for (const auto& cr : r.containers()) {
    ContainerState& c = state->Container(cr.name());
    c.handle = {cr.pid(), cr.start_ticks()};
    c.restart_count = cr.restart_count();
    c.started_at = FromNanos(cr.started_at_unix_nanos());
    if (cr.last_finished_at_unix_nanos() != 0) {
      c.last_exit = ContainerExit{cr.last_exit_code(), 0,
                                  absl::FromUnixNanos(cr.last_finished_at_unix_nanos())};
      c.last_reason = cr.last_reason();
    }
  }
  return state;
}

}  // namespace ordo::kubelet
