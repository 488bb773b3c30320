#include "services/controller-manager/gc/graph_builder.h"

#include <type_traits>

namespace ordo::gc {

GraphBuilder::GraphBuilder(informer::SharedInformerFactory& informers, ObjectGraph& graph,
                           GarbageCollector& collector)
    : graph_(graph), collector_(collector) {
  api::ForEachKind([&]<typename T>() {
    if constexpr (!std::is_same_v<T, core::v1::Event>) {
      const api::ResourceInfo& info = api::KindTraits<T>::Info();
      auto upsert = [this, &info](const informer::ObjectPtr<T>& obj) {
        collector_.Enqueue(graph_.Upsert(NodeOf(info, obj->metadata())));
      };
      informers.For<T>().AddEventHandler(
          {.on_add = upsert,
           .on_update = [upsert](const auto&, const auto& obj) { upsert(obj); },
           .on_delete =
               [this](const informer::ObjectPtr<T>& obj) {
                 collector_.Enqueue(graph_.Remove(obj->metadata().uid()));
               }});
    }
  });
}

}  // namespace ordo::gc
