// YAML -> proto through descriptors, with file:line: path errors.
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <regex>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "common/manifest/manifest.h"
#include "common/quantity/quantity.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/timestamp.pb.h"

namespace ordo::manifest {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

// What a YAML scalar means under the core schema: a quoted scalar is always
// a string; a plain one may be null, a bool, an integer or a float.
enum class ScalarKind { kNull, kBool, kInt, kFloat, kString };

ScalarKind Resolve(const YAML::Node& node) {
  if (node.IsNull()) return ScalarKind::kNull;
  if (node.Tag() == "!") return ScalarKind::kString;  // quoted
  const std::string& s = node.Scalar();
  if (s == "true" || s == "false") return ScalarKind::kBool;
  static const std::regex* integer = new std::regex(R"(^[-+]?[0-9]+$)");
  static const std::regex* number =
      new std::regex(R"(^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$)");
  if (std::regex_match(s, *integer)) return ScalarKind::kInt;
  if (std::regex_match(s, *number)) return ScalarKind::kFloat;
  return ScalarKind::kString;
}

std::string Show(const YAML::Node& node) {
  if (node.IsMap()) return "an object";
  if (node.IsSequence()) return "a list";
  if (Resolve(node) == ScalarKind::kString) return absl::StrCat("\"", node.Scalar(), "\"");
  return node.Scalar();
}

// Quantities may be spelled as YAML numbers.
bool IsQuantityField(const FieldDescriptor* f) { return quantity::IsQuantityField(f->json_name()); }

// How many nodes a document may expand to beyond one per byte of its text.
// Only aliases make more nodes than bytes: a billion-laughs document (aliases
// of lists of aliases) would otherwise expand to billions of objects.
constexpr size_t kNodeAllowance = 100'000;

class Decoder {
 public:
  // Decodes at most `max_nodes` nodes in all, then reports one error.
  Decoder(absl::string_view filename, size_t max_nodes)
      : filename_(filename), nodes_left_(max_nodes) {}

  void DecodeMessage(const YAML::Node& node, google::protobuf::Message* msg,
                     const std::string& path);
  const std::vector<std::string>& errors() const { return errors_; }
  void Error(const YAML::Node& node, const std::string& path, const std::string& what) {
    errors_.push_back(absl::StrCat(filename_, ":", node.Mark().line + 1, ": ",
                                   path.empty() ? "" : path + ": ", what));
  }

 private:
  void Field(const YAML::Node& node, google::protobuf::Message* msg, const FieldDescriptor* f,
             const std::string& path);
  void Scalar(const YAML::Node& node, google::protobuf::Message* msg, const FieldDescriptor* f,
              const std::string& path);
  void Value(const YAML::Node& node, google::protobuf::Value* out, const std::string& path);
  void Timestamp(const YAML::Node& node, google::protobuf::Timestamp* out, const std::string& path);

  // Counts one node; false, with one error for the whole document, once the
  // allowance is spent.
  bool Visit(const YAML::Node& node);

