#include "services/dns/server.h"

#include <arpa/inet.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <list>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "services/dns/packet_cache.h"
#include "spdlog/spdlog.h"

namespace ordo::dns {
namespace {

constexpr size_t kMaxCacheEntries = 10000;
constexpr size_t kMaxConnections = 256;  // per listener

absl::StatusOr<sockaddr_storage> ParseAddress(const std::string& text, int default_port) {
  std::string host = text;
  int port = default_port;
  size_t colon = text.rfind(':');
  if (colon != std::string::npos && text.find(':') == colon) {  // IPv4 with a port
    host = text.substr(0, colon);
    if (!absl::SimpleAtoi(text.substr(colon + 1), &port) || port < 0 || port > 65535) {
      return absl::InvalidArgumentError(absl::StrCat("bad port in \"", text, "\""));
    }
  }
  sockaddr_storage out{};
  auto* v4 = reinterpret_cast<sockaddr_in*>(&out);
  if (inet_pton(AF_INET, host.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(static_cast<uint16_t>(port));
    return out;
  }
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&out);
  if (inet_pton(AF_INET6, host.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(static_cast<uint16_t>(port));
    return out;
  }
  return absl::InvalidArgumentError(absl::StrCat("\"", text, "\" is not an IP address"));
}

socklen_t LengthOf(const sockaddr_storage& a) {
  return a.ss_family == AF_INET ? sizeof(sockaddr_in) : sizeof(sockaddr_in6);
}

bool ReadFull(int fd, char* buf, size_t n) {
  while (n > 0) {
    ssize_t got = read(fd, buf, n);
    if (got <= 0) return false;
    buf += got;
    n -= static_cast<size_t>(got);
  }
  return true;
}

bool WriteFull(int fd, const std::string& data) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t put = send(fd, data.data() + done, data.size() - done, MSG_NOSIGNAL);
    if (put <= 0) return false;
    done += static_cast<size_t>(put);
  }
  return true;
}

// The cache key of a query: its question, lower-cased, and the DO bit.
std::string CacheKey(const Query& q) {
  return absl::StrCat(Lower(q.question.name), "/", q.question.type, "/", q.question.qclass, "/",
                      q.dnssec_ok ? 1 : 0);
}

}  // namespace

DnsServer::DnsServer(ServerOptions options)
    : options_(std::move(options)),
      metrics_(options_.metrics != nullptr
                   ? options_.metrics
                   : std::make_shared<DnsMetrics>(std::make_shared<prometheus::Registry>())) {
  for (const auto& u : options_.upstreams) {
    auto address = ParseAddress(u, 53);
    if (address.ok()) {
      upstreams_.push_back(*address);
      upstream_names_.push_back(u);
    } else {
      spdlog::warn("upstream {}: {}", u, std::string(address.status().message()));
    }
  }
  zone_ = std::make_shared<ZoneSnapshot>();
}

DnsServer::~DnsServer() {
  for (const auto& l : listeners_) {
    if (l.udp >= 0) close(l.udp);
    if (l.tcp >= 0) close(l.tcp);
  }
}

