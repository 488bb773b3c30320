#include "services/dns/wire.h"

#include <algorithm>

namespace ordo::dns {
namespace {

constexpr size_t kHeaderSize = 12;
constexpr size_t kMaxNameWire = 255;
constexpr size_t kOptSize = 11;

uint16_t Get16(std::string_view p, size_t at) {
  return static_cast<uint16_t>((static_cast<uint8_t>(p[at]) << 8) |
                               static_cast<uint8_t>(p[at + 1]));
}
uint32_t Get32(std::string_view p, size_t at) {
  return (uint32_t{Get16(p, at)} << 16) | Get16(p, at + 2);
}

// Skips one resource record at `*offset`; false if it runs past the packet.
bool SkipRecord(std::string_view p, size_t* offset) {
  std::string ignored;
  if (!ReadName(p, offset, &ignored)) return false;
  if (*offset + 10 > p.size()) return false;
  size_t rdlength = Get16(p, *offset + 8);
  *offset += 10;
  if (*offset + rdlength > p.size()) return false;
  *offset += rdlength;
  return true;
}

// The labels of a dotted name, unescaping "\." and "\\".
std::vector<std::string> Labels(std::string_view name) {
  std::vector<std::string> out;
  if (name.empty()) return out;
  std::string label;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    if (c == '\\' && i + 1 < name.size()) {
      label.push_back(name[++i]);
    } else if (c == '.') {
      out.push_back(std::move(label));
      label.clear();
    } else {
      label.push_back(c);
    }
  }
  out.push_back(std::move(label));
  return out;
}

}  // namespace

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool ReadName(std::string_view p, size_t* offset, std::string* name) {
  name->clear();
  size_t at = *offset;
  size_t wire_length = 0;
  int jumps = 0;
  bool jumped = false;
  for (;;) {
    if (at >= p.size()) return false;
    uint8_t len = static_cast<uint8_t>(p[at]);
    if ((len & 0xC0) == 0xC0) {
      if (at + 1 >= p.size()) return false;
      size_t target = ((len & 0x3F) << 8) | static_cast<uint8_t>(p[at + 1]);
      // Pointers must go backwards, and not for ever.
      if (target >= at || ++jumps > 64) return false;
      if (!jumped) *offset = at + 2;
      jumped = true;
      at = target;
      continue;
    }
    if ((len & 0xC0) != 0) return false;  // 0x40/0x80: extended label types
    if (len == 0) {
      if (!jumped) *offset = at + 1;
      return wire_length + 1 <= kMaxNameWire;
    }
    if (at + 1 + len > p.size()) return false;
    wire_length += len + 1;
    if (wire_length + 1 > kMaxNameWire) return false;
    if (!name->empty()) name->push_back('.');
    for (size_t i = 0; i < len; ++i) {
      char c = p[at + 1 + i];
      if (c == '.' || c == '\\') name->push_back('\\');
      name->push_back(c);
    }
    at += 1 + len;
  }
}

std::optional<ParseError> ParseQuery(std::string_view p, Query* q) {
  *q = Query();
  if (p.size() < kHeaderSize) return ParseError::kDrop;
  q->id = Get16(p, 0);
  q->flags = Get16(p, 2);
  if (q->is_response()) return ParseError::kDrop;
  uint16_t qdcount = Get16(p, 4), ancount = Get16(p, 6), nscount = Get16(p, 8),
           arcount = Get16(p, 10);
  if (qdcount != 1) return ParseError::kFormErr;
  size_t at = kHeaderSize;
  if (!ReadName(p, &at, &q->question.name)) return ParseError::kFormErr;
  if (at + 4 > p.size()) return ParseError::kFormErr;
  q->question.type = Get16(p, at);
  q->question.qclass = Get16(p, at + 2);
  at += 4;
  for (int i = 0; i < ancount + nscount; ++i) {
    if (!SkipRecord(p, &at)) return ParseError::kFormErr;
  }
  for (int i = 0; i < arcount; ++i) {
    std::string owner;
    size_t start = at;
    if (!ReadName(p, &at, &owner)) return ParseError::kFormErr;
    if (at + 10 > p.size()) return ParseError::kFormErr;
    uint16_t type = Get16(p, at);
    if (type == kOPT) {
      if (q->has_edns || !owner.empty()) return ParseError::kFormErr;  // one OPT, at the root
      q->has_edns = true;
      q->edns_udp_size = std::max<uint16_t>(512, Get16(p, at + 2));
      uint32_t ttl = Get32(p, at + 4);
      q->edns_version = static_cast<uint8_t>((ttl >> 16) & 0xFF);
      q->dnssec_ok = ttl & 0x8000;
    }
    at = start;
    if (!SkipRecord(p, &at)) return ParseError::kFormErr;
  }
  return std::nullopt;
}

