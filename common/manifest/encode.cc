// proto -> Kubernetes-shaped YAML and JSON. Fields go out in declaration
// order (apiVersion, kind, metadata, spec, status, as Kubernetes prints them),
// map keys sorted, unset fields and zero values left out (a set object prints
// even when empty).
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <regex>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/manifest/manifest.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/timestamp.pb.h"
#include "google/protobuf/util/json_util.h"

namespace ordo::manifest {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

void EmitMessage(YAML::Emitter& out, const Message& msg);

// A string that a YAML reader would take for a number, a bool or null is
// quoted, so that `resourceVersion: "6"` reads back as the string it is.
void EmitString(YAML::Emitter& out, const std::string& s) {
  static const std::regex* number =
      new std::regex(R"(^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$)");
  bool ambiguous = s.empty() || s == "true" || s == "false" || s == "null" || s == "~" ||
                   std::regex_match(s, *number);
  if (ambiguous) out << YAML::DoubleQuoted;
  out << s;
}

void EmitValue(YAML::Emitter& out, const google::protobuf::Value& v) {
  switch (v.kind_case()) {
    case google::protobuf::Value::kNumberValue: {
      double n = v.number_value();
      if (n == std::floor(n) && std::abs(n) < 1e15) {
        out << static_cast<int64_t>(n);
      } else {
        out << n;
      }
      return;
    }
    case google::protobuf::Value::kStringValue:
      EmitString(out, v.string_value());
      return;
    case google::protobuf::Value::kBoolValue:
      out << v.bool_value();
      return;
    case google::protobuf::Value::kStructValue: {
      std::vector<std::string> keys;
      for (const auto& [k, _] : v.struct_value().fields()) keys.push_back(k);
      std::sort(keys.begin(), keys.end());
      out << YAML::BeginMap;
      for (const auto& k : keys) {
        out << YAML::Key << k << YAML::Value;
        EmitValue(out, v.struct_value().fields().at(k));
      }
      out << YAML::EndMap;
      return;
    }
    case google::protobuf::Value::kListValue:
      out << YAML::BeginSeq;
      for (const auto& item : v.list_value().values()) EmitValue(out, item);
      out << YAML::EndSeq;
      return;
    default:
      out << YAML::Null;
  }
}

std::string Rfc3339(const google::protobuf::Timestamp& ts) {
  absl::Time t = absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
  return absl::FormatTime(ts.nanos() == 0 ? "%Y-%m-%dT%H:%M:%SZ" : absl::RFC3339_full, t,
                          absl::UTCTimeZone());
}

void EmitSingular(YAML::Emitter& out, const Message& msg, const FieldDescriptor* f) {
  const Reflection* r = msg.GetReflection();
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING:
      EmitString(out, r->GetString(msg, f));
      return;
    case FieldDescriptor::CPPTYPE_INT32:
      out << r->GetInt32(msg, f);
      return;
    case FieldDescriptor::CPPTYPE_INT64:
      out << r->GetInt64(msg, f);
      return;
    case FieldDescriptor::CPPTYPE_BOOL:
      out << r->GetBool(msg, f);
      return;
    case FieldDescriptor::CPPTYPE_DOUBLE:
      out << r->GetDouble(msg, f);
      return;
    case FieldDescriptor::CPPTYPE_MESSAGE:
      EmitMessage(out, r->GetMessage(msg, f));
      return;
    default:
      out << YAML::Null;
  }
}

