#include "common/server/server_main.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <netinet/in.h>
#include <signal.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/server/channel.h"
#include "common/server/logging.h"
#include "proto/all_proto_files.h"

ABSL_FLAG(std::string, log_level, "info",
          "Least severe messages logged: trace|debug|info|warn|error");
ABSL_FLAG(int, v, 0, "klog's verbosity: 2 or more logs debug messages, 4 or more trace");
ABSL_FLAG(std::string, log_format, "text",
          "text (one readable line per message) or json (one JSON object per line, for "
          "shipping)");

namespace ordo::server {

std::vector<char*> ParseFlags(int argc, char** argv, const char* usage) {
  // Debian's Abseil checks every Mutex acquisition for lock-order cycles; that
  // bookkeeping is a debugging aid that costs a few percent of the hot path.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  absl::SetProgramUsageMessage(usage);
  // --help lists ordo's own flags, not Abseil's or gRPC's.
  absl::FlagsUsageConfig config;
  config.contains_help_flags = [](absl::string_view file) {
    return !absl::StrContains(file, "absl/");
  };
  absl::SetFlagsUsageConfig(config);
  // Read "--data-dir=x" as "--data_dir=x", up to a bare "--". The rewritten
  // copies live for the process, as Abseil keeps pointers into argv.
  static std::vector<std::string>* storage = new std::vector<std::string>(argv, argv + argc);
  static std::vector<char*>* args = new std::vector<char*>();
  bool positional = false;
  for (std::string& arg : *storage) {
    if (arg == "--") positional = true;
    if (!positional && arg.rfind("--", 0) == 0) {
      for (size_t i = 2; i < arg.size() && arg[i] != '='; ++i) {
        if (arg[i] == '-') arg[i] = '_';
      }
    }
    args->push_back(arg.data());
  }
  return absl::ParseCommandLine(static_cast<int>(args->size()), args->data());
}

void InitLogging(const std::string& name) {
  auto logger = spdlog::stderr_color_mt(name);
  spdlog::set_default_logger(logger);
  LogOptions options{.level = absl::GetFlag(FLAGS_log_level), .verbosity = absl::GetFlag(FLAGS_v)};
  absl::Status configured = ParseLogFormat(absl::GetFlag(FLAGS_log_format), &options.format);
  if (configured.ok()) configured = ConfigureLogger(*logger, options);
  if (!configured.ok()) {
    spdlog::error("{}", std::string(configured.message()));
    std::exit(2);
  }
}

absl::StatusOr<StartedServer> StartGrpcServer(
    const std::string& listen, const std::vector<grpc::Service*>& services,
    std::shared_ptr<grpc::ServerCredentials> credentials,
    std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
        interceptors) {
  grpc::EnableDefaultHealthCheckService(true);
  // Reflection describes what the generated pool holds: put every file there.
  ordo::proto::RegisterAllProtoFiles();
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  StartedServer started;
  if (credentials == nullptr) {
    spdlog::warn("serving plaintext on {}: anyone who can reach it may call it", listen);
    credentials = grpc::InsecureServerCredentials();
  }
  builder.AddListeningPort(listen, credentials, &started.port);
  builder.SetMaxReceiveMessageSize(kMaxMessageBytes);
  builder.SetMaxSendMessageSize(kMaxMessageBytes);
  // Keepalive enforcement: a client may ping as often as every
  // kMinClientPingIntervalMs, with or without calls open (ordo's own ping every
  // 30 s, channel.h; grpc-go users often choose 10 s). A client pinging faster
  // gets a strike per ping; after gRPC's two allowed strikes its connection is
  // closed with GOAWAY "too_many_pings".
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS,
                             kMinClientPingIntervalMs);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  for (grpc::Service* s : services) builder.RegisterService(s);
  if (!interceptors.empty()) builder.experimental().SetInterceptorCreators(std::move(interceptors));
  started.server = builder.BuildAndStart();
  if (started.server == nullptr || started.port == 0) {
    return absl::UnavailableError(absl::StrCat("cannot listen on ", listen));
  }
  return started;
}

absl::Status WritePortFile(const std::string& path, int port) {
  std::string tmp = path + ".tmp";
  FILE* f = fopen(tmp.c_str(), "w");
  if (f == nullptr) return absl::UnavailableError(absl::StrCat("cannot write ", tmp));
  fprintf(f, "%d\n", port);
  bool ok = fflush(f) == 0 && fsync(fileno(f)) == 0;
  ok = fclose(f) == 0 && ok;
  if (!ok || rename(tmp.c_str(), path.c_str()) != 0) {
    return absl::UnavailableError(absl::StrCat("cannot write ", path));
  }
  return absl::OkStatus();
}

namespace {
sigset_t ShutdownSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  return set;
}
}  // namespace

void BlockShutdownSignals() {
  sigset_t set = ShutdownSignals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

void WaitForShutdownSignal() {
  sigset_t set = ShutdownSignals();
  int sig = 0;
  sigwait(&set, &sig);
  spdlog::info("signal {} received, shutting down", sig);
}

absl::StatusOr<int> FreeLoopbackPort() {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return absl::InternalError(absl::StrCat("socket: ", strerror(errno)));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  close(fd);
  if (port == 0) return absl::InternalError("no free port on 127.0.0.1");
  return port;
}

}  // namespace ordo::server
