#include "services/kubelet-agent/process_runtime.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/status/status_macros.h"
#include "services/kubelet-agent/shim.h"

extern char** environ;

namespace ordo::kubelet {
namespace {

struct Pipe {
  int read = -1;
  int write = -1;
};

absl::StatusOr<Pipe> MakePipe() {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return absl::InternalError("pipe2 failed");
  return Pipe{fds[0], fds[1]};
}

// posix_spawn of `argv` with the given fds as its stdin/stdout/stderr (-1: /dev/null).
absl::StatusOr<pid_t> Spawn(const std::vector<std::string>& argv, int in, int out, int err) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  int fds[3] = {in, out, err};
  for (int target = 0; target < 3; ++target) {
    if (fds[target] >= 0) {
      posix_spawn_file_actions_adddup2(&actions, fds[target], target);
    } else {
      posix_spawn_file_actions_addopen(&actions, target, "/dev/null", O_RDWR, 0);
    }
  }
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  int rc = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return absl::InternalError(absl::StrCat("spawn ", argv[0], ": ", strerror(rc)));
  return pid;
}

// Reads until EOF or `timeout`.
std::string ReadAll(int fd, absl::Duration timeout) {
  std::string out;
  absl::Time deadline = absl::Now() + timeout;
  char buf[512];
  while (absl::Now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    int ready = poll(&p, 1, static_cast<int>(absl::ToInt64Milliseconds(deadline - absl::Now())));
    if (ready <= 0) break;
    ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) break;
    out.append(buf, n);
  }
  return out;
}

class SpawnedExec final : public ExecProcess {
 public:
  SpawnedExec(pid_t pid, int in, int out, int err) : pid_(pid), in_(in), out_(out), err_(err) {}
  ~SpawnedExec() override {
    CloseStdin();
    if (out_ >= 0) close(out_);
    if (err_ >= 0) close(err_);
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }

  void WriteStdin(const std::string& data) override {
    size_t off = 0;
    while (in_ >= 0 && off < data.size()) {
      ssize_t n = write(in_, data.data() + off, data.size() - off);
      if (n <= 0) return;
      off += n;
    }
  }
  void CloseStdin() override {
    if (in_ >= 0) close(in_);
    in_ = -1;
  }

  int Wait(const std::function<void(bool, const std::string&)>& on_output,
           absl::Time deadline) override {
    char buf[8192];
    while (out_ >= 0 || err_ >= 0) {
      pollfd fds[2] = {{out_, POLLIN, 0}, {err_, POLLIN, 0}};
      int wait_ms =
          static_cast<int>(std::max<int64_t>(0, absl::ToInt64Milliseconds(deadline - absl::Now())));
      int ready = poll(fds, 2, wait_ms);
      if (ready == 0) break;  // deadline
      if (ready < 0) {
        if (errno == EINTR) continue;
        break;
      }
      for (int i = 0; i < 2; ++i) {
        int& fd = i == 0 ? out_ : err_;
        if (fd < 0 || fds[i].revents == 0) continue;
        ssize_t n = read(fd, buf, sizeof buf);
        if (n > 0) {
          on_output(i == 1, std::string(buf, n));
        } else {
          close(fd);
          fd = -1;
        }
      }
    }
    if (out_ >= 0 || err_ >= 0) kill(pid_, SIGKILL);  // timed out
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }

 private:
  pid_t pid_;
  int in_, out_, err_;
};

}  // namespace

std::optional<uint64_t> ProcessStartTicks(pid_t pid) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/stat"));
  std::string stat;
  if (pid <= 0 || !std::getline(in, stat)) return std::nullopt;
  // The command name may hold spaces and parentheses: fields start after the last ')'.
  size_t close_paren = stat.rfind(')');
  if (close_paren == std::string::npos) return std::nullopt;
  std::vector<absl::string_view> fields =
      absl::StrSplit(absl::string_view(stat).substr(close_paren + 2), ' ');
  // fields[0] is field 3 (state); field 22 (starttime) is fields[19].
  uint64_t ticks = 0;
  if (fields.size() < 20 || fields[0] == "Z" || fields[0] == "X" ||
      !absl::SimpleAtoi(fields[19], &ticks)) {
    return std::nullopt;
  }
  return ticks;
}