absl::Status DnsServer::Bind() {
  for (const auto& text : options_.listen) {
    auto address = ParseAddress(text, 53);
    if (!address.ok()) return address.status();
    int family = address->ss_family;
    bool any_port =
        (family == AF_INET ? reinterpret_cast<sockaddr_in*>(&*address)->sin_port
                           : reinterpret_cast<sockaddr_in6*>(&*address)->sin6_port) == 0;
    Listener l;
    int port = 0;
    absl::Status bound_both;
    // With port 0 the kernel picks UDP's port, and TCP must take the same
    // one; a TCP socket may hold that number already (an outgoing
    // connection's local port), so a few picks are tried.
    for (int attempt = 0; attempt < (any_port ? 10 : 1); ++attempt) {
      l.udp = socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
      if (l.udp < 0) return absl::InternalError(absl::StrCat("socket: ", strerror(errno)));
      if (bind(l.udp, reinterpret_cast<sockaddr*>(&*address), LengthOf(*address)) != 0) {
        close(l.udp);
        return absl::UnavailableError(absl::StrCat("bind udp ", text, ": ", strerror(errno)));
      }
      sockaddr_storage bound{};
      socklen_t len = sizeof bound;
      getsockname(l.udp, reinterpret_cast<sockaddr*>(&bound), &len);
      port = ntohs(family == AF_INET ? reinterpret_cast<sockaddr_in*>(&bound)->sin_port
                                     : reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port);
      l.tcp = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
      int one = 1;
      setsockopt(l.tcp, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
      if (bind(l.tcp, reinterpret_cast<sockaddr*>(&bound), len) == 0 && listen(l.tcp, 128) == 0) {
        bound_both = absl::OkStatus();
        break;
      }
      bound_both = absl::UnavailableError(absl::StrCat("bind tcp ", text, ": ", strerror(errno)));
      close(l.udp);
      close(l.tcp);
    }
    if (!bound_both.ok()) return bound_both;
    int buffer = 4 << 20;  // bursts of queries wait here rather than being dropped
    setsockopt(l.udp, SOL_SOCKET, SO_RCVBUF, &buffer, sizeof buffer);
    listeners_.push_back(l);
    ports_.push_back(port);
  }
  return absl::OkStatus();
}

void DnsServer::SetZone(std::shared_ptr<const ZoneSnapshot> zone, absl::Duration build_time) {
  {
    absl::MutexLock lock(&zone_mu_);
    zone_ = std::move(zone);
  }
  metrics_->ZoneReplaced(absl::Now(), build_time);
}

std::shared_ptr<const ZoneSnapshot> DnsServer::zone() {
  absl::MutexLock lock(&zone_mu_);
  return zone_;
}

std::string DnsServer::Handle(std::string_view packet, bool tcp, bool* forward) {
  return Handle(packet, tcp, forward, *zone());
}

std::string DnsServer::Handle(std::string_view packet, bool tcp, bool* forward,
                              const ZoneSnapshot& zone) {
  *forward = false;
  Query q;
  auto error = ParseQuery(packet, &q);
  if (error == ParseError::kDrop) return "";
  if (error == ParseError::kFormErr) return ResponseBuilder::HeaderOnly(q.id, q.flags, kFormErr);
  size_t max_size = tcp ? 65535 : (q.has_edns ? q.edns_udp_size : 512);
  if (q.opcode() != 0) return ResponseBuilder(q, kNotImp, false, max_size).Finish();
  if (q.has_edns && q.edns_version != 0) {
    return ResponseBuilder(q, kBadVers, false, max_size).Finish();
  }
  if (q.question.qclass != kClassIN || q.question.type == kAXFR || q.question.type == kIXFR) {
    return ResponseBuilder(q, kRefused, false, max_size).Finish();
  }
  Answer answer = Resolve(q, zone, options_.zone, max_size, !upstreams_.empty());
  if (!answer.chase.empty() && q.recursion_desired() && !upstreams_.empty()) {
    *forward = true;  // Forward resolves the CNAME's outside target
    return "";
  }
  if (answer.response.empty()) {
    if (upstreams_.empty()) return ResponseBuilder(q, kRefused, false, max_size).Finish();
    *forward = true;
  }
  return answer.response;
}

std::optional<std::string> DnsServer::CacheLookup(const std::string& key, uint16_t id) {
  absl::MutexLock lock(&cache_mu_);
  auto it = cache_.find(key);
  if (it == cache_.end()) return std::nullopt;
  if (absl::Now() >= it->second.expires) {
    cache_.erase(it);
    return std::nullopt;
  }
  std::string out = it->second.response;
  out[0] = static_cast<char>(id >> 8);
  out[1] = static_cast<char>(id);
  return out;
}

void DnsServer::CacheStore(const std::string& key, const std::string& response) {
  auto ttl = MinimumTtl(response);
  if (!ttl.has_value() || response.size() < 12) return;
  int rcode = response[3] & 0xF;
  if (rcode != kNoError && rcode != kNXDomain) return;
  bool empty = response[6] == 0 && response[7] == 0;
  uint32_t seconds = std::min<uint32_t>(*ttl, empty ? 5 : 30);
  if (seconds == 0) return;
  absl::MutexLock lock(&cache_mu_);
  if (cache_.size() >= kMaxCacheEntries) cache_.clear();  // small and simple: start over
  cache_[key] = {response, absl::Now() + absl::Seconds(seconds)};
}

std::string DnsServer::Forward(std::string_view packet) {
  Query q;
  if (ParseQuery(packet, &q).has_value()) return "";
  // A cluster name (an ExternalName) whose CNAME leads out of the zone: our
  // answer, then the upstream's for the target. (The zone may have changed
  // since Handle: then our answer as it is now.)
  Answer local = Resolve(q, *zone(), options_.zone, 65535, /*forward_unknown_reverse=*/true);
  if (!local.chase.empty()) return Chase(q, local);
  if (!local.response.empty()) return local.response;
  std::string key = CacheKey(q);
  if (auto hit = CacheLookup(key, q.id); hit.has_value()) return *hit;
  for (size_t i = 0; i < upstreams_.size(); ++i) {
    const sockaddr_storage& upstream = upstreams_[i];
    int fd = socket(upstream.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) continue;
    std::string reply;
    if (connect(fd, reinterpret_cast<const sockaddr*>(&upstream), LengthOf(upstream)) == 0 &&
        send(fd, packet.data(), packet.size(), 0) == static_cast<ssize_t>(packet.size())) {
      pollfd p{fd, POLLIN, 0};
      if (poll(&p, 1, 2000) == 1) {  // CoreDNS's static 2 s read timeout
        char buf[65535];
        ssize_t got = recv(fd, buf, sizeof buf, 0);
        if (got >= 12 && buf[0] == packet[0] && buf[1] == packet[1]) reply.assign(buf, got);
      }
    }
    close(fd);
    metrics_->Forwarded(upstream_names_[i], reply);
    if (reply.empty()) continue;
    CacheStore(key, reply);
    return reply;
  }
  ResponseBuilder failed(q, kServFail, false, q.has_edns ? q.edns_udp_size : 512);
  return failed.Finish();
}

std::string DnsServer::Chase(const Query& q, const Answer& local) {
  std::optional<ParsedAnswer> ours = ParseAnswer(local.response);
  std::optional<ParsedAnswer> theirs =
      ParseAnswer(Forward(BuildQuery(q.id, local.chase, q.question.type)));
  if (!ours.has_value() || !theirs.has_value() ||
      (theirs->rcode != kNoError && theirs->rcode != kNXDomain)) {
    return local.response;  // the CNAME alone: the client's resolver may follow it
  }
  // Not authoritative: part of the answer is the upstream's.
  ResponseBuilder chain(q, theirs->rcode, /*authoritative=*/false, 65535);
  for (const ParsedAnswer* part : {&*ours, &*theirs}) {
    for (const AnswerRecord& r : part->records) {
      const auto* bytes = reinterpret_cast<const uint8_t*>(r.rdata.data());
      if (r.type == kA) chain.AddA(ResponseBuilder::kAnswer, r.owner, r.ttl, bytes);
      if (r.type == kAAAA) chain.AddAAAA(ResponseBuilder::kAnswer, r.owner, r.ttl, bytes);
      if (r.type == kCNAME)
        chain.AddName(ResponseBuilder::kAnswer, r.owner, kCNAME, r.ttl, r.rdata);
    }
  }
  return chain.Finish();
}

void DnsServer::ServeUdp(int fd, std::stop_token stop) {
  // Batches: one recvmmsg takes up to kBatch queries, one sendmmsg sends
  // their answers (two system calls per batch rather than per query).
  constexpr int kBatch = 64;
  constexpr size_t kBufferSize = 4096;  // larger UDP queries are not worth answering
  std::vector<char> buffers(kBatch * kBufferSize);
  std::vector<std::string> replies(kBatch);
  PacketCache answered;
  DnsTally tally;
  mmsghdr in[kBatch], out[kBatch];
  iovec in_iov[kBatch], out_iov[kBatch];
  sockaddr_storage from[kBatch];
  while (!stop.stop_requested()) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 200) <= 0) continue;
    for (;;) {
      for (int i = 0; i < kBatch; ++i) {
        in_iov[i] = {buffers.data() + i * kBufferSize, kBufferSize};
        in[i].msg_hdr = {};
        in[i].msg_hdr.msg_name = &from[i];
        in[i].msg_hdr.msg_namelen = sizeof from[i];
        in[i].msg_hdr.msg_iov = &in_iov[i];
        in[i].msg_hdr.msg_iovlen = 1;
      }
      int got = recvmmsg(fd, in, kBatch, MSG_DONTWAIT, nullptr);
      if (got <= 0) break;
      std::shared_ptr<const ZoneSnapshot> snapshot = zone();  // one per batch
      answered.UseZone(snapshot);
      int replies_out = 0;
      for (int i = 0; i < got; ++i) {
        std::string_view packet(buffers.data() + i * kBufferSize, in[i].msg_len);
        bool forward = false;
        tally.Request(packet, /*tcp=*/false);
        if (answered.Lookup(packet, &replies[i])) {
          ++tally.cache_hits;
        } else {
          ++tally.cache_misses;
          replies[i] = Handle(packet, false, &forward, *snapshot);
          if (!forward && !replies[i].empty()) answered.Store(packet, replies[i]);
        }
        if (forward) {
          absl::MutexLock lock(&forward_mu_);
          if (forward_queue_.size() < 10000) {
            forward_queue_.push_back({std::string(packet), from[i], in[i].msg_hdr.msg_namelen, fd});
          }
          continue;
        }
        if (replies[i].empty()) continue;
        tally.Response(replies[i]);
        out_iov[replies_out] = {replies[i].data(), replies[i].size()};
        out[replies_out].msg_hdr = {};
        out[replies_out].msg_hdr.msg_name = &from[i];
        out[replies_out].msg_hdr.msg_namelen = in[i].msg_hdr.msg_namelen;
        out[replies_out].msg_hdr.msg_iov = &out_iov[replies_out];
        out[replies_out].msg_hdr.msg_iovlen = 1;
        ++replies_out;
      }
      for (int sent = 0; sent < replies_out;) {
        int n = sendmmsg(fd, out + sent, replies_out - sent, 0);
        if (n <= 0) break;  // a full socket buffer: the client retries
        sent += n;
      }
      metrics_->Add(tally);
      if (got < kBatch) break;
    }
  }
}

