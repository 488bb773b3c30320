// GraphBuilder keeps the garbage collector's ObjectGraph in step with the
// api-server through the process's shared informers: it adds a handler to the
// informer of every kind but Events (they are many and own nothing), so the
// graph costs no list or watch of its own. Each change upserts or removes the
// object's node and tells the collector which uids to look at.
// The graph is complete once the factory has synced.
// Thread-safety: construct before the factory's Start (handlers are added
// then); the handlers run on the informers' threads.
#pragma once

#include "common/informer/shared_informer_factory.h"
#include "services/controller-manager/gc/garbage_collector.h"
#include "services/controller-manager/gc/object_graph.h"

namespace ordo::gc {

class GraphBuilder {
 public:
  GraphBuilder(informer::SharedInformerFactory& informers, ObjectGraph& graph,
               GarbageCollector& collector);

 private:
  ObjectGraph& graph_;
  GarbageCollector& collector_;
};

}  // namespace ordo::gc
