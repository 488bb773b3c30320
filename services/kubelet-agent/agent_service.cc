#include "services/kubelet-agent/agent_service.h"

#include <fstream>
#include <sstream>
#include <thread>

#include "absl/algorithm/container.h"
#include "absl/strings/str_cat.h"
#include "common/status/grpc_status.h"

namespace ordo::kubelet {

grpc::Status AdmitAgentCaller(const security::UserInfo& user) {
  if (user.name == "kube-apiserver" ||
      absl::c_linear_search(user.groups, std::string("system:masters"))) {
    return grpc::Status::OK;
  }
  return grpc::Status(grpc::StatusCode::PERMISSION_DENIED,
                      absl::StrCat("User \"", user.name,
                                   "\" cannot reach the kubelet-agent: it answers only the "
                                   "api-server (use pods/exec and pods/log through it)"));
}

std::string TailLines(const std::string& text, int64_t lines) {
  if (lines < 0) return text;
  if (lines == 0) return "";
  size_t end = text.size();
  if (end > 0 && text[end - 1] == '\n') --end;  // the final newline ends the last line
  size_t pos = end;
  for (int64_t n = 0; n < lines; ++n) {
    size_t nl = pos == 0 ? std::string::npos : text.rfind('\n', pos - 1);
    if (nl == std::string::npos) return text;
    pos = nl;
  }
  return text.substr(pos + 1);
}

grpc::Status AgentService::Logs(grpc::ServerContext* ctx, const agent::v1::LogsRequest* request,
                                grpc::ServerWriter<agent::v1::LogChunk>* writer) {
  auto loc = pods_.FindContainer(request->namespace_(), request->pod(), request->container(),
                                 request->pod_uid());
  if (!loc.ok()) return status::ToGrpcStatus(loc.status());
  std::string path = loc->log_path;
  if (request->previous()) {
    if (loc->previous_log_path.empty()) {
      return grpc::Status(
          grpc::StatusCode::INVALID_ARGUMENT,
          absl::StrCat("previous terminated container in pod \"", request->pod(), "\" not found"));
    }
    path = loc->previous_log_path;
  }
  std::ifstream in(path, std::ios::binary);
  std::stringstream content;
  content << in.rdbuf();
  std::string text =
      TailLines(content.str(), request->has_tail_lines() ? request->tail_lines() : -1);
  agent::v1::LogChunk chunk;
  if (!text.empty()) {
    chunk.set_data(text);
    if (!writer->Write(chunk)) return grpc::Status::OK;
  }
  if (!request->follow() || request->previous()) return grpc::Status::OK;
  in.clear();
  in.seekg(0, std::ios::end);
  std::streampos offset = in.tellg();
  char buf[16384];
  while (!ctx->IsCancelled()) {
    in.clear();
    in.seekg(offset);
    in.read(buf, sizeof buf);
    std::streamsize n = in.gcount();
    if (n > 0) {
      offset += n;
      chunk.set_data(std::string(buf, n));
      if (!writer->Write(chunk)) break;
      continue;
    }
    // The container ended or restarted into a new log: this one is complete.
    auto now = pods_.FindContainer(request->namespace_(), request->pod(), request->container(),
                                   request->pod_uid());
    if (!now.ok() || now->log_path != path || now->handle.pid == 0) break;
    clock_.SleepFor(absl::Milliseconds(100));  // poll interval for new output
  }
  return grpc::Status::OK;
}

grpc::Status AgentService::Exec(
    grpc::ServerContext* ctx,
    grpc::ServerReaderWriter<agent::v1::ExecResponse, agent::v1::ExecRequest>* stream) {
  agent::v1::ExecRequest first;
  if (!stream->Read(&first)) return grpc::Status(grpc::StatusCode::CANCELLED, "no request");
  auto loc =
      pods_.FindContainer(first.namespace_(), first.pod(), first.container(), first.pod_uid());
  if (!loc.ok()) return status::ToGrpcStatus(loc.status());
  if (loc->handle.pid == 0) {
    return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION,
                        absl::StrCat("container not found (\"", first.container(),
                                     "\" is not running in pod ", first.pod(), ")"));
  }
  std::vector<std::string> command(first.command().begin(), first.command().end());
  auto process = runtime_.Exec(loc->handle, command);
  if (!process.ok()) return status::ToGrpcStatus(process.status());
  ExecProcess* p = process->get();
  std::thread stdin_pump;
  if (first.stdin()) {
    if (!first.stdin_data().empty()) p->WriteStdin(first.stdin_data());
    if (first.stdin_closed()) {
      p->CloseStdin();
    } else {
      stdin_pump = std::thread([stream, p] {
        agent::v1::ExecRequest more;
        while (stream->Read(&more)) {
          if (!more.stdin_data().empty()) p->WriteStdin(more.stdin_data());
          if (more.stdin_closed()) break;
        }
        p->CloseStdin();
      });
    }
  } else {
    p->CloseStdin();
  }
  int code = p->Wait(
      [&](bool is_stderr, const std::string& data) {
        agent::v1::ExecResponse out;
        if (is_stderr) {
          out.set_stderr_data(data);
        } else {
          out.set_stdout_data(data);
        }
        stream->Write(out);
      },
      absl::Now() + absl::Hours(24));
  agent::v1::ExecResponse last;
  last.set_exit_code(code);
  stream->Write(last);
  if (stdin_pump.joinable()) {
    ctx->TryCancel();  // ends a pump still reading a client that sends nothing more
    stdin_pump.join();
  }
  return grpc::Status::OK;
}

grpc::Status AgentService::ShutdownPods(grpc::ServerContext*, const agent::v1::ShutdownRequest*,
                                        agent::v1::ShutdownResponse* response) {
  response->set_stopped_containers(shutdown_());
  return grpc::Status::OK;
}

}  // namespace ordo::kubelet
