#include "services/api-server/pod_io_service.h"

#include <thread>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "common/status/grpc_status.h"
#include "ordo/agent/v1/agent.grpc.pb.h"
#include "ordo/core/v1/core.pb.h"
#include "ordo/core/v1/pod_io.grpc.pb.h"

namespace ordo::apiserver {
namespace {

using agent::v1::ExecRequest;
using agent::v1::ExecResponse;
using agent::v1::LogChunk;
using agent::v1::LogsRequest;
using authorization::RequestAttributes;

grpc::Status Invalid(const std::string& message) {
  return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, message);
}

// A failure to reach the agent names the node, as kube-apiserver's "error
// dialing backend" does; the agent's own answers pass through unchanged.
grpc::Status FromAgent(const grpc::Status& status, const PodAgent& agent) {
  if (status.error_code() != grpc::StatusCode::UNAVAILABLE) return status;
  return grpc::Status(grpc::StatusCode::UNAVAILABLE,
                      absl::StrCat("error dialing backend: the agent of node ", agent.node, " at ",
                                   agent.agent_address, ": ", status.error_message()));
}

class PodIOService final : public core::v1::PodIO::Service {
 public:
  PodIOService(const AccessGate& gate, PodAgentLocator locate, AgentDialer dial)
      : gate_(gate), locate_(std::move(locate)), dial_(std::move(dial)) {}

  grpc::Status Logs(grpc::ServerContext* ctx, const LogsRequest* request,
                    grpc::ServerWriter<LogChunk>* writer) override {
    LogsRequest forwarded = *request;
    if (forwarded.namespace_().empty()) forwarded.set_namespace_("default");
    if (forwarded.pod().empty()) return Invalid("pod: Required value: name of the pod");
    auto agent = Admit(*ctx, "get", "log", forwarded.namespace_(), forwarded.pod(),
                       forwarded.mutable_pod_uid());
    if (!agent.ok()) return status::ToGrpcStatus(agent.status());
    std::unique_ptr<grpc::ClientContext> upstream = grpc::ClientContext::FromServerContext(*ctx);
    auto stub = agent::v1::KubeletAgent::NewStub(Channel(agent->agent_address));
    auto reader = stub->Logs(upstream.get(), forwarded);
    LogChunk chunk;
    while (reader->Read(&chunk)) {
      if (!writer->Write(chunk)) {
        upstream->TryCancel();  // the client is gone
        break;
      }
    }
    return FromAgent(reader->Finish(), *agent);
  }

  grpc::Status Exec(grpc::ServerContext* ctx,
                    grpc::ServerReaderWriter<ExecResponse, ExecRequest>* stream) override {
    ExecRequest first;
    if (!stream->Read(&first)) return Invalid("the first message must name the pod and command");
    if (first.namespace_().empty()) first.set_namespace_("default");
    if (first.pod().empty()) return Invalid("pod: Required value: name of the pod");
    if (first.command().empty()) {
      return Invalid(
          "command: Required value: you must specify at least one command for the container");
    }
    auto agent =
        Admit(*ctx, "create", "exec", first.namespace_(), first.pod(), first.mutable_pod_uid());
    if (!agent.ok()) return status::ToGrpcStatus(agent.status());
    gate_.Audit(*ctx, Attributes("create", "exec", first.namespace_(), first.pod()),
                "v1")(absl::OkStatus());

    std::unique_ptr<grpc::ClientContext> upstream_ctx =
        grpc::ClientContext::FromServerContext(*ctx);
    auto stub = agent::v1::KubeletAgent::NewStub(Channel(agent->agent_address));
    auto upstream = stub->Exec(upstream_ctx.get());
    upstream->Write(first);
    // The client's stdin, until it closes it or goes.
    absl::Notification stdin_done;
    std::thread pump;
    if (first.stdin() && !first.stdin_closed()) {
      pump = std::thread([&] {
        ExecRequest more;
        bool closed = false;
        while (!closed && stream->Read(&more)) {
          closed = more.stdin_closed();
          if (!upstream->Write(more)) break;
        }
        upstream->WritesDone();
        stdin_done.Notify();
      });
    } else {
      upstream->WritesDone();
      stdin_done.Notify();
    }
    ExecResponse response;
    while (upstream->Read(&response)) {
      if (!stream->Write(response)) {
        upstream_ctx->TryCancel();
        break;
      }
    }
    // A client that keeps its stdin open after the command ended is read no
    // more (the agent ends such a session the same way); one whose last
    // stdin is on its way gets a moment to finish.
    if (!stdin_done.WaitForNotificationWithTimeout(absl::Milliseconds(200))) ctx->TryCancel();
    if (pump.joinable()) pump.join();
    return FromAgent(upstream->Finish(), *agent);
  }

