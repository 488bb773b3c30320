#include "cli/ordoctl/printer.h"

#include <algorithm>
#include <functional>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "ordo/apps/v1/apps.pb.h"
#include "ordo/core/v1/core.pb.h"
#include "ordo/policy/v1/policy.pb.h"
#include "ordo/snapshot/v1/snapshot.pb.h"
#include "ordo/storage/v1/storage.pb.h"

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

std::string AccessModes(const google::protobuf::RepeatedPtrField<std::string>& modes) {
  std::vector<std::string> out;
  for (const auto& m : modes) {
    out.push_back(m == "ReadWriteOnce"   ? "RWO"
                  : m == "ReadOnlyMany"  ? "ROX"
                  : m == "ReadWriteMany" ? "RWX"
                                         : "RWOP");
  }
  return absl::StrJoin(out, ",");
}

Row ClaimRow(const core::v1::PersistentVolumeClaim& pvc, const TableOptions& o) {
  auto capacity = pvc.status().capacity().find("storage");
  return {pvc.metadata().name(),
          pvc.status().phase(),
          pvc.spec().volume_name(),
          capacity == pvc.status().capacity().end() ? "" : capacity->second,
          AccessModes(pvc.status().access_modes()),
          pvc.spec().has_storage_class_name() ? pvc.spec().storage_class_name() : "<unset>",
          Age(pvc.metadata(), o.now)};
}

std::string IntOrString(const google::protobuf::Value& v) {
  if (v.has_number_value()) return absl::StrCat(static_cast<int64_t>(v.number_value()));
  if (v.has_string_value()) return v.string_value();
  return "N/A";
}

Row ServiceRow(const core::v1::Service& svc, const TableOptions& o) {
  std::vector<std::string> ports;
  for (const auto& p : svc.spec().ports())
    ports.push_back(absl::StrCat(p.port(), "/", p.protocol()));
  return {
      svc.metadata().name(),
      svc.spec().type(),
      svc.spec().cluster_ip().empty() ? "<none>" : svc.spec().cluster_ip(),
      svc.spec().external_ips().empty() ? "<none>" : absl::StrJoin(svc.spec().external_ips(), ","),
      ports.empty() ? "<none>" : absl::StrJoin(ports, ","),
      Age(svc.metadata(), o.now)};
}

Row VolumeRow(const core::v1::PersistentVolume& pv, const TableOptions& o) {
  auto cap = pv.spec().capacity().find("storage");
  std::string claim = pv.spec().has_claim_ref() ? absl::StrCat(pv.spec().claim_ref().namespace_(),
                                                               "/", pv.spec().claim_ref().name())
                                                : "";
  return {pv.metadata().name(),
          cap == pv.spec().capacity().end() ? "" : cap->second,
          AccessModes(pv.spec().access_modes()),
          pv.spec().persistent_volume_reclaim_policy(),
          pv.status().phase(),
          claim,
          pv.spec().storage_class_name(),
          Age(pv.metadata(), o.now)};
}

Row NodeRow(const core::v1::Node& node, const TableOptions& o) {
  std::string status = "Unknown";
  for (const auto& c : node.status().conditions()) {
    if (c.type() == "Ready") status = c.status() == "True" ? "Ready" : "NotReady";
  }
  if (node.spec().unschedulable()) status += ",SchedulingDisabled";
  return {node.metadata().name(), status, "<none>", Age(node.metadata(), o.now),
          node.status().node_info().kubelet_version()};
}

Row EndpointsRow(const core::v1::Endpoints& ep, const TableOptions& o) {
  std::vector<std::string> addrs;
  for (const auto& subset : ep.subsets()) {
    for (const auto& a : subset.addresses()) {
      if (subset.ports().empty()) addrs.push_back(a.ip());
      for (const auto& p : subset.ports()) addrs.push_back(absl::StrCat(a.ip(), ":", p.port()));
    }
  }
  std::string shown =
      addrs.empty()
          ? "<none>"
          : absl::StrJoin(addrs.begin(), addrs.begin() + std::min<size_t>(3, addrs.size()), ",");
  if (addrs.size() > 3) absl::StrAppend(&shown, " + ", addrs.size() - 3, " more...");
  return {ep.metadata().name(), shown, Age(ep.metadata(), o.now)};
}

