#include "cli/ordoctl/apply_merge.h"

#include <map>
#include <memory>

namespace ordo::ctl {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

bool Declared(const Message& m, const FieldDescriptor* f) {
  const auto* r = m.GetReflection();
  return f->is_repeated() ? r->FieldSize(m, f) > 0 : r->HasField(m, f);
}

// Replaces `to`'s field `f` with `from`'s.
void CopyField(const Message& from, const FieldDescriptor* f, Message& to) {
  to.GetReflection()->ClearField(&to, f);
  std::unique_ptr<Message> only(from.New());
  only->CopyFrom(from);
  const auto* d = from.GetDescriptor();
  for (int i = 0; i < d->field_count(); ++i) {
    if (d->field(i) != f) only->GetReflection()->ClearField(only.get(), d->field(i));
  }
  to.MergeFrom(*only);
}

// Map fields (string keys): keys the manifest has are set, keys only the last
// apply had are removed, others stay.
void MergeMap(const Message& manifest, const Message* last, const FieldDescriptor* f,
              Message& live) {
  const auto* key_field = f->message_type()->map_key();
  auto entries = [&](const Message& m) {
    std::map<std::string, const Message*> out;
    const auto* r = m.GetReflection();
    for (int i = 0; i < r->FieldSize(m, f); ++i) {
      const Message& e = r->GetRepeatedMessage(m, f, i);
      out[e.GetReflection()->GetString(e, key_field)] = &e;
    }
    return out;
  };
  std::map<std::string, std::unique_ptr<Message>> merged;
  for (const auto& [k, e] : entries(live)) {
    merged[k].reset(e->New());
    merged[k]->CopyFrom(*e);
  }
  auto wanted = entries(manifest);
  if (last != nullptr) {
    for (const auto& [k, e] : entries(*last)) {
      if (!wanted.contains(k)) merged.erase(k);
    }
  }
  for (const auto& [k, e] : wanted) {
    merged[k].reset(e->New());
    merged[k]->CopyFrom(*e);
  }
  const auto* r = live.GetReflection();
  r->ClearField(&live, f);
  for (auto& [k, e] : merged) r->AddMessage(&live, f)->CopyFrom(*e);
}

bool WholeValue(const FieldDescriptor* f) {
  const std::string& type = f->message_type()->full_name();
  return type == "google.protobuf.Value" || type == "google.protobuf.Struct" ||
         type == "google.protobuf.Timestamp";
}

void Merge(const Message& manifest, const Message* last, Message& live, bool top) {
  const auto* d = manifest.GetDescriptor();
  for (int i = 0; i < d->field_count(); ++i) {
    const FieldDescriptor* f = d->field(i);
    if (top && (f->name() == "api_version" || f->name() == "kind" || f->name() == "status")) {
      continue;
    }
    if (top && f->name() == "metadata") {
      const auto* md = f->message_type();
      const Message& m = manifest.GetReflection()->GetMessage(manifest, f);
      const Message* l = last == nullptr ? nullptr : &last->GetReflection()->GetMessage(*last, f);
      Message* v = live.GetReflection()->MutableMessage(&live, f);
      for (const char* name : {"labels", "annotations"})
        MergeMap(m, l, md->FindFieldByName(name), *v);
      continue;
    }
    bool now = Declared(manifest, f);
    bool before = last != nullptr && Declared(*last, f);
    if (!now) {
      if (before) live.GetReflection()->ClearField(&live, f);
      continue;
    }
    if (f->is_map()) {
      MergeMap(manifest, before ? last : nullptr, f, live);
    } else if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE && !f->is_repeated() &&
               !WholeValue(f)) {
      const Message& m = manifest.GetReflection()->GetMessage(manifest, f);
      const Message* l = before ? &last->GetReflection()->GetMessage(*last, f) : nullptr;
      Merge(m, l, *live.GetReflection()->MutableMessage(&live, f), /*top=*/false);
    } else {
      CopyField(manifest, f, live);
    }
  }
}

}  // namespace

void MergeApplied(const Message& manifest, const Message* last, Message& live) {
  Merge(manifest, last, live, /*top=*/true);
}

}  // namespace ordo::ctl
