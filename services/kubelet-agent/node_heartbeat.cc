#include "services/kubelet-agent/node_heartbeat.h"

#include <unistd.h>

#include <fstream>

#include "absl/strings/str_cat.h"
#include "common/clock/timestamp.h"
#include "common/status/status_macros.h"

namespace ordo::kubelet {
namespace {

constexpr char kLeaseNamespace[] = "kube-node-lease";

}  // namespace

void DetectCapacity(NodeOptions& options) {
  options.cpu = absl::StrCat(sysconf(_SC_NPROCESSORS_ONLN));
  std::ifstream in("/proc/meminfo");
  std::string key, unit;
  int64_t kib = 0;
  while (in >> key >> kib >> unit) {
    if (key == "MemTotal:") {
      options.memory = absl::StrCat(kib, "Ki");
      break;
    }
  }
}

absl::Status NodeHeartbeat::Register() {
  core::v1::Node node;
  auto existing = nodes_.Get("", options_.name);
  bool create = absl::IsNotFound(existing.status());
  if (!create && !existing.ok()) return existing.status();
  if (!create) node = *existing;
  node.mutable_metadata()->set_name(options_.name);
  auto& labels = *node.mutable_metadata()->mutable_labels();
  labels["kubernetes.io/hostname"] = options_.name;
  labels["kubernetes.io/os"] = "linux";
  for (const auto& [k, v] : options_.labels) labels[k] = v;
  if (!options_.pod_cidr.empty()) {
    node.mutable_spec()->set_pod_cidr(options_.pod_cidr);
    node.mutable_spec()->clear_pod_cidrs();
    node.mutable_spec()->add_pod_cidrs(options_.pod_cidr);
  }
  if (create) {
    auto created = nodes_.Create(node);
    if (!created.ok() && !absl::IsAlreadyExists(created.status())) return created.status();
  } else {
    ORDO_RETURN_IF_ERROR(nodes_.Update(node).status());
  }
  return PostReady();
}

absl::Status NodeHeartbeat::PostReady() {
  ORDO_ASSIGN_OR_RETURN(core::v1::Node node, nodes_.Get("", options_.name));
  absl::Time now = clock_.Now();
  core::v1::NodeStatus& status = *node.mutable_status();
  for (auto* list : {status.mutable_capacity(), status.mutable_allocatable()}) {
    (*list)["cpu"] = options_.cpu;
    (*list)["memory"] = options_.memory;
    (*list)["pods"] = options_.max_pods;
  }
  status.clear_addresses();
  auto* internal = status.add_addresses();
  internal->set_type("InternalIP");
  internal->set_address(options_.address);
  auto* hostname = status.add_addresses();
  hostname->set_type("Hostname");
  hostname->set_address(options_.name);
  status.mutable_daemon_endpoints()->mutable_kubelet_endpoint()->set_port(options_.agent_port);
  status.mutable_node_info()->set_kubelet_version("ordo-v0.1.0");
  status.mutable_node_info()->set_operating_system("linux");
  status.mutable_node_info()->set_architecture("amd64");
  status.mutable_node_info()->set_container_runtime_version("ordo-process://0.1");
  core::v1::NodeCondition* ready = nullptr;
  for (auto& c : *status.mutable_conditions()) {
    if (c.type() == "Ready") ready = &c;
  }
  if (ready == nullptr) ready = status.add_conditions();
  if (ready->status() != "True") SetTimestamp(ready->mutable_last_transition_time(), now);
  ready->set_type("Ready");
  ready->set_status("True");
  ready->set_reason("KubeletReady");
  ready->set_message("kubelet is posting ready status");
  SetTimestamp(ready->mutable_last_heartbeat_time(), now);
  status.set_phase("Running");
  ORDO_RETURN_IF_ERROR(nodes_.UpdateStatus(node).status());
  last_status_ = now;
  return absl::OkStatus();
}

absl::Status NodeHeartbeat::RenewLease() {
  absl::Time now = clock_.Now();
  if (!lease_.has_value()) {
    auto got = leases_.Get(kLeaseNamespace, options_.name);
    if (got.ok()) {
      lease_ = *got;
    } else if (absl::IsNotFound(got.status())) {
      coordination::v1::Lease lease;
      lease.mutable_metadata()->set_name(options_.name);
      lease.mutable_metadata()->set_namespace_(kLeaseNamespace);
      lease.mutable_spec()->set_holder_identity(options_.name);
      lease.mutable_spec()->set_lease_duration_seconds(
          static_cast<int32_t>(absl::ToInt64Seconds(options_.lease_duration)));
      SetTimestamp(lease.mutable_spec()->mutable_acquire_time(), now);
      SetTimestamp(lease.mutable_spec()->mutable_renew_time(), now);
      ORDO_ASSIGN_OR_RETURN(lease_, leases_.Create(lease));
      return absl::OkStatus();
    } else {
      return got.status();
    }
  }
  coordination::v1::Lease lease = *lease_;
  lease.mutable_spec()->set_holder_identity(options_.name);
  SetTimestamp(lease.mutable_spec()->mutable_renew_time(), now);
  auto updated = leases_.Update(lease);
  if (!updated.ok()) {
    lease_.reset();  // someone else wrote it (or it is gone): read afresh next beat
    return updated.status();
  }
  lease_ = *updated;
  return absl::OkStatus();
}

absl::Status NodeHeartbeat::Beat() {
  absl::Time now = clock_.Now();
  // Back from a silence (frozen, cut off) long enough for the node lifecycle
  // controller to have called the node Unknown: say Ready at once rather than
  // at the next status interval.
  bool was_away =
      last_beat_ != absl::InfinitePast() && now - last_beat_ > 2 * options_.heartbeat_interval;
  ORDO_RETURN_IF_ERROR(RenewLease());
  last_beat_ = now;
  if (was_away || now - last_status_ >= options_.status_interval) return PostReady();
  return absl::OkStatus();
}

}  // namespace ordo::kubelet
