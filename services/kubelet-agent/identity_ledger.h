// The identity ledger: a witness, for tests, of "at most one pod per
// identity" that sees every double rather than a sample (reference §3).
// An agent given --identity-ledger DIR (all agents of a machine share DIR)
// has each container's shim, before it starts the container:
//   - take the identity's lease: an exclusive flock(2) on
//     DIR/<namespace>_<pod>_<container>.lease, through a descriptor the
//     container inherits, so the kernel holds the lease exactly as long as a
//     process of the container lives (stopped or not, and however it dies,
//     kill -9 included); the holder writes its pod uid into the file;
//   - append one line to DIR/events: the start, with a CLOCK_MONOTONIC
//     timestamp (one clock for every process of the machine), and whether the
//     lease was free or held, and by which pod uid;
// and the shim's waiter appends the stop when the container has ended. A
// start that found the lease held is a double; the checker need not compare
// intervals, whose stops a power cut (the waiter killed too) leaves unwritten.
// A third pod starting while a double lasts is seen only if the lease's holder
// still runs: the /proc scan is the second witness.
//
// Each event is one write(2) of one line to a file opened O_APPEND, so lines
// from many processes never interleave. Functions are thread-compatible.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace ordo::kubelet {

struct LedgerEvent {
  enum class Type { kStart, kStop };
  int64_t monotonic_ns = 0;
  Type type = Type::kStart;
  std::string identity;  // "<namespace>/<pod>/<container>"
  std::string pod_uid;
  // For a start: the uid of the pod whose container held the lease ("" when
  // the lease was free): a double.
  std::string held_by;

  std::string ToLine() const;  // with the trailing newline
  // nullopt for a malformed line (a torn last line, say).
  static std::optional<LedgerEvent> Parse(absl::string_view line);
};

// A lease taken (or found held) for one start of a container.
struct IdentityLease {
  int fd = -1;          // open, not close-on-exec: the container inherits it
  std::string held_by;  // "" when this start took the lease
};

// Opens DIR's lease file of `identity` and tries the lease without waiting.
IdentityLease TakeIdentityLease(const std::string& ledger_dir, const std::string& identity,
                                const std::string& pod_uid);

// DIR/events opened for appending (close-on-exec), or -1. The shim opens it
// before its mounts, which may hide DIR.
int OpenLedgerEvents(const std::string& ledger_dir);
// Appends `event` (best effort: a ledger that cannot be written must not keep
// a container from starting).
void AppendLedgerEvent(int events_fd, const LedgerEvent& event);

// The well-formed events of DIR/events written after byte `*offset`, in the
// order written; `*offset` moves past the last complete line read.
std::vector<LedgerEvent> ReadLedger(const std::string& ledger_dir, size_t* offset);

int64_t MonotonicNanos();

}  // namespace ordo::kubelet
