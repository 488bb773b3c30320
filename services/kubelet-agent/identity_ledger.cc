#include "services/kubelet-agent/identity_ledger.h"

#include <fcntl.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include <fstream>
#include <iterator>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"

namespace ordo::kubelet {

int64_t MonotonicNanos() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

std::string LedgerEvent::ToLine() const {
  return absl::StrCat(monotonic_ns, " ", type == Type::kStart ? "start" : "stop", " ", identity,
                      " ", pod_uid, held_by.empty() ? "" : " held-by ", held_by, "\n");
}

std::optional<LedgerEvent> LedgerEvent::Parse(absl::string_view line) {
  std::vector<absl::string_view> f = absl::StrSplit(line, ' ', absl::SkipEmpty());
  if (f.size() != 4 && f.size() != 6) return std::nullopt;
  LedgerEvent e;
  if (!absl::SimpleAtoi(f[0], &e.monotonic_ns)) return std::nullopt;
  if (f[1] == "start") {
    e.type = Type::kStart;
  } else if (f[1] == "stop" && f.size() == 4) {
    e.type = Type::kStop;
  } else {
    return std::nullopt;
  }
  e.identity = std::string(f[2]);
  e.pod_uid = std::string(f[3]);
  if (f.size() == 6) {
    if (f[4] != "held-by") return std::nullopt;
    e.held_by = std::string(f[5]);
  }
  return e;
}

IdentityLease TakeIdentityLease(const std::string& ledger_dir, const std::string& identity,
                                const std::string& pod_uid) {
  IdentityLease lease;
  const std::string path =
      absl::StrCat(ledger_dir, "/", absl::StrReplaceAll(identity, {{"/", "_"}}), ".lease");
  lease.fd = open(path.c_str(), O_RDWR | O_CREAT, 0644);
  if (lease.fd < 0) return lease;
  if (flock(lease.fd, LOCK_EX | LOCK_NB) == 0) {
    if (ftruncate(lease.fd, 0) == 0) (void)pwrite(lease.fd, pod_uid.data(), pod_uid.size(), 0);
    return lease;
  }
  char holder[128];
  ssize_t n = pread(lease.fd, holder, sizeof holder, 0);
  lease.held_by = n > 0 ? std::string(holder, n) : std::string("unknown");
  return lease;
}

int OpenLedgerEvents(const std::string& ledger_dir) {
  return open((ledger_dir + "/events").c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
}

void AppendLedgerEvent(int events_fd, const LedgerEvent& event) {
  if (events_fd < 0) return;
  const std::string line = event.ToLine();
  (void)write(events_fd, line.data(), line.size());
}

std::vector<LedgerEvent> ReadLedger(const std::string& ledger_dir, size_t* offset) {
  std::vector<LedgerEvent> events;
  std::ifstream in(ledger_dir + "/events", std::ios::binary);
  if (!in.seekg(static_cast<std::streamoff>(*offset))) return events;
  const std::string data{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  size_t end = data.rfind('\n');
  if (end == std::string::npos) return events;
  for (absl::string_view line : absl::StrSplit(absl::string_view(data).substr(0, end), '\n')) {
    if (auto e = LedgerEvent::Parse(line)) events.push_back(*std::move(e));
  }
  *offset += end + 1;
  return events;
}

}  // namespace ordo::kubelet
