// AgentService is the kubelet-agent's own gRPC service (ordo.agent.v1.KubeletAgent):
// container logs (tail, follow, previous run), exec in a container's
// namespaces with streamed stdin/stdout/stderr and the exit code, and the
// node shutdown `ordoctl cluster down` uses. Thread-safe (gRPC's threads).
#pragma once

#include "common/clock/clock.h"
#include "common/security/authenticator.h"
#include "ordo/agent/v1/agent.grpc.pb.h"
#include "services/kubelet-agent/container_runtime.h"
#include "services/kubelet-agent/pod_manager.h"

namespace ordo::kubelet {

class AgentService final : public agent::v1::KubeletAgent::Service {
 public:
  // `shutdown` stops every pod and returns how many containers ran.
  AgentService(PodManager& pods, ContainerRuntime& runtime, Clock& clock,
               std::function<int()> shutdown)
      : pods_(pods), runtime_(runtime), clock_(clock), shutdown_(std::move(shutdown)) {}

  grpc::Status Logs(grpc::ServerContext* ctx, const agent::v1::LogsRequest* request,
                    grpc::ServerWriter<agent::v1::LogChunk>* writer) override;
  grpc::Status Exec(
      grpc::ServerContext* ctx,
      grpc::ServerReaderWriter<agent::v1::ExecResponse, agent::v1::ExecRequest>* stream) override;
  grpc::Status ShutdownPods(grpc::ServerContext* ctx, const agent::v1::ShutdownRequest* request,
                            agent::v1::ShutdownResponse* response) override;

 private:
  PodManager& pods_;
  ContainerRuntime& runtime_;
  Clock& clock_;
  const std::function<int()> shutdown_;
};

// Who may call an agent at all (its Authenticator's admit policy): the
// api-server (user kube-apiserver), which relays pods/exec and pods/log for
// users RBAC allows, and the cluster's admins (group system:masters), whose
// `ordoctl cluster down` shuts pods down. Anyone else, nodes included, is
// refused PERMISSION_DENIED before a handler runs, as a kubelet refuses
// callers other than the api-server.
grpc::Status AdmitAgentCaller(const security::UserInfo& user);

// The last `lines` lines of `text` (all of it when lines < 0).
std::string TailLines(const std::string& text, int64_t lines);

}  // namespace ordo::kubelet
