// ordo-dns-load: a DNS load generator that sends and receives in batches
// (sendmmsg/recvmmsg, up to 64 packets a system call) on one UDP socket,
// for when dnsperf (one system call per packet) cannot keep a server busy
// from one core. It reads dnsperf's query file format ("NAME TYPE" per line),
// keeps --outstanding queries in flight (optionally no more than --rate per
// second), counts a query lost after 1 s, and prints dnsperf-like totals and
// latency percentiles. Queries carry RD and no EDNS, as dnsperf's do (built
// by the DNS tests' MakeQuery).
//
// A name whose first label is `*` is asked with a new label each time it is
// sent (12 characters from a counter, so never twice in a run): the load of
// names no cache has seen. Every answer is checked: its question must be the
// one sent, and only NOERROR and NXDOMAIN count as served; the others
// (SERVFAIL, REFUSED, ...) and mismatched questions are tallied apart, and
// --strict makes any of them a failure (exit 1).
// A benchmark tool, not part of ordo; single-threaded.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstring>
#include <deque>
#include <fstream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "bench/latency.h"
#include "services/dns/test_decoder.h"

ABSL_FLAG(std::string, server, "127.0.0.1", "The server's IPv4 address");
ABSL_FLAG(int, port, 53, "The server's port");
ABSL_FLAG(std::string, queries, "", "The query file: NAME TYPE per line");
ABSL_FLAG(double, seconds, 10, "How long to send");
ABSL_FLAG(int, outstanding, 200, "Queries in flight at most");
ABSL_FLAG(double, rate, 0, "Queries per second at most (0: as fast as answered)");
ABSL_FLAG(bool, strict, false,
          "Exit 1 if any answer has another question or an rcode other than NOERROR/NXDOMAIN");

namespace {

constexpr int kBatch = 64;
constexpr size_t kHeaderSize = 12;
constexpr size_t kFreshLabelSize = 12;

// One line of the query file, as sent.
struct Query {
  std::string packet;
  bool fresh = false;  // its first label is replaced on every send
};

uint16_t TypeCode(const std::string& type) {
  using namespace ordo::dns;  // NOLINT: the record type constants
  for (auto [name, code] : {std::pair{"A", kA},
                            {"NS", kNS},
                            {"CNAME", kCNAME},
                            {"SOA", kSOA},
                            {"PTR", kPTR},
                            {"TXT", kTXT},
                            {"AAAA", kAAAA},
                            {"SRV", kSRV}}) {
    if (type == name) return code;
  }
  return 0;
}

// Writes a label for the n-th fresh name into `out` (kFreshLabelSize
// characters of [a-z2-7]). n times an odd constant is a bijection modulo 2^60,
// so no two sends of a run share a label, and neighbours look unrelated.
void FreshLabel(uint64_t n, char* out) {
  static constexpr char kDigits[] = "abcdefghijklmnopqrstuvwxyz234567";
  uint64_t v = (n * 0x9E3779B97F4A7C15ULL) & ((uint64_t{1} << 60) - 1);
  for (size_t i = 0; i < kFreshLabelSize; ++i, v >>= 5) out[i] = kDigits[v & 31];
}

const char* RcodeName(int rcode) {
  static constexpr std::array<const char*, 6> kNames = {"NOERROR",  "FORMERR", "SERVFAIL",
                                                        "NXDOMAIN", "NOTIMP",  "REFUSED"};
  return rcode < static_cast<int>(kNames.size()) ? kNames[rcode] : "OTHER";
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  std::vector<Query> queries;
  std::ifstream in(absl::GetFlag(FLAGS_queries));
  for (std::string line; std::getline(in, line);) {
    std::vector<std::string> words = absl::StrSplit(line, ' ', absl::SkipEmpty());
    if (words.size() == 2 && TypeCode(words[1]) != 0) {
      Query q;
      q.fresh = absl::StartsWith(words[0], "*.");
      if (q.fresh) words[0].replace(0, 1, std::string(kFreshLabelSize, 'x'));
      q.packet = ordo::dns::testing::MakeQuery(words[0], TypeCode(words[1]));
      queries.push_back(std::move(q));
    }
  }
  if (queries.empty()) {
    std::fprintf(stderr, "no queries in %s\n", absl::GetFlag(FLAGS_queries).c_str());
    return 1;
  }
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(static_cast<uint16_t>(absl::GetFlag(FLAGS_port)));
  inet_pton(AF_INET, absl::GetFlag(FLAGS_server).c_str(), &to.sin_addr);
  int buffer = 8 << 20;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buffer, sizeof buffer);
  if (connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0) {
    std::perror("connect");
    return 1;
  }