void DnsServer::ForwardLoop() {
  for (;;) {
    Pending job;
    {
      absl::MutexLock lock(&forward_mu_);
      forward_mu_.Await(absl::Condition(
          +[](DnsServer* s) ABSL_NO_THREAD_SAFETY_ANALYSIS {
            return s->stopping_ || !s->forward_queue_.empty();
          },
          this));
      if (forward_queue_.empty()) return;
      job = std::move(forward_queue_.front());
      forward_queue_.pop_front();
    }
    std::string reply = Forward(job.packet);
    if (reply.empty()) continue;
    if (reply.size() > 512) {
      // The client's UDP limit: say TC and let it come back over TCP.
      Query q;
      if (!ParseQuery(job.packet, &q).has_value() &&
          reply.size() > (q.has_edns ? q.edns_udp_size : 512u)) {
        ResponseBuilder truncated(q, kNoError, false, 12);
        reply = truncated.Finish();
        reply[2] = static_cast<char>(reply[2] | 0x02);
      }
    }
    sendto(job.fd, reply.data(), reply.size(), 0, reinterpret_cast<sockaddr*>(&job.from),
           job.from_len);
    DnsTally tally;
    tally.Response(reply);
    metrics_->Add(tally);
  }
}

void DnsServer::ServeConnection(int fd) {
  timeval idle = absl::ToTimeval(options_.tcp_idle_timeout);
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &idle, sizeof idle);
  for (;;) {
    char length[2];
    if (!ReadFull(fd, length, 2)) break;
    size_t n = (static_cast<uint8_t>(length[0]) << 8) | static_cast<uint8_t>(length[1]);
    std::string packet(n, '\0');
    if (n == 0 || !ReadFull(fd, packet.data(), n)) break;
    bool forward = false;
    DnsTally tally;
    tally.Request(packet, /*tcp=*/true);
    std::string reply = Handle(packet, true, &forward);
    if (forward) reply = Forward(packet);
    tally.Response(reply);
    metrics_->Add(tally);
    if (reply.empty()) continue;
    std::string framed;
    framed.push_back(static_cast<char>(reply.size() >> 8));
    framed.push_back(static_cast<char>(reply.size()));
    framed += reply;
    if (!WriteFull(fd, framed)) break;
  }
}