Row BudgetRow(const policy::v1::PodDisruptionBudget& pdb, const TableOptions& o) {
  return {pdb.metadata().name(),
          pdb.spec().has_min_available() ? IntOrString(pdb.spec().min_available()) : "N/A",
          pdb.spec().has_max_unavailable() ? IntOrString(pdb.spec().max_unavailable()) : "N/A",
          absl::StrCat(pdb.status().disruptions_allowed()), Age(pdb.metadata(), o.now)};
}

Row ClassRow(const storage::v1::StorageClass& sc, const TableOptions& o) {
  auto is_default = sc.metadata().annotations().find("storageclass.kubernetes.io/is-default-class");
  bool marked = is_default != sc.metadata().annotations().end() && is_default->second == "true";
  return {sc.metadata().name() + (marked ? " (default)" : ""),
          sc.provisioner(),
          sc.reclaim_policy(),
          sc.volume_binding_mode(),
          sc.allow_volume_expansion() ? "true" : "false",
          Age(sc.metadata(), o.now)};
}

// The snapshot kinds' columns are the external-snapshotter CRDs' printer
// columns, as kubectl shows them.
Row SnapshotRow(const snapshot::v1::VolumeSnapshot& vs, const TableOptions& o) {
  const auto& st = vs.status();
  const auto& src = vs.spec().source();
  return {vs.metadata().name(),
          st.has_ready_to_use() ? (st.ready_to_use() ? "true" : "false") : "",
          src.persistent_volume_claim_name(),
          src.volume_snapshot_content_name(),
          st.restore_size(),
          vs.spec().volume_snapshot_class_name(),
          st.bound_volume_snapshot_content_name(),
          st.has_creation_time()
              ? ShortHumanDuration(o.now - absl::FromUnixSeconds(st.creation_time().seconds()))
              : "",
          Age(vs.metadata(), o.now)};
}

Row SnapshotContentRow(const snapshot::v1::VolumeSnapshotContent& c, const TableOptions& o) {
  const auto& st = c.status();
  return {c.metadata().name(),
          st.has_ready_to_use() ? (st.ready_to_use() ? "true" : "false") : "",
          st.has_restore_size() ? absl::StrCat(st.restore_size()) : "",
          c.spec().deletion_policy(),
          c.spec().driver(),
          c.spec().volume_snapshot_class_name(),
          c.spec().volume_snapshot_ref().name(),
          c.spec().volume_snapshot_ref().namespace_(),
          Age(c.metadata(), o.now)};
}

Row SnapshotClassRow(const snapshot::v1::VolumeSnapshotClass& c, const TableOptions& o) {
  return {c.metadata().name(), c.driver(), c.deletion_policy(), Age(c.metadata(), o.now)};
}

Row NamespaceRow(const core::v1::Namespace& ns, const TableOptions& o) {
  return {ns.metadata().name(), ns.status().phase(), Age(ns.metadata(), o.now)};
}

// Each kind's columns and row; kinds not listed print NAME and AGE.
struct Columns {
  Row header;
  std::function<Row(const google::protobuf::Message&, const TableOptions&)> row;
};

template <typename T>
Columns Make(Row header, Row (*fn)(const T&, const TableOptions&)) {
  return {std::move(header), [fn](const google::protobuf::Message& m, const TableOptions& o) {
            return fn(static_cast<const T&>(m), o);
          }};
}

