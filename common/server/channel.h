// The one way ordo's components and tools dial a gRPC server, and the limits
// both ends agree on. Every channel gets:
//   - a receive limit of kMaxMessageBytes, the same as the servers' send
//     limit, so an answer too big is refused by the server with a clear
//     RESOURCE_EXHAUSTED (a List tells the caller to page) instead of failing
//     in the client with gRPC's default 4 MB limit;
//   - keepalive pings every 30 s while calls are open, so a watch on a dead
//     connection ends within 40 s (servers accept pings that often);
// Retries are the callers' (api::ClientOptions: UNAVAILABLE with back-off).
// Safe to call from any thread.
#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace ordo::server {

// The largest message either end sends or accepts.
inline constexpr int kMaxMessageBytes = 64 << 20;

struct ChannelOptions {
  // Mutual TLS and tokens (security::NewChannelCredentials); null dials plaintext.
  std::shared_ptr<grpc::ChannelCredentials> credentials;
  // A connection of its own rather than one shared with other channels to
  // the same address (load spread like separate clients).
  bool own_connection = false;
};

// `address` is a gRPC target (HOST:PORT), or several HOST:PORTs separated by
// commas (every component's and ordoctl's --server): those go through
// NewChannelToAny, and one that does not resolve gives a channel whose every
// call fails UNAVAILABLE naming it.
std::shared_ptr<grpc::Channel> NewChannel(const std::string& address, ChannelOptions options = {});

// A channel to whichever of several addresses of one service answers (etcd's
// members, several api-servers): each "host:port" (an http:// or https://
// prefix is dropped) is resolved once, here, and calls go round robin over
// the addresses that are up. With TLS, the
// servers' certificates are checked against the first address's host name.
// INVALID_ARGUMENT names an address that is empty, has no port, or does not
// resolve.
absl::StatusOr<std::shared_ptr<grpc::Channel>> NewChannelToAny(
    const std::vector<std::string>& addresses, ChannelOptions options = {});

// The channel arguments NewChannel uses (for the rare caller that adds more).
grpc::ChannelArguments ChannelArgs(ChannelOptions options = {});

}  // namespace ordo::server
