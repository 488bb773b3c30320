#include "common/server/channel.h"

#include <atomic>

namespace ordo::server {

grpc::ChannelArguments ChannelArgs(ChannelOptions options) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(kMaxMessageBytes);
  args.SetMaxSendMessageSize(kMaxMessageBytes);
  args.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, 30'000);
  args.SetInt(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 10'000);
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
