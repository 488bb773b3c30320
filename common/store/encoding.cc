#include "common/store/encoding.h"

#include <cstring>

namespace ordo::store {
namespace {

void AppendFixed64(std::string& out, int64_t v) {
  uint64_t u = static_cast<uint64_t>(v);
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((u >> (8 * i)) & 0xff));
}

void AppendFixed32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

void AppendBytes(std::string& out, absl::string_view bytes) {
  AppendFixed32(out, static_cast<uint32_t>(bytes.size()));
  out.append(bytes.data(), bytes.size());
}

// A bounds-checked reader over a record.
class Reader {
 public:
  explicit Reader(absl::string_view data) : data_(data) {}
  bool Fixed64(int64_t& v) {
    if (data_.size() < 8) return false;
    v = DecodeFixed64(data_.data());
    data_.remove_prefix(8);
    return true;
  }
  bool Byte(uint8_t& v) {
    if (data_.empty()) return false;
    v = static_cast<uint8_t>(data_[0]);
    data_.remove_prefix(1);
    return true;
  }
  bool Bytes(std::string& v) {
    if (data_.size() < 4) return false;
    uint32_t n = 0;
    for (int i = 0; i < 4; ++i)
      n |= static_cast<uint32_t>(static_cast<uint8_t>(data_[i])) << (8 * i);
    data_.remove_prefix(4);
    if (data_.size() < n) return false;
    v.assign(data_.data(), n);
    data_.remove_prefix(n);
    return true;
  }
  bool done() const { return data_.empty(); }

 private:
  absl::string_view data_;
};

absl::Status Corrupt(absl::string_view what) {
  return absl::DataLossError(std::string("store: corrupt ") + std::string(what) + " record");
}

}  // namespace

std::string EncodeFixed64(int64_t v) {
  std::string out;
  AppendFixed64(out, v);
  return out;
}

int64_t DecodeFixed64(const char* p) {
  uint64_t u = 0;
  for (int i = 0; i < 8; ++i) u |= static_cast<uint64_t>(static_cast<uint8_t>(p[i])) << (8 * i);
  return static_cast<int64_t>(u);
}

std::string EncodeRevisionKey(int64_t revision) {
  std::string out(8, '\0');
  uint64_t u = static_cast<uint64_t>(revision);
  for (int i = 7; i >= 0; --i) {
    out[i] = static_cast<char>(u & 0xff);
    u >>= 8;
  }
  return out;
}

int64_t DecodeRevisionKey(absl::string_view key) {
  uint64_t u = 0;
  for (size_t i = 0; i < 8 && i < key.size(); ++i) u = (u << 8) | static_cast<uint8_t>(key[i]);
  return static_cast<int64_t>(u);
}

std::string EncodeKeyValueRecord(const KeyValue& kv) {
  std::string out;
  out.reserve(20 + kv.value.size());
  AppendFixed64(out, kv.create_revision);
  AppendFixed64(out, kv.mod_revision);
  AppendBytes(out, kv.value);
  return out;
}

absl::StatusOr<KeyValuePtr> DecodeKeyValue(absl::string_view key, absl::string_view record) {
  auto kv = std::make_shared<KeyValue>();
  kv->key = std::string(key);
  Reader r(record);
  if (!r.Fixed64(kv->create_revision) || !r.Fixed64(kv->mod_revision) || !r.Bytes(kv->value) ||
      !r.done()) {
    return Corrupt("key");
  }
  return kv;
}

std::string EncodeEvent(const Event& event) {
  std::string out;
  out.push_back(event.type == Event::Type::kPut ? 'P' : 'D');
  AppendBytes(out, event.kv->key);
  out += EncodeKeyValueRecord(*event.kv);
  out.push_back(event.prev ? 1 : 0);
  if (event.prev) out += EncodeKeyValueRecord(*event.prev);
  return out;
}

absl::StatusOr<EventPtr> DecodeEvent(absl::string_view record) {
  Reader r(record);
  uint8_t type = 0, has_prev = 0;
  std::string key;
  auto kv = std::make_shared<KeyValue>();
  if (!r.Byte(type) || (type != 'P' && type != 'D') || !r.Bytes(key) ||
      !r.Fixed64(kv->create_revision) || !r.Fixed64(kv->mod_revision) || !r.Bytes(kv->value) ||
      !r.Byte(has_prev)) {
    return Corrupt("event");
  }
  kv->key = key;
  auto event = std::make_shared<Event>();
  event->type = type == 'P' ? Event::Type::kPut : Event::Type::kDelete;
  if (has_prev) {
    auto prev = std::make_shared<KeyValue>();
    prev->key = key;
    if (!r.Fixed64(prev->create_revision) || !r.Fixed64(prev->mod_revision) ||
        !r.Bytes(prev->value)) {
      return Corrupt("event");
    }
    event->prev = std::move(prev);
  }
  if (!r.done()) return Corrupt("event");
  event->kv = std::move(kv);
  return event;
}

}  // namespace ordo::store