std::optional<uint32_t> MinimumTtl(std::string_view p) {
  if (p.size() < kHeaderSize) return std::nullopt;
  uint16_t qdcount = Get16(p, 4), ancount = Get16(p, 6), nscount = Get16(p, 8);
  size_t at = kHeaderSize;
  std::string name;
  for (int i = 0; i < qdcount; ++i) {
    if (!ReadName(p, &at, &name) || at + 4 > p.size()) return std::nullopt;
    at += 4;
  }
  std::optional<uint32_t> minimum;
  for (int i = 0; i < ancount + nscount; ++i) {
    size_t start = at;
    if (!ReadName(p, &at, &name) || at + 10 > p.size()) return std::nullopt;
    uint32_t ttl = Get32(p, at + 4);
    minimum = minimum.has_value() ? std::min(*minimum, ttl) : ttl;
    at = start;
    if (!SkipRecord(p, &at)) return std::nullopt;
  }
  return minimum.value_or(0);
}

std::string BuildQuery(uint16_t id, std::string_view name, uint16_t type) {
  std::string q;
  auto put16 = [&q](uint16_t v) {
    q.push_back(static_cast<char>(v >> 8));
    q.push_back(static_cast<char>(v));
  };
  put16(id);
  put16(0x0100);  // RD
  put16(1);       // one question
  put16(0);
  put16(0);
  put16(0);
  for (const std::string& label : Labels(name)) {
    q.push_back(static_cast<char>(std::min<size_t>(label.size(), 63)));
    q.append(label, 0, std::min<size_t>(label.size(), 63));
  }
  q.push_back('\0');
  put16(type);
  put16(kClassIN);
  return q;
}

std::optional<ParsedAnswer> ParseAnswer(std::string_view p) {
  if (p.size() < kHeaderSize) return std::nullopt;
  ParsedAnswer out;
  out.rcode = Get16(p, 2) & 0xF;
  uint16_t qdcount = Get16(p, 4), ancount = Get16(p, 6);
  size_t at = kHeaderSize;
  std::string name;
  for (int i = 0; i < qdcount; ++i) {
    if (!ReadName(p, &at, &name) || at + 4 > p.size()) return std::nullopt;
    at += 4;
  }
  for (int i = 0; i < ancount; ++i) {
    AnswerRecord r;
    if (!ReadName(p, &at, &r.owner) || at + 10 > p.size()) return std::nullopt;
    r.type = Get16(p, at);
    r.ttl = Get32(p, at + 4);
    size_t rdlength = Get16(p, at + 8);
    at += 10;
    if (at + rdlength > p.size()) return std::nullopt;
    if ((r.type == kA && rdlength == 4) || (r.type == kAAAA && rdlength == 16)) {
      r.rdata.assign(p.substr(at, rdlength));
      out.records.push_back(std::move(r));
    } else if (r.type == kCNAME) {
      size_t target = at;
      if (!ReadName(p, &target, &r.rdata)) return std::nullopt;
      out.records.push_back(std::move(r));
    }
    at += rdlength;
  }
  return out;
}

std::string ResponseBuilder::HeaderOnly(uint16_t id, uint16_t flags, uint16_t rcode) {
  std::string out(kHeaderSize, '\0');
  uint16_t f = static_cast<uint16_t>(0x8000 | (flags & 0x7900) | (rcode & 0xF));
  out[0] = static_cast<char>(id >> 8);
  out[1] = static_cast<char>(id);
  out[2] = static_cast<char>(f >> 8);
  out[3] = static_cast<char>(f);
  return out;
}

