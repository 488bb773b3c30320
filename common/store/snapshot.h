// A snapshot of the store at one revision, as one file (`ordoctl snapshot
// save`, `ordo-api-server --restore-from`):
//
//   "ORDOSNAP" | fixed64 format version (1) | fixed64 revision | fixed64 keys
//   | per key: fixed64 key length, key, fixed64 record length, record
//     (encoding.h's live-key record: create and mod revision, value)
//   | SHA-256 of every byte before it
//
// (fixed64: little-endian, as encoding.h.) SnapshotWriter produces it as a
// stream of chunks (the api-server streams it to the client); ReadSnapshot
// checks everything — magic, version, count, every length, the hash, nothing
// after the hash — and hands keys out only as they are read, so a caller
// that writes them somewhere must drop that if the read ends in an error.
// The writer is used by one thread; ReadSnapshot is safe from any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/store/store.h"

namespace ordo::store {

inline constexpr int64_t kSnapshotFormatVersion = 1;

class SnapshotWriter {
 public:
  // Receives the file's bytes in order; false when they can go nowhere (the
  // client went away), after which the writer stops.
  using Sink = std::function<bool(absl::string_view chunk)>;

  SnapshotWriter(int64_t revision, uint64_t keys, Sink sink, size_t chunk_size = 64 << 10);
  ~SnapshotWriter();

  // Adds one key; false once the sink has refused.
  bool Add(const KeyValue& kv);
  // Appends the hash and hands over what is left; false if the sink refused
  // or the number of keys added is not the number announced.
  bool Finish();
  // The hash, hex, after Finish.
  const std::string& sha256_hex() const { return sha256_hex_; }

 private:
  void Append(absl::string_view bytes);
  bool Flush();

  struct Digest;
  std::unique_ptr<Digest> digest_;
  const uint64_t keys_;
  uint64_t added_ = 0;
  Sink sink_;
  const size_t chunk_size_;
  std::string buffer_;
  bool ok_ = true;
  std::string sha256_hex_;
};

struct SnapshotInfo {
  int64_t revision = 0;
  uint64_t keys = 0;
  uint64_t size = 0;  // bytes, the hash included
  std::string sha256_hex;
};

// Reads and checks the snapshot at `path`, calling `each` (may be null) for
// every key in order; an error from `each` stops the read and is returned.
// A file that is not a snapshot, of another format version, truncated, with
// bytes after its end, or whose hash does not match is refused with an
// error that says which and names the file.
absl::StatusOr<SnapshotInfo> ReadSnapshot(
    const std::string& path, const std::function<absl::Status(KeyValuePtr)>& each = nullptr);

}  // namespace ordo::store