  const int outstanding = std::min(absl::GetFlag(FLAGS_outstanding), 60000);
  const double rate = absl::GetFlag(FLAGS_rate);
  // Each id's send time; ids are handed out in order, so the oldest query in
  // flight is at the front of `in_flight`.
  std::vector<absl::Time> sent_at(65536, absl::InfinitePast());
  std::vector<std::string> sent_question(65536);  // each id's question section, as sent
  std::deque<uint16_t> in_flight;                 // sent in this order; answered ones leave lazily
  int64_t pending = 0;                            // sent, neither answered nor lost
  uint16_t next_id = 0;
  size_t next_query = 0;
  int64_t sent = 0, completed = 0, lost = 0, mismatched = 0, truncated = 0;
  uint64_t fresh_names = 0;
  std::array<int64_t, 16> rcodes{};
  ordo::bench::Recorder latencies;

  std::vector<std::string> out(kBatch);
  mmsghdr send_msgs[kBatch], recv_msgs[kBatch];
  iovec send_iov[kBatch], recv_iov[kBatch];
  std::vector<char> recv_buffers(kBatch * 4096);
  const absl::Time start = absl::Now();
  const absl::Time end = start + absl::Seconds(absl::GetFlag(FLAGS_seconds));
  for (absl::Time now = start; now < end || pending > 0; now = absl::Now()) {
    // Send what the window (and the rate) allows, in batches.
    int64_t allowed = outstanding - pending;
    if (rate > 0) {
      allowed = std::min<int64_t>(allowed, absl::ToDoubleSeconds(now - start) * rate - sent);
    }
    if (now >= end) allowed = 0;
    while (allowed > 0) {
      int n = static_cast<int>(std::min<int64_t>(allowed, kBatch));
      for (int i = 0; i < n; ++i) {
        const Query& query = queries[next_query++ % queries.size()];
        out[i] = query.packet;
        if (query.fresh) FreshLabel(fresh_names++, out[i].data() + kHeaderSize + 1);
        // The next id not in flight: reusing one still unanswered (a query
        // the server dropped, 65,536 sends ago) would make its answer, or its
        // loss, count for two queries.
        uint16_t id = next_id++;
        while (sent_at[id] != absl::InfinitePast()) id = next_id++;
        sent_question[id].assign(out[i], kHeaderSize);
        out[i][0] = static_cast<char>(id >> 8);
        out[i][1] = static_cast<char>(id & 0xFF);
        sent_at[id] = now;
        in_flight.push_back(id);
        send_iov[i] = {out[i].data(), out[i].size()};
        send_msgs[i].msg_hdr = {};
        send_msgs[i].msg_hdr.msg_iov = &send_iov[i];
        send_msgs[i].msg_hdr.msg_iovlen = 1;
      }
      for (int done = 0; done < n;) {
        int k = sendmmsg(fd, send_msgs + done, n - done, 0);
        if (k <= 0) break;
        done += k;
      }
      sent += n;
      pending += n;
      allowed -= n;
    }
    // Receive whatever has arrived (waiting at most 1 ms for the first).
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 1) > 0) {
      for (;;) {
        for (int i = 0; i < kBatch; ++i) {
          recv_iov[i] = {recv_buffers.data() + i * 4096, 4096};
          recv_msgs[i].msg_hdr = {};
          recv_msgs[i].msg_hdr.msg_iov = &recv_iov[i];
          recv_msgs[i].msg_hdr.msg_iovlen = 1;
        }
        int got = recvmmsg(fd, recv_msgs, kBatch, MSG_DONTWAIT, nullptr);
        if (got <= 0) break;
        absl::Time received = absl::Now();
        for (int i = 0; i < got; ++i) {
          const size_t size = recv_msgs[i].msg_len;
          if (size < kHeaderSize) continue;
          const auto* b = reinterpret_cast<const unsigned char*>(recv_iov[i].iov_base);
          uint16_t id = static_cast<uint16_t>(b[0] << 8 | b[1]);
          if (sent_at[id] == absl::InfinitePast()) continue;  // late, already counted lost
          latencies.Add(received - sent_at[id]);
          sent_at[id] = absl::InfinitePast();
          --pending;
          // The same question back (QR set, one question, its bytes as sent).
          const std::string& question = sent_question[id];
          const bool same_question =
              (b[2] & 0x80) != 0 && b[4] == 0 && b[5] == 1 &&
              size >= kHeaderSize + question.size() &&
              std::memcmp(b + kHeaderSize, question.data(), question.size()) == 0;
          if (!same_question) {
            ++mismatched;
            continue;
          }
          const int rcode = b[3] & 0x0F;
          ++rcodes[rcode];
          if (b[2] & 0x02) ++truncated;
          if (rcode == ordo::dns::kNoError || rcode == ordo::dns::kNXDomain) ++completed;
        }
        if (got < kBatch) break;
      }
    }
    // Answered ids leave the front; a query 1 s old is lost.
    absl::Time now_after = absl::Now();
    while (!in_flight.empty()) {
      uint16_t id = in_flight.front();
      if (sent_at[id] != absl::InfinitePast()) {
        if (now_after - sent_at[id] < absl::Seconds(1)) break;
        sent_at[id] = absl::InfinitePast();
        ++lost;
        --pending;
      }
      in_flight.pop_front();
    }
  }
  double seconds = absl::ToDoubleSeconds(end - start);
  std::printf("  Queries sent:         %lld\n", static_cast<long long>(sent));
  std::printf("  Queries completed:    %lld (%.2f%%) answered NOERROR or NXDOMAIN\n",
              static_cast<long long>(completed), sent ? 100.0 * completed / sent : 0.0);
  std::printf("  Queries lost:         %lld\n", static_cast<long long>(lost));
  std::printf("  Queries per second:   %.0f\n", completed / seconds);
  std::printf("  Response codes:      ");
  int64_t failed = 0;
  for (int rcode = 0; rcode < static_cast<int>(rcodes.size()); ++rcode) {
    if (rcodes[rcode] == 0) continue;
    std::printf(" %s %lld (%.2f%%)", RcodeName(rcode), static_cast<long long>(rcodes[rcode]),
                100.0 * rcodes[rcode] / sent);
    if (rcode != ordo::dns::kNoError && rcode != ordo::dns::kNXDomain) failed += rcodes[rcode];
  }
  std::printf("\n  Not served:           %lld error rcodes, %lld answers to another question\n",
              static_cast<long long>(failed), static_cast<long long>(mismatched));
  std::printf("  Truncated (TC):       %lld\n", static_cast<long long>(truncated));
  if (fresh_names > 0) {
    std::printf("  Fresh names asked:    %llu (%.1f%% of queries)\n",
                static_cast<unsigned long long>(fresh_names), 100.0 * fresh_names / sent);
  }
  std::printf("  Latency: p50 %.3f ms, p99 %.3f ms, max %.3f ms over %zu answers\n",
              latencies.QuantileMs(0.5), latencies.QuantileMs(0.99), latencies.QuantileMs(1.0),
              latencies.count());
  close(fd);
  return absl::GetFlag(FLAGS_strict) && (failed > 0 || mismatched > 0) ? 1 : 0;
}
