#include "absl/strings/str_cat.h"
#include "common/informer/indexer.h"
#include "common/informer/lister_watcher.h"

namespace ordo::informer {

EventType ParseEventType(const std::string& type) {
  if (type == "ADDED") return EventType::kAdded;
  if (type == "DELETED") return EventType::kDeleted;
  if (type == "BOOKMARK") return EventType::kBookmark;
  return EventType::kModified;
}

std::string KeyOf(const meta::v1::ObjectMeta& meta) {
  if (meta.namespace_().empty()) return meta.name();
  return absl::StrCat(meta.namespace_(), "/", meta.name());
}

std::pair<std::string, std::string> SplitKey(const std::string& key) {
  size_t slash = key.find('/');
  if (slash == std::string::npos) return {"", key};
  return {key.substr(0, slash), key.substr(slash + 1)};
}

}  // namespace ordo::informer