std::optional<ContainerExit> ReadExitFile(const std::string& path) {
  std::ifstream in(path);
  int code = 0, signal = 0;
  int64_t nanos = 0;
  if (!(in >> code >> signal >> nanos)) return std::nullopt;
  return ContainerExit{code, signal, absl::FromUnixNanos(nanos)};
}

absl::StatusOr<ContainerHandle> ProcessRuntime::Start(const agent::v1::ContainerLaunch& launch) {
  std::string launch_path = launch.exit_path() + ".launch";
  {
    std::ofstream out(launch_path, std::ios::binary | std::ios::trunc);
    if (!out || !launch.SerializeToOstream(&out)) {
      return absl::InternalError(absl::StrCat("cannot write ", launch_path));
    }
  }
  std::remove(launch.exit_path().c_str());
  auto pipe = MakePipe();
  if (!pipe.ok()) return pipe.status();
  int log = open(launch.log_path().c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  auto shim = Spawn({self_exe_, kShimMode, launch_path}, -1, pipe->write, log);
  close(pipe->write);
  if (log >= 0) close(log);
  if (!shim.ok()) {
    close(pipe->read);
    return shim.status();
  }
  std::string out = ReadAll(pipe->read, absl::Seconds(10));
  close(pipe->read);
  int status = 0;
  waitpid(*shim, &status, 0);
  pid_t pid = 0;
  if (!absl::SimpleAtoi(absl::StripAsciiWhitespace(out), &pid) || pid <= 0) {
    return absl::InternalError(absl::StrCat("the container shim failed (exit status ", status,
                                            "); see ", launch.log_path()));
  }
  // The container may already have ended; its exit file says so.
  return ContainerHandle{pid, ProcessStartTicks(pid).value_or(0)};
}

ContainerProbe ProcessRuntime::Inspect(const ContainerHandle& handle,
                                       const std::string& exit_path) {
  ContainerProbe probe;
  std::optional<uint64_t> ticks = ProcessStartTicks(handle.pid);
  probe.running = ticks.has_value() && (handle.start_ticks == 0 || *ticks == handle.start_ticks);
  if (!probe.running) probe.exit = ReadExitFile(exit_path);
  return probe;
}

void ProcessRuntime::Signal(const ContainerHandle& handle, int signal) {
  std::optional<uint64_t> ticks = ProcessStartTicks(handle.pid);
  if (!ticks.has_value() || (handle.start_ticks != 0 && *ticks != handle.start_ticks)) {
    // The leader is gone (or its pid was reused); children may remain in the group.
    if (handle.pid > 0) kill(-handle.pid, signal);
    return;
  }
  kill(-handle.pid, signal);
}

absl::StatusOr<std::unique_ptr<ExecProcess>> ProcessRuntime::Exec(
    const ContainerHandle& handle, const std::vector<std::string>& command) {
  if (command.empty()) return absl::InvalidArgumentError("exec: no command given");
  ORDO_ASSIGN_OR_RETURN(Pipe in, MakePipe());
  ORDO_ASSIGN_OR_RETURN(Pipe out, MakePipe());
  ORDO_ASSIGN_OR_RETURN(Pipe err, MakePipe());
  std::vector<std::string> argv = {self_exe_, kExecMode, absl::StrCat(handle.pid), "--"};
  argv.insert(argv.end(), command.begin(), command.end());
  auto pid = Spawn(argv, in.read, out.write, err.write);
  close(in.read);
  close(out.write);
  close(err.write);
  if (!pid.ok()) {
    close(in.write);
    close(out.read);
    close(err.read);
    return pid.status();
  }
  return std::unique_ptr<ExecProcess>(new SpawnedExec(*pid, in.write, out.read, err.read));
}

}  // namespace ordo::kubelet
