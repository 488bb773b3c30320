#include "services/controller-manager/statefulset/slow_start_batch.h"

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"

namespace ordo::statefulset {

void RunOnThreads(int parallelism, const std::function<void()>& work) {
  constexpr int kThreads = 16;
  if (parallelism <= 1) {
    work();
    return;
  }
  std::vector<std::jthread> threads;
  for (int t = 0; t < std::min(parallelism, kThreads); ++t) threads.emplace_back(work);
}

void RunInline(int, const std::function<void()>& work) { work(); }

absl::Status SlowStartBatch(int count, const std::function<absl::Status(int)>& fn,
                            const BatchRunner& run) {
  int done = 0;
  for (int batch = 1; done < count; batch = std::min(batch * 2, kMaxBurstBatch)) {
    int size = std::min(batch, count - done);
    std::atomic<int> next{done};
    absl::Mutex mu;
    absl::Status first_error;
    run(size, [&] {
      for (int i = next++; i < done + size; i = next++) {
        absl::Status s = fn(i);
        if (!s.ok()) {
          absl::MutexLock lock(&mu);
          if (first_error.ok()) first_error = s;
        }
      }
    });
    if (!first_error.ok()) return first_error;
    done += size;
  }
  return absl::OkStatus();
}

}  // namespace ordo::statefulset
