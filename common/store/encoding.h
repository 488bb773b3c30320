// The on-disk byte layout of the RocksDB journal: little-endian fixed64 fields,
// big-endian revision keys (so RocksDB's byte order is revision order), and the
// records for live keys and events. Pure functions; safe from any thread.
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/store/store.h"

namespace ordo::store {

std::string EncodeFixed64(int64_t v);
int64_t DecodeFixed64(const char* p);

std::string EncodeRevisionKey(int64_t revision);
int64_t DecodeRevisionKey(absl::string_view key);

// A live key's record: create_revision, mod_revision, value.
std::string EncodeKeyValueRecord(const KeyValue& kv);
absl::StatusOr<KeyValuePtr> DecodeKeyValue(absl::string_view key, absl::string_view record);

std::string EncodeEvent(const Event& event);
absl::StatusOr<EventPtr> DecodeEvent(absl::string_view record);

}  // namespace ordo::store
