#include "cli/ordoctl/pod_io.h"

#include <unistd.h>

#include <iostream>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "common/status/grpc_status.h"
#include "ordo/core/v1/pod_io.grpc.pb.h"

namespace ordo::ctl {

int Logs(const Args& args, Context& ctx) {
  if (args.positional.size() < 2) {
    ctx.err
        << "error: expected POD: ordoctl logs POD [-c CONTAINER] [-f] [--previous] [--tail N]\n";
    return 1;
  }
  std::string name = args.positional[1];
  if (absl::StartsWith(name, "pod/")) name = name.substr(4);
  agent::v1::LogsRequest req;
  req.set_namespace_(ctx.ns);
  req.set_pod(name);
  req.set_container(args.Get("container"));
  req.set_follow(args.Get("follow") == "true");
  req.set_previous(args.Get("previous") == "true");
  if (args.Has("tail")) {
    int64_t tail = -1;
    if (!absl::SimpleAtoi(args.Get("tail"), &tail)) {
      ctx.err << "error: invalid argument \"" << args.Get("tail") << "\" for \"--tail\" flag\n";
      return 1;
    }
    req.set_tail_lines(tail);
  }
  auto stub = core::v1::PodIO::NewStub(Dial(ctx, ctx.server));
  grpc::ClientContext call;
  auto reader = stub->Logs(&call, req);
  agent::v1::LogChunk chunk;
  while (reader->Read(&chunk)) ctx.out << chunk.data() << std::flush;
  grpc::Status s = reader->Finish();
  return s.ok() ? 0 : PrintError(status::FromGrpcStatus(s), ctx);
}

int Exec(const Args& args, Context& ctx) {
  if (args.positional.size() < 3) {
    ctx.err << "error: expected POD and COMMAND: ordoctl exec POD [-c CONTAINER] [-i] -- CMD...\n";
    return 1;
  }
  std::string name = args.positional[1];
  if (absl::StartsWith(name, "pod/")) name = name.substr(4);
  auto stub = core::v1::PodIO::NewStub(Dial(ctx, ctx.server));
  grpc::ClientContext call;
  auto stream = stub->Exec(&call);
  agent::v1::ExecRequest first;
  first.set_namespace_(ctx.ns);
  first.set_pod(name);
  first.set_container(args.Get("container"));
  for (size_t i = 2; i < args.positional.size(); ++i) first.add_command(args.positional[i]);
  bool with_stdin = args.Get("stdin") == "true";
  first.set_stdin(with_stdin);
  stream->Write(first);
  std::thread pump;
  if (with_stdin) {
    pump = std::thread([&] {
      char buf[8192];
      ssize_t n;
      while ((n = read(0, buf, sizeof buf)) > 0) {
        agent::v1::ExecRequest more;
        more.set_stdin_data(std::string(buf, n));
        if (!stream->Write(more)) break;
      }
      agent::v1::ExecRequest done;
      done.set_stdin_closed(true);
      stream->Write(done);
      stream->WritesDone();
    });
    pump.detach();  // a blocked read of the terminal must not hold up our exit
  } else {
    stream->WritesDone();
  }
  agent::v1::ExecResponse resp;
  std::optional<int> code;
  while (stream->Read(&resp)) {
    if (!resp.stdout_data().empty()) ctx.out << resp.stdout_data() << std::flush;
    if (!resp.stderr_data().empty()) ctx.err << resp.stderr_data() << std::flush;
    if (resp.has_exit_code()) code = resp.exit_code();
  }
  grpc::Status s = stream->Finish();
  if (code.has_value()) return *code;
  if (s.ok()) {
    ctx.err << "error: the command ended without an exit code\n";
    return 1;
  }
  return PrintError(status::FromGrpcStatus(s), ctx);
}

}  // namespace ordo::ctl
