// ReflectionClient asks a server's gRPC reflection service
// (grpc.reflection.v1alpha, what grpcurl uses) which services it serves and
// for the descriptors that define them, and builds those into a pool of its
// own, as a client that has no .proto files would. Debian's gRPC installs no
// C++ reflection client, so this one speaks the protocol with the messages
// libgrpc++_reflection registers, as dynamic messages.
// Not synchronised: one thread at a time.
#pragma once

#include <google/protobuf/descriptor.h>
#include <google/protobuf/descriptor_database.h>
#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace ordo::testing {

class ReflectionClient {
 public:
  explicit ReflectionClient(std::shared_ptr<grpc::Channel> channel);

  // The services the server lists (reflection's list_services).
  absl::StatusOr<std::vector<std::string>> ListServices();
  // Fetches the file that defines `service` and every file it imports, and
  // returns the service as a client sees it. NOT_FOUND when the server cannot
  // describe it.
  absl::StatusOr<const google::protobuf::ServiceDescriptor*> DescribeService(
      const std::string& service);

 private:
  // One request on the bidirectional ServerReflectionInfo stream, for its one
  // answer. `field` names the request's oneof member ("list_services").
  absl::StatusOr<std::unique_ptr<google::protobuf::Message>> Ask(const std::string& field,
                                                                 const std::string& value);
  // Adds the file of `symbol` and its imports to database_.
  absl::Status FetchFileContaining(const std::string& symbol);

  std::shared_ptr<grpc::Channel> channel_;
  google::protobuf::SimpleDescriptorDatabase database_;
  google::protobuf::DescriptorPool pool_{&database_};
};

}  // namespace ordo::testing
