#include "common/server/channel.h"

#include <atomic>

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
  std::shared_ptr<grpc::ChannelCredentials> credentials = options.credentials;
  if (credentials == nullptr) credentials = grpc::InsecureChannelCredentials();
  return grpc::CreateCustomChannel(address, credentials, ChannelArgs(options));
}

}  // namespace ordo::server
