#include "cli/ordoctl/describers.h"

#include <algorithm>
#include <optional>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "cli/ordoctl/apply_merge.h"
#include "common/clock/timestamp.h"
#include "common/labels/selector.h"

namespace ordo::ctl {
namespace {

// "key: value" lines at an indent. A run of consecutive lines with values
// aligns them in one column, whatever each line's indent, as kubectl's tab
// writer does; a heading (a key without a value, "Containers:") or a
// verbatim line ends the run. A value's later lines
// line up under its first. Written here because kubectl's describe layout is
// what users compare against, and no library prints it.
class Block {
 public:
  void Field(size_t indent, std::string key, std::string value) {
    lines_.push_back({indent, std::move(key), std::move(value)});
  }
  void Heading(size_t indent, std::string key) {
    lines_.push_back({indent, std::move(key), std::nullopt});
  }
  void Verbatim(std::string text) {
    lines_.push_back({std::string::npos, std::move(text), std::nullopt});
  }

  std::string Render() const {
    std::string out;
    for (size_t i = 0; i < lines_.size();) {
      const Line& first = lines_[i];
      if (!first.value.has_value()) {
        bool verbatim = first.indent == std::string::npos;
        absl::StrAppend(&out, verbatim ? "" : std::string(first.indent, ' '), first.key,
                        verbatim ? "" : ":", "\n");
        ++i;
        continue;
      }
      size_t end = i, width = 0;
      while (end < lines_.size() && lines_[end].value.has_value()) {
        width = std::max(width, lines_[end].indent + lines_[end].key.size() + 1);
        ++end;
      }
      for (; i < end; ++i) {
        const Line& l = lines_[i];
        std::string cell = absl::StrCat(std::string(l.indent, ' '), l.key, ":");
        cell.resize(width + 2, ' ');
        std::vector<std::string> parts = absl::StrSplit(*l.value, '\n');
        absl::StrAppend(&out, cell, parts[0], "\n");
        for (size_t p = 1; p < parts.size(); ++p) {
          absl::StrAppend(&out, std::string(width + 2, ' '), parts[p], "\n");
        }
      }
    }
    return out;
  }

