#include "common/store/drain_watcher.h"

#include "absl/time/time.h"

namespace ordo::store {

std::vector<EventPtr> DrainUntil(Watcher& w, int64_t revision) {
  std::vector<EventPtr> out;
  while (w.cursor() < revision) {
    if (!w.AwaitReady(absl::Seconds(10))) break;
    auto batch = w.Poll(1000);
    if (!batch.ok()) break;
    out.insert(out.end(), batch->begin(), batch->end());
  }
  return out;
}

}  // namespace ordo::store
