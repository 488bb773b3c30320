// The pods/exec and pods/log relay in process: a fake agent behind the
// api-server's PodIO service, reached through a real gRPC server on each side.
#include "services/api-server/pod_io_service.h"

#include <gtest/gtest.h>

#include <atomic>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/server/server_main.h"
#include "integration-tests/harness/wait.h"
#include "ordo/agent/v1/agent.grpc.pb.h"
#include "ordo/core/v1/pod_io.grpc.pb.h"

namespace ordo::apiserver {
namespace {

using agent::v1::ExecRequest;
using agent::v1::ExecResponse;

// Logs: one chunk naming the pod uid it was asked for, then (following) waits
// to be cancelled. Exec: echoes stdin to stdout and exits with the number of
// arguments.
class FakeAgent final : public agent::v1::KubeletAgent::Service {
 public:
  grpc::Status Logs(grpc::ServerContext* ctx, const agent::v1::LogsRequest* request,
                    grpc::ServerWriter<agent::v1::LogChunk>* writer) override {
    agent::v1::LogChunk chunk;
    chunk.set_data(absl::StrCat("log of ", request->pod(), " uid ", request->pod_uid(), "\n"));
    writer->Write(chunk);
    if (request->follow()) {
      itest::WaitFor([&] { return ctx->IsCancelled(); }, absl::Seconds(30));
      follow_cancelled = ctx->IsCancelled();
    }
    return grpc::Status::OK;
  }

  grpc::Status Exec(grpc::ServerContext*,
                    grpc::ServerReaderWriter<ExecResponse, ExecRequest>* stream) override {
    ExecRequest request;
    if (!stream->Read(&request)) return grpc::Status(grpc::StatusCode::CANCELLED, "no request");
    int argc = request.command_size();
    std::string seen_uid = request.pod_uid();
    bool closed = !request.stdin() || request.stdin_closed();
    while (!closed && stream->Read(&request)) {
      if (!request.stdin_data().empty()) {
        ExecResponse out;
        out.set_stdout_data(request.stdin_data());
        stream->Write(out);
      }
      closed = request.stdin_closed();
    }
    ExecResponse last;
    last.set_stderr_data(absl::StrCat("uid ", seen_uid));
    last.set_exit_code(argc);
    stream->Write(last);
    return grpc::Status::OK;
  }

  std::atomic<bool> follow_cancelled{false};
};

class PodIOServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto agent = server::StartGrpcServer("127.0.0.1:0", {&agent_});
    ASSERT_TRUE(agent.ok()) << agent.status();
    agent_server_ = std::move(agent->server);
    agent_address_ = absl::StrCat("127.0.0.1:", agent->port);
    service_ = NewPodIOService(
        gate_,
        [this](const std::string& ns, const std::string& name) -> absl::StatusOr<PodAgent> {
          if (name == "pending")
            return absl::FailedPreconditionError("pod pending is not scheduled");
          if (name != "web-0" || ns != "default") {
            return absl::NotFoundError(absl::StrCat("pods \"", name, "\" not found"));
          }
          return PodAgent{.pod_uid = "uid-7", .node = "node-1", .agent_address = agent_address_};
        },
        [](const std::string& address) {
          ++dials_;
          return grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
        });
    auto api = server::StartGrpcServer("127.0.0.1:0", {service_.get()});
    ASSERT_TRUE(api.ok()) << api.status();
    api_server_ = std::move(api->server);
    stub_ = core::v1::PodIO::NewStub(grpc::CreateChannel(absl::StrCat("127.0.0.1:", api->port),
                                                         grpc::InsecureChannelCredentials()));
  }
  void TearDown() override {
    if (api_server_ != nullptr) api_server_->Shutdown();
    if (agent_server_ != nullptr) agent_server_->Shutdown();
  }

