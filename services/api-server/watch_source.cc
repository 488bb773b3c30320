#include "services/api-server/watch_source.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/status/status_macros.h"
#include "services/api-server/wire.h"

namespace ordo::apiserver {

absl::StatusOr<std::unique_ptr<WatchSource>> WatchSource::Open(
    Registry& registry, const meta::v1::ListOptions& options, store::Store& store,
    store::Store::ReadyCallback on_ready) {
  ORDO_ASSIGN_OR_RETURN(Filter filter, registry.ParseFilter(options));
  std::unique_ptr<WatchSource> source(
      new WatchSource(registry, filter, options.allow_watch_bookmarks()));
  std::string prefix = registry.info().Prefix(filter.ns);
  int64_t after = 0;
  const std::string& rv = options.resource_version();
  if (rv.empty() || rv == "0") {
    // Start with the current state as ADDED events, then follow from its revision.
    ORDO_ASSIGN_OR_RETURN(store::ListResult listed, store.List(prefix));
    for (const auto& kv : listed.kvs) {
      if (source->Selective()) {
        ORDO_ASSIGN_OR_RETURN(MessagePtr obj, registry.Decode(*kv));
        if (!filter.Matches(*obj)) continue;
      }
      source->initial_.push_back(std::make_shared<const std::string>(
          wire::WatchEvent("ADDED", kv->value, kv->mod_revision)));
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

absl::StatusOr<bool> WatchSource::Matches(const store::KeyValue& kv) const {
  if (!Selective()) return true;
  ORDO_ASSIGN_OR_RETURN(MessagePtr obj, registry_.Decode(kv));
  return filter_.Matches(*obj);
}

absl::StatusOr<std::vector<std::shared_ptr<const std::string>>> WatchSource::Next(size_t max) {
  std::vector<std::shared_ptr<const std::string>> out;
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
    const store::KeyValue& now = *e->kv;
    ORDO_ASSIGN_OR_RETURN(bool was_matching,
                          e->prev == nullptr ? absl::StatusOr<bool>(false) : Matches(*e->prev));
    const char* type = nullptr;
    if (e->type == store::Event::Type::kDelete) {
      if (was_matching) type = "DELETED";
    } else {
      ORDO_ASSIGN_OR_RETURN(bool now_matches, Matches(now));
      if (now_matches) {
        type = was_matching ? "MODIFIED" : "ADDED";
      } else if (was_matching) {
        type = "DELETED";  // it left this watcher's selection
      }
    }
    if (type != nullptr) {
      out.push_back(registry_.EncodedWatchEvent(*e, type));
      skipped_ = 0;
    } else if (bookmarks_ && ++skipped_ >= kBookmarkEvery) {
      // An object that is only metadata.resourceVersion: the revision reached.
      out.push_back(
          std::make_shared<const std::string>(wire::WatchEvent("BOOKMARK", "", now.mod_revision)));
      skipped_ = 0;
    }
  }
  return out;
}

}  // namespace ordo::apiserver