Columns ColumnsFor(const std::string& kind, bool wide) {
  if (kind == "Pod") {
    Row header = {"NAME", "READY", "STATUS", "RESTARTS", "AGE"};
    if (wide) header.insert(header.end(), {"IP", "NODE"});
    return Make<core::v1::Pod>(header, PodRow);
  }
  if (kind == "StatefulSet")
    return Make<apps::v1::StatefulSet>({"NAME", "READY", "AGE"}, StatefulSetRow);
  if (kind == "PersistentVolumeClaim") {
    return Make<core::v1::PersistentVolumeClaim>(
        {"NAME", "STATUS", "VOLUME", "CAPACITY", "ACCESS MODES", "STORAGECLASS", "AGE"}, ClaimRow);
  }
  if (kind == "PersistentVolume") {
    return Make<core::v1::PersistentVolume>({"NAME", "CAPACITY", "ACCESS MODES", "RECLAIM POLICY",
                                             "STATUS", "CLAIM", "STORAGECLASS", "AGE"},
                                            VolumeRow);
  }
  if (kind == "Service") {
    return Make<core::v1::Service>({"NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"},
                                   ServiceRow);
  }
  if (kind == "Node") {
    return Make<core::v1::Node>({"NAME", "STATUS", "ROLES", "AGE", "VERSION"}, NodeRow);
  }
  if (kind == "Endpoints")
    return Make<core::v1::Endpoints>({"NAME", "ENDPOINTS", "AGE"}, EndpointsRow);
  if (kind == "PodDisruptionBudget") {
    return Make<policy::v1::PodDisruptionBudget>(
        {"NAME", "MIN AVAILABLE", "MAX UNAVAILABLE", "ALLOWED DISRUPTIONS", "AGE"}, BudgetRow);
  }
  if (kind == "StorageClass") {
    return Make<storage::v1::StorageClass>({"NAME", "PROVISIONER", "RECLAIMPOLICY",
                                            "VOLUMEBINDINGMODE", "ALLOWVOLUMEEXPANSION", "AGE"},
                                           ClassRow);
  }
  if (kind == "Namespace")
    return Make<core::v1::Namespace>({"NAME", "STATUS", "AGE"}, NamespaceRow);
  if (kind == "VolumeSnapshot") {
    return Make<snapshot::v1::VolumeSnapshot>(
        {"NAME", "READYTOUSE", "SOURCEPVC", "SOURCESNAPSHOTCONTENT", "RESTORESIZE", "SNAPSHOTCLASS",
         "SNAPSHOTCONTENT", "CREATIONTIME", "AGE"},
        SnapshotRow);
  }
  if (kind == "VolumeSnapshotContent") {
    return Make<snapshot::v1::VolumeSnapshotContent>(
        {"NAME", "READYTOUSE", "RESTORESIZE", "DELETIONPOLICY", "DRIVER", "VOLUMESNAPSHOTCLASS",
         "VOLUMESNAPSHOT", "VOLUMESNAPSHOTNAMESPACE", "AGE"},
        SnapshotContentRow);
  }
  if (kind == "VolumeSnapshotClass") {
    return Make<snapshot::v1::VolumeSnapshotClass>({"NAME", "DRIVER", "DELETIONPOLICY", "AGE"},
                                                   SnapshotClassRow);
  }
  return {{"NAME", "AGE"}, [](const google::protobuf::Message& m, const TableOptions& o) {
            return Row{MetaOf(m).name(), Age(MetaOf(m), o.now)};
          }};
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
  Columns columns = ColumnsFor(info.kind, o.wide);
  std::vector<Row> rows = {columns.header};
  if (o.with_namespace) rows[0].insert(rows[0].begin(), "NAMESPACE");
  for (const auto* obj : objects) {
    Row row = columns.row(*obj, o);
    if (o.with_namespace) row.insert(row.begin(), MetaOf(*obj).namespace_());
    rows.push_back(std::move(row));
  }
  if (!o.no_headers) {
    PrintRows(out, rows);
    return;
  }
  std::ostringstream table;
  PrintRows(table, rows);
  std::string text = table.str();
  out << text.substr(text.find('\n') + 1);
}

}  // namespace ordo::ctl
