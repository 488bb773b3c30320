#include "common/events/event_recorder.h"

#include "absl/strings/str_cat.h"
#include "common/clock/timestamp.h"
#include "spdlog/spdlog.h"

namespace ordo::events {

core::v1::ObjectReference PodReference(const std::string& ns, const std::string& name,
                                       const std::string& uid) {
  core::v1::ObjectReference pod;
  pod.set_api_version("v1");
  pod.set_kind("Pod");
  pod.set_namespace_(ns);
  pod.set_name(name);
  pod.set_uid(uid);
  return pod;
}

// Beyond this many unwritten events new ones are dropped: a slow api-server
// must not make a controller's memory grow without bound.
constexpr size_t kMaxPendingEvents = 10000;

ApiEventRecorder::ApiEventRecorder(api::ResourceClient<core::v1::Event>& events, Clock& clock,
                                   std::string component)
    : events_(events), clock_(clock), component_(std::move(component)) {
  writer_ = std::jthread([this](std::stop_token stop) { Drain(stop); });
}

ApiEventRecorder::~ApiEventRecorder() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  writer_.join();
}

void ApiEventRecorder::Record(const core::v1::ObjectReference& object, const std::string& type,
                              const std::string& reason, const std::string& message) {
  absl::Time now = clock_.Now();
  core::v1::Event event;
  event.set_api_version("v1");
  event.set_kind("Event");
  auto* meta = event.mutable_metadata();
  // client-go's naming: the object's name and the time in hex nanoseconds.
  meta->set_name(absl::StrCat(object.name(), ".", absl::Hex(absl::ToUnixNanos(now))));
  meta->set_namespace_(object.namespace_().empty() ? "default" : object.namespace_());
  *event.mutable_involved_object() = object;
  event.set_type(type);
  event.set_reason(reason);
  event.set_message(message);
  event.mutable_source()->set_component(component_);
  event.set_reporting_component(component_);
  SetTimestamp(event.mutable_first_timestamp(), now);
  SetTimestamp(event.mutable_last_timestamp(), now);
  SetMicroTimestamp(event.mutable_event_time(), now);
  event.set_count(1);
  absl::MutexLock lock(&mu_);
  if (pending_.size() >= kMaxPendingEvents) {
    spdlog::warn("event dropped (too many unwritten): {} {}", reason, message);
    return;
  }
  pending_.push_back(std::move(event));
}

bool ApiEventRecorder::HasWorkOrStopping() const { return stopping_ || !pending_.empty(); }

void ApiEventRecorder::Drain(std::stop_token) {
  for (;;) {
    core::v1::Event event;
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(this, &ApiEventRecorder::HasWorkOrStopping));
      if (stopping_) {
        // Events are best effort: on the way out, unwritten ones are dropped
        // rather than waited for (the api-server may be gone already).
        if (!pending_.empty()) spdlog::info("{} unwritten events dropped", pending_.size());
        return;
      }
      event = std::move(pending_.front());
      pending_.pop_front();
    }
    auto written = events_.Create(event);
    if (!written.ok()) {
      spdlog::warn("event {} {}: {}", event.reason(), event.message(),
                   std::string(written.status().message()));
    }
  }
}

}  // namespace ordo::events
