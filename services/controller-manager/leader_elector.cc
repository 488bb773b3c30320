#include "services/controller-manager/leader_elector.h"

#include <thread>

#include "common/clock/timestamp.h"
#include "spdlog/spdlog.h"

namespace ordo::controller {

bool LeaderElector::TryAcquireOrRenew() {
  absl::Time now = clock_.Now();
  auto current = leases_.Get(config_.lease_namespace, config_.lease_name);
  if (absl::IsNotFound(current.status())) {
    coordination::v1::Lease lease;
    lease.mutable_metadata()->set_namespace_(config_.lease_namespace);
    lease.mutable_metadata()->set_name(config_.lease_name);
    lease.mutable_spec()->set_holder_identity(config_.identity);
    lease.mutable_spec()->set_lease_duration_seconds(
        static_cast<int32_t>(absl::ToInt64Seconds(config_.lease_duration)));
    SetMicroTimestamp(lease.mutable_spec()->mutable_acquire_time(), now);
    SetMicroTimestamp(lease.mutable_spec()->mutable_renew_time(), now);
    lease.mutable_spec()->set_lease_transitions(0);
    leader_ = leases_.Create(lease).ok();
    return leader_;
  }
  if (!current.ok()) {
    leader_ = false;
    return false;
  }
  coordination::v1::Lease lease = *current;
  const auto& spec = lease.spec();
  bool mine = spec.holder_identity() == config_.identity;
  absl::Time expires =
      FromTimestamp(spec.renew_time()) + absl::Seconds(spec.lease_duration_seconds());
  if (!mine && !spec.holder_identity().empty() && now < expires) {
    leader_ = false;
    return false;
  }
  if (!mine) {
    lease.mutable_spec()->set_holder_identity(config_.identity);
    SetMicroTimestamp(lease.mutable_spec()->mutable_acquire_time(), now);
    lease.mutable_spec()->set_lease_transitions(spec.lease_transitions() + 1);
  }
  lease.mutable_spec()->set_lease_duration_seconds(
      static_cast<int32_t>(absl::ToInt64Seconds(config_.lease_duration)));
  SetMicroTimestamp(lease.mutable_spec()->mutable_renew_time(), now);
  // The update carries the resourceVersion read above: a concurrent writer wins, we lose.
  leader_ = leases_.Update(lease).ok();
  return leader_;
}

void LeaderElector::Run(std::stop_token stop, const std::function<void(std::stop_token)>& lead) {
  while (!stop.stop_requested()) {
    if (!TryAcquireOrRenew()) {
      SleepUntil(clock_, stop, clock_.Now() + config_.retry_period);
      continue;
    }
    spdlog::info("{} became the leader ({}/{})", config_.identity, config_.lease_namespace,
                 config_.lease_name);
    std::stop_source leading;
    std::stop_callback forward(stop, [&] { leading.request_stop(); });
    std::thread work([&] { lead(leading.get_token()); });
    absl::Time last_renewal = clock_.Now();
    while (!leading.stop_requested()) {
      SleepUntil(clock_, leading.get_token(), clock_.Now() + config_.retry_period);
      if (leading.stop_requested()) break;
      if (TryAcquireOrRenew()) {
        last_renewal = clock_.Now();
      } else if (clock_.Now() - last_renewal >= config_.renew_deadline) {
        spdlog::warn("{} lost the lease: stopping its work", config_.identity);
        leading.request_stop();
      }
    }
    work.join();
    leader_ = false;
  }
}

}  // namespace ordo::controller
