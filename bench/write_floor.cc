// ordo-write-floor: the floor under one client's durable create on this
// machine, the two costs no api-server can avoid, measured as a create pays
// them (issue 20, item 7: the single-client write's aim is 1.2x this floor):
//   fdatasync  a WAL-sized record written over a preallocated file in --dir
//              and fdatasync'd, as RocksDB writes its recycled WAL (the
//              store sets recycle_log_file_num, so a sync moves no file size)
//   rtt        one unary gRPC call on loopback carrying the benchmark's 1 KiB
//              pod both ways, to a server that only echoes it (`--serve`, run
//              as its own process so bench/run.sh can pin it like the
//              api-server) on the same server set-up as ordo's services
// Prints one line:
//   floor fdatasync_p50=..ms rtt_p50=..ms floor_p50=..ms (the sum)
// A benchmark tool, not part of ordo.
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "bench/latency.h"
#include "common/server/channel.h"
#include "common/server/server_main.h"
#include "common/status/grpc_status.h"
#include "ordo/core/v1/services.grpc.pb.h"

ABSL_FLAG(bool, serve, false, "run the echo server: write its port to --port_file and wait");
ABSL_FLAG(std::string, port_file, "", "--serve: where to write the port");
ABSL_FLAG(std::string, echo, "", "HOST:PORT of an `ordo-write-floor --serve`");
ABSL_FLAG(std::string, dir, "", "directory on the store's file system for the fdatasync file");
ABSL_FLAG(int, samples, 2000, "samples of each");
ABSL_FLAG(int, payload, 1024, "bytes of payload in the echoed pod, as ordo-bench's");
ABSL_FLAG(int, record, 1536, "bytes per synced record (a 1 KiB pod's WAL record and event)");

namespace ordo::bench {
namespace {

// Answers Create with the pod it was sent; every other method is unimplemented.
class EchoPods final : public core::v1::Pods::CallbackService {
  grpc::ServerUnaryReactor* Create(grpc::CallbackServerContext* ctx, const core::v1::Pod* request,
                                   core::v1::Pod* response) override {
    *response = *request;
    auto* reactor = ctx->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
};

int Serve() {
  server::BlockShutdownSignals();
  EchoPods echo;
  auto started = server::StartGrpcServer("127.0.0.1:0", {&echo});
  if (!started.ok()) {
    std::fprintf(stderr, "%s\n", started.status().ToString().c_str());
    return 1;
  }
  if (auto s = server::WritePortFile(absl::GetFlag(FLAGS_port_file), started->port); !s.ok()) {
    std::fprintf(stderr, "%s\n", s.ToString().c_str());
    return 1;
  }
  server::WaitForShutdownSignal();
  started->server->Shutdown();
  return 0;
}

absl::StatusOr<double> FdatasyncP50Ms(const std::string& dir, int samples) {
  const int record = absl::GetFlag(FLAGS_record);
  const std::string path = absl::StrCat(dir, "/fdatasync-floor");
  int fd = open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC, 0600);
  if (fd < 0) return absl::UnavailableError(absl::StrCat("cannot create ", path));
  const std::string bytes(static_cast<size_t>(record), 'r');
  // Preallocate and sync every block first, as a recycled WAL file is.
  bool ok = true;
  for (int i = 0; i < samples && ok; ++i) {
    ok = pwrite(fd, bytes.data(), bytes.size(), static_cast<off_t>(i) * record) == record;
  }
  ok = ok && fsync(fd) == 0;
  Recorder rec;
  for (int i = 0; i < samples && ok; ++i) {
    absl::Time t0 = absl::Now();
    ok = pwrite(fd, bytes.data(), bytes.size(), static_cast<off_t>(i) * record) == record &&
         fdatasync(fd) == 0;
    rec.Add(absl::Now() - t0);
  }
  close(fd);
  unlink(path.c_str());
  if (!ok) return absl::UnavailableError(absl::StrCat("write or fdatasync of ", path, " failed"));
  return rec.QuantileMs(0.5);
}

absl::StatusOr<double> RoundTripP50Ms(const std::string& address, int samples) {
  auto stub = core::v1::Pods::NewStub(server::NewChannel(address));
  core::v1::Pod pod;
  pod.mutable_metadata()->set_name("floor");
  pod.mutable_metadata()->set_namespace_("bench");
  (*pod.mutable_metadata()->mutable_annotations())["payload"] =
      std::string(static_cast<size_t>(absl::GetFlag(FLAGS_payload)), 'x');
  pod.mutable_spec()->add_containers()->set_image("ordo-podapp:1");
  Recorder rec;
  for (int i = -100; i < samples; ++i) {  // the first 100 warm the connection
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    core::v1::Pod out;
    absl::Time t0 = absl::Now();
    grpc::Status s = stub->Create(&ctx, pod, &out);
    if (!s.ok()) return status::FromGrpcStatus(s);
    if (i >= 0) rec.Add(absl::Now() - t0);
  }
  return rec.QuantileMs(0.5);
}

int Measure() {
  const int samples = absl::GetFlag(FLAGS_samples);
  auto sync = FdatasyncP50Ms(absl::GetFlag(FLAGS_dir), samples);
  auto rtt = RoundTripP50Ms(absl::GetFlag(FLAGS_echo), samples);
  for (const absl::Status& s : {sync.status(), rtt.status()}) {
    if (!s.ok()) {
      std::fprintf(stderr, "ordo-write-floor: %s\n", s.ToString().c_str());
      return 1;
    }
  }
  std::printf("floor   fdatasync_p50=%.3fms rtt_p50=%.3fms floor_p50=%.3fms\n", *sync, *rtt,
              *sync + *rtt);
  return 0;
}

}  // namespace
}  // namespace ordo::bench

int main(int argc, char** argv) {
  ordo::server::ParseFlags(argc, argv,
                           "ordo-write-floor --serve --port-file F | --echo HOST:PORT --dir D\n"
                           "The fdatasync and gRPC round trip under one durable create.");
  if (absl::GetFlag(FLAGS_serve)) return ordo::bench::Serve();
  if (absl::GetFlag(FLAGS_echo).empty() || absl::GetFlag(FLAGS_dir).empty()) {
    std::fprintf(stderr, "ordo-write-floor: --echo and --dir are required (or --serve)\n");
    return 2;
  }
  return ordo::bench::Measure();
}
