// EventRecorder posts core/v1 Events about objects, as client-go's recorder
// does: `kubectl describe` shows them (type Normal or Warning, a CamelCase
// reason, a sentence). ApiEventRecorder writes them to the api-server from a
// background thread, so a controller never waits on an event; an event that
// cannot be written, or is still unwritten when the recorder is destroyed, is
// dropped (events are best effort, as in Kubernetes). FakeEventRecorder (fake_event_recorder.h)
// keeps them in memory. Thread-safety: Record from any thread.
#pragma once

#include <deque>
#include <string>
#include <thread>

#include "absl/synchronization/mutex.h"
#include "common/api/resource_client.h"
#include "common/clock/clock.h"

namespace ordo::events {

inline constexpr char kEventNormal[] = "Normal";
inline constexpr char kEventWarning[] = "Warning";

class EventRecorder {
 public:
  virtual ~EventRecorder() = default;
  virtual void Record(const core::v1::ObjectReference& object, const std::string& type,
                      const std::string& reason, const std::string& message) = 0;
};

// A reference to `obj` (any kind with metadata) for an event's involvedObject.
template <typename T>
core::v1::ObjectReference ReferenceTo(const T& obj, const std::string& api_version,
                                      const std::string& kind) {
  core::v1::ObjectReference ref;
  ref.set_api_version(api_version);
  ref.set_kind(kind);
  ref.set_namespace_(obj.metadata().namespace_());
  ref.set_name(obj.metadata().name());
  ref.set_uid(obj.metadata().uid());
  ref.set_resource_version(obj.metadata().resource_version());
  return ref;
}

// A reference to the pod `ns`/`name` of `uid`, for events about a pod known
// by name only (the scheduler's bind, the agent's containers).
core::v1::ObjectReference PodReference(const std::string& ns, const std::string& name,
                                       const std::string& uid);

class ApiEventRecorder final : public EventRecorder {
 public:
  // `component` is the event's source ("statefulset-controller").
  ApiEventRecorder(api::ResourceClient<core::v1::Event>& events, Clock& clock,
                   std::string component);
  ~ApiEventRecorder() override;
  void Record(const core::v1::ObjectReference& object, const std::string& type,
              const std::string& reason, const std::string& message) override;

 private:
  void Drain(std::stop_token stop);
  bool HasWorkOrStopping() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  api::ResourceClient<core::v1::Event>& events_;
  Clock& clock_;
  const std::string component_;
  absl::Mutex mu_;
  std::deque<core::v1::Event> pending_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::jthread writer_;
};

}  // namespace ordo::events
