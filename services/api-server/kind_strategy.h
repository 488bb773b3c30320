// A KindStrategy is everything the generic Registry needs to know about one
// kind (Kubernetes' registry "strategy"): its ResourceInfo, an empty prototype
// message, defaulting, mutating admission, create/update/status validation,
// what create resets (server-owned status), and how long a graceful delete
// waits.
// Strategies are built once at start-up and are immutable; safe to share.
#pragma once

#include <functional>
#include <optional>

#include "absl/strings/string_view.h"
#include "common/api/resource_info.h"
#include "google/protobuf/message.h"
#include "services/api-server/object_access.h"
#include "services/api-server/validation.h"

namespace ordo::apiserver {

using google::protobuf::Message;

struct KindStrategy {
  const ResourceInfo* info = nullptr;
  const Message* prototype = nullptr;
  // Each may be empty.
  std::function<void(Message&)> apply_defaults;
  std::function<FieldErrors(const Message&)> validate;
  std::function<FieldErrors(const Message& updated, const Message& old)> validate_update;
  std::function<FieldErrors(const Message& updated, const Message& old)> validate_status;
  std::function<void(Message&)> prepare_for_create;
  // On update (not status), before defaulting: carries server-chosen fields
  // the new object leaves out from the stored one (a Service's cluster IP).
  std::function<void(Message& updated, const Message& old)> prepare_for_update;
  // Mutating admission, after defaulting, on create and on update (not on
  // status or other subresources), as Kubernetes' admission plugins.
  std::function<void(Message&)> admit;
  // Seconds a delete waits for confirmation (0: delete at once). `requested` is
  // DeleteRequest.gracePeriodSeconds when set.
  std::function<int64_t(const Message&, std::optional<int64_t> requested)> grace_period;
};

// The strategy of every kind in AllResources().
const std::vector<KindStrategy>& AllStrategies();
const KindStrategy& StrategyFor(absl::string_view kind);

}  // namespace ordo::apiserver
