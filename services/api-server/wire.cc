#include "services/api-server/wire.h"

#include "absl/strings/str_cat.h"

namespace ordo::apiserver::wire {
namespace {

constexpr int kMetadataField = 3;           // every kind, and every list
constexpr int kResourceVersionField = 5;    // in ObjectMeta
constexpr int kListMetaVersionField = 1;    // in ListMeta
constexpr int kListMetaContinueField = 2;   // in ListMeta
constexpr int kListMetaRemainingField = 3;  // in ListMeta
constexpr int kListItemsField = 4;

size_t VarintSize(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

size_t BytesFieldSize(int field, size_t len) {
  return VarintSize(static_cast<uint64_t>(field) << 3 | 2) + VarintSize(len) + len;
}

std::string RevisionPatch(int64_t revision) {
  std::string rv = absl::StrCat(revision);
  std::string meta;
  AppendBytesField(meta, kResourceVersionField, rv);
  std::string patch;
  AppendBytesField(patch, kMetadataField, meta);
  return patch;
}

}  // namespace

void AppendVarint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

void AppendBytesField(std::string& out, int field, absl::string_view bytes) {
  AppendVarint(out, static_cast<uint64_t>(field) << 3 | 2);
  AppendVarint(out, bytes.size());
  out.append(bytes.data(), bytes.size());
}

void AppendObject(std::string& out, absl::string_view value, int64_t revision) {
  out.append(value.data(), value.size());
  out += RevisionPatch(revision);
}

size_t ObjectSize(absl::string_view value, int64_t revision) {
  return value.size() + RevisionPatch(revision).size();
}

std::string WatchEvent(absl::string_view type, absl::string_view value, int64_t revision) {
  std::string out;
  size_t object_size = ObjectSize(value, revision);
  out.reserve(BytesFieldSize(1, type.size()) + BytesFieldSize(2, object_size));
  AppendBytesField(out, 1, type);
  AppendVarint(out, 2 << 3 | 2);
  AppendVarint(out, object_size);
  AppendObject(out, value, revision);
  return out;
}

void AppendListItem(std::string& out, absl::string_view value, int64_t revision) {
  AppendVarint(out, kListItemsField << 3 | 2);
  AppendVarint(out, ObjectSize(value, revision));
  AppendObject(out, value, revision);
}

void AppendListHead(std::string& out, absl::string_view api_version, absl::string_view kind,
                    int64_t revision) {
  AppendBytesField(out, 1, api_version);
  AppendBytesField(out, 2, kind);
  std::string list_meta;
  AppendBytesField(list_meta, kListMetaVersionField, absl::StrCat(revision));
  AppendBytesField(out, kMetadataField, list_meta);
}

void AppendListContinue(std::string& out, absl::string_view token,
                        std::optional<int64_t> remaining) {
  std::string list_meta;
  AppendBytesField(list_meta, kListMetaContinueField, token);
  if (remaining.has_value()) {
    AppendVarint(list_meta, kListMetaRemainingField << 3);  // wire type 0: varint
    AppendVarint(list_meta, static_cast<uint64_t>(*remaining));
  }
  AppendBytesField(out, kMetadataField, list_meta);
}

}  // namespace ordo::apiserver::wire
