#include "services/api-server/authorization/node_authorizer.h"

#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"

namespace ordo::authorization {
namespace {

constexpr char kNodesGroup[] = "system:nodes";
constexpr char kNodeLeaseNamespace[] = "kube-node-lease";

bool IsRead(const std::string& verb) { return verb == "get" || verb == "list" || verb == "watch"; }
bool IsWrite(const std::string& verb) {
  return verb == "create" || verb == "update" || verb == "patch" || verb == "delete";
}

}  // namespace

std::optional<std::string> NodeNameOf(const security::UserInfo& user) {
  absl::string_view name = user.name;
  if (!absl::ConsumePrefix(&name, "system:node:") || name.empty()) return std::nullopt;
  for (const std::string& g : user.groups) {
    if (g == kNodesGroup) return std::string(name);
  }
  return std::nullopt;
}

bool NodeAuthorizer::NodeMay(const std::string& node, const RequestAttributes& r) const {
  const std::string& res = r.resource;
  if (r.api_group.empty()) {
    if (res == "nodes") {
      if (IsRead(r.verb) && r.subresource.empty()) return true;
      return IsWrite(r.verb) && r.name == node &&
             (r.subresource.empty() || r.subresource == "status");
    }
    if (res == "pods") {
      if (IsRead(r.verb) && r.subresource.empty()) return true;
      bool writes_status = r.subresource == "status" && (r.verb == "update" || r.verb == "patch");
      bool deletes = r.subresource.empty() && r.verb == "delete";
      if (!writes_status && !deletes) return false;
      std::optional<std::string> bound = pod_node_(r.ns, r.name);
      return bound.has_value() && *bound == node;
    }
    if (res == "services" || res == "endpoints" || res == "namespaces" ||
        res == "persistentvolumeclaims") {
      return IsRead(r.verb) && r.subresource.empty();
    }
    if (res == "persistentvolumes") {
      return r.subresource.empty() && (IsRead(r.verb) || r.verb == "update" || r.verb == "patch");
    }
    if (res == "events") return r.verb == "create" || r.verb == "update" || r.verb == "patch";
    return false;
  }
  if (r.api_group == "coordination.k8s.io" && res == "leases") {
    return r.ns == kNodeLeaseNamespace && r.name == node && (r.verb == "get" || IsWrite(r.verb));
  }
  if (r.api_group == "storage.k8s.io" && res == "storageclasses") return IsRead(r.verb);
  if (r.api_group == "snapshot.storage.k8s.io" && res == "volumesnapshotcontents") {
    if (IsRead(r.verb) && r.subresource.empty()) return true;
    // The snapshot's annotations (how it was made consistent), then its status.
    bool writes = (r.subresource.empty() || r.subresource == "status") &&
                  (r.verb == "update" || r.verb == "patch");
    if (!writes) return false;
    std::optional<std::string> given = content_node_ ? content_node_(r.name) : std::nullopt;
    return given.has_value() && *given == node;
  }
  return false;
}

bool NodeAuthorizer::Allows(const security::UserInfo& user,
                            const RequestAttributes& request) const {
  if (std::optional<std::string> node = NodeNameOf(user); node && NodeMay(*node, request)) {
    return true;
  }
  return next_.Allows(user, request);
}

}  // namespace ordo::authorization
