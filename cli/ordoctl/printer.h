// How ordoctl prints objects the way kubectl does: tables with kubectl's
// columns per kind (pods: NAME READY STATUS RESTARTS AGE, -o wide adds IP and
// NODE; statefulsets: NAME READY AGE; pvc, pv, services, nodes, endpoints,
// pdb, storageclasses and namespaces as kubectl; others NAME AGE), kubectl's
// short ages ("5s", "3m20s", "4d"), and "kind.group/name" references.
// Pure functions; safe from any thread.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "common/api/resource_info.h"
#include "google/protobuf/message.h"

namespace ordo::ctl {

std::string ShortHumanDuration(absl::Duration d);
// "statefulset.apps/web", "pod/web-0".
std::string TypedName(const api::ResourceInfo& info, const std::string& name);

// Left-aligned columns, three spaces apart, each line prefixed by `indent`.
void PrintRows(std::ostream& out, const std::vector<std::vector<std::string>>& rows,
               const std::string& indent = "");

struct TableOptions {
  bool wide = false;
  bool with_namespace = false;
  bool no_headers = false;  // the columns keep the header's widths
  absl::Time now;
};

void PrintTable(std::ostream& out, const api::ResourceInfo& info,
                const std::vector<const google::protobuf::Message*>& objects,
                const TableOptions& options);

}  // namespace ordo::ctl