ResponseBuilder::ResponseBuilder(const Query& query, uint16_t rcode, bool authoritative,
                                 size_t max_size)
    : max_size_(max_size),
      edns_(query.has_edns),
      extended_rcode_(rcode >> 4),
      dnssec_ok_(query.dnssec_ok) {
  if (edns_) max_size_ -= kOptSize;  // room kept for the OPT
  out_.reserve(512);
  Put16(query.id);
  // QR, the opcode and RD echoed, AA when ours, the low rcode bits.
  uint16_t flags = static_cast<uint16_t>(0x8000 | (query.flags & 0x7900) | (rcode & 0xF));
  if (authoritative) flags |= 0x0400;
  Put16(flags);
  Put16(1);  // the question
  Put16(0);
  Put16(0);
  Put16(0);
  WriteName(query.question.name, true);
  Put16(query.question.type);
  Put16(query.question.qclass);
}

void ResponseBuilder::Put16(uint16_t v) {
  out_.push_back(static_cast<char>(v >> 8));
  out_.push_back(static_cast<char>(v));
}

void ResponseBuilder::Put32(uint32_t v) {
  Put16(static_cast<uint16_t>(v >> 16));
  Put16(static_cast<uint16_t>(v));
}

namespace {
uint32_t HashName(std::string_view s) {
  uint32_t h = 2166136261u;
  for (unsigned char c : s) h = (h ^ c) * 16777619u;
  return h;
}
}  // namespace

bool ResponseBuilder::WireEquals(uint16_t offset, std::string_view suffix) const {
  size_t at = offset;
  size_t pos = 0;
  for (int hops = 0; hops < 64; ++hops) {
    if (at >= out_.size()) return false;
    uint8_t len = static_cast<uint8_t>(out_[at]);
    if ((len & 0xC0) == 0xC0) {
      at = ((len & 0x3F) << 8) | static_cast<uint8_t>(out_[at + 1]);
      continue;
    }
    if (len == 0) return pos == suffix.size() + 1 || (suffix.empty() && pos == 0);
    if (pos > 0 && pos <= suffix.size() && suffix[pos - 1] != '.') return false;
    if (pos > suffix.size() || suffix.size() - pos < len) return false;
    if (suffix.compare(pos, len, out_, at + 1, len) != 0) return false;
    pos += len + 1;
    at += 1 + len;
    if (pos - 1 < suffix.size() && suffix[pos - 1] != '.') return false;
  }
  return false;
}

void ResponseBuilder::WriteName(std::string_view name, bool compress) {
  if (name.find('\\') != std::string_view::npos) {
    // Escaped dots inside labels (rare): written label by label, uncompressed.
    for (const std::string& label : Labels(name)) {
      out_.push_back(static_cast<char>(std::min<size_t>(label.size(), 63)));
      out_.append(label, 0, std::min<size_t>(label.size(), 63));
    }
    out_.push_back('\0');
    return;
  }
  size_t pos = 0;
  while (pos < name.size()) {
    std::string_view suffix = name.substr(pos);
    uint32_t hash = HashName(suffix);
    if (compress) {
      for (const auto& w : names_) {
        if (w.hash == hash && WireEquals(w.offset, suffix)) {
          Put16(static_cast<uint16_t>(0xC000 | w.offset));
          return;
        }
      }
    }
    if (out_.size() < 0x4000) names_.push_back({hash, static_cast<uint16_t>(out_.size())});
    size_t dot = name.find('.', pos);
    if (dot == std::string_view::npos) dot = name.size();
    size_t len = std::min<size_t>(dot - pos, 63);
    out_.push_back(static_cast<char>(len));
    out_.append(name.data() + pos, len);
    pos = dot + 1;
  }
  out_.push_back('\0');
}

bool ResponseBuilder::Begin(Section s, std::string_view owner, uint16_t type, uint32_t ttl) {
  if (truncated_) return false;
  section_ = s;
  record_start_ = out_.size();
  WriteName(owner, true);
  Put16(type);
  Put16(kClassIN);
  Put32(ttl);
  Put16(0);  // rdlength, filled by Commit
  return true;
}

