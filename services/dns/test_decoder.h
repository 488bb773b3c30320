// A response decoder for ordo-dns's tests: the header's rcode and flags and
// every record as dig prints it ("web-0.nginx.default.svc.cluster.local. 5 A
// 127.2.1.2"), names lower-cased. Test-only; stateless.
#pragma once

#include <arpa/inet.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/dns/wire.h"

namespace ordo::dns::testing {

struct Decoded {
  bool ok = false;
  int rcode = 0;
  bool aa = false, tc = false, rd = false;
  std::vector<std::string> answer, authority, additional;
  int ext_rcode = -1;  // from the OPT; -1 without one
  std::string question;
};

inline uint16_t U16(std::string_view p, size_t at) {
  return static_cast<uint16_t>((static_cast<uint8_t>(p[at]) << 8) |
                               static_cast<uint8_t>(p[at + 1]));
}

inline Decoded Decode(std::string_view p) {
  Decoded d;
  if (p.size() < 12) return d;
  uint16_t flags = U16(p, 2);
  d.rcode = flags & 0xF;
  d.aa = flags & 0x0400;
  d.tc = flags & 0x0200;
  d.rd = flags & 0x0100;
  size_t at = 12;
  std::string name;
  for (int i = 0; i < U16(p, 4); ++i) {
    if (!ReadName(p, &at, &name)) return d;
    d.question = name;
    at += 4;
  }
  int counts[3] = {U16(p, 6), U16(p, 8), U16(p, 10)};
  std::vector<std::string>* sections[3] = {&d.answer, &d.authority, &d.additional};
  for (int s = 0; s < 3; ++s) {
    for (int i = 0; i < counts[s]; ++i) {
      if (!ReadName(p, &at, &name) || at + 10 > p.size()) return d;
      uint16_t type = U16(p, at);
      uint32_t ttl = (uint32_t{U16(p, at + 4)} << 16) | U16(p, at + 6);
      uint16_t rdlength = U16(p, at + 8);
      at += 10;
      size_t rd = at;
      if (at + rdlength > p.size()) return d;
      std::string owner = Lower(name) + ".";
      std::string text;
      char buf[64];
      switch (type) {
        case kA:
          text = absl::StrCat(owner, " ", ttl, " A ",
                              inet_ntop(AF_INET, p.data() + rd, buf, sizeof buf));
          break;
        case kAAAA:
          text = absl::StrCat(owner, " ", ttl, " AAAA ",
                              inet_ntop(AF_INET6, p.data() + rd, buf, sizeof buf));
          break;
        case kSRV: {
          size_t t = rd + 6;
          std::string target;
          ReadName(p, &t, &target);
          text = absl::StrCat(owner, " ", ttl, " SRV ", U16(p, rd), " ", U16(p, rd + 2), " ",
                              U16(p, rd + 4), " ", Lower(target), ".");
          break;
        }
        case kCNAME:
        case kPTR:
        case kNS: {
          size_t t = rd;
          std::string target;
          ReadName(p, &t, &target);
          const char* kind = type == kCNAME ? "CNAME" : type == kPTR ? "PTR" : "NS";
          text = absl::StrCat(owner, " ", ttl, " ", kind, " ", Lower(target), ".");
          break;
        }
        case kSOA: {
          size_t t = rd;
          std::string mname, rname;
          ReadName(p, &t, &mname);
          ReadName(p, &t, &rname);
          uint32_t minimum = (uint32_t{U16(p, t + 16)} << 16) | U16(p, t + 18);
          text = absl::StrCat(owner, " ", ttl, " SOA ", Lower(mname), ". ", Lower(rname), ". min ",
                              minimum);
          break;
        }
        case kTXT:
          text = absl::StrCat(owner, " ", ttl, " TXT \"",
                              std::string(p.substr(rd + 1, static_cast<uint8_t>(p[rd]))), "\"");
          break;
        case kOPT:
          d.ext_rcode = static_cast<int>(ttl >> 24);
          text = "OPT";
          break;
        default:
          text = absl::StrCat(owner, " ", ttl, " TYPE", type);
      }
      if (type != kOPT) sections[s]->push_back(text);
      at += rdlength;
    }
  }
  d.ok = true;
  return d;
}

// A query for `name` `type`, optionally with an OPT of `udp_size` (0: none).
inline std::string MakeQuery(const std::string& name, uint16_t type, uint16_t udp_size = 0,
                             uint16_t id = 0x1234, uint8_t edns_version = 0,
                             uint16_t qclass = kClassIN) {
  std::string q;
  auto put16 = [&](uint16_t v) {
    q.push_back(static_cast<char>(v >> 8));
    q.push_back(static_cast<char>(v));
  };
  put16(id);
  put16(0x0100);  // RD
  put16(1);
  put16(0);
  put16(0);
  put16(udp_size ? 1 : 0);
  size_t start = 0;
  while (start <= name.size() && !name.empty()) {
    size_t dot = name.find('.', start);
    if (dot == std::string::npos) dot = name.size();
    q.push_back(static_cast<char>(dot - start));
    q.append(name, start, dot - start);
    start = dot + 1;
  }
  q.push_back('\0');
  put16(type);
  put16(qclass);
  if (udp_size) {
    q.push_back('\0');
    put16(kOPT);
    put16(udp_size);
    q.push_back('\0');
    q.push_back(static_cast<char>(edns_version));
    put16(0);
    put16(0);
  }
  return q;
}

}  // namespace ordo::dns::testing
