// The metadata of a message of any kind, typed only at run time (GenericClient
// results, store values): every kind has `metadata` (meta.v1.ObjectMeta).
// Stateless; safe from any thread.
#pragma once

#include "google/protobuf/message.h"
#include "ordo/meta/v1/meta.pb.h"

namespace ordo::api {

inline const meta::v1::ObjectMeta& MetaOf(const google::protobuf::Message& obj) {
  const auto* field = obj.GetDescriptor()->FindFieldByName("metadata");
  return static_cast<const meta::v1::ObjectMeta&>(obj.GetReflection()->GetMessage(obj, field));
}

inline meta::v1::ObjectMeta* MutableMetaOf(google::protobuf::Message& obj) {
  const auto* field = obj.GetDescriptor()->FindFieldByName("metadata");
  return static_cast<meta::v1::ObjectMeta*>(obj.GetReflection()->MutableMessage(&obj, field));
}

}  // namespace ordo::api
