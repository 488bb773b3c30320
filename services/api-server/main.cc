// ordo-api-server: the only writer of cluster state. Serves every kind over
// gRPC from a RocksDB store in --data-dir.
#include <spdlog/spdlog.h>

#include <filesystem>

#include "absl/flags/flag.h"
#include "common/clock/clock.h"
#include "common/server/executor.h"
#include "common/server/server_main.h"
#include "common/store/rocksdb_store.h"
#include "services/api-server/api_server.h"
#include "services/api-server/typed_services.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:6443",
          "HOST:PORT to serve gRPC on; port 0 picks a free port (logged)");
ABSL_FLAG(std::string, data_dir, "", "directory of the RocksDB store (required)");
ABSL_FLAG(int, handler_threads, 8,
          "threads for lists and subresources; plain writes need none, as they finish when "
          "their group commit is on disk");
ABSL_FLAG(int, watch_threads, 2, "threads that feed watch streams");
ABSL_FLAG(int, event_window, 10000, "recent events kept for watches to resume from");
ABSL_FLAG(std::string, port_file, "",
          "if set, the bound port is written here once serving (for harnesses and cluster up)");
ABSL_FLAG(std::string, log_level, "info", "trace, debug, info, warn or error");

int main(int argc, char** argv) {
  ordo::server::ParseFlags(
      argc, argv,
      "ordo-api-server --data-dir DIR [--listen HOST:PORT]\n"
      "Serves the ordo API (every kind, with watches) over gRPC, from a durable RocksDB store.");
  ordo::server::BlockShutdownSignals();
  ordo::server::InitLogging("api-server", absl::GetFlag(FLAGS_log_level));
  std::string data_dir = absl::GetFlag(FLAGS_data_dir);
  if (data_dir.empty()) {
    spdlog::error("--data-dir is required");
    return 2;
  }
  std::error_code ec;
  std::filesystem::create_directories(data_dir, ec);
  ordo::store::MemoryStoreOptions store_options;
  store_options.event_window = static_cast<size_t>(absl::GetFlag(FLAGS_event_window));
  auto store = ordo::store::OpenRocksDbStore(data_dir, store_options);
  if (!store.ok()) {
    spdlog::error("cannot open the store: {}", store.status().ToString());
    return 1;
  }
  ordo::apiserver::ApiServer api(**store, ordo::SystemClock());
  if (absl::Status s = api.Bootstrap(); !s.ok()) {
    spdlog::error("bootstrap failed: {}", s.ToString());
    return 1;
  }
  ordo::server::Executor unary(absl::GetFlag(FLAGS_handler_threads));
  ordo::server::Executor watch(absl::GetFlag(FLAGS_watch_threads));
  auto services = ordo::apiserver::MakeServices(api, unary, watch);
  auto started = ordo::server::StartGrpcServer(absl::GetFlag(FLAGS_listen), services->services());
  if (!started.ok()) {
    spdlog::error("{}", started.status().ToString());
    return 1;
  }
  spdlog::info("ordo-api-server listening on port {} (data dir {}, revision {})", started->port,
               data_dir, (*store)->CurrentRevision());
  if (std::string port_file = absl::GetFlag(FLAGS_port_file); !port_file.empty()) {
    if (absl::Status s = ordo::server::WritePortFile(port_file, started->port); !s.ok()) {
      spdlog::error("{}", s.ToString());
      return 1;
    }
  }
  ordo::server::WaitForShutdownSignal();
  started->server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  return 0;
}