void EmitMessage(YAML::Emitter& out, const Message& msg) {
  const auto* d = msg.GetDescriptor();
  if (d->full_name() == "google.protobuf.Value") {
    return EmitValue(out, static_cast<const google::protobuf::Value&>(msg));
  }
  if (d->full_name() == "google.protobuf.Struct") {
    google::protobuf::Value v;
    *v.mutable_struct_value() = static_cast<const google::protobuf::Struct&>(msg);
    return EmitValue(out, v);
  }
  if (d->full_name() == "google.protobuf.Timestamp") {
    out << Rfc3339(static_cast<const google::protobuf::Timestamp&>(msg));
    return;
  }
  const Reflection* r = msg.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  r->ListFields(msg, &fields);  // set fields, in field-number order
  if (fields.empty()) {
    out << YAML::Flow << YAML::BeginMap << YAML::EndMap;  // `emptyDir: {}`
    return;
  }
  std::sort(fields.begin(), fields.end(),
            [](const auto* a, const auto* b) { return a->index() < b->index(); });
  out << YAML::BeginMap;
  for (const FieldDescriptor* f : fields) {
    if (f->is_map()) {
      const FieldDescriptor* key = f->message_type()->FindFieldByName("key");
      const FieldDescriptor* value = f->message_type()->FindFieldByName("value");
      std::vector<std::pair<std::string, const Message*>> entries;
      for (int i = 0; i < r->FieldSize(msg, f); ++i) {
        const Message& e = r->GetRepeatedMessage(msg, f, i);
        entries.emplace_back(e.GetReflection()->GetString(e, key), &e);
      }
      std::sort(entries.begin(), entries.end());
      out << YAML::Key << f->json_name() << YAML::Value << YAML::BeginMap;
      for (const auto& [k, e] : entries) {
        out << YAML::Key << k << YAML::Value;
        EmitSingular(out, *e, value);
      }
      out << YAML::EndMap;
    } else if (f->is_repeated()) {
      out << YAML::Key << f->json_name() << YAML::Value << YAML::BeginSeq;
      for (int i = 0; i < r->FieldSize(msg, f); ++i) {
        switch (f->cpp_type()) {
          case FieldDescriptor::CPPTYPE_STRING:
            EmitString(out, r->GetRepeatedString(msg, f, i));
            break;
          case FieldDescriptor::CPPTYPE_MESSAGE:
            EmitMessage(out, r->GetRepeatedMessage(msg, f, i));
            break;
          case FieldDescriptor::CPPTYPE_INT32:
            out << r->GetRepeatedInt32(msg, f, i);
            break;
          default:
            out << YAML::Null;
        }
      }
      out << YAML::EndSeq;
    } else {
      // A set message prints even when empty: `emptyDir: {}` means something.
      out << YAML::Key << f->json_name() << YAML::Value;
      EmitSingular(out, msg, f);
    }
  }
  out << YAML::EndMap;
}

}  // namespace

std::string EncodeYaml(const google::protobuf::Message& message) {
  YAML::Emitter out;
  EmitMessage(out, message);
  return std::string(out.c_str()) + "\n";
}

namespace {

// The JSON names of the 64-bit integer fields reachable from `d`.
void CollectInt64Names(const google::protobuf::Descriptor* d, std::set<std::string>& names,
                       std::set<const google::protobuf::Descriptor*>& seen) {
  if (!seen.insert(d).second) return;
  for (int i = 0; i < d->field_count(); ++i) {
    const FieldDescriptor* f = d->field(i);
    if (f->cpp_type() == FieldDescriptor::CPPTYPE_INT64 ||
        f->cpp_type() == FieldDescriptor::CPPTYPE_UINT64) {
      names.insert(f->json_name());
    } else if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      CollectInt64Names(f->message_type(), names, seen);
    }
  }
}

}  // namespace

std::string EncodeJson(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  std::string out;
  if (!google::protobuf::util::MessageToJsonString(message, &out, options).ok()) return "{}\n";
  // Protobuf's JSON quotes 64-bit integers; Kubernetes' JSON does not
  // ("terminationGracePeriodSeconds": 30), and neither do we.
  std::set<std::string> names;
  std::set<const google::protobuf::Descriptor*> seen;
  CollectInt64Names(message.GetDescriptor(), names, seen);
  for (const auto& name : names) {
    std::regex quoted("\"" + name + "\": \"(-?[0-9]+)\"");
    out = std::regex_replace(out, quoted, "\"" + name + "\": $1");
  }
  return out;
}

}  // namespace ordo::manifest
