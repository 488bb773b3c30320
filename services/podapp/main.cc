// ordo-podapp: the test workload (see podapp.h). Serves HTTP/1.1 on
// $POD_IP:--port, one request per connection, on one thread (a follower
// polls its primary on a second).
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "common/server/server_main.h"
#include "services/podapp/podapp.h"

ABSL_FLAG(std::string, host, "", "Address to listen on (default: $POD_IP, else 0.0.0.0)");
ABSL_FLAG(int, port, 8080, "Port to listen on");
ABSL_FLAG(std::string, data_dir, "", "Directory holding data.txt for /data (a volume path)");
ABSL_FLAG(std::string, replicate_from, "",
          "Follow this primary (http://HOST[:PORT], e.g. http://db-0.db:80): copy its data "
          "through its change feed and refuse writes. The pod HOST names (its first label is "
          "this pod's hostname) is the primary and ignores the flag, so one template serves "
          "every ordinal of a StatefulSet");
ABSL_FLAG(absl::Duration, replicate_interval, absl::Milliseconds(500),
          "How often a follower asks its primary for changes");
ABSL_FLAG(std::string, unready_file, "/tmp/podapp-unready",
          "While this file exists, /readyz answers 503");

namespace {

const char* Env(const char* name, const char* fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? v : fallback;
}

// Reads one request (headers, then Content-Length bytes of body); false on a
// malformed or truncated request.
bool ReadRequest(int fd, std::string* method, std::string* target, std::string* body) {
  std::string data;
  char buf[4096];
  size_t header_end;
  while ((header_end = data.find("\r\n\r\n")) == std::string::npos) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0 || data.size() > (1 << 16)) return false;
    data.append(buf, n);
  }
  std::vector<std::string> lines = absl::StrSplit(data.substr(0, header_end), "\r\n");
  std::vector<std::string> first = absl::StrSplit(lines[0], ' ');
  if (first.size() < 2) return false;
  *method = first[0];
  *target = first[1];
  size_t length = 0;
  for (size_t i = 1; i < lines.size(); ++i) {
    std::pair<std::string, std::string> kv = absl::StrSplit(lines[i], absl::MaxSplits(':', 1));
    if (absl::AsciiStrToLower(kv.first) == "content-length" &&
        !absl::SimpleAtoi(absl::StripAsciiWhitespace(kv.second), &length)) {
      return false;
    }
  }
  if (length > (1 << 20)) return false;
  *body = data.substr(header_end + 4);
  while (body->size() < length) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) return false;
    body->append(buf, n);
  }
  body->resize(length);
  return true;
}

// GET `path` of `base` ("http://HOST[:PORT]"), one request per connection,
// as the server side answers them.
absl::StatusOr<ordo::podapp::Response> HttpGet(const std::string& base, const std::string& path) {
  absl::string_view rest = base;
  if (!absl::ConsumePrefix(&rest, "http://")) {
    return absl::InvalidArgumentError("--replicate-from must start with http://");
  }
  std::pair<std::string, std::string> host_port = absl::StrSplit(rest, absl::MaxSplits(':', 1));
  std::string port = host_port.second.empty() ? "80" : host_port.second;
  addrinfo hints{};
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (int e = getaddrinfo(host_port.first.c_str(), port.c_str(), &hints, &found); e != 0) {
    return absl::UnavailableError(absl::StrCat(host_port.first, ": ", gai_strerror(e)));
  }
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  timeval timeout{.tv_sec = 2, .tv_usec = 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
  bool connected = connect(fd, found->ai_addr, found->ai_addrlen) == 0;
  freeaddrinfo(found);
  if (!connected) {
    close(fd);
    return absl::UnavailableError(absl::StrCat("connect to ", base, ": ", strerror(errno)));
  }
  std::string request = absl::StrCat("GET ", path, " HTTP/1.1\r\nHost: ", host_port.first,
                                     "\r\nConnection: close\r\n\r\n");
  if (write(fd, request.data(), request.size()) != static_cast<ssize_t>(request.size())) {
    close(fd);
    return absl::UnavailableError(absl::StrCat("write to ", base, ": ", strerror(errno)));
  }
  std::string data;
  char buf[4096];
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) > 0) data.append(buf, n);
  close(fd);
  size_t header_end = data.find("\r\n\r\n");
  std::vector<std::string> status = absl::StrSplit(data.substr(0, data.find("\r\n")), ' ');
  ordo::podapp::Response response;
  if (header_end == std::string::npos || status.size() < 2 ||
      !absl::SimpleAtoi(status[1], &response.code)) {
    return absl::DataLossError(absl::StrCat(base, path, ": not an HTTP response"));
  }
  response.body = data.substr(header_end + 4);
  return response;
}

