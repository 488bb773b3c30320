// FakeUpstream is a DNS server on a loopback UDP port for tests of
// forwarding: example.org A is a CNAME to www.example.org, whose A is
// 192.0.2.7; anything else is NXDOMAIN. It answers from a thread of its own
// until destroyed. Test-only.
#pragma once

#include <arpa/inet.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <thread>

#include "services/dns/wire.h"

namespace ordo::dns::testing {

class FakeUpstream {
 public:
  FakeUpstream() {
    fd_ = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_in at{};
    at.sin_family = AF_INET;
    inet_pton(AF_INET, "127.0.0.1", &at.sin_addr);
    bind(fd_, reinterpret_cast<sockaddr*>(&at), sizeof at);
    socklen_t len = sizeof at;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&at), &len);
    port_ = ntohs(at.sin_port);
    thread_ = std::jthread([this](std::stop_token stop) { Serve(stop); });
  }
  ~FakeUpstream() {
    thread_.request_stop();
    thread_.join();
    close(fd_);
  }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }

 private:
  void Serve(std::stop_token stop) {
    while (!stop.stop_requested()) {
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, 50) <= 0) continue;
      char buf[512];
      sockaddr_storage from{};
      socklen_t from_len = sizeof from;
      ssize_t got =
          recvfrom(fd_, buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&from), &from_len);
      Query q;
      if (got <= 0 || ParseQuery(std::string_view(buf, got), &q).has_value()) continue;
      bool known = q.question.name == "example.org";
      ResponseBuilder reply(q, known ? kNoError : kNXDomain, true, 512);
      if (known) {
        const uint8_t ip[4] = {192, 0, 2, 7};
        reply.AddName(ResponseBuilder::kAnswer, "example.org", kCNAME, 300, "www.example.org");
        reply.AddA(ResponseBuilder::kAnswer, "www.example.org", 300, ip);
      }
      std::string out = reply.Finish();
      sendto(fd_, out.data(), out.size(), 0, reinterpret_cast<sockaddr*>(&from), from_len);
    }
  }

  int fd_ = -1;
  int port_ = 0;
  std::jthread thread_;
};

}  // namespace ordo::dns::testing
