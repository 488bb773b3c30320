#include "services/kubelet-agent/interface_addresses.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <optional>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"

extern char** environ;

namespace ordo::kubelet {
namespace {

// Every (interface, IPv4 address) of this network namespace.
std::vector<std::pair<std::string, std::string>> Addresses() {
  std::vector<std::pair<std::string, std::string>> out;
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return out;
  for (ifaddrs* a = list; a != nullptr; a = a->ifa_next) {
    if (a->ifa_addr == nullptr || a->ifa_addr->sa_family != AF_INET) continue;
    char text[INET_ADDRSTRLEN];
    auto* sin = reinterpret_cast<sockaddr_in*>(a->ifa_addr);
    if (inet_ntop(AF_INET, &sin->sin_addr, text, sizeof(text)) != nullptr) {
      out.emplace_back(a->ifa_name, text);
    }
  }
  freeifaddrs(list);
  return out;
}

std::optional<std::string> InterfaceWith(const std::string& ip) {
  for (const auto& [name, address] : Addresses()) {
    if (address == ip) return name;
  }
  return std::nullopt;
}

// Runs `ip` with `args`; its stderr is the error's message. (iproute2 rather
// than our own netlink code: it is what an operator would type, and the
// container image carries it.)
absl::Status RunIp(const std::vector<std::string>& args) {
  std::vector<std::string> argv_strings = {"ip"};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_strings) argv.push_back(a.data());
  argv.push_back(nullptr);
  int err_pipe[2];
  if (pipe2(err_pipe, O_CLOEXEC) != 0) return absl::InternalError("pipe failed");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, err_pipe[1], STDERR_FILENO);
  pid_t pid = 0;
  int rc = posix_spawnp(&pid, "ip", &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(err_pipe[1]);
  std::string err;
  char buf[512];
  for (ssize_t n; (n = read(err_pipe[0], buf, sizeof(buf))) > 0;) err.append(buf, n);
  close(err_pipe[0]);
  std::string command = absl::StrJoin(argv_strings, " ");
  if (rc != 0) return absl::FailedPreconditionError(absl::StrCat(command, ": ", strerror(rc)));
  int status = 0;
  waitpid(pid, &status, 0);
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return absl::OkStatus();
  return absl::InternalError(absl::StrCat(command, ": ", absl::StripAsciiWhitespace(err)));
}

}  // namespace

absl::Status InterfaceAddresses::Add(const std::string& ip) {
  std::optional<std::string> interface = InterfaceWith(node_ip_);
  if (!interface.has_value()) {
    return absl::UnavailableError(
        absl::StrCat("no interface holds the node's IP ", node_ip_, " (disconnected?)"));
  }
  if (InterfaceWith(ip) == interface) return absl::OkStatus();
  return RunIp({"addr", "add", ip + "/32", "dev", *interface});
}

absl::Status InterfaceAddresses::Remove(const std::string& ip) {
  std::optional<std::string> interface = InterfaceWith(ip);
  if (!interface.has_value()) return absl::OkStatus();
  return RunIp({"addr", "del", ip + "/32", "dev", *interface});
}

std::vector<std::string> MissingCapabilities(bool plumbs_addresses) {
  uint64_t effective = 0;
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    absl::string_view rest = line;
    if (absl::ConsumePrefix(&rest, "CapEff:")) {
      if (!absl::SimpleHexAtoi(absl::StripAsciiWhitespace(rest), &effective)) effective = 0;
    }
  }
  std::vector<std::string> missing;
  constexpr int kNetAdmin = 12, kSysAdmin = 21;
  if ((effective & (uint64_t{1} << kSysAdmin)) == 0) {
    missing.push_back("CAP_SYS_ADMIN: pods' UTS and mount namespaces");
  }
  if (plumbs_addresses && (effective & (uint64_t{1} << kNetAdmin)) == 0) {
    missing.push_back("CAP_NET_ADMIN: adding pod addresses to the node's interface");
  }
  return missing;
}

}  // namespace ordo::kubelet
