#include "services/api-server/object_access.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"

namespace ordo::apiserver {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Reflection;

namespace {

const FieldDescriptor* Field(const Message& obj, absl::string_view name) {
  return obj.GetDescriptor()->FindFieldByName(std::string(name));
}

const FieldDescriptor* FieldByJsonName(const Descriptor* d, absl::string_view json_name) {
  for (int i = 0; i < d->field_count(); ++i) {
    if (d->field(i)->json_name() == json_name) return d->field(i);
  }
  return nullptr;
}

absl::Status Unsupported(absl::string_view path) {
  return absl::InvalidArgumentError(absl::StrCat("field label not supported: ", path));
}

}  // namespace

const meta::v1::ObjectMeta& Meta(const Message& obj) {
  return static_cast<const meta::v1::ObjectMeta&>(
      obj.GetReflection()->GetMessage(obj, Field(obj, "metadata")));
}

meta::v1::ObjectMeta* MutableMeta(Message& obj) {
  return static_cast<meta::v1::ObjectMeta*>(
      obj.GetReflection()->MutableMessage(&obj, Field(obj, "metadata")));
}

void SetTypeMeta(Message& obj, const ResourceInfo& info) {
  const Reflection* r = obj.GetReflection();
  r->SetString(&obj, Field(obj, "api_version"), info.ApiVersion());
  r->SetString(&obj, Field(obj, "kind"), info.kind);
}

bool HasField(const Message& obj, absl::string_view field) { return Field(obj, field) != nullptr; }

void CopyField(const Message& from, Message& to, absl::string_view field) {
  const FieldDescriptor* f = Field(to, field);
  if (f == nullptr) return;
  const Reflection* r = to.GetReflection();
  if (from.GetReflection()->HasField(from, f)) {
    r->MutableMessage(&to, f)->CopyFrom(from.GetReflection()->GetMessage(from, f));
  } else {
    r->ClearField(&to, f);
  }
}

bool FieldEquals(const Message& a, const Message& b, absl::string_view field) {
  const FieldDescriptor* f = Field(a, field);
  if (f == nullptr) return true;
  bool has_a = a.GetReflection()->HasField(a, f), has_b = b.GetReflection()->HasField(b, f);
  if (!has_a || !has_b) {
    // Unset and empty are the same object to a client.
    auto bytes = [&](const Message& m, bool has) {
      return has ? DeterministicBytes(m.GetReflection()->GetMessage(m, f)) : std::string();
    };
    return bytes(a, has_a) == bytes(b, has_b);
  }
  return DeterministicBytes(a.GetReflection()->GetMessage(a, f)) ==
         DeterministicBytes(b.GetReflection()->GetMessage(b, f));
}

absl::Status CheckFieldPath(const Descriptor* d, absl::string_view json_path) {
  std::vector<absl::string_view> parts = absl::StrSplit(json_path, '.');
  for (size_t i = 0; i < parts.size(); ++i) {
    const FieldDescriptor* f = FieldByJsonName(d, parts[i]);
    if (f == nullptr || f->is_repeated()) return Unsupported(json_path);
    bool last = i + 1 == parts.size();
    if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      if (last) return Unsupported(json_path);
      d = f->message_type();
    } else if (!last) {
      return Unsupported(json_path);
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> FieldValue(const Message& obj, absl::string_view json_path) {
  const Message* m = &obj;
  std::vector<absl::string_view> parts = absl::StrSplit(json_path, '.');
  for (size_t i = 0; i < parts.size(); ++i) {
    const FieldDescriptor* f = FieldByJsonName(m->GetDescriptor(), parts[i]);
    if (f == nullptr || f->is_repeated()) return Unsupported(json_path);
    const Reflection* r = m->GetReflection();
    bool last = i + 1 == parts.size();
    if (!last) {
      if (f->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) return Unsupported(json_path);
      m = &r->GetMessage(*m, f);
      continue;
    }
    switch (f->cpp_type()) {
      case FieldDescriptor::CPPTYPE_STRING:
        return r->GetString(*m, f);
      case FieldDescriptor::CPPTYPE_BOOL:
        return std::string(r->GetBool(*m, f) ? "true" : "false");
      case FieldDescriptor::CPPTYPE_INT32:
        return absl::StrCat(r->GetInt32(*m, f));
      case FieldDescriptor::CPPTYPE_INT64:
        return absl::StrCat(r->GetInt64(*m, f));
      default:
        return Unsupported(json_path);
    }
  }
  return Unsupported(json_path);
}

}  // namespace ordo::apiserver