  std::string filename_;
  std::vector<std::string> errors_;
  size_t nodes_left_;
  bool exhausted_ = false;
};

bool Decoder::Visit(const YAML::Node& node) {
  if (nodes_left_ > 0) {
    --nodes_left_;
    return true;
  }
  if (!exhausted_) {
    exhausted_ = true;
    errors_.push_back(absl::StrCat(
        filename_, ":", node.Mark().line + 1,
        ": the manifest expands, through its aliases, to more nodes than its text could hold "
        "(a billion-laughs document?); refused"));
  }
  return false;
}

std::string Join(const std::string& path, const std::string& name) {
  return path.empty() ? name : absl::StrCat(path, ".", name);
}

void Decoder::DecodeMessage(const YAML::Node& node, google::protobuf::Message* msg,
                            const std::string& path) {
  if (!Visit(node)) return;
  const Descriptor* d = msg->GetDescriptor();
  if (d->full_name() == "google.protobuf.Value") {
    return Value(node, static_cast<google::protobuf::Value*>(msg), path);
  }
  if (d->full_name() == "google.protobuf.Timestamp") {
    return Timestamp(node, static_cast<google::protobuf::Timestamp*>(msg), path);
  }
  if (d->full_name() == "google.protobuf.Struct") {
    if (!node.IsMap())
      return Error(node, path, absl::StrCat("expected an object, got ", Show(node)));
    auto* s = static_cast<google::protobuf::Struct*>(msg);
    for (const auto& kv : node) {
      std::string key = kv.first.Scalar();
      Value(kv.second, &(*s->mutable_fields())[key], Join(path, key));
    }
    return;
  }
  if (!node.IsMap()) return Error(node, path, absl::StrCat("expected an object, got ", Show(node)));
  for (const auto& kv : node) {
    std::string key = kv.first.Scalar();
    const FieldDescriptor* f = nullptr;
    for (int i = 0; i < d->field_count(); ++i) {
      if (d->field(i)->json_name() == key) f = d->field(i);
    }
    if (f == nullptr) {
      Error(kv.first, path, absl::StrCat("unknown field \"", key, "\""));
      continue;
    }
    if (kv.second.IsNull()) continue;  // null is "not set", as in Kubernetes
    Field(kv.second, msg, f, Join(path, key));
  }
}

void Decoder::Field(const YAML::Node& node, google::protobuf::Message* msg,
                    const FieldDescriptor* f, const std::string& path) {
  const Reflection* r = msg->GetReflection();
  if (f->is_map()) {
    if (!node.IsMap())
      return Error(node, path, absl::StrCat("expected an object, got ", Show(node)));
    const FieldDescriptor* value_field = f->message_type()->FindFieldByName("value");
    for (const auto& kv : node) {
      if (!Visit(kv.second)) return;
      std::string key = kv.first.Scalar();
      std::string item_path = absl::StrCat(path, "[", key, "]");
      google::protobuf::Message* entry = r->AddMessage(msg, f);
      entry->GetReflection()->SetString(entry, f->message_type()->FindFieldByName("key"), key);
      if (value_field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
        DecodeMessage(kv.second, entry->GetReflection()->MutableMessage(entry, value_field),
                      item_path);
      } else if (kv.second.IsScalar() &&
                 (Resolve(kv.second) == ScalarKind::kString ||
                  (IsQuantityField(f) && (Resolve(kv.second) == ScalarKind::kInt ||
                                          Resolve(kv.second) == ScalarKind::kFloat)))) {
        entry->GetReflection()->SetString(entry, value_field, kv.second.Scalar());
      } else if (kv.second.IsNull()) {
        entry->GetReflection()->SetString(entry, value_field, "");
      } else {
        Error(kv.second, item_path, absl::StrCat("expected a string, got ", Show(kv.second)));
      }
    }
    return;
  }
  if (f->is_repeated()) {
    if (!node.IsSequence())
      return Error(node, path, absl::StrCat("expected a list, got ", Show(node)));
    for (size_t i = 0; i < node.size(); ++i) {
      std::string item_path = absl::StrCat(path, "[", i, "]");
      if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
        DecodeMessage(node[i], r->AddMessage(msg, f), item_path);
      } else {
        Scalar(node[i], msg, f, item_path);
      }
    }
    return;
  }
  if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
    return DecodeMessage(node, r->MutableMessage(msg, f), path);
  }
  Scalar(node, msg, f, path);
}

void Decoder::Scalar(const YAML::Node& node, google::protobuf::Message* msg,
                     const FieldDescriptor* f, const std::string& path) {
  if (!Visit(node)) return;
  const Reflection* r = msg->GetReflection();
  if (!node.IsScalar()) {
    return Error(node, path, absl::StrCat("expected a scalar, got ", Show(node)));
  }
  ScalarKind kind = Resolve(node);
  const std::string& s = node.Scalar();
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING: {
      bool quantity =
          IsQuantityField(f) && (kind == ScalarKind::kInt || kind == ScalarKind::kFloat);
      if (kind != ScalarKind::kString && !quantity) {
        return Error(node, path, absl::StrCat("expected a string, got ", Show(node)));
      }
      if (f->is_repeated()) return r->AddString(msg, f, s);
      return r->SetString(msg, f, s);
    }
    case FieldDescriptor::CPPTYPE_INT32:
    case FieldDescriptor::CPPTYPE_INT64: {
      int64_t v = 0;
      if (kind != ScalarKind::kInt || !absl::SimpleAtoi(s, &v)) {
        return Error(node, path, absl::StrCat("expected an integer, got ", Show(node)));
      }
      if (f->cpp_type() == FieldDescriptor::CPPTYPE_INT32) {
        if (v < INT32_MIN || v > INT32_MAX) {
          return Error(node, path, absl::StrCat("expected a 32-bit integer, got ", s));
        }
        if (f->is_repeated()) return r->AddInt32(msg, f, static_cast<int32_t>(v));
        return r->SetInt32(msg, f, static_cast<int32_t>(v));
      }
      if (f->is_repeated()) return r->AddInt64(msg, f, v);
      return r->SetInt64(msg, f, v);
    }
    case FieldDescriptor::CPPTYPE_BOOL:
      if (kind != ScalarKind::kBool) {
        return Error(node, path, absl::StrCat("expected true or false, got ", Show(node)));
      }
      if (f->is_repeated()) return r->AddBool(msg, f, s == "true");
      return r->SetBool(msg, f, s == "true");
    case FieldDescriptor::CPPTYPE_DOUBLE: {
      double v = 0;
      if ((kind != ScalarKind::kInt && kind != ScalarKind::kFloat) || !absl::SimpleAtod(s, &v)) {
        return Error(node, path, absl::StrCat("expected a number, got ", Show(node)));
      }
      return r->SetDouble(msg, f, v);
    }
    default:
      return Error(node, path, "this field cannot be set from a manifest");
  }
}

