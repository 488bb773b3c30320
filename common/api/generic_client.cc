#include "common/api/generic_client.h"

#include <grpcpp/generic/generic_stub.h>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "common/api/kinds.h"
#include "common/status/status_macros.h"
#include "google/protobuf/descriptor.h"
#include "ordo/meta/v1/partial.pb.h"

namespace ordo::api {
namespace {

// The service descriptors register themselves only if their object files are
// linked, and nothing else refers to them in a binary that calls services by
// name: this reference (through volatile, so it is not optimised away) does.
void LinkServiceDescriptors() {
  static const void* volatile tables[] = {
      &descriptor_table_ordo_2fcore_2fv1_2fservices_2eproto,
      &descriptor_table_ordo_2fapps_2fv1_2fservices_2eproto,
      &descriptor_table_ordo_2fstorage_2fv1_2fservices_2eproto,
      &descriptor_table_ordo_2fpolicy_2fv1_2fservices_2eproto,
      &descriptor_table_ordo_2fcoordination_2fv1_2fservices_2eproto,
      &descriptor_table_ordo_2frbac_2fv1_2fservices_2eproto,
      &descriptor_table_ordo_2fsnapshot_2fv1_2fservices_2eproto,
      &descriptor_table_ordo_2fvelero_2fv1_2fservices_2eproto,
  };
  (void)tables[0];
}

const google::protobuf::ServiceDescriptor* FindService(const ResourceInfo& info) {
  LinkServiceDescriptors();
  const auto* kind = info.prototype->GetDescriptor();
  const auto* pool = google::protobuf::DescriptorPool::generated_pool();
  // The service is named for the kind's plural ("Pods", "StorageClasses"),
  // or "<Kind>Service" where the plural is the kind ("EndpointsService").
  for (const std::string& name :
       {absl::StrCat(kind->file()->package(), ".", kind->name(), "s"),
        absl::StrCat(kind->file()->package(), ".", kind->name(), "es"),
        absl::StrCat(kind->file()->package(), ".", kind->name(), "Service")}) {
    const auto* service = pool->FindServiceByName(name);
    if (service == nullptr) continue;
    const auto* create = service->FindMethodByName("Create");
    if (create != nullptr && create->input_type() == kind) return service;
  }
  return nullptr;
}

}  // namespace

GenericClient::GenericClient(std::shared_ptr<grpc::Channel> channel, Clock& clock,
                             ClientOptions options)
    : channel_(channel), stub_(channel), raw_stub_(channel), clock_(clock), options_(options) {}

std::string GenericClient::ServiceOf(const ResourceInfo& info) {
  const auto* service = FindService(info);
  return service == nullptr ? "" : service->full_name();
}

absl::StatusOr<apps::v1::Scale> GenericClient::GetScale(const ResourceInfo& info,
                                                        const std::string& ns,
                                                        const std::string& name) {
  meta::v1::GetRequest req;
  req.set_namespace_(ns);
  req.set_name(name);
  ORDO_ASSIGN_OR_RETURN(MessagePtr scale, Call(info, "GetScale", req));
  return static_cast<const apps::v1::Scale&>(*scale);
}

absl::StatusOr<apps::v1::Scale> GenericClient::UpdateScale(const ResourceInfo& info,
                                                           const apps::v1::Scale& scale) {
  ORDO_ASSIGN_OR_RETURN(MessagePtr updated, Call(info, "UpdateScale", scale));
  return static_cast<const apps::v1::Scale&>(*updated);
}

absl::StatusOr<MessagePtr> GenericClient::Call(const ResourceInfo& info, const std::string& method,
                                               const google::protobuf::Message& request,
                                               const google::protobuf::Message* response_type) {
  const auto* service = FindService(info);
  const auto* m = service == nullptr ? nullptr : service->FindMethodByName(method);
  if (m == nullptr) {
    return absl::UnimplementedError(absl::StrCat(info.kind, " has no ", method, " call"));
  }
  if (response_type == nullptr) {
    response_type =
        google::protobuf::MessageFactory::generated_factory()->GetPrototype(m->output_type());
  }
  MessagePtr response(response_type->New());
  std::string path = absl::StrCat("/", service->full_name(), "/", method);
  absl::Status s = RetryUnavailable(options_, clock_, [&](grpc::ClientContext& ctx) {
    response->Clear();
    absl::Notification done;
    grpc::Status result;
    stub_.UnaryCall(&ctx, path, grpc::StubOptions(), &request, response.get(),
                    [&](grpc::Status st) {
                      result = std::move(st);
                      done.Notify();
                    });
    done.WaitForNotification();
    return result;
  });
  if (!s.ok()) return s;
  return response;
}

absl::Status GenericClient::Watch(const ResourceInfo& info, const meta::v1::ListOptions& options,
                                  absl::Time deadline, const EventFn& on_event,
                                  std::stop_token stop) {
  const auto* service = FindService(info);
  const auto* method = service == nullptr ? nullptr : service->FindMethodByName("Watch");
  if (method == nullptr) return absl::UnimplementedError(absl::StrCat(info.kind, " has no Watch"));
  auto* factory = google::protobuf::MessageFactory::generated_factory();
  const auto* event_type = method->output_type();
  const auto* type_field = event_type->FindFieldByName("type");
  const auto* object_field = event_type->FindFieldByName("object");
  // A server-streaming call through the generic (byte) stub, driven on a
  // completion queue: send the request, then read events one by one.
  grpc::ClientContext ctx;
  ctx.set_deadline(absl::ToChronoTime(deadline));
  std::stop_callback cancel(stop, [&ctx] { ctx.TryCancel(); });
  grpc::CompletionQueue cq;
  auto call = raw_stub_.PrepareCall(&ctx, absl::StrCat("/", service->full_name(), "/Watch"), &cq);
  auto step = [&cq](auto&& start) {
    void* tag = nullptr;
    bool ok = false;
    start(reinterpret_cast<void*>(1));
    return cq.Next(&tag, &ok) && ok;
  };
  std::string request = options.SerializeAsString();
  grpc::Slice slice(request);
  grpc::ByteBuffer request_buffer(&slice, 1);
  bool open = step([&](void* tag) { call->StartCall(tag); }) &&
              step([&](void* tag) { call->Write(request_buffer, tag); }) &&
              step([&](void* tag) { call->WritesDone(tag); });
  absl::Status ended;
  bool stopped = false;
  while (open) {
    grpc::ByteBuffer buffer;
    if (!step([&](void* tag) { call->Read(&buffer, tag); })) break;
    std::vector<grpc::Slice> slices;
    (void)buffer.Dump(&slices);
    std::string bytes;
    for (const auto& s : slices) bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
    MessagePtr event(factory->GetPrototype(event_type)->New());
    if (!event->ParseFromString(bytes)) {
      ended = absl::DataLossError("malformed watch event");
      break;
    }
    auto* r = event->GetReflection();
    std::string type = r->GetString(*event, type_field);
    MessagePtr object(r->ReleaseMessage(event.get(), object_field));
    if (!on_event(type, std::move(object))) {
      stopped = true;
      break;
    }
  }
  if (stopped || !ended.ok()) ctx.TryCancel();
  grpc::Status status;
  step([&](void* tag) { call->Finish(&status, tag); });
  cq.Shutdown();
  void* tag;
  bool ok;
  while (cq.Next(&tag, &ok)) {
  }
  if (!ended.ok()) return ended;
  if (stopped || stop.stop_requested()) return absl::OkStatus();
  return status::FromGrpcStatus(status);
}

absl::StatusOr<MessagePtr> GenericClient::Create(const ResourceInfo& info,
                                                 const google::protobuf::Message& obj) {
  return Call(info, "Create", obj);
}

absl::StatusOr<MessagePtr> GenericClient::Get(const ResourceInfo& info, const std::string& ns,
                                              const std::string& name) {
  meta::v1::GetRequest req;
  req.set_namespace_(ns);
  req.set_name(name);
  return Call(info, "Get", req);
}

std::vector<MessagePtr> TakeItems(google::protobuf::Message& list) {
  const auto* field = list.GetDescriptor()->FindFieldByName("items");
  const auto* reflection = list.GetReflection();
  std::vector<MessagePtr> items(reflection->FieldSize(list, field));
  for (auto it = items.rbegin(); it != items.rend(); ++it) {
    it->reset(reflection->ReleaseLast(&list, field));
  }
  return items;
}

const meta::v1::ListMeta& ListMetaOf(const google::protobuf::Message& list) {
  const auto* field = list.GetDescriptor()->FindFieldByName("metadata");
  return static_cast<const meta::v1::ListMeta&>(list.GetReflection()->GetMessage(list, field));
}

absl::Status GenericClient::ListPages(const ResourceInfo& info,
                                      const meta::v1::ListOptions& options, int64_t page_size,
                                      const PageFn& on_page) {
  return ListPagesAs(info, options, page_size, nullptr, on_page);
}

absl::Status GenericClient::ListMetadataPages(const ResourceInfo& info,
                                              const meta::v1::ListOptions& options,
                                              int64_t page_size, const PageFn& on_page) {
  return ListPagesAs(info, options, page_size,
                     &meta::v1::PartialObjectMetadataList::default_instance(), on_page);
}

absl::Status GenericClient::ListPagesAs(const ResourceInfo& info,
                                        const meta::v1::ListOptions& options, int64_t page_size,
                                        const google::protobuf::Message* page_type,
                                        const PageFn& on_page) {
  meta::v1::ListOptions page_options = options;
  page_options.set_limit(page_size);
  for (;;) {
    ORDO_ASSIGN_OR_RETURN(MessagePtr page, Call(info, "List", page_options, page_type));
    std::string next = ListMetaOf(*page).continue_();
    ORDO_RETURN_IF_ERROR(on_page(*page));
    if (next.empty()) return absl::OkStatus();
    page_options.set_continue_(std::move(next));
  }
}

absl::StatusOr<MessagePtr> GenericClient::List(const ResourceInfo& info,
                                               const meta::v1::ListOptions& options,
                                               int64_t page_size) {
  MessagePtr list;
  ORDO_RETURN_IF_ERROR(
      ListPages(info, options, page_size, [&list](google::protobuf::Message& page) {
        if (list == nullptr) {
          list.reset(page.New());
          list->GetReflection()->Swap(list.get(), &page);
          return absl::OkStatus();
        }
        const auto* items = list->GetDescriptor()->FindFieldByName("items");
        for (MessagePtr& item : TakeItems(page)) {
          list->GetReflection()->AddAllocatedMessage(list.get(), items, item.release());
        }
        return absl::OkStatus();
      }));
  // One list: the first page's revision, nothing to continue.
  const auto* metadata = list->GetDescriptor()->FindFieldByName("metadata");
  static_cast<meta::v1::ListMeta*>(list->GetReflection()->MutableMessage(list.get(), metadata))
      ->clear_continue_();
  return list;
}

absl::StatusOr<MessagePtr> GenericClient::Update(const ResourceInfo& info,
                                                 const google::protobuf::Message& obj) {
  return Call(info, "Update", obj);
}

absl::StatusOr<MessagePtr> GenericClient::UpdateStatus(const ResourceInfo& info,
                                                       const google::protobuf::Message& obj) {
  return Call(info, "UpdateStatus", obj);
}

absl::StatusOr<MessagePtr> GenericClient::Delete(const ResourceInfo& info,
                                                 const meta::v1::DeleteRequest& req) {
  return Call(info, "Delete", req);
}

}  // namespace ordo::api
