// DnsServer answers DNS over UDP and TCP on every --listen address: queries
// in the cluster zone from the current ZoneSnapshot (zone.h), everything else
// (and reverse names the zone does not know, and the outside targets of
// ExternalName CNAMEs when the query asks for recursion) forwarded to the upstream
// servers, whose answers are cached briefly (positive up to 30 s, negative
// 5 s, by the answer's own TTLs). Message rules (dns.md §2.2): FORMERR for a
// malformed query (a packet without even a header is dropped), NOTIMP for
// opcodes other than QUERY, BADVERS for EDNS versions other than 0, REFUSED
// for classes other than IN and for zone transfers; UDP answers fit 512 bytes
// or the EDNS size (then TC), TCP answers are whole.
// Threads: one per UDP socket, one acceptor per TCP socket and one per TCP
// connection (joined by its acceptor; when Run stops, open connections are
// shut down and joined first), a small pool for forwarding. Thread-safety: SetZone and Handle
// from any thread.
#pragma once

#include <netinet/in.h>

#include <atomic>
#include <deque>
#include <memory>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/dns/dns_metrics.h"
#include "services/dns/zone.h"

namespace ordo::dns {

struct ServerOptions {
  std::vector<std::string> listen;     // "IP:PORT"; port 0 picks one
  std::vector<std::string> upstreams;  // "IP" or "IP:PORT"
  ZoneConfig zone;
  int forwarders = 4;
  // A TCP connection with no query for this long is closed (RFC 7766).
  absl::Duration tcp_idle_timeout = absl::Seconds(10);
  // Where queries, answers and forwards are counted (null: counted for no one).
  std::shared_ptr<DnsMetrics> metrics;
};

class DnsServer {
 public:
  explicit DnsServer(ServerOptions options);
  ~DnsServer();

  // Binds every listen address (UDP and TCP on the same port).
  absl::Status Bind();
  // The port of the i-th listen address (after Bind).
  int port(size_t i) const { return ports_.at(i); }
  // Serves until `stop`.
  void Run(std::stop_token stop);

  // Serves `zone` from now on; `build_time` is what building it took.
  void SetZone(std::shared_ptr<const ZoneSnapshot> zone, absl::Duration build_time);
  std::shared_ptr<const ZoneSnapshot> zone();

  // The answer to one packet (empty: drop it, or forward it when *forward),
  // from the current zone or from `zone` (a batch's snapshot).
  std::string Handle(std::string_view packet, bool tcp, bool* forward);
  std::string Handle(std::string_view packet, bool tcp, bool* forward, const ZoneSnapshot& zone);
  // Asks the upstreams (and the cache); the reply with the query's id, or a
  // SERVFAIL when every upstream failed. For a cluster name whose answer
  // ends at a CNAME out of the zone, the chain: ours, then the upstream's
  // records for the target.
  std::string Forward(std::string_view packet);

 private:
  struct Listener {
    int udp = -1;
    int tcp = -1;
  };
  struct Pending {
    std::string packet;
    sockaddr_storage from;
    socklen_t from_len;
    int fd;
  };

  void ServeUdp(int fd, std::stop_token stop);
  void ServeTcp(int fd, std::stop_token stop);
  // Answers one TCP connection until the peer closes it, it idles for
  // options_.tcp_idle_timeout or it is shut down; the acceptor closes the socket.
  void ServeConnection(int fd);
  void ForwardLoop();
  // `local`'s records, then the upstream's A/AAAA/CNAME records for
  // local.chase, under the upstream's rcode; `local` alone when it fails.
  std::string Chase(const Query& q, const Answer& local);
  std::optional<std::string> CacheLookup(const std::string& key, uint16_t id);
  void CacheStore(const std::string& key, const std::string& response);

  const ServerOptions options_;
  std::vector<Listener> listeners_;
  std::vector<int> ports_;
  std::vector<sockaddr_storage> upstreams_;
  std::vector<std::string> upstream_names_;  // as given, for metrics
  const std::shared_ptr<DnsMetrics> metrics_;

  absl::Mutex zone_mu_;
  std::shared_ptr<const ZoneSnapshot> zone_ ABSL_GUARDED_BY(zone_mu_);

  absl::Mutex forward_mu_;
  std::deque<Pending> forward_queue_ ABSL_GUARDED_BY(forward_mu_);
  bool stopping_ ABSL_GUARDED_BY(forward_mu_) = false;

  absl::Mutex cache_mu_;
  struct Cached {
    std::string response;
    absl::Time expires;
  };
  absl::flat_hash_map<std::string, Cached> cache_ ABSL_GUARDED_BY(cache_mu_);
};

}  // namespace ordo::dns