  struct ExecResult {
    std::string out, err;
    std::optional<int> code;
    grpc::Status status;
  };
  ExecResult Exec(ExecRequest first, const std::vector<std::string>& stdin_chunks) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
    auto stream = stub_->Exec(&ctx);
    stream->Write(first);
    for (const std::string& chunk : stdin_chunks) {
      ExecRequest more;
      more.set_stdin_data(chunk);
      stream->Write(more);
    }
    ExecRequest done;
    done.set_stdin_closed(true);
    stream->Write(done);
    stream->WritesDone();
    ExecResult result;
    ExecResponse response;
    while (stream->Read(&response)) {
      result.out += response.stdout_data();
      result.err += response.stderr_data();
      if (response.has_exit_code()) result.code = response.exit_code();
    }
    result.status = stream->Finish();
    return result;
  }

  static ExecRequest Command(const std::string& pod, std::vector<std::string> argv) {
    ExecRequest first;
    first.set_pod(pod);
    for (auto& a : argv) first.add_command(a);
    return first;
  }

  static inline std::atomic<int> dials_{0};
  FakeAgent agent_;
  AccessGate gate_{AccessControl{}};
  std::unique_ptr<grpc::Server> agent_server_, api_server_;
  std::string agent_address_;
  std::unique_ptr<grpc::Service> service_;
  std::unique_ptr<core::v1::PodIO::Stub> stub_;
};

TEST_F(PodIOServiceTest, ExecRelaysStdinOutputAndTheExitCodeForThePodsUid) {
  dials_ = 0;
  ExecRequest first = Command("web-0", {"cat", "-"});
  first.set_stdin(true);
  ExecResult r = Exec(first, {"hello ", "world"});
  ASSERT_TRUE(r.status.ok()) << r.status.error_message();
  EXPECT_EQ(r.out, "hello world");
  EXPECT_EQ(r.err, "uid uid-7");  // the api-server pinned the session to the pod's uid
  EXPECT_EQ(r.code, 2);
  // A second session reuses the channel.
  EXPECT_EQ(Exec(Command("web-0", {"true"}), {}).code, 1);
  EXPECT_EQ(dials_.load(), 1);
}

TEST_F(PodIOServiceTest, ExecWithoutStdinEndsWhenTheCommandDoes) {
  ExecResult r = Exec(Command("web-0", {"a", "b", "c"}), {"ignored"});
  ASSERT_TRUE(r.status.ok()) << r.status.error_message();
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.code, 3);
}

TEST_F(PodIOServiceTest, BadRequestsAndMissingPodsAreNamed) {
  ExecResult no_command = Exec(Command("web-0", {}), {});
  EXPECT_EQ(no_command.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(no_command.status.error_message(),
            "command: Required value: you must specify at least one command for the container");
  ExecResult no_pod = Exec(Command("", {"ls"}), {});
  EXPECT_EQ(no_pod.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  ExecResult missing = Exec(Command("web-9", {"ls"}), {});
  EXPECT_EQ(missing.status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(missing.status.error_message(), "pods \"web-9\" not found");
  EXPECT_EQ(Exec(Command("pending", {"ls"}), {}).status.error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  // A session meant for an earlier pod of the same name reaches nothing.
  ExecRequest old = Command("web-0", {"ls"});
  old.set_pod_uid("uid-1");
  EXPECT_EQ(Exec(old, {}).status.error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(PodIOServiceTest, LogsAreRelayedAndACancelledFollowReachesTheAgent) {
  grpc::ClientContext ctx;
  agent::v1::LogsRequest request;
  request.set_pod("web-0");
  request.set_follow(true);
  auto reader = stub_->Logs(&ctx, request);
  agent::v1::LogChunk chunk;
  ASSERT_TRUE(reader->Read(&chunk));
  EXPECT_EQ(chunk.data(), "log of web-0 uid uid-7\n");
  ctx.TryCancel();
  while (reader->Read(&chunk)) {
  }
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::CANCELLED);
  EXPECT_TRUE(itest::WaitFor([&] { return agent_.follow_cancelled.load(); }, absl::Seconds(10)));
}

TEST_F(PodIOServiceTest, AnUnreachableAgentIsNamedWithItsNode) {
  agent_server_->Shutdown();
  agent_server_.reset();
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  agent::v1::LogsRequest request;
  request.set_pod("web-0");
  auto reader = stub_->Logs(&ctx, request);
  agent::v1::LogChunk chunk;
  while (reader->Read(&chunk)) {
  }
  grpc::Status s = reader->Finish();
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_NE(s.error_message().find("error dialing backend: the agent of node node-1"),
            std::string::npos)
      << s.error_message();
}

}  // namespace
}  // namespace ordo::apiserver
