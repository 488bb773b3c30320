#include "common/server/channel.h"

#include <netdb.h>
#include <sys/socket.h>

#include <atomic>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace ordo::server {

grpc::ChannelArguments ChannelArgs(ChannelOptions options) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(kMaxMessageBytes);
  args.SetMaxSendMessageSize(kMaxMessageBytes);
  args.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, 30'000);
  args.SetInt(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 10'000);
  // gRPC 1.51's client stops pinging after two pings with no data sent, and
  // spaces pings without data 5 minutes apart: a quiet watch would go
  // unchecked. Keep pinging every 30 s (servers accept 5 s, server_main.h).
  args.SetInt(GRPC_ARG_HTTP2_MAX_PINGS_WITHOUT_DATA, 0);
  args.SetInt(GRPC_ARG_HTTP2_MIN_SENT_PING_INTERVAL_WITHOUT_DATA_MS, 30'000);
  if (options.own_connection) {
    // Channels with different arguments never share a connection.
    static std::atomic<int> next_id{0};
    args.SetInt("ordo.channel_id", next_id++);
  }
  return args;
}

std::shared_ptr<grpc::Channel> NewChannel(const std::string& address, ChannelOptions options) {
  if (absl::StrContains(address, ',')) {
    std::vector<std::string> addresses = absl::StrSplit(address, ',', absl::SkipWhitespace());
    auto any = NewChannelToAny(addresses, options);
    if (any.ok()) return *std::move(any);
    // A target gRPC cannot resolve: each call then fails with the reason.
    return grpc::CreateCustomChannel(absl::StrCat("unresolvable:", any.status().message()),
                                     grpc::InsecureChannelCredentials(), ChannelArgs(options));
  }
  std::shared_ptr<grpc::ChannelCredentials> credentials = options.credentials;
  if (credentials == nullptr) credentials = grpc::InsecureChannelCredentials();
  return grpc::CreateCustomChannel(address, credentials, ChannelArgs(options));
}

namespace {

struct HostPort {
  std::string host;
  std::string port;
};

absl::StatusOr<HostPort> SplitHostPort(absl::string_view address) {
  absl::string_view rest = address;
  if (!absl::ConsumePrefix(&rest, "https://")) absl::ConsumePrefix(&rest, "http://");
  absl::ConsumeSuffix(&rest, "/");
  size_t colon = rest.rfind(':');
  int port = 0;
  if (colon == absl::string_view::npos || colon == 0 ||
      !absl::SimpleAtoi(rest.substr(colon + 1), &port) || port <= 0 || port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("address \"", address, "\": want host:port, e.g. 127.0.0.1:2379"));
  }
  absl::string_view host = rest.substr(0, colon);
  if (absl::StartsWith(host, "[") && absl::EndsWith(host, "]")) {
    host = host.substr(1, host.size() - 2);
  }
  return HostPort{std::string(host), std::string(rest.substr(colon + 1))};
}

// Every address `hp` resolves to, in gRPC's "ipv4:" / "ipv6:" target form
// (without the scheme), split by family.
absl::Status Resolve(const HostPort& hp, std::vector<std::string>& v4,
                     std::vector<std::string>& v6) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  int rc = getaddrinfo(hp.host.c_str(), hp.port.c_str(), &hints, &found);
  if (rc != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("address ", hp.host, ":", hp.port, " does not resolve: ", gai_strerror(rc)));
  }
  for (addrinfo* a = found; a != nullptr; a = a->ai_next) {
    char ip[NI_MAXHOST];
    if (getnameinfo(a->ai_addr, a->ai_addrlen, ip, sizeof ip, nullptr, 0, NI_NUMERICHOST) != 0) {
      continue;
    }
    if (a->ai_family == AF_INET) v4.push_back(absl::StrCat(ip, ":", hp.port));
    if (a->ai_family == AF_INET6) v6.push_back(absl::StrCat("[", ip, "]:", hp.port));
  }
  freeaddrinfo(found);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::shared_ptr<grpc::Channel>> NewChannelToAny(
    const std::vector<std::string>& addresses, ChannelOptions options) {
  if (addresses.empty()) return absl::InvalidArgumentError("no address given");
  std::vector<std::string> v4, v6;
  std::string first_host;
  for (const std::string& address : addresses) {
    absl::StatusOr<HostPort> hp = SplitHostPort(address);
    if (!hp.ok()) return hp.status();
    if (first_host.empty()) first_host = hp->host;
    if (absl::Status resolved = Resolve(*hp, v4, v6); !resolved.ok()) return resolved;
  }
  // gRPC takes one family per static target; IPv4 where any resolved so.
  std::string target = !v4.empty() ? absl::StrCat("ipv4:", absl::StrJoin(v4, ","))
                                   : absl::StrCat("ipv6:", absl::StrJoin(v6, ","));
  grpc::ChannelArguments args = ChannelArgs(options);
  args.SetLoadBalancingPolicyName("round_robin");
  std::shared_ptr<grpc::ChannelCredentials> credentials = options.credentials;
  if (credentials == nullptr) {
    credentials = grpc::InsecureChannelCredentials();
  } else {
    args.SetSslTargetNameOverride(first_host);
  }
  return grpc::CreateCustomChannel(target, credentials, args);
}

}  // namespace ordo::server
