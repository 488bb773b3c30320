// DNS messages on the wire (RFC 1035, 3596, 2782, 6891): parsing queries and
// building answers with name compression and truncation. ordo-dns writes its
// own wire code rather than use ldns because the query path must not allocate
// per record (the benchmark target is 150k queries/s on one core); every
// parser here takes bounds-checked spans and is fuzzed (wire_fuzz.cc) and
// mutation-tested (dns_wire_test.cc). Pure functions and a builder owned by one
// thread; no shared state.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/inlined_vector.h"

namespace ordo::dns {

enum Type : uint16_t {
  kA = 1,
  kNS = 2,
  kCNAME = 5,
  kSOA = 6,
  kPTR = 12,
  kMX = 15,
  kTXT = 16,
  kAAAA = 28,
  kSRV = 33,
  kOPT = 41,
  kIXFR = 251,
  kAXFR = 252,
  kANY = 255,
};
enum Rcode : uint16_t {
  kNoError = 0,
  kFormErr = 1,
  kServFail = 2,
  kNXDomain = 3,
  kNotImp = 4,
  kRefused = 5,
  kBadVers = 16,  // extended (EDNS): the header carries 0, the OPT the upper bits
};
inline constexpr uint16_t kClassIN = 1;

struct Question {
  std::string name;  // dotted, as asked (case kept), no trailing dot; "" for the root
  uint16_t type = 0;
  uint16_t qclass = 0;
};

struct Query {
  uint16_t id = 0;
  uint16_t flags = 0;  // as received
  bool recursion_desired() const { return flags & 0x0100; }
  int opcode() const { return (flags >> 11) & 0xF; }
  bool is_response() const { return flags & 0x8000; }
  Question question;
  bool has_edns = false;
  uint8_t edns_version = 0;
  uint16_t edns_udp_size = 512;
  bool dnssec_ok = false;
};

// Why a packet is not a query we can answer. kDrop: not even a header (or a
// response): send nothing. kFormErr: answer FORMERR with the id.
enum class ParseError { kDrop, kFormErr };

// Parses a query: exactly one question, then (answer and authority skipped)
// an optional OPT in the additional section.
std::optional<ParseError> ParseQuery(std::string_view packet, Query* query);

// Reads a possibly compressed name at `*offset`, advancing it past the name;
// false on any malformation (bad pointer, loop, over-long name or label).
bool ReadName(std::string_view packet, size_t* offset, std::string* name);

// The smallest TTL of the answer and authority records of a response (for
// caching forwarded answers); nullopt when it does not parse.
std::optional<uint32_t> MinimumTtl(std::string_view response);

// A query for `name` (dotted, no trailing dot) and `type`, class IN, RD set:
// what ordo-dns asks its upstream when it follows a CNAME out of the zone.
std::string BuildQuery(uint16_t id, std::string_view name, uint16_t type);

// One A, AAAA or CNAME record of a response's answer section.
struct AnswerRecord {
  std::string owner;  // as written, no trailing dot
  uint16_t type = 0;
  uint32_t ttl = 0;
  std::string rdata;  // A, AAAA: the address's bytes; CNAME: the target
};
struct ParsedAnswer {
  uint16_t rcode = 0;
  std::vector<AnswerRecord> records;  // in the order written; other types left out
};
// The rcode and the A, AAAA and CNAME answer records of a response (to be
// added to another with ResponseBuilder); nullopt when it does not parse.
std::optional<ParsedAnswer> ParseAnswer(std::string_view response);

// Builds one response. Records are added section by section (answer, then
// authority, then additional); each must fit `max_size` or the message is
// truncated there: the record is left out and TC set, as RFC 2181 and
// CoreDNS do (earlier records stay). Names are compressed against earlier
// owner names (SRV targets are not compressed, RFC 2782).
class ResponseBuilder {
 public:
  // Starts a response to `query` (id, opcode, RD and the question echoed as
  // asked) with rcode; the OPT is echoed when the query had one.
  ResponseBuilder(const Query& query, uint16_t rcode, bool authoritative, size_t max_size);
  // A response to a packet that only had a header (FORMERR): no question.
  static std::string HeaderOnly(uint16_t id, uint16_t flags, uint16_t rcode);

  enum Section { kAnswer, kAuthority, kAdditional };
  bool AddA(Section s, std::string_view owner, uint32_t ttl, const uint8_t ip[4]);
  bool AddAAAA(Section s, std::string_view owner, uint32_t ttl, const uint8_t ip[16]);
  bool AddName(Section s, std::string_view owner, uint16_t type, uint32_t ttl,
               std::string_view target);  // CNAME, PTR, NS
  bool AddSrv(Section s, std::string_view owner, uint32_t ttl, uint16_t priority, uint16_t weight,
              uint16_t port, std::string_view target);
  bool AddTxt(Section s, std::string_view owner, uint32_t ttl, std::string_view text);
  bool AddSoa(Section s, std::string_view owner, uint32_t ttl, std::string_view mname,
              std::string_view rname, uint32_t serial, uint32_t refresh, uint32_t retry,
              uint32_t expire, uint32_t minimum);
  bool truncated() const { return truncated_; }
  // The finished message (the OPT appended last, always).
  std::string Finish();

 private:
  // Starts a record; returns its start offset. `section` orders sections.
  bool Begin(Section s, std::string_view owner, uint16_t type, uint32_t ttl);
  bool Commit(size_t rdlength_at);
  void WriteName(std::string_view name, bool compress);
  void Put16(uint16_t v);
  void Put32(uint32_t v);

  std::string out_;
  size_t max_size_;
  size_t record_start_ = 0;
  bool truncated_ = false;
  Section section_ = kAnswer;
  uint16_t counts_[3] = {0, 0, 0};
  bool edns_ = false;
  uint16_t extended_rcode_ = 0;
  bool dnssec_ok_ = false;
  // Compression targets: where each name suffix written so far starts (only
  // offsets < 0x4000), with a hash of its spelling to skip most comparisons.
  struct Written {
    uint32_t hash;
    uint16_t offset;
  };
  absl::InlinedVector<Written, 32> names_;
  // Whether the name written at `offset` spells `suffix` exactly.
  bool WireEquals(uint16_t offset, std::string_view suffix) const;
};

// "web-0.nginx" <- "WEB-0.Nginx": DNS compares names case-insensitively.
std::string Lower(std::string_view s);

}  // namespace ordo::dns
