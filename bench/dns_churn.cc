// ordo-dns-churn: changes the cluster DNS zone --rate times a second for
// --seconds, as a rolling restart of a large headless Service does. It makes
// a headless Service `churn` in `default` whose Endpoints name --hosts pods
// (churn-0, churn-1, ...), then moves one pod a time to a new address, each
// move one Endpoints update: every update is a new zone for ordo-dns, and
// churn-N.churn.default.svc.cluster.local answers the newest address.
// Prints the updates made, their rate and their latency. Run by bench/dns.sh
// beside the query load; a benchmark tool, not part of ordo; one thread.
#include <cstdio>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "bench/latency.h"
#include "common/api/resource_client.h"
#include "common/clock/clock.h"
#include "common/server/channel.h"

ABSL_FLAG(std::string, server, "127.0.0.1:6443", "api-server address");
ABSL_FLAG(double, rate, 100, "zone changes (Endpoints updates) per second");
ABSL_FLAG(double, seconds, 10, "how long to change the zone");
ABSL_FLAG(int, hosts, 20, "pods behind the headless Service");

namespace {

using namespace ordo;  // NOLINT: a benchmark's main

// The address of host `host` at its `generation`-th move: 10.2.G.H, both
// parts kept in 1..250.
std::string Address(int host, int64_t generation) {
  return absl::StrCat("10.2.", generation % 250 + 1, ".", host % 250 + 1);
}

core::v1::Endpoints NewEndpoints(int hosts) {
  core::v1::Endpoints endpoints;
  endpoints.mutable_metadata()->set_name("churn");
  endpoints.mutable_metadata()->set_namespace_("default");
  auto* subset = endpoints.add_subsets();
  auto* port = subset->add_ports();
  port->set_name("web");
  port->set_port(80);
  port->set_protocol("TCP");
  for (int i = 0; i < hosts; ++i) {
    auto* address = subset->add_addresses();
    address->set_ip(Address(i, 0));
    address->set_hostname(absl::StrCat("churn-", i));
  }
  return endpoints;
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const int hosts = std::max(1, absl::GetFlag(FLAGS_hosts));
  const double rate = absl::GetFlag(FLAGS_rate);
  auto channel = server::NewChannel(absl::GetFlag(FLAGS_server));
  api::ResourceClient<core::v1::Service> services(channel, SystemClock());
  api::ResourceClient<core::v1::Endpoints> endpoints_client(channel, SystemClock());

  core::v1::Service service;
  service.mutable_metadata()->set_name("churn");
  service.mutable_metadata()->set_namespace_("default");
  service.mutable_spec()->set_cluster_ip("None");
  auto* service_port = service.mutable_spec()->add_ports();
  service_port->set_name("web");
  service_port->set_port(80);
  if (auto s = services.Create(service); !s.ok() && !absl::IsAlreadyExists(s.status())) {
    std::fprintf(stderr, "create the Service: %s\n", s.status().ToString().c_str());
    return 1;
  }
  auto endpoints = endpoints_client.Create(NewEndpoints(hosts));
  if (!endpoints.ok()) {
    std::fprintf(stderr, "create the Endpoints: %s\n", endpoints.status().ToString().c_str());
    return 1;
  }

  bench::Recorder latency;
  int64_t changes = 0;
  const absl::Time start = absl::Now();
  const absl::Time end = start + absl::Seconds(absl::GetFlag(FLAGS_seconds));
  for (absl::Time next = start; next < end; next += absl::Seconds(1 / rate)) {
    absl::Time now = absl::Now();
    if (next > now) absl::SleepFor(next - now);
    const int host = static_cast<int>(changes % hosts);
    endpoints->mutable_subsets(0)->mutable_addresses(host)->set_ip(
        Address(host, changes / hosts + 1));
    const absl::Time sent = absl::Now();
    auto updated = endpoints_client.Update(*endpoints);
    if (!updated.ok()) {
      std::fprintf(stderr, "update %lld: %s\n", static_cast<long long>(changes),
                   updated.status().ToString().c_str());
      return 1;
    }
    latency.Add(absl::Now() - sent);
    endpoints = std::move(updated);
    ++changes;
  }
  const double seconds = absl::ToDoubleSeconds(absl::Now() - start);
  std::printf(
      "zone changes: %lld Endpoints updates in %.1f s = %.0f/s, update p50 %.2f ms, "
      "p99 %.2f ms\n",
      static_cast<long long>(changes), seconds, changes / seconds, latency.QuantileMs(0.5),
      latency.QuantileMs(0.99));
  return 0;
}