void DnsServer::ServeTcp(int fd, std::stop_token stop) {
  // The acceptor owns its connections' sockets and threads: a socket is
  // closed only after its thread is joined, so shutting one down never hits
  // a reused descriptor, and nothing outlives the server.
  struct Connection {
    int fd;
    std::shared_ptr<std::atomic<bool>> done;
    std::thread thread;
  };
  std::list<Connection> connections;
  auto reap = [&connections](bool all) {
    for (auto it = connections.begin(); it != connections.end();) {
      if (!all && !it->done->load()) {
        ++it;
        continue;
      }
      if (all) shutdown(it->fd, SHUT_RDWR);  // wakes a read that is waiting
      it->thread.join();
      close(it->fd);
      it = connections.erase(it);
    }
  };
  while (!stop.stop_requested()) {
    reap(false);
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 200) <= 0) continue;
    int conn = accept4(fd, nullptr, nullptr, SOCK_CLOEXEC);
    if (conn < 0) continue;
    if (connections.size() >= kMaxConnections) {
      close(conn);
      continue;
    }
    auto done = std::make_shared<std::atomic<bool>>(false);
    connections.push_back({conn, done, std::thread([this, conn, done] {
                             ServeConnection(conn);
                             done->store(true);
                           })});
  }
  reap(true);
}

void DnsServer::Run(std::stop_token stop) {
  std::vector<std::jthread> threads;
  std::vector<std::thread> forwarders;
  for (int i = 0; i < options_.forwarders; ++i) forwarders.emplace_back([this] { ForwardLoop(); });
  for (const auto& l : listeners_) {
    threads.emplace_back([this, fd = l.udp](std::stop_token s) { ServeUdp(fd, s); });
    threads.emplace_back([this, fd = l.tcp](std::stop_token s) { ServeTcp(fd, s); });
  }
  std::stop_callback on_stop(stop, [&threads] {
    for (auto& t : threads) t.request_stop();
  });
  for (auto& t : threads) t.join();
  {
    absl::MutexLock lock(&forward_mu_);
    stopping_ = true;
  }
  for (auto& t : forwarders) t.join();
}

}  // namespace ordo::dns
