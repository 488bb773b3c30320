#include "services/api-server/endpoint_reconciler.h"

#include <google/protobuf/util/message_differencer.h>

#include <map>
#include <set>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "common/clock/timestamp.h"
#include "common/status/status_macros.h"
#include "ordo/coordination/v1/coordination.pb.h"
#include "spdlog/spdlog.h"

namespace ordo::apiserver {
namespace {

constexpr char kNamespace[] = "kube-system";
constexpr char kIdentityLabel[] = "apiserver.kubernetes.io/identity";
constexpr char kIdentity[] = "kube-apiserver";

bool SameSubsets(const core::v1::Endpoints& a, const core::v1::Endpoints& b) {
  if (a.subsets_size() != b.subsets_size()) return false;
  for (int i = 0; i < a.subsets_size(); ++i) {
    if (!google::protobuf::util::MessageDifferencer::Equals(a.subsets(i), b.subsets(i))) {
      return false;
    }
  }
  return true;
}

}  // namespace

EndpointReconciler::EndpointReconciler(ApiServer& api, Clock& clock, std::string host, int port,
                                       absl::Duration lease_duration)
    : api_(api),
      clock_(clock),
      host_(std::move(host)),
      port_(port),
      address_(absl::StrCat(host_, ":", port_)),
      lease_duration_(lease_duration) {}

std::string EndpointReconciler::LeaseName(const std::string& address) {
  // A DNS label: HOST:PORT with '.' and ':' (and IPv6's brackets) as '-'.
  return "kube-apiserver-" +
         absl::StrReplaceAll(address, {{".", "-"}, {":", "-"}, {"[", ""}, {"]", ""}});
}

absl::Status EndpointReconciler::Reconcile() {
  ORDO_RETURN_IF_ERROR(Renew());
  return SetEndpoints();
}

absl::Status EndpointReconciler::Remove() {
  meta::v1::DeleteRequest request;
  request.set_namespace_(kNamespace);
  request.set_name(LeaseName(address_));
  auto deleted = api_.registry("Lease").Delete(request);
  if (!deleted.ok() && !absl::IsNotFound(deleted.status())) return deleted.status();
  return SetEndpoints();
}

void EndpointReconciler::Run(std::stop_token stop) {
  do {
    if (absl::Status s = Reconcile(); !s.ok()) {
      spdlog::warn("the kubernetes Endpoints: {}", s.ToString());
    }
  } while (SleepUntil(clock_, stop, clock_.Now() + lease_duration_ / 3));
  if (absl::Status s = Remove(); !s.ok()) {
    spdlog::warn("removing this api-server from the kubernetes Endpoints: {}", s.ToString());
  }
}

absl::Status EndpointReconciler::Renew() {
  const absl::Time now = clock_.Now();
  auto set_spec = [&](coordination::v1::Lease& lease) {
    lease.mutable_spec()->set_holder_identity(address_);
    lease.mutable_spec()->set_lease_duration_seconds(
        static_cast<int32_t>(absl::ToInt64Seconds(lease_duration_)));
    SetMicroTimestamp(lease.mutable_spec()->mutable_renew_time(), now);
  };
  Registry& leases = api_.registry("Lease");
  auto renewed = leases.GuaranteedUpdate(kNamespace, LeaseName(address_), "", [&](Message& m) {
    set_spec(static_cast<coordination::v1::Lease&>(m));
    return absl::OkStatus();
  });
  if (renewed.ok() || !absl::IsNotFound(renewed.status())) return renewed.status();
  coordination::v1::Lease lease;
  lease.mutable_metadata()->set_name(LeaseName(address_));
  lease.mutable_metadata()->set_namespace_(kNamespace);
  (*lease.mutable_metadata()->mutable_labels())[kIdentityLabel] = kIdentity;
  set_spec(lease);
  SetMicroTimestamp(lease.mutable_spec()->mutable_acquire_time(), now);
  auto created = leases.Create(lease);
  // Another pass of ours (a racing Reconcile) made it first: it is renewed.
  if (!created.ok() && !absl::IsAlreadyExists(created.status())) return created.status();
  return absl::OkStatus();
}

absl::Status EndpointReconciler::SetEndpoints() {
  meta::v1::ListOptions options;
  options.set_namespace_(kNamespace);
  options.set_label_selector(absl::StrCat(kIdentityLabel, "=", kIdentity));
  ORDO_ASSIGN_OR_RETURN(ListResult leases, api_.registry("Lease").List(options));
  const absl::Time now = clock_.Now();
  // port -> hosts: Endpoints subsets pair every address with every port.
  std::map<int, std::set<std::string>> live;
  for (const auto& item : leases.items) {
    const auto& lease = static_cast<const coordination::v1::Lease&>(*item);
    const std::string& holder = lease.spec().holder_identity();
    const absl::Time expires = FromTimestamp(lease.spec().renew_time()) +
                               absl::Seconds(lease.spec().lease_duration_seconds());
    size_t colon = holder.rfind(':');
    int port = 0;
    if (expires <= now || colon == std::string::npos ||
        !absl::SimpleAtoi(holder.substr(colon + 1), &port)) {
      continue;
    }
    live[port].insert(holder.substr(0, colon));
  }
  core::v1::Endpoints endpoints;
  endpoints.mutable_metadata()->set_name("kubernetes");
  endpoints.mutable_metadata()->set_namespace_("default");
  for (const auto& [port, hosts] : live) {
    auto* subset = endpoints.add_subsets();
    for (const std::string& host : hosts) subset->add_addresses()->set_ip(host);
    auto* endpoint_port = subset->add_ports();
    endpoint_port->set_name("https");
    endpoint_port->set_port(port);
    endpoint_port->set_protocol("TCP");
  }
  Registry& all = api_.registry("Endpoints");
  auto current = all.Get("default", "kubernetes");
  if (current.ok()) {
    // Unchanged is not written: every watcher of Endpoints (ordo-dns) would hear it.
    if (SameSubsets(static_cast<const core::v1::Endpoints&>(**current), endpoints)) {
      return absl::OkStatus();
    }
    return all
        .GuaranteedUpdate("default", "kubernetes", "",
                          [&](Message& m) {
                            *static_cast<core::v1::Endpoints&>(m).mutable_subsets() =
                                endpoints.subsets();
                            return absl::OkStatus();
                          })
        .status();
  }
  if (!absl::IsNotFound(current.status())) return current.status();
  auto created = all.Create(endpoints);
  if (!created.ok() && !absl::IsAlreadyExists(created.status())) return created.status();
  return absl::OkStatus();
}

}  // namespace ordo::apiserver
