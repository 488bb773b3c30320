// Kubernetes' Node authorizer: what a node agent may do, decided from its
// identity (user system:node:NAME in group system:nodes) and the objects it
// touches, so that one node's certificate is worth one node:
//   - read nodes, pods, services, endpoints, namespaces, claims, volumes,
//     storage classes (what its pods need);
//   - create and write only its own Node (and nodes/status) and its own
//     Lease in kube-node-lease;
//   - delete pods and write pods/status only of pods bound to it (the stored
//     pod's spec.nodeName, never the request's);
//   - update persistentvolumes (the attach annotation; see the note in
//     docs/architecture.md) and write events;
//   - read volumesnapshotcontents, and update (annotations, status) only
//     those the snapshot controller gave it to take (annotation
//     ordo.io/snapshot-node; as with volumes, which fields it changes is not
//     checked).
// Anything else, and every request of a user that is not a node, goes to
// `next` (RBAC), where no default binding grants nodes more. Thread-safe if
// `pod_node` is.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "services/api-server/authorization/authorizer.h"

namespace ordo::authorization {

// The node a stored pod is bound to ("" when unbound), or nullopt when the
// pod does not exist.
using PodNodeLookup =
    std::function<std::optional<std::string>(const std::string& ns, const std::string& name)>;

// The node an identity speaks for: NAME of user system:node:NAME in group
// system:nodes, or nullopt.
std::optional<std::string> NodeNameOf(const security::UserInfo& user);

// The node a stored cluster-scoped object was given to, or nullopt.
using ObjectNodeLookup = std::function<std::optional<std::string>(const std::string& name)>;

class NodeAuthorizer : public Authorizer {
 public:
  NodeAuthorizer(PodNodeLookup pod_node, const Authorizer& next,
                 ObjectNodeLookup snapshot_content_node = nullptr)
      : pod_node_(std::move(pod_node)),
        content_node_(std::move(snapshot_content_node)),
        next_(next) {}

  bool Allows(const security::UserInfo& user, const RequestAttributes& request) const override;

 private:
  bool NodeMay(const std::string& node, const RequestAttributes& request) const;

  PodNodeLookup pod_node_;
  ObjectNodeLookup content_node_;
  const Authorizer& next_;
};

}  // namespace ordo::authorization
