#include "integration-tests/harness/api_server_process.h"

#include <atomic>
#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "common/server/channel.h"
#include "integration-tests/harness/wait.h"

namespace ordo::itest {

absl::StatusOr<std::unique_ptr<ApiServerProcess>> ApiServerProcess::Start(
    const std::string& data_dir, std::vector<std::string> flags) {
  std::unique_ptr<ApiServerProcess> server(new ApiServerProcess(data_dir, std::move(flags)));
  if (absl::Status s = server->Launch(); !s.ok()) return s;
  return server;
}

absl::Status ApiServerProcess::Restart() {
  process_.Kill();
  return Launch();
}

absl::Status ApiServerProcess::Launch() {
  std::filesystem::create_directories(data_dir_);
  std::string port_file = data_dir_ + "/port";
  std::filesystem::remove(port_file);
  std::vector<std::string> args = {"--data-dir",  data_dir_ + "/store", "--listen",
                                   "127.0.0.1:0", "--port-file",        port_file};
  args.insert(args.end(), flags_.begin(), flags_.end());
  auto process = Process::Start(BinDir() + "/ordo-api-server", args, data_dir_ + "/api-server.log");
  if (!process.ok()) return process.status();
  process_ = *std::move(process);
  int port = 0;
  bool up = WaitFor(
      [&] {
        std::ifstream in(port_file);
        return static_cast<bool>(in >> port) && port > 0;
      },
      absl::Seconds(30));
  if (!up) {
    return absl::DeadlineExceededError(
        absl::StrCat("ordo-api-server did not start; see ", data_dir_, "/api-server.log"));
  }
  address_ = absl::StrCat("127.0.0.1:", port);
  return absl::OkStatus();
}

std::shared_ptr<grpc::Channel> ApiServerProcess::NewChannel() const {
  // Separate channels get separate connections, so load spreads like real clients.
  return ordo::server::NewChannel(address_, {.own_connection = true});
}

}  // namespace ordo::itest