 private:
  struct Line {
    size_t indent;  // npos: verbatim
    std::string key;
    std::optional<std::string> value;
  };
  std::vector<Line> lines_;
};

std::string Time(const google::protobuf::Timestamp& ts) {
  return absl::FormatTime("%a, %d %b %Y %H:%M:%S %z", FromTimestamp(ts), absl::UTCTimeZone());
}

// One pair per line (the Block lines them up).
std::string Pairs(const google::protobuf::Map<std::string, std::string>& m) {
  return DescribePairs(m, "\n");
}

std::string Ports(const core::v1::Container& c, bool host) {
  std::vector<std::string> out;
  for (const auto& p : c.ports()) {
    out.push_back(absl::StrCat(host ? p.host_port() : p.container_port(), "/",
                               p.protocol().empty() ? "TCP" : p.protocol()));
  }
  return out.empty() ? "" : absl::StrJoin(out, ", ");
}

void WriteState(Block& b, size_t indent, const std::string& title,
                const core::v1::ContainerState& s) {
  if (s.has_running()) {
    b.Field(indent, title, "Running");
    b.Field(indent + 2, "Started", Time(s.running().started_at()));
  } else if (s.has_terminated()) {
    const auto& t = s.terminated();
    b.Field(indent, title, "Terminated");
    b.Field(indent + 2, "Reason", t.reason());
    b.Field(indent + 2, "Exit Code", absl::StrCat(t.exit_code()));
    if (t.signal() != 0) b.Field(indent + 2, "Signal", absl::StrCat(t.signal()));
    if (t.has_started_at()) b.Field(indent + 2, "Started", Time(t.started_at()));
    if (t.has_finished_at()) b.Field(indent + 2, "Finished", Time(t.finished_at()));
  } else if (s.has_waiting()) {
    b.Field(indent, title, "Waiting");
    b.Field(indent + 2, "Reason", s.waiting().reason());
    if (!s.waiting().message().empty()) b.Field(indent + 2, "Message", s.waiting().message());
  } else {
    b.Field(indent, title, title == "State" ? "Waiting" : "<none>");
  }
}

// One container, as kubectl prints it in a pod (with its status) or in a
// template (`status` null). `indent`: of the container's name.
void WriteContainer(Block& b, size_t indent, const core::v1::Container& c,
                    const core::v1::ContainerStatus* status) {
  size_t in = indent + 2;
  b.Heading(indent, c.name());
  if (status != nullptr) {
    b.Field(in, "Container ID", status->container_id());
  }
  b.Field(in, "Image", c.image());
  if (!c.ports().empty()) {
    b.Field(in, c.ports_size() > 1 ? "Ports" : "Port", Ports(c, false));
    b.Field(in, c.ports_size() > 1 ? "Host Ports" : "Host Port", Ports(c, true));
  }
  if (!c.command().empty()) {
    b.Heading(in, "Command");
    for (const auto& w : c.command()) b.Verbatim(absl::StrCat(std::string(in + 2, ' '), w));
  }
  if (!c.args().empty()) {
    b.Heading(in, "Args");
    for (const auto& w : c.args()) b.Verbatim(absl::StrCat(std::string(in + 2, ' '), w));
  }
  if (status != nullptr) {
    WriteState(b, in, "State", status->state());
    if (status->has_last_state() &&
        (status->last_state().has_terminated() || status->last_state().has_running())) {
      WriteState(b, in, "Last State", status->last_state());
    }
    b.Field(in, "Ready", status->ready() ? "True" : "False");
    b.Field(in, "Restart Count", absl::StrCat(status->restart_count()));
  }
  for (const auto& [title, resources] :
       {std::pair{"Limits", &c.resources().limits()}, {"Requests", &c.resources().requests()}}) {
    if (resources->empty()) continue;
    b.Heading(in, title);
    std::vector<std::pair<std::string, std::string>> sorted(resources->begin(), resources->end());
    std::sort(sorted.begin(), sorted.end());
    for (const auto& [name, value] : sorted) b.Field(in + 2, name, value);
  }
  if (c.env().empty()) {
    b.Field(in, "Environment", "<none>");
  } else {
    b.Heading(in, "Environment");
    for (const auto& e : c.env()) {
      std::string value = e.value();
      if (e.has_value_from() && e.value_from().has_field_ref()) {
        value = absl::StrCat(" (", e.value_from().field_ref().api_version(), ":",
                             e.value_from().field_ref().field_path(), ")");
      }
      b.Field(in + 2, e.name(), value);
    }
  }
  if (c.volume_mounts().empty()) {
    b.Field(in, "Mounts", "<none>");
  } else {
    b.Heading(in, "Mounts");
    for (const auto& m : c.volume_mounts()) {
      b.Verbatim(absl::StrCat(
          std::string(in + 2, ' '), m.mount_path(), " from ", m.name(), " (",
          m.read_only() ? "ro" : "rw",
          m.sub_path().empty() ? "" : absl::StrCat(",path=\"", m.sub_path(), "\""), ")"));
    }
  }
}

void WriteVolumes(Block& b, size_t indent, const core::v1::PodSpec& spec) {
  if (spec.volumes().empty()) {
    b.Field(indent, "Volumes", "<none>");
    return;
  }
  b.Heading(indent, "Volumes");
  for (const auto& v : spec.volumes()) {
    size_t in = indent + 4;
    b.Heading(indent + 2, v.name());
    if (v.has_persistent_volume_claim()) {
      b.Field(in, "Type",
              "PersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same "
              "namespace)");
      b.Field(in, "ClaimName", v.persistent_volume_claim().claim_name());
      b.Field(in, "ReadOnly", v.persistent_volume_claim().read_only() ? "true" : "false");
    } else if (v.has_host_path()) {
      b.Field(in, "Type", "HostPath (bare host directory volume)");
      b.Field(in, "Path", v.host_path().path());
      b.Field(in, "HostPathType", v.host_path().type());
    } else {
      b.Field(in, "Type", "EmptyDir (a temporary directory that shares a pod's lifetime)");
      b.Field(in, "Medium", v.empty_dir().medium());
      b.Field(in, "SizeLimit",
              v.empty_dir().size_limit().empty() ? "<unset>" : v.empty_dir().size_limit());
    }
  }
}

std::string Tolerations(const core::v1::PodSpec& spec) {
  std::vector<std::string> out;
  for (const auto& t : spec.tolerations()) {
    std::string line = t.key();
    if (!t.value().empty()) absl::StrAppend(&line, "=", t.value());
    if (!t.effect().empty()) absl::StrAppend(&line, ":", t.effect());
    if (t.operator_() == "Exists") absl::StrAppend(&line, " op=Exists");
    if (t.has_toleration_seconds()) absl::StrAppend(&line, " for ", t.toleration_seconds(), "s");
    out.push_back(line);
  }
  return out.empty() ? "<none>" : absl::StrJoin(out, "\n");
}

}  // namespace

std::string DescribePairs(const google::protobuf::Map<std::string, std::string>& pairs,
                          absl::string_view separator) {
  std::vector<std::string> out;
  for (const auto& [k, v] : pairs) {
    if (k != kLastAppliedAnnotation) out.push_back(absl::StrCat(k, "=", v));  // kubectl hides it
  }
  std::sort(out.begin(), out.end());
  return out.empty() ? "<none>" : absl::StrJoin(out, separator);
}

std::string DescribePod(const core::v1::Pod& pod) {
  const auto& m = pod.metadata();
  const auto& spec = pod.spec();
  const auto& status = pod.status();
  Block b;
  b.Field(0, "Name", m.name());
  b.Field(0, "Namespace", m.namespace_());
  b.Field(0, "Priority", absl::StrCat(spec.priority()));
  b.Field(0, "Service Account",
          spec.service_account_name().empty() ? "default" : spec.service_account_name());
  b.Field(
      0, "Node",
      spec.node_name().empty()
          ? "<none>"
          : absl::StrCat(spec.node_name(), status.host_ip().empty() ? "" : "/", status.host_ip()));
  if (status.has_start_time()) b.Field(0, "Start Time", Time(status.start_time()));
  b.Field(0, "Labels", Pairs(m.labels()));
  b.Field(0, "Annotations", Pairs(m.annotations()));
  if (m.has_deletion_timestamp()) {
    b.Field(0, "Status",
            absl::StrCat("Terminating (lasts since ", Time(m.deletion_timestamp()), ")"));
    b.Field(0, "Termination Grace Period", absl::StrCat(m.deletion_grace_period_seconds(), "s"));
  } else {
    b.Field(0, "Status", status.phase());
  }
  if (!status.reason().empty()) b.Field(0, "Reason", status.reason());
  if (!status.message().empty()) b.Field(0, "Message", status.message());
  b.Field(0, "IP", status.pod_ip());
  if (status.pod_ips().empty()) {
    b.Field(0, "IPs", "<none>");
  } else {
    b.Heading(0, "IPs");
    for (const auto& ip : status.pod_ips()) b.Field(2, "IP", ip.ip());
  }
  for (const auto& ref : m.owner_references()) {
    if (ref.controller()) b.Field(0, "Controlled By", absl::StrCat(ref.kind(), "/", ref.name()));
  }
  b.Heading(0, "Containers");
  for (const auto& c : spec.containers()) {
    const core::v1::ContainerStatus* cs = nullptr;
    for (const auto& s : status.container_statuses()) {
      if (s.name() == c.name()) cs = &s;
    }
    core::v1::ContainerStatus none;  // not reported yet: Waiting
    WriteContainer(b, 2, c, cs != nullptr ? cs : &none);
  }
  if (status.conditions().empty()) {
    b.Field(0, "Conditions", "<none>");
  } else {
    b.Heading(0, "Conditions");
    b.Field(2, "Type", "Status");
    for (const auto& c : status.conditions()) b.Field(2, c.type(), c.status());
  }
  WriteVolumes(b, 0, spec);
  b.Field(0, "QoS Class", status.qos_class());
  std::vector<std::string> selectors;
  for (const auto& [k, v] : spec.node_selector()) selectors.push_back(absl::StrCat(k, "=", v));
  std::sort(selectors.begin(), selectors.end());
  b.Field(0, "Node-Selectors", selectors.empty() ? "<none>" : absl::StrJoin(selectors, "\n"));
  b.Field(0, "Tolerations", Tolerations(spec));
  return b.Render();
}

std::string DescribeStatefulSet(const apps::v1::StatefulSet& set, const PodPhaseCounts& pods) {
  const auto& m = set.metadata();
  const auto& spec = set.spec();
  Block b;
  b.Field(0, "Name", m.name());
  b.Field(0, "Namespace", m.namespace_());
  b.Field(0, "CreationTimestamp", Time(m.creation_timestamp()));
  auto selector = labels::LabelSelector::FromProto(spec.selector());
  b.Field(0, "Selector", selector.ok() ? selector->ToString() : "<invalid>");
  b.Field(0, "Labels", Pairs(m.labels()));
  b.Field(0, "Annotations", Pairs(m.annotations()));
  b.Field(0, "Replicas",
          absl::StrCat(spec.has_replicas() ? spec.replicas() : 1, " desired | ",
                       set.status().replicas(), " total"));
  b.Field(0, "Update Strategy", spec.update_strategy().type());
  if (spec.update_strategy().type() == "RollingUpdate") {
    const auto& rolling = spec.update_strategy().rolling_update();
    b.Field(2, "Partition", absl::StrCat(rolling.partition()));
  }
  b.Field(0, "Pods Status",
          absl::StrCat(pods.running, " Running / ", pods.waiting, " Waiting / ", pods.succeeded,
                       " Succeeded / ", pods.failed, " Failed"));
  b.Heading(0, "Pod Template");
  b.Field(2, "Labels", Pairs(spec.template_().metadata().labels()));
  b.Heading(2, "Containers");
  for (const auto& c : spec.template_().spec().containers()) WriteContainer(b, 3, c, nullptr);
  WriteVolumes(b, 2, spec.template_().spec());
  if (spec.volume_claim_templates().empty()) {
    b.Field(0, "Volume Claims", "<none>");
  } else {
    b.Heading(0, "Volume Claims");
    for (const auto& claim : spec.volume_claim_templates()) {
      const auto& cs = claim.spec();
      b.Field(2, "Name", claim.metadata().name());
      b.Field(2, "StorageClass", cs.storage_class_name());
      b.Field(2, "Labels", Pairs(claim.metadata().labels()));
      b.Field(2, "Annotations", Pairs(claim.metadata().annotations()));
      auto storage = cs.resources().requests().find("storage");
      b.Field(2, "Capacity", storage == cs.resources().requests().end() ? "" : storage->second);
      b.Field(2, "Access Modes", absl::StrCat("[", absl::StrJoin(cs.access_modes(), " "), "]"));
    }
  }
  return b.Render();
}

}  // namespace ordo::ctl
