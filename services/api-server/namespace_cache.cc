#include "services/api-server/namespace_cache.h"

#include <spdlog/spdlog.h>

#include "absl/strings/numbers.h"

namespace ordo::apiserver {
NamespaceCache::State NamespaceCache::StateOf(const core::v1::Namespace& ns) {
  return ns.status().phase() == "Terminating" || ns.metadata().has_deletion_timestamp()
             ? State::kTerminating
             : State::kActive;
}

absl::StatusOr<std::unique_ptr<NamespaceCache>> NamespaceCache::Start(store::Store& store,
                                                                      Registry& namespaces) {
  std::unique_ptr<NamespaceCache> cache(new NamespaceCache(store, namespaces));
  if (absl::Status s = cache->Reload(); !s.ok()) return s;
  cache->thread_ = std::jthread([c = cache.get()](std::stop_token stop) { c->Run(stop); });
  return cache;
}

NamespaceCache::~NamespaceCache() {
  thread_.request_stop();
  if (thread_.joinable()) thread_.join();
  watcher_.reset();  // before the mutex its callback signals goes
}

NamespaceCache::State NamespaceCache::Lookup(const std::string& name) const {
  absl::ReaderMutexLock lock(&mu_);
  auto it = entries_.find(name);
  return it == entries_.end() ? State::kUnknown : it->second.state;
}

void NamespaceCache::Forget(const std::string& name) {
  const int64_t now = store_.CurrentRevision();
  absl::MutexLock lock(&mu_);
  Entry& entry = entries_[name];
  entry = {State::kUnknown, std::max(now, entry.revision)};
}

void NamespaceCache::Apply(const std::string& name, State state, int64_t revision) {
  auto it = entries_.find(name);
  if (it != entries_.end() && it->second.revision >= revision) return;  // knows newer
  if (state == State::kUnknown) {
    if (it != entries_.end()) entries_.erase(it);
    return;
  }
  entries_[name] = {state, revision};
}

absl::Status NamespaceCache::Reload() {
  watcher_.reset();
  auto watcher = store_.Watch(namespaces_.info().Prefix(""), store_.CurrentRevision(), [this] {
    absl::MutexLock lock(&signal_mu_);
    signalled_ = true;
  });
  if (!watcher.ok()) return watcher.status();
  watcher_ = *std::move(watcher);
  auto listed = namespaces_.List({});
  if (!listed.ok()) return listed.status();
  absl::MutexLock lock(&mu_);
  // What was forgotten after the list's revision stays forgotten.
  for (auto it = entries_.begin(); it != entries_.end();) {
    if (it->second.revision <= listed->revision) {
      entries_.erase(it++);
    } else {
      ++it;
    }
  }
  for (const auto& item : listed->items) {
    const auto& ns = static_cast<const core::v1::Namespace&>(*item);
    int64_t revision = 0;
    if (!absl::SimpleAtoi(ns.metadata().resource_version(), &revision)) continue;
    Apply(ns.metadata().name(), StateOf(ns), revision);
  }
  return absl::OkStatus();
}

void NamespaceCache::Run(std::stop_token stop) {
  while (!stop.stop_requested()) {
    {
      absl::MutexLock lock(&signal_mu_);
      // Woken by the watcher's signal; the timeout lets a stop be seen, and
      // retries a failed relist.
      signal_mu_.AwaitWithTimeout(absl::Condition(&signalled_), absl::Milliseconds(200));
      if (!signalled_ && watcher_ != nullptr) continue;
      signalled_ = false;
    }
    for (;;) {
      if (watcher_ == nullptr) {
        if (absl::Status s = Reload(); !s.ok()) {
          spdlog::error("namespace cache: relisting failed; the store answers until it works: {}",
                        s.ToString());
          watcher_.reset();
          absl::MutexLock lock(&mu_);
          entries_.clear();  // every lookup reads the store meanwhile
          break;
        }
      }
      auto events = watcher_->Poll(1000);
      if (!events.ok()) {  // fell out of the window: list again
        watcher_.reset();
        continue;
      }
      if (events->empty()) break;
      absl::MutexLock lock(&mu_);
      for (const store::EventPtr& e : *events) {
        auto decoded = namespaces_.Decode(*e->kv);
        if (!decoded.ok()) continue;
        const auto& ns = static_cast<const core::v1::Namespace&>(**decoded);
        Apply(ns.metadata().name(),
              e->type == store::Event::Type::kDelete ? State::kUnknown : StateOf(ns),
              e->revision());
      }
    }
  }
}

}  // namespace ordo::apiserver
