// The pods/exec and pods/log subresources (ordo.core.v1.PodIO), served as
// kube-apiserver serves them: the caller must be allowed `create pods/exec`
// or `get pods/log` (exec is audited), then the session is relayed to the
// kubelet-agent of the pod's node over a channel that carries the
// api-server's own client certificate. Agents answer no one else but admins,
// so RBAC decides who may run a command in a pod.
//
// A relay is a thread of gRPC's sync server per session (plus one pumping an
// exec's stdin): the plainest correct proxy; sessions are few and long. The
// client's cancellation reaches the agent (the upstream call is a child of
// the client's). Thread-safe.
#pragma once

#include <grpcpp/grpcpp.h>
#include <grpcpp/impl/service_type.h>

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "services/api-server/access_gate.h"
#include "services/api-server/api_server.h"

namespace ordo::apiserver {

// Where a pod runs: its uid and its node's agent ("host:port").
struct PodAgent {
  std::string pod_uid;
  std::string node;
  std::string agent_address;
};

// Finds the agent of pod ns/name: NOT_FOUND for an unknown pod,
// FAILED_PRECONDITION for one not yet scheduled, UNAVAILABLE when its node
// shows no agent endpoint.
using PodAgentLocator =
    std::function<absl::StatusOr<PodAgent>(const std::string& ns, const std::string& name)>;

// A channel to an agent's address.
using AgentDialer = std::function<std::shared_ptr<grpc::Channel>(const std::string& address)>;

// The locator reading the api-server's own store: the pod's spec.nodeName,
// then that Node's InternalIP (127.0.0.1 without one) and kubelet endpoint.
PodAgentLocator LocatePodsIn(ApiServer& api);

// `gate`, the locator's store and whatever `dial` uses must outlive the
// service. Channels are dialed once per address and kept.
std::unique_ptr<grpc::Service> NewPodIOService(const AccessGate& gate, PodAgentLocator locate,
                                               AgentDialer dial);

}  // namespace ordo::apiserver
