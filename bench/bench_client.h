// BenchClient is one benchmark client's view of a store under test: ordo's
// api-server (objects are Pods) or etcd's KV API (the same Pods, serialized,
// under /registry/pods/bench/, as Kubernetes keeps them). Every write is the
// conditional write an api-server makes: create-if-absent, or update at the
// revision this client last saw. One instance per thread.
#pragma once

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace ordo::bench {

// A running watch; destroying it stops it.
class WatchHandle {
 public:
  virtual ~WatchHandle() = default;
};

class BenchClient {
 public:
  using Done = std::function<void(absl::Status)>;
  virtual ~BenchClient() = default;
  // Asynchronous forms: `done` runs on a gRPC thread. At most one call of a
  // client is in flight at a time.
  virtual void CreateAsync(const std::string& name, const std::string& payload, Done done) = 0;
  virtual void UpdateAsync(const std::string& name, const std::string& payload, Done done) = 0;
  virtual void GetAsync(const std::string& name, Done done) = 0;
  virtual absl::Status Create(const std::string& name, const std::string& payload) = 0;
  // Writes at the revision this client last wrote or read for `name`.
  virtual absl::Status Update(const std::string& name, const std::string& payload) = 0;
  virtual absl::Status Get(const std::string& name) = 0;
  // Lists every benchmark object; returns how many.
  virtual absl::StatusOr<int> List() = 0;
  // Reads `name` and writes it back at the revision read: ABORTED when another
  // client got there first.
  virtual absl::Status ReadModifyWrite(const std::string& name, const std::string& payload) = 0;
  // Calls on_event(payload) for every change after now, from a thread of its own.
  virtual std::unique_ptr<WatchHandle> Watch(
      std::function<void(const std::string& payload)> on_event) = 0;
};

// `target` is "ordo" or "etcd"; `address` is HOST:PORT; `credentials`
// dial it (plaintext when null). `serializable_reads`: etcd's gets read the
// member's local state without a quorum round (ordo's are always local).
std::unique_ptr<BenchClient> NewBenchClient(
    const std::string& target, const std::string& address, int channel_index,
    std::shared_ptr<grpc::ChannelCredentials> credentials = nullptr,
    bool serializable_reads = false);

// Prepares the target (the "bench" namespace on ordo).
absl::Status PrepareTarget(const std::string& target, const std::string& address,
                           std::shared_ptr<grpc::ChannelCredentials> credentials = nullptr);

}  // namespace ordo::bench
