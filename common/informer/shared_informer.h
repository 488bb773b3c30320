// SharedInformer<T> keeps a local cache (an Indexer) of one kind in step with
// the api-server, client-go style: its reflector lists, then watches from the
// list's resourceVersion; a watch that ends is reopened from the last
// resourceVersion seen, and one that answers OUT_OF_RANGE (the revision is
// gone) is replaced by a fresh list. Event handlers hear every change:
//   - on_add / on_update(old, new) / on_delete(last state), in the order the
//     api-server made the changes (revision order);
//   - never twice for one change: an event whose resourceVersion the cache
//     already holds is dropped, and a relist reports only real differences;
//   - a relist after a gap reports what changed meanwhile (deletes included).
// Handlers run on the reflector thread and must return quickly (enqueue a key).
// HasSynced() is true once the first list is in the cache.
// Thread-safety: AddEventHandler before Run; everything else from any thread.
#pragma once

#include <atomic>
#include <memory>
#include <stop_token>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/clock/clock.h"
#include "common/informer/indexer.h"
#include "common/informer/lister_watcher.h"

namespace ordo::informer {

template <typename T>
struct EventHandler {
  std::function<void(const ObjectPtr<T>&)> on_add;
  std::function<void(const ObjectPtr<T>& old_obj, const ObjectPtr<T>& new_obj)> on_update;
  std::function<void(const ObjectPtr<T>&)> on_delete;
};

template <typename T>
class SharedInformer {
 public:
  // `options` narrows what is cached (namespace, label and field selectors).
  SharedInformer(std::unique_ptr<ListerWatcher<T>> lister_watcher, Clock& clock,
                 meta::v1::ListOptions options = {})
      : lister_watcher_(std::move(lister_watcher)), clock_(clock), options_(std::move(options)) {}

  Indexer<T>& indexer() { return indexer_; }
  void AddEventHandler(EventHandler<T> handler) { handlers_.push_back(std::move(handler)); }
  bool HasSynced() const { return synced_.load(); }
  std::string LastResourceVersion() {
    absl::MutexLock lock(&mu_);
    return last_rv_;
  }

  // Runs the reflector until `stop` is requested.
  void Run(std::stop_token stop) {
    std::stop_callback cancel(stop, [this] { CancelWatch(); });
    bool need_list = true;
    absl::Duration backoff = absl::Milliseconds(100);
    while (!stop.stop_requested()) {
      absl::Status s = need_list ? ListAndReplace() : WatchOnce();
      if (s.ok()) {
        need_list = false;
        backoff = absl::Milliseconds(100);
        continue;
      }
      if (stop.stop_requested()) break;
      if (s.code() == absl::StatusCode::kOutOfRange) {
        need_list = true;  // the revision is gone: relist at once
        continue;
      }
      // The server is away or the stream broke: retry after a pause.
      clock_.SleepFor(backoff);
      backoff = std::min(backoff * 2, absl::Seconds(5));
    }
  }

  // One list, diffed into the cache. Public so tests can drive the reflector step by step.
  absl::Status ListAndReplace() {
    auto listed = lister_watcher_->List(options_);
    if (!listed.ok()) return listed.status();
    absl::flat_hash_set<std::string> present;
    for (const auto& obj : listed->items) {
      present.insert(KeyOf(obj->metadata()));
      Apply(EventType::kModified, obj);
    }
    for (const auto& key : indexer_.Keys()) {
      if (present.contains(key)) continue;
      ObjectPtr<T> gone = indexer_.Remove(key);
      if (gone != nullptr) Notify(EventType::kDeleted, gone, nullptr);
    }
    {
      absl::MutexLock lock(&mu_);
      last_rv_ = listed->resource_version;
    }
    synced_ = true;
    return absl::OkStatus();
  }

  // Opens a watch from the last resourceVersion and applies events until the
  // stream ends; returns why it ended (OK if it simply closed).
  absl::Status WatchOnce() {
    meta::v1::ListOptions opts = options_;
    {
      absl::MutexLock lock(&mu_);
      opts.set_resource_version(last_rv_);
    }
    auto stream = lister_watcher_->Watch(opts);
    if (!stream.ok()) return stream.status();
    WatchStream<T>* raw = stream->get();
    {
      absl::MutexLock lock(&mu_);
      stream_ = std::move(*stream);  // so a stop can cancel it
      if (stopping_) raw->Cancel();  // the stop came while the watch was opening
    }
    WatchEvent<T> event;
    while (raw->Next(&event)) {
      if (event.object == nullptr) continue;
      if (event.type != EventType::kBookmark) Apply(event.type, event.object);
      absl::MutexLock lock(&mu_);
      last_rv_ = event.object->metadata().resource_version();
    }
    absl::Status ended = raw->Finish();
    absl::MutexLock lock(&mu_);
    stream_.reset();
    return ended;
  }

 private:
  // Applies one change to the cache and tells the handlers, unless the cache
  // already holds exactly this version.
  void Apply(EventType type, const ObjectPtr<T>& obj) {
    std::string key = KeyOf(obj->metadata());
    if (type == EventType::kDeleted) {
      ObjectPtr<T> gone = indexer_.Remove(key);
      if (gone != nullptr) Notify(EventType::kDeleted, obj, nullptr);
      return;
    }
    ObjectPtr<T> old = indexer_.Get(key);
    if (old != nullptr &&
        old->metadata().resource_version() == obj->metadata().resource_version()) {
      return;  // seen already
    }
    indexer_.Upsert(obj);
    Notify(old == nullptr ? EventType::kAdded : EventType::kModified, obj, old);
  }

  void Notify(EventType type, const ObjectPtr<T>& obj, const ObjectPtr<T>& old) {
    for (const auto& h : handlers_) {
      if (type == EventType::kAdded && h.on_add) h.on_add(obj);
      if (type == EventType::kModified && h.on_update) h.on_update(old, obj);
      if (type == EventType::kDeleted && h.on_delete) h.on_delete(obj);
    }
  }

  void CancelWatch() {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    if (stream_ != nullptr) stream_->Cancel();
  }

  const std::unique_ptr<ListerWatcher<T>> lister_watcher_;
  Clock& clock_;
  const meta::v1::ListOptions options_;
  Indexer<T> indexer_;
  std::vector<EventHandler<T>> handlers_;
  std::atomic<bool> synced_{false};

  absl::Mutex mu_;
  std::string last_rv_ ABSL_GUARDED_BY(mu_);
  std::unique_ptr<WatchStream<T>> stream_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace ordo::informer