void Decoder::Value(const YAML::Node& node, google::protobuf::Value* out, const std::string& path) {
  if (!Visit(node)) return;
  if (node.IsMap()) {
    auto* s = out->mutable_struct_value();
    for (const auto& kv : node) {
      std::string key = kv.first.Scalar();
      Value(kv.second, &(*s->mutable_fields())[key], Join(path, key));
    }
    return;
  }
  if (node.IsSequence()) {
    auto* list = out->mutable_list_value();
    for (size_t i = 0; i < node.size(); ++i) {
      Value(node[i], list->add_values(), absl::StrCat(path, "[", i, "]"));
    }
    return;
  }
  switch (Resolve(node)) {
    case ScalarKind::kNull:
      out->set_null_value(google::protobuf::NULL_VALUE);
      return;
    case ScalarKind::kBool:
      out->set_bool_value(node.Scalar() == "true");
      return;
    case ScalarKind::kInt:
    case ScalarKind::kFloat: {
      double v = 0;
      (void)absl::SimpleAtod(node.Scalar(), &v);
      out->set_number_value(v);
      return;
    }
    case ScalarKind::kString:
      out->set_string_value(node.Scalar());
      return;
  }
}

void Decoder::Timestamp(const YAML::Node& node, google::protobuf::Timestamp* out,
                        const std::string& path) {
  absl::Time t;
  std::string err;
  if (!node.IsScalar() || !absl::ParseTime(absl::RFC3339_full, node.Scalar(), &t, &err)) {
    return Error(node, path,
                 absl::StrCat("expected a time like \"2024-01-02T15:04:05Z\", got ", Show(node)));
  }
  out->set_seconds(absl::ToUnixSeconds(t));
  out->set_nanos(static_cast<int32_t>((t - absl::FromUnixSeconds(absl::ToUnixSeconds(t))) /
                                      absl::Nanoseconds(1)));
}

std::string KnownKinds() {
  std::vector<std::string> kinds;
  for (const auto& info : api::AllResources()) {
    kinds.push_back(absl::StrCat(info.ApiVersion(), "/", info.kind));
  }
  return absl::StrJoin(kinds, ", ");
}

// Decodes one document (or, for `kind: List`, its items) into `out`.
void DecodeDocument(const YAML::Node& doc, Decoder& decoder, absl::string_view filename,
                    std::vector<Object>& out) {
  if (!doc.IsMap()) return decoder.Error(doc, "", "a manifest must be an object");
  std::string api_version =
      doc["apiVersion"] && doc["apiVersion"].IsScalar() ? doc["apiVersion"].Scalar() : "";
  std::string kind = doc["kind"] && doc["kind"].IsScalar() ? doc["kind"].Scalar() : "";
  if (kind.empty()) return decoder.Error(doc, "", "kind: Required value");
  if (api_version.empty()) return decoder.Error(doc, "", "apiVersion: Required value");
  if (kind == "List") {
    if (!doc["items"] || !doc["items"].IsSequence()) {
      return decoder.Error(doc, "items", "expected a list");
    }
    for (const auto& item : doc["items"]) DecodeDocument(item, decoder, filename, out);
    return;
  }
  const api::ResourceInfo* info = nullptr;
  for (const auto& candidate : api::AllResources()) {
    if (candidate.kind == kind && candidate.ApiVersion() == api_version) info = &candidate;
  }
  if (info == nullptr) {
    return decoder.Error(doc, "",
                         absl::StrCat("no kind \"", kind, "\" is registered for version \"",
                                      api_version, "\"; known kinds: ", KnownKinds()));
  }
  Object obj;
  obj.info = info;
  obj.message.reset(info->prototype->New());
  obj.source = absl::StrCat(filename, ":", doc.Mark().line + 1);
  size_t before = decoder.errors().size();
  decoder.DecodeMessage(doc, obj.message.get(), "");
  if (decoder.errors().size() == before) out.push_back(std::move(obj));
}

