// GenericClient calls any kind's service by name, with messages typed at run
// time: the CLI applies, gets and deletes whatever kinds a manifest holds
// without per-kind code. The service of a kind is found in the generated
// descriptor pool (the one whose Create takes the kind). Same deadlines and
// retries as ResourceClient. Safe to call from many threads at once.
#pragma once

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/impl/codegen/proto_utils.h>

#include <functional>
#include <memory>
#include <stop_token>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/api/resource_client.h"
#include "common/api/resource_info.h"
#include "google/protobuf/message.h"

namespace ordo::api {

using MessagePtr = std::unique_ptr<google::protobuf::Message>;

// Objects per List page when the caller does not say (kubectl's --chunk-size).
inline constexpr int64_t kDefaultPageSize = 500;

// Moves the objects out of a <Kind>List, in order, without copying them
// (a list of 150,000 pods is too large to copy twice); `list` keeps none.
std::vector<MessagePtr> TakeItems(google::protobuf::Message& list);
// A <Kind>List's metadata.
const meta::v1::ListMeta& ListMetaOf(const google::protobuf::Message& list);

class GenericClient {
 public:
  GenericClient(std::shared_ptr<grpc::Channel> channel, Clock& clock, ClientOptions options = {});

  absl::StatusOr<MessagePtr> Create(const ResourceInfo& info, const google::protobuf::Message& obj);
  absl::StatusOr<MessagePtr> Get(const ResourceInfo& info, const std::string& ns,
                                 const std::string& name);
  // Returns the kind's List message (<Kind>List) with every object, read in
  // pages of `page_size` at the first page's revision (0: one unpaged call,
  // which the server may refuse for a large list).
  absl::StatusOr<MessagePtr> List(const ResourceInfo& info, const meta::v1::ListOptions& options,
                                  int64_t page_size = kDefaultPageSize);
  // The same pages one at a time, each handed to on_page (a <Kind>List whose
  // metadata has the list's revision) and dropped after it, so a caller that
  // prints as it goes holds one page, not the list. Stops at on_page's error.
  using PageFn = std::function<absl::Status(google::protobuf::Message& page)>;
  absl::Status ListPages(const ResourceInfo& info, const meta::v1::ListOptions& options,
                         int64_t page_size, const PageFn& on_page);
  // The same pages, each decoded as a meta.v1.PartialObjectMetadataList: the
  // server sends whole objects, the client decodes only their metadata (for
  // `get -o name`, which prints nothing else: a fifth of the decoding work).
  absl::Status ListMetadataPages(const ResourceInfo& info, const meta::v1::ListOptions& options,
                                 int64_t page_size, const PageFn& on_page);
  absl::StatusOr<MessagePtr> Update(const ResourceInfo& info, const google::protobuf::Message& obj);
  // The status subresource (UNIMPLEMENTED for kinds without one).
  absl::StatusOr<MessagePtr> UpdateStatus(const ResourceInfo& info,
                                          const google::protobuf::Message& obj);
  absl::StatusOr<MessagePtr> Delete(const ResourceInfo& info, const meta::v1::DeleteRequest& req);
  // The Scale subresource of kinds that serve it (UNIMPLEMENTED for others).
  // UpdateScale is a compare-and-swap when scale.metadata.resourceVersion is set.
  absl::StatusOr<apps::v1::Scale> GetScale(const ResourceInfo& info, const std::string& ns,
                                           const std::string& name);
  absl::StatusOr<apps::v1::Scale> UpdateScale(const ResourceInfo& info,
                                              const apps::v1::Scale& scale);

  // Follows the kind's Watch from `options`: calls on_event(type, object) for
  // each event until it returns false, the stream ends, or `deadline` passes.
  // Returns how the stream ended (OK when on_event stopped it).
  using EventFn = std::function<bool(const std::string& type, MessagePtr object)>;
  // A stop request on `stop` ends the watch at once (OK).
  absl::Status Watch(const ResourceInfo& info, const meta::v1::ListOptions& options,
                     absl::Time deadline, const EventFn& on_event, std::stop_token stop = {});

  // The fully qualified gRPC service of a kind, e.g. "ordo.apps.v1.StatefulSets".
  static std::string ServiceOf(const ResourceInfo& info);

 private:
  // Calls `method` of the kind's service; the answer is decoded as
  // `response_type` (default: the method's own output type).
  absl::StatusOr<MessagePtr> Call(const ResourceInfo& info, const std::string& method,
                                  const google::protobuf::Message& request,
                                  const google::protobuf::Message* response_type = nullptr);
  absl::Status ListPagesAs(const ResourceInfo& info, const meta::v1::ListOptions& options,
                           int64_t page_size, const google::protobuf::Message* page_type,
                           const PageFn& on_page);

  std::shared_ptr<grpc::Channel> channel_;
  grpc::TemplatedGenericStub<google::protobuf::Message, google::protobuf::Message> stub_;
  grpc::GenericStub raw_stub_;
  Clock& clock_;
  const ClientOptions options_;
};

}  // namespace ordo::api
