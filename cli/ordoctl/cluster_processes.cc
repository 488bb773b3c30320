#include "cli/ordoctl/cluster_processes.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

extern char** environ;

namespace ordo::ctl {

namespace fs = std::filesystem;

std::string ReadLine(const std::string& path) {
  std::ifstream in(path);
  std::string s;
  std::getline(in, s);
  return s;
}

bool Alive(pid_t pid) { return pid > 0 && kill(pid, 0) == 0; }

pid_t PidOf(const std::string& run, const std::string& name) {
  pid_t pid = 0;
  if (!absl::SimpleAtoi(ReadLine(absl::StrCat(run, "/", name, ".pid")), &pid)) return 0;
  return pid;
}

std::vector<std::string> Components(const std::string& run) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(run, ec)) {
    if (e.path().extension() == ".pid") names.push_back(e.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

absl::StatusOr<pid_t> Launch(const std::string& name, const std::vector<std::string>& argv,
                             const std::string& dir) {
  std::string log = absl::StrCat(dir, "/logs/", name, ".log");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  int rc = posix_spawn(&pid, args[0], &actions, &attr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0)
    return absl::InternalError(absl::StrCat("cannot start ", argv[0], ": ", strerror(rc)));
  std::ofstream(absl::StrCat(dir, "/run/", name, ".pid")) << pid << "\n";
  return pid;
}

void StopAll(const std::vector<pid_t>& pids, absl::Duration grace) {
  for (pid_t pid : pids) {
    if (Alive(pid)) kill(pid, SIGTERM);
  }
  auto all_gone = [&] {
    for (pid_t pid : pids) {
      if (Alive(pid)) return false;
    }
    return true;
  };
  if (Poll(all_gone, grace)) return;
  for (pid_t pid : pids) {
    if (Alive(pid)) kill(pid, SIGKILL);
  }
}

bool Accepts(int port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  close(fd);
  return ok;
}

}  // namespace ordo::ctl
