#include "services/scheduler/scheduler_client.h"

namespace ordo::scheduler {

absl::Status ApiSchedulerClient::Bind(const std::string& ns, const std::string& name,
                                      const std::string& uid, const std::string& node) {
  core::v1::Binding binding;
  binding.mutable_metadata()->set_namespace_(ns);
  binding.mutable_metadata()->set_name(name);
  binding.mutable_metadata()->set_uid(uid);
  binding.mutable_target()->set_kind("Node");
  binding.mutable_target()->set_name(node);
  core::v1::Pod out;
  // One attempt: a failed bind is requeued with back-off by the scheduler.
  return api::RetryUnavailable({.deadline = absl::Seconds(30), .max_attempts = 1}, clock_,
                               [&](grpc::ClientContext& ctx) {
                                 out.Clear();
                                 return pods_.stub().Bind(&ctx, binding, &out);
                               });
}

}  // namespace ordo::scheduler
