// GraphBuilder keeps the garbage collector's ObjectGraph in step with the
// api-server: one thread per kind lists the kind, then watches it from the
// list's revision (reopening a closed watch where it left off, relisting when
// the revision is gone), and tells the collector which uids to look at.
// Events are not watched: they are many and own nothing.
// Thread-safety: Start/Stop from one thread; HasSynced from any.
#pragma once

#include <atomic>
#include <stop_token>
#include <thread>
#include <vector>

#include "common/api/generic_client.h"
#include "services/controller-manager/gc/garbage_collector.h"
#include "services/controller-manager/gc/object_graph.h"

namespace ordo::gc {

class GraphBuilder {
 public:
  GraphBuilder(api::GenericClient& client, ObjectGraph& graph, GarbageCollector& collector,
               Clock& clock)
      : client_(client), graph_(graph), collector_(collector), clock_(clock) {}
  ~GraphBuilder() { Stop(); }

  void Start();
  void Stop();
  // Every kind has been listed once.
  bool HasSynced() const { return synced_.load() == kinds_; }

 private:
  void Follow(const api::ResourceInfo& info, std::stop_token stop);
  // Lists `info` into the graph; returns the list's revision.
  absl::StatusOr<std::string> Relist(const api::ResourceInfo& info);

  api::GenericClient& client_;
  ObjectGraph& graph_;
  GarbageCollector& collector_;
  Clock& clock_;
  int kinds_ = 0;
  std::atomic<int> synced_{0};
  std::stop_source stop_;
  std::vector<std::jthread> threads_;
};

}  // namespace ordo::gc