 private:
  static RequestAttributes Attributes(const std::string& verb, const std::string& subresource,
                                      const std::string& ns, const std::string& name) {
    return {.verb = verb, .resource = "pods", .subresource = subresource, .ns = ns, .name = name};
  }

  // Authorizes the call, finds the pod's agent, and pins the session to the
  // pod's uid (a pod recreated under the name is another pod).
  absl::StatusOr<PodAgent> Admit(const grpc::ServerContext& ctx, const std::string& verb,
                                 const std::string& subresource, const std::string& ns,
                                 const std::string& name, std::string* pod_uid) {
    grpc::Status allowed = gate_.Admit(ctx, Attributes(verb, subresource, ns, name), "v1");
    if (!allowed.ok()) return status::FromGrpcStatus(allowed);
    auto agent = locate_(ns, name);
    if (!agent.ok()) return agent.status();
    if (!pod_uid->empty() && *pod_uid != agent->pod_uid) {
      return absl::NotFoundError(
          absl::StrCat("pods \"", name, "\" with uid ", *pod_uid, " not found"));
    }
    *pod_uid = agent->pod_uid;
    return agent;
  }

  std::shared_ptr<grpc::Channel> Channel(const std::string& address) {
    absl::MutexLock lock(&mu_);
    auto& channel = channels_[address];
    if (channel == nullptr) channel = dial_(address);
    return channel;
  }

  const AccessGate& gate_;
  const PodAgentLocator locate_;
  const AgentDialer dial_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, std::shared_ptr<grpc::Channel>> channels_ ABSL_GUARDED_BY(mu_);
};

}  // namespace

PodAgentLocator LocatePodsIn(ApiServer& api) {
  return [&api](const std::string& ns, const std::string& name) -> absl::StatusOr<PodAgent> {
    auto pod_object = api.registry("Pod").Get(ns, name);
    if (!pod_object.ok()) return pod_object.status();
    const auto& pod = static_cast<const core::v1::Pod&>(**pod_object);
    PodAgent agent{.pod_uid = pod.metadata().uid(), .node = pod.spec().node_name()};
    if (agent.node.empty()) {
      return absl::FailedPreconditionError(
          absl::StrCat("pod ", name, " is not scheduled to a node yet"));
    }
    auto node_object = api.registry("Node").Get("", agent.node);
    if (!node_object.ok()) return node_object.status();
    const auto& node = static_cast<const core::v1::Node&>(**node_object);
    std::string host = "127.0.0.1";
    for (const auto& a : node.status().addresses()) {
      if (a.type() == "InternalIP") host = a.address();
    }
    int port = node.status().daemon_endpoints().kubelet_endpoint().port();
    if (port == 0) {
      return absl::UnavailableError(absl::StrCat("node ", agent.node, " has no agent endpoint"));
    }
    agent.agent_address = absl::StrCat(host, ":", port);
    return agent;
  };
}

std::unique_ptr<grpc::Service> NewPodIOService(const AccessGate& gate, PodAgentLocator locate,
                                               AgentDialer dial) {
  return std::make_unique<PodIOService>(gate, std::move(locate), std::move(dial));
}

}  // namespace ordo::apiserver
