#include "services/dns/packet_cache.h"

#include <utility>

namespace ordo::dns {
namespace {

constexpr size_t kHeaderSize = 12;

// The query as a key: every byte but the two of the id. (Debian's Abseil has
// its own string_view, which the map's heterogeneous lookup takes.)
absl::string_view KeyOf(std::string_view query) {
  return absl::string_view(query.data() + 2, query.size() - 2);
}

}  // namespace

void PacketCache::UseZone(std::shared_ptr<const ZoneSnapshot> zone) {
  if (zone == zone_) return;
  zone_ = std::move(zone);
  answers_.clear();
}

bool PacketCache::Lookup(std::string_view query, std::string* response) const {
  if (query.size() < kHeaderSize) return false;
  auto it = answers_.find(KeyOf(query));
  if (it == answers_.end()) return false;
  response->assign(it->second);
  (*response)[0] = query[0];
  (*response)[1] = query[1];
  return true;
}

void PacketCache::Store(std::string_view query, std::string_view response) {
  if (query.size() < kHeaderSize || response.size() < kHeaderSize) return;
  if (answers_.size() >= max_entries_) answers_.clear();  // small and simple: start over
  absl::string_view key = KeyOf(query);
  answers_.insert_or_assign(std::string(key.data(), key.size()),
                            std::string(response.data(), response.size()));
}

}  // namespace ordo::dns