void WriteAll(int fd, const std::string& s) {
  size_t off = 0;
  while (off < s.size()) {
    ssize_t n = write(fd, s.data() + off, s.size() - off);
    if (n <= 0) return;
    off += n;
  }
}

}  // namespace

int main(int argc, char** argv) {
  ordo::server::ParseFlags(argc, argv, "ordo-podapp: the test workload for ordo pods");
  ordo::podapp::Config config;
  char hostname[256] = {};
  gethostname(hostname, sizeof hostname - 1);
  config.hostname = hostname;
  config.data_dir = absl::GetFlag(FLAGS_data_dir);
  config.unready_file = absl::GetFlag(FLAGS_unready_file);
  std::string host = absl::GetFlag(FLAGS_host);
  if (host.empty()) host = Env("POD_IP", "0.0.0.0");
  int port = absl::GetFlag(FLAGS_port);

  int listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;
  setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  if (inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1 ||
      bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      listen(listener, 64) != 0) {
    std::fprintf(stderr, "ordo-podapp: cannot listen on %s:%d: %m\n", host.c_str(), port);
    return 1;
  }
  std::printf("ordo-podapp %s listening on %s:%d\n", config.hostname.c_str(), host.c_str(), port);
  std::fflush(stdout);
  config.replicate_from = absl::GetFlag(FLAGS_replicate_from);
  if (ordo::podapp::IsPrimaryOf(config.hostname, config.replicate_from)) {
    config.replicate_from.clear();
  }
  if (!config.replicate_from.empty()) {
    if (config.data_dir.empty()) {
      std::fprintf(stderr, "ordo-podapp: --replicate-from needs --data-dir\n");
      return 2;
    }
    // The follower: polls its primary, stores what is new, says so.
    std::thread([config] {
      for (;;) {
        auto copied = ordo::podapp::FollowOnce(
            config, [&](const std::string& path) { return HttpGet(config.replicate_from, path); });
        if (!copied.ok()) {
          std::printf("following %s: %s\n", config.replicate_from.c_str(),
                      std::string(copied.status().message()).c_str());
        } else if (*copied) {
          std::printf("copied a change from %s\n", config.replicate_from.c_str());
        }
        std::fflush(stdout);
        absl::SleepFor(absl::GetFlag(FLAGS_replicate_interval));
      }
    }).detach();
  }
  for (;;) {
    int fd = accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    timeval timeout{.tv_sec = 5, .tv_usec = 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    std::string method, target, body;
    if (!ReadRequest(fd, &method, &target, &body)) {
      WriteAll(fd, "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
      close(fd);
      continue;
    }
    ordo::podapp::Response r = ordo::podapp::Handle(config, method, target, body);
    std::printf("%s %s -> %d\n", method.c_str(), target.c_str(), r.code);
    std::fflush(stdout);
    WriteAll(fd, absl::StrCat("HTTP/1.1 ", r.code, r.code < 400 ? " OK" : " Error",
                              "\r\nContent-Type: text/plain\r\nContent-Length: ", r.body.size(),
                              "\r\nConnection: close\r\n\r\n", r.body));
    close(fd);
    if (r.exit_code.has_value()) return *r.exit_code;
  }
}
