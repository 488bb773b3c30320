#include "common/informer/shared_informer_factory.h"

namespace ordo::informer {

void SharedInformerFactory::Start() {
  absl::MutexLock lock(&mu_);
  if (stop_.stop_requested()) return;
  for (auto& entry : entries_) {
    if (entry.started) continue;
    entry.started = true;
    threads_.emplace_back([run = entry.run, stop = stop_.get_token()] { run(stop); });
  }
}

bool SharedInformerFactory::HasSynced() const {
  absl::MutexLock lock(&mu_);
  for (const auto& entry : entries_) {
    if (!entry.synced()) return false;
  }
  return true;
}

bool SharedInformerFactory::WaitForCacheSync(std::stop_token stop) {
  while (!HasSynced()) {
    if (!SleepUntil(clock_, stop, clock_.Now() + absl::Milliseconds(20))) return false;
  }
  return true;
}

void SharedInformerFactory::Stop() {
  stop_.request_stop();
  std::vector<std::jthread> threads;
  {
    absl::MutexLock lock(&mu_);
    threads.swap(threads_);
  }
  threads.clear();  // joins
}

}  // namespace ordo::informer
