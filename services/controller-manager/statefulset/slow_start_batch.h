// SlowStartBatch is Kubernetes' slowStartBatch: it runs fn(0..count-1) in
// batches of 1, 2, 4, ... (at most kMaxBurstBatch), each batch's calls at
// once, and stops before the next batch once a call has failed, returning the
// first failure. So a set whose pods all fail to create costs one failed call,
// not a thousand. How a batch's calls run at once is a BatchRunner: threads
// in production, one after another in tests.
// Thread-safety: fn must be safe to call from several threads at once when
// the runner uses threads.
#pragma once

#include <functional>

#include "absl/status/status.h"

namespace ordo::statefulset {

// Burst (Parallel) batches never exceed this many calls.
inline constexpr int kMaxBurstBatch = 500;

// Runs `work` on up to `parallelism` threads at once and returns when every
// run has returned. `work` takes the batch's calls one at a time until none
// is left, so one run does the whole batch.
using BatchRunner = std::function<void(int parallelism, const std::function<void()>& work)>;

// Up to 16 threads: the calls are api-server round trips, so a few threads
// keep the pipe full without a thread per pod.
void RunOnThreads(int parallelism, const std::function<void()>& work);
// One run on the calling thread: deterministic, for tests.
void RunInline(int parallelism, const std::function<void()>& work);

absl::Status SlowStartBatch(int count, const std::function<absl::Status(int)>& fn,
                            const BatchRunner& run = RunOnThreads);

}  // namespace ordo::statefulset
