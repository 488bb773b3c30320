#include "services/kubelet-agent/shim.h"

#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <sys/capability.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "ordo/agent/v1/agent.pb.h"
#include "services/kubelet-agent/identity_ledger.h"

namespace ordo::kubelet {
namespace {

int Fail(const std::string& what) {
  std::fprintf(stderr, "ordo shim: %s: %s\n", what.c_str(), std::strerror(errno));
  return 1;
}

std::vector<char*> CStrings(const google::protobuf::RepeatedPtrField<std::string>& strings) {
  std::vector<char*> out;
  for (const auto& s : strings) out.push_back(const_cast<char*>(s.c_str()));
  out.push_back(nullptr);
  return out;
}

// Makes the mount point: a directory, or an empty file when the source is a file.
void EnsureMountPoint(bool source_is_directory, const std::string& target) {
  std::error_code ec;
  if (std::filesystem::exists(target, ec)) return;
  if (source_is_directory) {
    std::filesystem::create_directories(target, ec);
  } else {
    std::filesystem::create_directories(std::filesystem::path(target).parent_path(), ec);
    std::ofstream touch(target);
  }
}

int SetUpNamespaces(const agent::v1::ContainerLaunch& launch) {
  if (unshare(CLONE_NEWUTS | CLONE_NEWNS) != 0) return Fail("unshare");
  // Nothing mounted here may leak back to the host.
  if (mount("none", "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) return Fail("make-private");
  if (sethostname(launch.hostname().data(), launch.hostname().size()) != 0) {
    return Fail("sethostname");
  }
  // Every source is opened (in the new namespace, as bind mounts need) before
  // anything is mounted, so a mount (the pod's own /tmp over /tmp, say) cannot
  // hide a source that lies beneath it.
  // Their types are read now too: once /tmp is the pod's, a source under the
  // host's /tmp is out of sight by path.
  std::vector<int> sources;
  std::vector<bool> directories;
  for (const auto& m : launch.mounts()) {
    int fd = open(m.source().c_str(), O_PATH | O_CLOEXEC);
    if (fd < 0) return Fail("open " + m.source());
    struct stat st;
    if (fstat(fd, &st) != 0) return Fail("stat " + m.source());
    sources.push_back(fd);
    directories.push_back(S_ISDIR(st.st_mode));
  }
  for (int i = 0; i < launch.mounts_size(); ++i) {
    const auto& m = launch.mounts(i);
    EnsureMountPoint(directories[i], m.target());  // it may lie under an earlier mount
    std::string source = absl::StrCat("/proc/self/fd/", sources[i]);
    if (mount(source.c_str(), m.target().c_str(), nullptr, MS_BIND | MS_REC, nullptr) != 0) {
      return Fail(absl::StrCat("bind ", m.source(), " at ", m.target()));
    }
    if (m.read_only() && mount(nullptr, m.target().c_str(), nullptr,
                               MS_BIND | MS_REMOUNT | MS_RDONLY, nullptr) != 0) {
      return Fail(absl::StrCat("read-only ", m.target()));
    }
    close(sources[i]);
  }
  // Last, so nothing mounted above can uncover them: the cluster's secrets.
  for (const std::string& path : launch.masked_paths()) {
    struct stat st;
    if (stat(path.c_str(), &st) != 0) continue;  // nothing there to hide
    bool hidden =
        S_ISDIR(st.st_mode)
            ? mount("tmpfs", path.c_str(), "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
                    "size=4k,mode=0555") == 0
            : mount("/dev/null", path.c_str(), nullptr, MS_BIND, nullptr) == 0;
    if (!hidden) return Fail("mask " + path);
  }
  return 0;
}

// Who a container runs as: its user, groups and the capabilities it may not have.
struct Identity {
  std::optional<uid_t> uid;
  std::optional<gid_t> gid;
  std::vector<gid_t> groups;
  std::vector<cap_value_t> drop;
};

// The identity a launch asks for; a message on an unknown capability name.
std::string IdentityOf(const agent::v1::ContainerLaunch& launch, Identity& out) {
  if (launch.has_run_as_user()) out.uid = static_cast<uid_t>(launch.run_as_user());
  if (launch.has_run_as_group()) out.gid = static_cast<gid_t>(launch.run_as_group());
  out.groups.assign(launch.supplemental_groups().begin(), launch.supplemental_groups().end());
  for (const std::string& name : launch.drop_capabilities()) {
    if (name == "ALL") {
      for (int c = 0; c <= CAP_LAST_CAP; ++c) out.drop.push_back(c);
      continue;
    }
    cap_value_t value;
    std::string lower = absl::AsciiStrToLower(name);
    if (!absl::StartsWith(lower, "cap_")) lower = "cap_" + lower;
    if (cap_from_name(lower.c_str(), &value) != 0) return "unknown capability " + name;
    out.drop.push_back(value);
  }
  return "";
}

// The identity process `pid` runs with (from /proc/PID/status: effective
// uid and gid, groups, the capabilities missing from its bounding set), so an
// exec joins a container as the container runs, not as the agent.
Identity IdentityOfProcess(int pid) {
  Identity out;
  std::ifstream in(absl::StrCat("/proc/", pid, "/status"));
  for (std::string line; std::getline(in, line);) {
    std::vector<std::string> f = absl::StrSplit(line, absl::ByAnyChar(" \t"), absl::SkipEmpty());
    if (f.size() < 2) continue;
    unsigned long long value = 0;
    if (f[0] == "Uid:" && f.size() >= 3 && absl::SimpleAtoi(f[2], &value)) {
      out.uid = static_cast<uid_t>(value);
    } else if (f[0] == "Gid:" && f.size() >= 3 && absl::SimpleAtoi(f[2], &value)) {
      out.gid = static_cast<gid_t>(value);
    } else if (f[0] == "Groups:") {
      for (size_t i = 1; i < f.size(); ++i) {
        if (absl::SimpleAtoi(f[i], &value)) out.groups.push_back(static_cast<gid_t>(value));
      }
    } else if (f[0] == "CapBnd:" && absl::SimpleHexAtoi(f[1], &value)) {
      for (int c = 0; c <= CAP_LAST_CAP; ++c) {
        if ((value & (1ULL << c)) == 0) out.drop.push_back(c);
      }
    }
  }
  return out;
}

// Just before exec: takes the capabilities out of the bounding set (libcap;
// so no exec regains them), becomes the user and groups (which needs
// CAP_SETUID/CAP_SETGID still in effect), then clears them from the
// permitted, effective and inheritable sets (a change of uid from root
// already empties those). Returns a message on failure.
std::string Become(const Identity& id) {
  for (cap_value_t c : id.drop) {
    if (cap_drop_bound(c) != 0 && errno != EINVAL) return "dropping a capability";
  }
  if ((id.uid.has_value() || id.gid.has_value()) &&
      setgroups(id.groups.size(), id.groups.data()) != 0) {
    return "setgroups";
  }
  if (id.gid.has_value() && setgid(*id.gid) != 0) return "setgid";
  if (id.uid.has_value() && setuid(*id.uid) != 0) return "setuid";
  if (!id.drop.empty()) {
    cap_t caps = cap_get_proc();
    if (caps == nullptr) return "cap_get_proc";
    int n = static_cast<int>(id.drop.size());
    bool ok = cap_set_flag(caps, CAP_EFFECTIVE, n, id.drop.data(), CAP_CLEAR) == 0 &&
              cap_set_flag(caps, CAP_PERMITTED, n, id.drop.data(), CAP_CLEAR) == 0 &&
              cap_set_flag(caps, CAP_INHERITABLE, n, id.drop.data(), CAP_CLEAR) == 0 &&
              cap_set_proc(caps) == 0;
    cap_free(caps);
    if (!ok) return "cap_set_proc";
  }
  return "";
}

// Writes the exit record through `dir_fd` (opened before the mounts, which may
// hide the path): "<code> <signal> <unix nanos>", atomically by rename.
void WriteExitFile(int dir_fd, const std::string& name, int status) {
  int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  int signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
  timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  int64_t nanos = int64_t{now.tv_sec} * 1'000'000'000 + now.tv_nsec;
  std::string line = absl::StrCat(code, " ", signal, " ", nanos, "\n");
  std::string tmp = name + ".tmp";
  int fd = openat(dir_fd, tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return;
  bool ok = write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
  close(fd);
  if (ok) renameat(dir_fd, tmp.c_str(), dir_fd, name.c_str());
}

// Opens `file` (a path, or a name searched on `path_list`) for fexecve; -1 if
// there is no such executable.
int OpenProgram(const std::string& file, const std::string& path_list) {
  std::vector<std::string> candidates;
  if (file.starts_with('/')) {
    candidates.push_back(file);
  } else if (file.find('/') != std::string::npos) {
    return -1;  // relative to workingDir: left to execvpe after the chdir
  } else {
    for (absl::string_view dir : absl::StrSplit(path_list, ':', absl::SkipEmpty())) {
      candidates.push_back(absl::StrCat(dir, "/", file));
    }
  }
  for (const auto& c : candidates) {
    if (access(c.c_str(), X_OK) == 0) return open(c.c_str(), O_RDONLY);
  }
  return -1;
}

// The agent blocks SIGTERM and SIGINT (it takes them with sigwait), and a
// spawned process inherits that mask: a container must not.
void UnblockSignals() {
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
}

}  // namespace

int RunShim(const std::string& launch_path) {
  agent::v1::ContainerLaunch launch;
  {
    std::ifstream in(launch_path, std::ios::binary);
    if (!in || !launch.ParseFromIstream(&in)) return Fail("read " + launch_path);
  }
  if (launch.argv().empty()) return Fail("empty argv");
  Identity identity;
  if (std::string bad = IdentityOf(launch, identity); !bad.empty()) {
    std::fprintf(stderr, "ordo shim: %s\n", bad.c_str());
    return 1;
  }
  UnblockSignals();
  setsid();  // away from the agent's session: its terminal's signals are not ours
  signal(SIGINT, SIG_IGN);
  signal(SIGTERM, SIG_IGN);
  signal(SIGHUP, SIG_IGN);
  int log = open(launch.log_path().c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log < 0) return Fail("open " + launch.log_path());
  // The program is found and opened on the host's view, before the mounts: a
  // pod's own /tmp would hide a program under the host's /tmp. Not
  // close-on-exec, so a script's interpreter can read it via /dev/fd.
  int program = -1;
  for (const auto& e : launch.env()) {
    if (absl::StartsWith(e, "PATH=")) program = OpenProgram(launch.argv(0), e.substr(5));
  }
  std::filesystem::path exit_path(launch.exit_path());
  int exit_dir = open(exit_path.parent_path().c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (exit_dir < 0) return Fail("open " + exit_path.parent_path().string());
  // The identity ledger's files, opened before the mounts that may hide them.
  const bool ledger = !launch.identity_ledger().empty();
  IdentityLease lease;
  int ledger_events = -1;
  if (ledger) {
    lease = TakeIdentityLease(launch.identity_ledger(), launch.identity(), launch.pod_uid());
    ledger_events = OpenLedgerEvents(launch.identity_ledger());
  }
  if (int rc = SetUpNamespaces(launch); rc != 0) return rc;
  std::vector<char*> argv = CStrings(launch.argv());
  std::vector<char*> env = CStrings(launch.env());

  // The container's PATH is where execvpe looks for its program.
  for (const auto& e : launch.env()) {
    if (absl::StartsWith(e, "PATH=")) setenv("PATH", e.c_str() + 5, 1);
  }
  // Fork the waiter (the container's parent for its whole life) and let the
  // agent reap this process at once.
  pid_t waiter = fork();
  if (waiter < 0) return Fail("fork");
  if (waiter != 0) _exit(0);

  const int64_t started = MonotonicNanos();
  pid_t container = fork();
  if (container < 0) return Fail("fork");
  if (container == 0) {
    setpgid(0, 0);
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    signal(SIGHUP, SIG_DFL);
    int null = open("/dev/null", O_RDONLY);
    dup2(null, 0);
    dup2(log, 1);
    dup2(log, 2);
    if (std::string failed = Become(identity); !failed.empty()) {
      std::fprintf(stderr, "ordo shim: %s: %s\n", failed.c_str(), std::strerror(errno));
      _exit(128);
    }
    if (!launch.working_dir().empty() && chdir(launch.working_dir().c_str()) != 0) {
      std::fprintf(stderr, "cannot enter workingDir %s: %s\n", launch.working_dir().c_str(),
                   std::strerror(errno));
      _exit(128);
    }
    if (program >= 0) fexecve(program, argv.data(), env.data());
    execvpe(argv[0], argv.data(), env.data());
    std::fprintf(stderr, "exec %s: %s\n", argv[0], std::strerror(errno));
    _exit(errno == ENOENT ? 127 : 126);
  }
  setpgid(container, container);  // no race with the child's own setpgid
  if (ledger) {
    AppendLedgerEvent(ledger_events, {.monotonic_ns = started,
                                      .type = LedgerEvent::Type::kStart,
                                      .identity = launch.identity(),
                                      .pod_uid = launch.pod_uid(),
                                      .held_by = lease.held_by});
    if (lease.fd >= 0) close(lease.fd);  // the container's copy holds the lease
  }
  std::printf("%d\n", container);
  std::fflush(stdout);
  // Closing our end of the agent's pipe tells it the pid is complete.
  int null = open("/dev/null", O_RDWR);
  dup2(null, 0);
  dup2(null, 1);
  dup2(null, 2);
  int status = 0;
  while (waitpid(container, &status, 0) < 0 && errno == EINTR) {
  }
  if (ledger) {
    AppendLedgerEvent(ledger_events, {.monotonic_ns = MonotonicNanos(),
                                      .type = LedgerEvent::Type::kStop,
                                      .identity = launch.identity(),
                                      .pod_uid = launch.pod_uid()});
  }
  WriteExitFile(exit_dir, exit_path.filename().string(), status);
  return 0;
}

int RunExecHelper(int pid, const std::vector<std::string>& argv) {
  UnblockSignals();
  Identity identity = IdentityOfProcess(pid);
  for (const char* ns : {"uts", "mnt"}) {
    std::string path = absl::StrCat("/proc/", pid, "/ns/", ns);
    int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0 || setns(fd, 0) != 0) {
      std::fprintf(stderr, "cannot enter %s: %s\n", path.c_str(), std::strerror(errno));
      return 126;
    }
    close(fd);
  }
  if (chdir("/") != 0) return 126;
  if (std::string failed = Become(identity); !failed.empty()) {
    std::fprintf(stderr, "cannot take the container's identity: %s: %s\n", failed.c_str(),
                 std::strerror(errno));
    return 126;
  }
  // The command sees the container's environment (POD_NAME, POD_IP, ...).
  std::vector<std::string> env_strings;
  {
    std::ifstream in(absl::StrCat("/proc/", pid, "/environ"), std::ios::binary);
    std::string var;
    while (std::getline(in, var, '\0')) env_strings.push_back(var);
  }
  std::vector<char*> env;
  for (auto& e : env_strings) env.push_back(e.data());
  env.push_back(nullptr);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  execvpe(args[0], args.data(), env.data());
  std::fprintf(stderr, "exec %s: %s\n", args[0], std::strerror(errno));
  return errno == ENOENT ? 127 : 126;
}

}  // namespace ordo::kubelet
