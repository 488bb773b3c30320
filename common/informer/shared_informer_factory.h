// SharedInformerFactory gives every part of a process the same informer of a
// kind and selection (one list, one watch, one cache), as client-go's
// informers.NewSharedInformerFactory: `For<core::v1::Pod>()` for every pod,
// `For<core::v1::Pod>(options)` for a narrower cache (a namespace, a field or
// label selector). Informers are made on first ask; Start runs each one not
// yet running on its own thread, in the order they were first asked for,
// until Stop (or destruction). A factory runs once: after Stop, Start does
// nothing.
// Thread-safety: every method may be called from any thread. Add handlers to
// an informer before the Start that runs it (its handlers are not locked).
#pragma once

#include <grpcpp/grpcpp.h>

#include <functional>
#include <memory>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "common/api/kinds.h"
#include "common/clock/clock.h"
#include "common/informer/grpc_lister_watcher.h"
#include "common/informer/shared_informer.h"

namespace ordo::informer {

class SharedInformerFactory {
 public:
  SharedInformerFactory(std::shared_ptr<grpc::Channel> channel, Clock& clock)
      : channel_(std::move(channel)), clock_(clock) {}
  ~SharedInformerFactory() { Stop(); }
  SharedInformerFactory(const SharedInformerFactory&) = delete;
  SharedInformerFactory& operator=(const SharedInformerFactory&) = delete;

  // The informer of kind T narrowed by `options` (namespace, selectors); the
  // same object for the same kind and options.
  template <api::Kind T>
  SharedInformer<T>& For(const meta::v1::ListOptions& options = {}) {
    std::string key = absl::StrCat(T::descriptor()->full_name(), "\n", options.SerializeAsString());
    absl::MutexLock lock(&mu_);
    auto [it, inserted] = index_.try_emplace(key, entries_.size());
    if (inserted) {
      auto informer = std::make_shared<SharedInformer<T>>(
          std::make_unique<GrpcListerWatcher<T>>(channel_), clock_, options);
      entries_.push_back({.informer = informer,
                          .synced = [informer] { return informer->HasSynced(); },
                          .run = [informer](std::stop_token stop) { informer->Run(stop); }});
    }
    return *static_cast<SharedInformer<T>*>(entries_[it->second].informer.get());
  }

  // Runs every informer made so far that is not running yet.
  void Start();
  // True once every informer made so far has listed once.
  bool HasSynced() const;
  // Waits until HasSynced(); false if `stop` came first.
  bool WaitForCacheSync(std::stop_token stop);
  // Stops and joins every informer's thread. The informers stay readable.
  void Stop();

 private:
  struct Entry {
    std::shared_ptr<void> informer;  // a SharedInformer<T>
    std::function<bool()> synced;
    std::function<void(std::stop_token)> run;
    bool started = false;
  };

  const std::shared_ptr<grpc::Channel> channel_;
  Clock& clock_;
  mutable absl::Mutex mu_;
  std::vector<Entry> entries_ ABSL_GUARDED_BY(mu_);  // in the order first asked for
  // The kind's full name and the serialized options -> index in entries_.
  absl::flat_hash_map<std::string, size_t> index_ ABSL_GUARDED_BY(mu_);
  std::stop_source stop_;
  std::vector<std::jthread> threads_ ABSL_GUARDED_BY(mu_);
};

}  // namespace ordo::informer
