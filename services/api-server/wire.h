// Protobuf wire encoding of read results straight from stored bytes, so lists
// and watches never parse and re-serialize objects they only pass on.
// Every kind has metadata as field 3 and ObjectMeta has resourceVersion as
// field 5; stored values lack resourceVersion, so appending a metadata message
// holding only it sets it (a parser merges repeated embedded messages).
// Pure functions; safe from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace ordo::apiserver::wire {

void AppendVarint(std::string& out, uint64_t v);
// A length-delimited field (strings, bytes, embedded messages).
void AppendBytesField(std::string& out, int field, absl::string_view bytes);

// Appends the stored object `value` with metadata.resourceVersion = revision.
void AppendObject(std::string& out, absl::string_view value, int64_t revision);
// The size AppendObject adds, for length prefixes.
size_t ObjectSize(absl::string_view value, int64_t revision);

// A <Kind>WatchEvent: type (1) and object (2).
std::string WatchEvent(absl::string_view type, absl::string_view value, int64_t revision);

// Appends one item (field 4 of every <Kind>List) for a stored object.
void AppendListItem(std::string& out, absl::string_view value, int64_t revision);
// The head of a <Kind>List: apiVersion (1), kind (2), metadata (3) with the
// list's resourceVersion.
void AppendListHead(std::string& out, absl::string_view api_version, absl::string_view kind,
                    int64_t revision);
// The list's continue token and, when known, its remainingItemCount, after
// its items: a second metadata field, which a parser merges into the first
// (protobuf's rule for repeated singular message fields).
void AppendListContinue(std::string& out, absl::string_view token,
                        std::optional<int64_t> remaining);

}  // namespace ordo::apiserver::wire
