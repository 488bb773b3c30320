#include "cli/ordoctl/printer.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "ordo/apps/v1/apps.pb.h"
#include "ordo/core/v1/core.pb.h"

namespace ordo::ctl {
namespace {

using Row = std::vector<std::string>;

const meta::v1::ObjectMeta& MetaOf(const google::protobuf::Message& m) {
  const auto* f = m.GetDescriptor()->FindFieldByName("metadata");
  return static_cast<const meta::v1::ObjectMeta&>(m.GetReflection()->GetMessage(m, f));
}

std::string Age(const meta::v1::ObjectMeta& meta, absl::Time now) {
  if (!meta.has_creation_timestamp()) return "<unknown>";
  return ShortHumanDuration(now - absl::FromUnixSeconds(meta.creation_timestamp().seconds()));
}

Row PodRow(const core::v1::Pod& pod, const TableOptions& o) {
  int ready = 0, restarts = 0;
  std::string status = pod.status().phase();
  for (const auto& cs : pod.status().container_statuses()) {
    ready += cs.ready() ? 1 : 0;
    restarts += cs.restart_count();
    if (cs.state().has_waiting() && !cs.state().waiting().reason().empty()) {
      status = cs.state().waiting().reason();
    } else if (cs.state().has_terminated() && !cs.state().terminated().reason().empty()) {
      status = cs.state().terminated().reason();
    }
  }
  if (pod.metadata().has_deletion_timestamp()) status = "Terminating";
  Row row = {pod.metadata().name(), absl::StrCat(ready, "/", pod.spec().containers_size()), status,
             absl::StrCat(restarts), Age(pod.metadata(), o.now)};
  if (o.wide) {
    row.push_back(pod.status().pod_ip().empty() ? "<none>" : pod.status().pod_ip());
    row.push_back(pod.spec().node_name().empty() ? "<none>" : pod.spec().node_name());
  }
  return row;
}

Row StatefulSetRow(const apps::v1::StatefulSet& set, const TableOptions& o) {
  return {set.metadata().name(),
          absl::StrCat(set.status().ready_replicas(), "/", set.spec().replicas()),
          Age(set.metadata(), o.now)};
}

Row ClaimRow(const core::v1::PersistentVolumeClaim& pvc, const TableOptions& o) {
  auto capacity = pvc.status().capacity().find("storage");
  std::vector<std::string> modes;
  for (const auto& m : pvc.status().access_modes()) {
    modes.push_back(m == "ReadWriteOnce"   ? "RWO"
                    : m == "ReadOnlyMany"  ? "ROX"
                    : m == "ReadWriteMany" ? "RWX"
                                           : "RWOP");
  }
  return {pvc.metadata().name(),
          pvc.status().phase(),
          pvc.spec().volume_name(),
          capacity == pvc.status().capacity().end() ? "" : capacity->second,
          absl::StrJoin(modes, ","),
          pvc.spec().has_storage_class_name() ? pvc.spec().storage_class_name() : "<unset>",
          Age(pvc.metadata(), o.now)};
}

}  // namespace

void PrintRows(std::ostream& out, const std::vector<Row>& rows, const std::string& indent) {
  std::vector<size_t> widths;
  for (const auto& row : rows) {
    widths.resize(std::max(widths.size(), row.size()));
    for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
  }
  for (const auto& row : rows) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line += std::string(widths[i] - row[i].size() + 3, ' ');
    }
    out << indent << line << "\n";
  }
}

std::string ShortHumanDuration(absl::Duration d) {
  int64_t s = std::max<int64_t>(0, absl::ToInt64Seconds(d));
  if (s < 120) return absl::StrCat(s, "s");
  int64_t m = s / 60;
  if (m < 10) return s % 60 == 0 ? absl::StrCat(m, "m") : absl::StrCat(m, "m", s % 60, "s");
  if (m < 180) return absl::StrCat(m, "m");
  int64_t h = m / 60;
  if (h < 8) return m % 60 == 0 ? absl::StrCat(h, "h") : absl::StrCat(h, "h", m % 60, "m");
  if (h < 48) return absl::StrCat(h, "h");
  int64_t days = h / 24;
  if (days < 8) return h % 24 == 0 ? absl::StrCat(days, "d") : absl::StrCat(days, "d", h % 24, "h");
  if (days < 365 * 2) return absl::StrCat(days, "d");
  return absl::StrCat(days / 365, "y");
}

std::string TypedName(const api::ResourceInfo& info, const std::string& name) {
  std::string kind = absl::AsciiStrToLower(info.kind);
  if (!info.group.empty()) kind = absl::StrCat(kind, ".", info.group);
  return absl::StrCat(kind, "/", name);
}

void PrintTable(std::ostream& out, const api::ResourceInfo& info,
                const std::vector<const google::protobuf::Message*>& objects,
                const TableOptions& o) {
  std::vector<Row> rows;
  Row header;
  if (info.kind == "Pod") {
    header = {"NAME", "READY", "STATUS", "RESTARTS", "AGE"};
    if (o.wide) header.insert(header.end(), {"IP", "NODE"});
  } else if (info.kind == "StatefulSet") {
    header = {"NAME", "READY", "AGE"};
  } else if (info.kind == "PersistentVolumeClaim") {
    header = {"NAME", "STATUS", "VOLUME", "CAPACITY", "ACCESS MODES", "STORAGECLASS", "AGE"};
  } else {
    header = {"NAME", "AGE"};
  }
  if (o.with_namespace) header.insert(header.begin(), "NAMESPACE");
  rows.push_back(header);
  for (const auto* obj : objects) {
    Row row;
    if (info.kind == "Pod") {
      row = PodRow(static_cast<const core::v1::Pod&>(*obj), o);
    } else if (info.kind == "StatefulSet") {
      row = StatefulSetRow(static_cast<const apps::v1::StatefulSet&>(*obj), o);
    } else if (info.kind == "PersistentVolumeClaim") {
      row = ClaimRow(static_cast<const core::v1::PersistentVolumeClaim&>(*obj), o);
    } else {
      row = {MetaOf(*obj).name(), Age(MetaOf(*obj), o.now)};
    }
    if (o.with_namespace) row.insert(row.begin(), MetaOf(*obj).namespace_());
    rows.push_back(std::move(row));
  }
  PrintRows(out, rows);
}

}  // namespace ordo::ctl