// The offset of the first byte of `text` that is not well-formed UTF-8 (RFC
// 3629: no overlong forms, no surrogates, nothing past U+10FFFF), or npos.
// Written here because neither Abseil 20220623 nor protobuf 3.21 exports a
// validator (protobuf's is internal).
size_t FirstInvalidUtf8(absl::string_view text) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    unsigned char c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len = c >= 0xC2 && c <= 0xDF   ? 2
                 : c >= 0xE0 && c <= 0xEF ? 3
                 : c >= 0xF0 && c <= 0xF4 ? 4
                                          : 0;
    if (len == 0 || i + len > n) return i;
    // The second byte's range depends on the first (overlongs, surrogates, > U+10FFFF).
    unsigned char lo = c == 0xE0 ? 0xA0 : c == 0xF0 ? 0x90 : 0x80;
    unsigned char hi = c == 0xED ? 0x9F : c == 0xF4 ? 0x8F : 0xBF;
    if (p[i + 1] < lo || p[i + 1] > hi) return i;
    for (size_t k = 2; k < len; ++k) {
      if (p[i + k] < 0x80 || p[i + k] > 0xBF) return i;
    }
    i += len;
  }
  return absl::string_view::npos;
}

// Whether `text` starts with a UTF-16 or UTF-32 byte order mark, which
// yaml-cpp decodes to UTF-8 itself.
bool IsWideUnicode(absl::string_view text) {
  return absl::StartsWith(text, "\xFF\xFE") || absl::StartsWith(text, "\xFE\xFF") ||
         absl::StartsWith(text, absl::string_view("\0\0\xFE\xFF", 4));
}

// Where each document of a stream starts, from the parser's events alone.
class DocumentStarts final : public YAML::EventHandler {
 public:
  YAML::Mark start;
  void OnDocumentStart(const YAML::Mark& mark) override { start = mark; }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

// yaml-cpp 0.7's LoadAll loops for ever, allocating until memory runs out, on
// a token no document consumes: a ',' after a top-level flow collection
// ("{},", three bytes; yaml-cpp issue #1040, fixed upstream by PR #1319,
// after the 0.7 Debian ships). A first pass over the parser's events finds
// it (a document starting where the last one did consumed nothing) and
// refuses the text before LoadAll sees it. Throws YAML::Exception.
void RefuseRunawayStreams(const std::string& text) {
  std::istringstream in(text);
  YAML::Parser parser(in);
  DocumentStarts starts;
  int last = -1;
  while (parser.HandleNextDocument(starts)) {
    if (starts.start.pos == last) {
      throw YAML::ParserException(starts.start, "unexpected ',' outside a flow collection");
    }
    last = starts.start.pos;
  }
}

}  // namespace

absl::StatusOr<std::vector<Object>> Decode(absl::string_view text, absl::string_view filename) {
  // As kubectl's YAML reader: the text must be Unicode (a string field of a
  // proto must be UTF-8; the api-server would refuse it unparsed).
  if (size_t bad = FirstInvalidUtf8(text); bad != absl::string_view::npos && !IsWideUnicode(text)) {
    return absl::InvalidArgumentError(
        absl::StrCat(filename, ":", std::count(text.begin(), text.begin() + bad, '\n') + 1,
                     ": not valid UTF-8 (byte ", bad, ")"));
  }
  std::vector<YAML::Node> docs;
  try {
    RefuseRunawayStreams(std::string(text));
    docs = YAML::LoadAll(std::string(text));
  } catch (const YAML::Exception& e) {
    // yaml-cpp reports syntax errors by exception; they stop at this boundary.
    return absl::InvalidArgumentError(absl::StrCat(filename, ":", e.mark.line + 1, ": ", e.msg));
  }
  Decoder decoder(filename, text.size() + kNodeAllowance);
  std::vector<Object> out;
  for (const auto& doc : docs) {
    if (doc.IsNull()) continue;  // an empty document between "---"
    DecodeDocument(doc, decoder, filename, out);
  }
  if (!decoder.errors().empty()) {
    return absl::InvalidArgumentError(absl::StrJoin(decoder.errors(), "\n"));
  }
  return out;
}

absl::StatusOr<std::vector<Object>> DecodeNode(const YAML::Node& doc, absl::string_view filename) {
  // An edited object, whose text ordoctl wrote itself: the allowance alone.
  Decoder decoder(filename, 100 * kNodeAllowance);
  std::vector<Object> out;
  DecodeDocument(doc, decoder, filename, out);
  if (!decoder.errors().empty()) {
    return absl::InvalidArgumentError(absl::StrJoin(decoder.errors(), "\n"));
  }
  return out;
}

}  // namespace ordo::manifest
