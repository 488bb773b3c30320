#include "common/testing/reflection_client.h"

#include <google/protobuf/descriptor.pb.h>
#include <google/protobuf/dynamic_message.h>
#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/impl/codegen/rpc_method.h>
#include <grpcpp/support/sync_stream.h>

#include <chrono>

#include "absl/strings/str_cat.h"

namespace ordo::testing {
namespace {

namespace pb = google::protobuf;

constexpr char kMethod[] = "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo";

const pb::Descriptor* ReflectionType(const char* name) {
  return pb::DescriptorPool::generated_pool()->FindMessageTypeByName(
      absl::StrCat("grpc.reflection.v1alpha.", name));
}

grpc::ByteBuffer ToByteBuffer(const pb::Message& message) {
  grpc::Slice slice(message.SerializeAsString());
  return grpc::ByteBuffer(&slice, 1);
}

absl::Status ParseByteBuffer(const grpc::ByteBuffer& buffer, pb::Message* message) {
  std::vector<grpc::Slice> slices;
  if (!buffer.Dump(&slices).ok()) return absl::InternalError("cannot read the answer");
  std::string bytes;
  for (const grpc::Slice& s : slices)
    bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
  if (!message->ParseFromString(bytes)) return absl::InternalError("the answer does not parse");
  return absl::OkStatus();
}

const pb::Message& SubMessage(const pb::Message& message, const char* field) {
  return message.GetReflection()->GetMessage(message,
                                             message.GetDescriptor()->FindFieldByName(field));
}

}  // namespace

ReflectionClient::ReflectionClient(std::shared_ptr<grpc::Channel> channel)
    : channel_(std::move(channel)) {
  // The reflection messages' descriptors register when libgrpc++_reflection
  // loads, and the linker keeps that library only if something of it is
  // used: a plugin object (never added to a server) is that use.
  static auto* const keep_reflection_linked = new grpc::reflection::ProtoServerReflectionPlugin();
  (void)keep_reflection_linked;
}

absl::StatusOr<std::unique_ptr<pb::Message>> ReflectionClient::Ask(const std::string& field,
                                                                   const std::string& value) {
  const pb::Descriptor* request_type = ReflectionType("ServerReflectionRequest");
  const pb::Descriptor* response_type = ReflectionType("ServerReflectionResponse");
  if (request_type == nullptr || response_type == nullptr) {
    return absl::FailedPreconditionError("libgrpc++_reflection's messages are not linked in");
  }
  static pb::DynamicMessageFactory* factory = new pb::DynamicMessageFactory();
  std::unique_ptr<pb::Message> request(factory->GetPrototype(request_type)->New());
  request->GetReflection()->SetString(request.get(), request_type->FindFieldByName(field), value);

  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  // The generated stub's own path to a bidirectional stream, with the
  // messages as bytes since their C++ classes have no installed header.
  std::unique_ptr<grpc::ClientReaderWriter<grpc::ByteBuffer, grpc::ByteBuffer>> stream(
      grpc::internal::ClientReaderWriterFactory<grpc::ByteBuffer, grpc::ByteBuffer>::Create(
          channel_.get(),
          grpc::internal::RpcMethod(kMethod, grpc::internal::RpcMethod::BIDI_STREAMING), &context));
  stream->Write(ToByteBuffer(*request));
  stream->WritesDone();
  grpc::ByteBuffer answer;
  bool answered = stream->Read(&answer);
  grpc::Status finished = stream->Finish();
  if (!finished.ok()) {
    return absl::Status(static_cast<absl::StatusCode>(finished.error_code()),
                        finished.error_message());
  }
  if (!answered) return absl::UnavailableError("the reflection stream ended without an answer");
  std::unique_ptr<pb::Message> response(factory->GetPrototype(response_type)->New());
  if (absl::Status parsed = ParseByteBuffer(answer, response.get()); !parsed.ok()) return parsed;
  const pb::FieldDescriptor* error = response_type->FindFieldByName("error_response");
  if (response->GetReflection()->HasField(*response, error)) {
    const pb::Message& e = response->GetReflection()->GetMessage(*response, error);
    return absl::NotFoundError(absl::StrCat(
        field, " ", value, ": ",
        e.GetReflection()->GetString(e, e.GetDescriptor()->FindFieldByName("error_message"))));
  }
  return response;
}

absl::StatusOr<std::vector<std::string>> ReflectionClient::ListServices() {
  auto response = Ask("list_services", "*");
  if (!response.ok()) return response.status();
  const pb::Message& list = SubMessage(**response, "list_services_response");
  const pb::FieldDescriptor* services = list.GetDescriptor()->FindFieldByName("service");
  std::vector<std::string> names;
  for (int i = 0; i < list.GetReflection()->FieldSize(list, services); ++i) {
    const pb::Message& s = list.GetReflection()->GetRepeatedMessage(list, services, i);
    names.push_back(s.GetReflection()->GetString(s, s.GetDescriptor()->FindFieldByName("name")));
  }
  return names;
}

absl::Status ReflectionClient::FetchFileContaining(const std::string& symbol) {
  std::vector<std::pair<std::string, std::string>> wanted = {{"file_containing_symbol", symbol}};
  while (!wanted.empty()) {
    auto [field, value] = wanted.back();
    wanted.pop_back();
    auto response = Ask(field, value);
    if (!response.ok()) return response.status();
    const pb::Message& files = SubMessage(**response, "file_descriptor_response");
    const pb::FieldDescriptor* protos =
        files.GetDescriptor()->FindFieldByName("file_descriptor_proto");
    for (int i = 0; i < files.GetReflection()->FieldSize(files, protos); ++i) {
      pb::FileDescriptorProto file;
      if (!file.ParseFromString(files.GetReflection()->GetRepeatedString(files, protos, i))) {
        return absl::InternalError(
            absl::StrCat("a file descriptor for ", value, " does not parse"));
      }
      pb::FileDescriptorProto known;
      if (database_.FindFileByName(file.name(), &known)) continue;
      database_.Add(file);
      // The server sends imports along; ask for any it left out.
      for (const std::string& dependency : file.dependency()) {
        if (!database_.FindFileByName(dependency, &known)) {
          wanted.emplace_back("file_by_filename", dependency);
        }
      }
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<const pb::ServiceDescriptor*> ReflectionClient::DescribeService(
    const std::string& service) {
  // The pool remembers a miss, so fetch before asking it.
  pb::FileDescriptorProto known;
  if (!database_.FindFileContainingSymbol(service, &known)) {
    if (absl::Status fetched = FetchFileContaining(service); !fetched.ok()) return fetched;
  }
  const pb::ServiceDescriptor* descriptor = pool_.FindServiceByName(service);
  if (descriptor == nullptr) {
    return absl::NotFoundError(
        absl::StrCat(service, ": the descriptors the server sent do not define it"));
  }
  return descriptor;
}

}  // namespace ordo::testing
