// ordo-dns: the cluster's DNS server. Authoritative for --zone (default
// cluster.local) from the Services and Endpoints it watches, forwarding other
// names to --upstream (default: the host's /etc/resolv.conf nameservers), on
// UDP and TCP at every --listen address.
#include <fstream>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/clock/clock.h"
#include "common/metrics/metrics.h"
#include "common/metrics/metrics_flags.h"
#include "common/security/client_flags.h"
#include "common/server/channel.h"
#include "common/server/server_main.h"
#include "services/dns/server.h"
#include "services/dns/zone_watcher.h"
#include "spdlog/spdlog.h"

ABSL_FLAG(std::string, server, "",
          "The api-server's address (default: the --kubeconfig's server, else 127.0.0.1:6443)");
ABSL_FLAG(std::string, zone, "cluster.local", "The cluster domain served");
ABSL_FLAG(std::vector<std::string>, listen, {"127.0.0.1:53"},
          "IP:PORT to serve on, comma separated (port 0: any free port)");
ABSL_FLAG(std::string, port_file, "", "Write the first listen address's port here");
ABSL_FLAG(std::vector<std::string>, upstream, {},
          "Servers for names outside the zone (default: the host's resolv.conf)");
ABSL_FLAG(int, ttl, 5, "TTL of positive answers, seconds");
ABSL_FLAG(int, negative_ttl, 1, "TTL (and SOA minimum) of negative answers, seconds");

namespace {

// The host's nameservers, minus addresses this server listens on (never
// forward to ourselves).
std::vector<std::string> HostNameservers(const std::vector<std::string>& listen) {
  std::vector<std::string> out;
  std::ifstream in("/etc/resolv.conf");
  std::string line;
  while (std::getline(in, line)) {
    absl::string_view rest = line;
    if (!absl::ConsumePrefix(&rest, "nameserver")) continue;
    std::string ip(absl::StripAsciiWhitespace(rest));
    bool ours = false;
    for (const auto& l : listen) ours = ours || (l.rfind(ip + ":", 0) == 0 && l.ends_with(":53"));
    if (!ip.empty() && !ours) out.push_back(ip);
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  ordo::server::BlockShutdownSignals();
  ordo::server::ParseFlags(argc, argv, "ordo-dns --server HOST:PORT: the cluster's DNS");
  ordo::server::InitLogging("dns");
  // Kept for the life of the process: /metrics serves until exit.
  auto metrics_endpoint = ordo::metrics::ServeMetricsFromFlags();
  if (!metrics_endpoint.ok()) {
    spdlog::error("{}", std::string(metrics_endpoint.status().message()));
    return 1;
  }
  ordo::dns::ServerOptions options;
  options.listen = absl::GetFlag(FLAGS_listen);
  options.upstreams = absl::GetFlag(FLAGS_upstream);
  if (options.upstreams.empty()) options.upstreams = HostNameservers(options.listen);
  options.zone.zone =
      ordo::dns::Lower(std::string(absl::StripSuffix(absl::GetFlag(FLAGS_zone), ".")));
  options.zone.ttl = static_cast<uint32_t>(absl::GetFlag(FLAGS_ttl));
  options.zone.negative_ttl = static_cast<uint32_t>(absl::GetFlag(FLAGS_negative_ttl));
  for (const auto& l : options.listen) {
    std::string ip = l.substr(0, l.rfind(':'));
    if (auto a = ordo::dns::Address::Parse(ip); a.has_value()) {
      options.zone.server_addresses.push_back(*a);
    }
  }
  options.metrics = std::make_shared<ordo::dns::DnsMetrics>(ordo::metrics::DefaultRegistry());
  if (*metrics_endpoint != nullptr) (*metrics_endpoint)->Add(options.metrics);
  ordo::dns::DnsServer server(options);
  if (absl::Status s = server.Bind(); !s.ok()) {
    spdlog::critical("{}", std::string(s.message()));
    return 1;
  }
  if (std::string file = absl::GetFlag(FLAGS_port_file); !file.empty()) {
    std::ofstream(file + ".tmp") << server.port(0) << "\n";
    std::rename((file + ".tmp").c_str(), file.c_str());
  }
  spdlog::info("serving {} on port {} ({} upstream(s))", options.zone.zone, server.port(0),
               options.upstreams.size());
  auto channel = ordo::security::DialFromFlags(absl::GetFlag(FLAGS_server));
  if (!channel.ok()) {
    spdlog::error("{}", std::string(channel.status().message()));
    return 2;
  }
  ordo::dns::ZoneWatcher watcher(*channel, ordo::SystemClock(), server);
  std::jthread zone([&](std::stop_token stop) { watcher.Run(stop); });
  std::jthread serve([&](std::stop_token stop) { server.Run(stop); });
  ordo::server::WaitForShutdownSignal();
  return 0;
}