bool ResponseBuilder::Commit(size_t rdlength_at) {
  if (out_.size() > max_size_) {
    out_.resize(record_start_);
    names_.erase(std::remove_if(names_.begin(), names_.end(),
                                [&](const Written& n) { return n.offset >= record_start_; }),
                 names_.end());
    truncated_ = true;
    return false;
  }
  size_t rdlength = out_.size() - rdlength_at - 2;
  out_[rdlength_at] = static_cast<char>(rdlength >> 8);
  out_[rdlength_at + 1] = static_cast<char>(rdlength);
  ++counts_[section_];
  return true;
}

bool ResponseBuilder::AddA(Section s, std::string_view owner, uint32_t ttl, const uint8_t ip[4]) {
  if (!Begin(s, owner, kA, ttl)) return false;
  size_t rd = out_.size() - 2;
  out_.append(reinterpret_cast<const char*>(ip), 4);
  return Commit(rd);
}

bool ResponseBuilder::AddAAAA(Section s, std::string_view owner, uint32_t ttl,
                              const uint8_t ip[16]) {
  if (!Begin(s, owner, kAAAA, ttl)) return false;
  size_t rd = out_.size() - 2;
  out_.append(reinterpret_cast<const char*>(ip), 16);
  return Commit(rd);
}

bool ResponseBuilder::AddName(Section s, std::string_view owner, uint16_t type, uint32_t ttl,
                              std::string_view target) {
  if (!Begin(s, owner, type, ttl)) return false;
  size_t rd = out_.size() - 2;
  WriteName(target, true);
  return Commit(rd);
}

bool ResponseBuilder::AddSrv(Section s, std::string_view owner, uint32_t ttl, uint16_t priority,
                             uint16_t weight, uint16_t port, std::string_view target) {
  if (!Begin(s, owner, kSRV, ttl)) return false;
  size_t rd = out_.size() - 2;
  Put16(priority);
  Put16(weight);
  Put16(port);
  WriteName(target, false);
  return Commit(rd);
}

bool ResponseBuilder::AddTxt(Section s, std::string_view owner, uint32_t ttl,
                             std::string_view text) {
  if (!Begin(s, owner, kTXT, ttl)) return false;
  size_t rd = out_.size() - 2;
  out_.push_back(static_cast<char>(std::min<size_t>(text.size(), 255)));
  out_.append(text.substr(0, 255));
  return Commit(rd);
}

bool ResponseBuilder::AddSoa(Section s, std::string_view owner, uint32_t ttl,
                             std::string_view mname, std::string_view rname, uint32_t serial,
                             uint32_t refresh, uint32_t retry, uint32_t expire, uint32_t minimum) {
  if (!Begin(s, owner, kSOA, ttl)) return false;
  size_t rd = out_.size() - 2;
  WriteName(mname, true);
  WriteName(rname, true);
  Put32(serial);
  Put32(refresh);
  Put32(retry);
  Put32(expire);
  Put32(minimum);
  return Commit(rd);
}

std::string ResponseBuilder::Finish() {
  if (edns_) {
    out_.push_back('\0');  // the root
    Put16(kOPT);
    Put16(1232);  // what we accept: the DNS flag day's safe size
    Put32((uint32_t{extended_rcode_} << 24) | (dnssec_ok_ ? 0x8000u : 0u));
    Put16(0);
    ++counts_[kAdditional];
  }
  out_[6] = static_cast<char>(counts_[kAnswer] >> 8);
  out_[7] = static_cast<char>(counts_[kAnswer]);
  out_[8] = static_cast<char>(counts_[kAuthority] >> 8);
  out_[9] = static_cast<char>(counts_[kAuthority]);
  out_[10] = static_cast<char>(counts_[kAdditional] >> 8);
  out_[11] = static_cast<char>(counts_[kAdditional]);
  if (truncated_) out_[2] = static_cast<char>(out_[2] | 0x02);
  return std::move(out_);
}

}  // namespace ordo::dns
