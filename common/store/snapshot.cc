#include "common/store/snapshot.h"

#include <array>
#include <fstream>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/fs/sha256.h"
#include "common/store/encoding.h"

namespace ordo::store {
namespace {

constexpr absl::string_view kMagic = "ORDOSNAP";
constexpr size_t kHashSize = 32;
// A single key or record larger than this is corruption, not data (the
// api-server refuses objects far smaller).
constexpr int64_t kMaxFieldSize = int64_t{1} << 30;

using fs::Sha256;

}  // namespace

struct SnapshotWriter::Digest : Sha256 {};

SnapshotWriter::SnapshotWriter(int64_t revision, uint64_t keys, Sink sink, size_t chunk_size)
    : digest_(std::make_unique<Digest>()),
      keys_(keys),
      sink_(std::move(sink)),
      chunk_size_(chunk_size) {
  Append(kMagic);
  Append(EncodeFixed64(kSnapshotFormatVersion));
  Append(EncodeFixed64(revision));
  Append(EncodeFixed64(static_cast<int64_t>(keys)));
}

SnapshotWriter::~SnapshotWriter() = default;

void SnapshotWriter::Append(absl::string_view bytes) {
  digest_->Update(bytes);
  buffer_.append(bytes.data(), bytes.size());
}

bool SnapshotWriter::Flush() {
  if (ok_ && !buffer_.empty()) ok_ = sink_(buffer_);
  buffer_.clear();
  return ok_;
}

bool SnapshotWriter::Add(const KeyValue& kv) {
  if (!ok_) return false;
  std::string record = EncodeKeyValueRecord(kv);
  Append(EncodeFixed64(static_cast<int64_t>(kv.key.size())));
  Append(kv.key);
  Append(EncodeFixed64(static_cast<int64_t>(record.size())));
  Append(record);
  ++added_;
  return buffer_.size() < chunk_size_ || Flush();
}

bool SnapshotWriter::Finish() {
  if (added_ != keys_) ok_ = false;
  if (!ok_) return false;
  std::string hash = digest_->Final();
  sha256_hex_ = absl::BytesToHexString(hash);
  buffer_.append(hash);
  return Flush();
}

absl::StatusOr<SnapshotInfo> ReadSnapshot(const std::string& path,
                                          const std::function<absl::Status(KeyValuePtr)>& each) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("snapshot ", path, ": cannot be read"));
  Sha256 digest;
  SnapshotInfo info;
  auto truncated = [&](const std::string& where) {
    return absl::DataLossError(absl::StrCat("snapshot ", path, " is truncated: it ends in ", where,
                                            " (", info.size, " bytes)"));
  };
  auto read = [&](size_t n, std::string& out) {
    out.resize(n);
    in.read(out.data(), static_cast<std::streamsize>(n));
    size_t got = static_cast<size_t>(in.gcount());
    out.resize(got);
    info.size += got;
    digest.Update(out);
    return got == n;
  };
  std::string bytes;
  auto read_fixed64 = [&](int64_t& v) {
    if (!read(8, bytes)) return false;
    v = DecodeFixed64(bytes.data());
    return true;
  };
  if (!read(kMagic.size(), bytes) || bytes != kMagic) {
    return absl::InvalidArgumentError(absl::StrCat(
        "snapshot ", path, ": not an ordo snapshot (it does not start with ", kMagic, ")"));
  }
  int64_t version = 0, count = 0;
  if (!read_fixed64(version)) return truncated("its header");
  if (version != kSnapshotFormatVersion) {
    return absl::InvalidArgumentError(absl::StrCat("snapshot ", path, ": format version ", version,
                                                   " is not supported (this ordo reads ",
                                                   kSnapshotFormatVersion, ")"));
  }
  if (!read_fixed64(info.revision) || !read_fixed64(count)) return truncated("its header");
  if (info.revision < 0 || count < 0) {
    return absl::DataLossError(absl::StrCat("snapshot ", path, ": corrupt header"));
  }
  std::string key, record;
  for (int64_t i = 0; i < count; ++i) {
    int64_t key_size = 0, record_size = 0;
    std::string where = absl::StrCat("key ", i + 1, " of ", count);
    if (!read_fixed64(key_size)) return truncated(where);
    if (key_size < 0 || key_size > kMaxFieldSize) {
      return absl::DataLossError(absl::StrCat("snapshot ", path, ": corrupt length at ", where));
    }
    if (!read(static_cast<size_t>(key_size), key)) return truncated(where);
    if (!read_fixed64(record_size)) return truncated(where);
    if (record_size < 0 || record_size > kMaxFieldSize) {
      return absl::DataLossError(absl::StrCat("snapshot ", path, ": corrupt length at ", where));
    }
    if (!read(static_cast<size_t>(record_size), record)) return truncated(where);
    auto kv = DecodeKeyValue(key, record);
    if (!kv.ok()) {
      return absl::DataLossError(absl::StrCat("snapshot ", path, ": corrupt record at ", where,
                                              ": ", kv.status().message()));
    }
    if (each) {
      if (absl::Status s = each(*std::move(kv)); !s.ok()) return s;
    }
  }
  info.keys = static_cast<uint64_t>(count);
  std::string expected = digest.Final();
  std::string stored(kHashSize, '\0');
  in.read(stored.data(), kHashSize);
  size_t got = static_cast<size_t>(in.gcount());
  info.size += got;
  if (got != kHashSize) return truncated("its checksum");
  if (in.peek() != std::ifstream::traits_type::eof()) {
    return absl::DataLossError(
        absl::StrCat("snapshot ", path, ": bytes after the end of the snapshot"));
  }
  if (stored != expected) {
    return absl::DataLossError(absl::StrCat(
        "snapshot ", path, ": checksum mismatch (sha256 ", absl::BytesToHexString(expected),
        " computed, ", absl::BytesToHexString(stored), " stored): the file is corrupt"));
  }
  info.sha256_hex = absl::BytesToHexString(expected);
  return info;
}

}  // namespace ordo::store
