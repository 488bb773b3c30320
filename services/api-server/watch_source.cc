#include "services/api-server/watch_source.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/status/status_macros.h"

namespace ordo::apiserver {

absl::StatusOr<std::unique_ptr<WatchSource>> WatchSource::Open(
    Registry& registry, const meta::v1::ListOptions& options, store::Store& store,
    store::Store::ReadyCallback on_ready) {
  ORDO_ASSIGN_OR_RETURN(Filter filter, registry.ParseFilter(options));
  std::unique_ptr<WatchSource> source(new WatchSource(registry, filter));
  std::string prefix = registry.info().Prefix(filter.ns);
  int64_t after = 0;
  const std::string& rv = options.resource_version();
  if (rv.empty() || rv == "0") {
    // Start with the current state as ADDED events, then follow from its revision.
    store::ListResult listed = store.List(prefix);
    for (const auto& kv : listed.kvs) {
      ORDO_ASSIGN_OR_RETURN(MessagePtr obj, registry.Decode(*kv));
      if (filter.Matches(*obj)) source->initial_.push_back({"ADDED", std::move(obj)});
    }
    after = listed.revision;
  } else if (!absl::SimpleAtoi(rv, &after) || after < 0) {
    return absl::InvalidArgumentError(absl::StrCat("invalid resource version: \"", rv, "\""));
  }
  auto watcher = store.Watch(prefix, after, std::move(on_ready));
  if (!watcher.ok()) {
    if (watcher.status().code() == absl::StatusCode::kOutOfRange) {
      return absl::OutOfRangeError(absl::StrCat("too old resource version: ", after, " (",
                                                store.OldestWatchableRevision(), ")"));
    }
    return watcher.status();
  }
  source->watcher_ = *std::move(watcher);
  return source;
}

absl::StatusOr<std::vector<WatchItem>> WatchSource::Next(size_t max) {
  std::vector<WatchItem> out;
  while (!initial_.empty() && out.size() < max) {
    out.push_back(std::move(initial_.front()));
    initial_.pop_front();
  }
  if (!out.empty()) return out;
  auto events = watcher_->Poll(max);
  if (!events.ok()) {
    if (events.status().code() == absl::StatusCode::kOutOfRange) {
      return absl::OutOfRangeError(absl::StrCat("too old resource version: ", watcher_->cursor(),
                                                ": this watcher fell behind; relist"));
    }
    return events.status();
  }
  for (const store::EventPtr& e : *events) {
    ORDO_ASSIGN_OR_RETURN(MessagePtr now, registry_.Decode(*e->kv));
    bool now_matches = filter_.Matches(*now);
    bool was_matching = false;
    if (e->prev != nullptr) {
      // Only the labels and fields of the previous state matter; skip decoding
      // it when the filter cannot tell the two apart.
      if (filter_.label_selector.Empty() && filter_.field_selector.Empty()) {
        was_matching = true;
      } else {
        ORDO_ASSIGN_OR_RETURN(MessagePtr before, registry_.Decode(*e->prev));
        was_matching = filter_.Matches(*before);
      }
    }
    if (e->type == store::Event::Type::kDelete) {
      if (was_matching) out.push_back({"DELETED", std::move(now)});
    } else if (now_matches) {
      out.push_back({was_matching ? "MODIFIED" : "ADDED", std::move(now)});
    } else if (was_matching) {
      out.push_back({"DELETED", std::move(now)});
    }
  }
  return out;
}

}  // namespace ordo::apiserver
