// ListerWatcher<T> is the informer's edge to the api-server: a List at a
// revision and a Watch from a revision, for one kind T (a message with
// `metadata`). GrpcListerWatcher (grpc_lister_watcher.h) is the real one;
// FakeListerWatcher (common/testing) scripts lists and events for tests.
// Implementations are safe to call from one reflector thread; Cancel() may be
// called from any thread.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "ordo/meta/v1/meta.pb.h"

namespace ordo::informer {

template <typename T>
using ObjectPtr = std::shared_ptr<const T>;

template <typename T>
struct ListResult {
  std::vector<ObjectPtr<T>> items;
  std::string resource_version;
};

enum class EventType { kAdded, kModified, kDeleted, kBookmark };

template <typename T>
struct WatchEvent {
  EventType type;
  ObjectPtr<T> object;
};

template <typename T>
class WatchStream {
 public:
  virtual ~WatchStream() = default;
  // Blocks for the next event; false when the stream ended (see Finish).
  virtual bool Next(WatchEvent<T>* event) = 0;
  // Why the stream ended: OUT_OF_RANGE means the revision is gone (relist).
  virtual absl::Status Finish() = 0;
  // Ends the stream from another thread.
  virtual void Cancel() = 0;
};

template <typename T>
class ListerWatcher {
 public:
  virtual ~ListerWatcher() = default;
  virtual absl::StatusOr<ListResult<T>> List(const meta::v1::ListOptions& options) = 0;
  virtual absl::StatusOr<std::unique_ptr<WatchStream<T>>> Watch(
      const meta::v1::ListOptions& options) = 0;
};

EventType ParseEventType(const std::string& type);

}  // namespace ordo::informer
