// DrainUntil, for the store's tests: everything a Watcher hands out until its
// cursor passes a revision (or it errs, or 10 s pass with nothing ready).
// Not synchronised: the caller owns the watcher.
#pragma once

#include <cstdint>
#include <vector>

#include "common/store/store.h"

namespace ordo::store {

std::vector<EventPtr> DrainUntil(Watcher& w, int64_t revision);

}  // namespace ordo::store
