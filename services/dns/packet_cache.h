// PacketCache remembers the zone's answers by the bytes of the query: a query
// identical to one answered before from the same zone snapshot (flags,
// question as spelled, EDNS record: everything but the id) gets the same
// answer with its own id, without being parsed or resolved again (the idea of
// PowerDNS's packet cache). Sound because an answer is a pure function of the
// query's bytes and the snapshot (TTLs and the SOA serial are the snapshot's,
// no answer is shuffled). Answers of one snapshot only: UseZone forgets them
// all when the snapshot changes. At most `max_entries`, then it starts over.
// Not thread-safe: one per UDP thread.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "services/dns/zone.h"

namespace ordo::dns {

class PacketCache {
 public:
  explicit PacketCache(size_t max_entries = 10000) : max_entries_(max_entries) {}

  // The snapshot the next answers come from; a new one empties the cache.
  void UseZone(std::shared_ptr<const ZoneSnapshot> zone);
  // The remembered answer to `query`, its id set to the query's, into
  // *response (whose buffer is reused); false when there is none.
  bool Lookup(std::string_view query, std::string* response) const;
  // Remembers `response` as the answer to `query`.
  void Store(std::string_view query, std::string_view response);
  size_t size() const { return answers_.size(); }

 private:
  const size_t max_entries_;
  std::shared_ptr<const ZoneSnapshot> zone_;  // held, so its address is never reused
  // The query without its id -> the answer.
  absl::flat_hash_map<std::string, std::string> answers_;
};

}  // namespace ordo::dns
