// Kubernetes-shaped manifests to and from ordo's protos, through descriptors:
// YAML or JSON in (one or many documents, `kind: List` expanded; apiVersion and
// kind pick the message; int-or-string fields take 1 or "50%"; quantities may
// be written as numbers), YAML or JSON out (apiVersion and kind first, fields
// in Kubernetes' order, empty fields left out).
// Decoding is strict, as kubectl's: an unknown field or a value of the wrong
// type is an error naming the file, the line and the field path, e.g.
//   web.yaml:14: spec.replicas: expected an integer, got "three"
// Every problem of a document is reported, and nothing is returned for it.
// Pure functions; safe from any thread.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/api/resource_info.h"
#include "google/protobuf/message.h"
#include "yaml-cpp/yaml.h"

namespace ordo::manifest {

struct Object {
  const api::ResourceInfo* info = nullptr;
  std::unique_ptr<google::protobuf::Message> message;
  std::string source;  // "web.yaml:12", where the document starts
};

// Parses every document of `text` (YAML, of which JSON is a subset).
// INVALID_ARGUMENT lists every problem, one per line.
absl::StatusOr<std::vector<Object>> Decode(absl::string_view text, absl::string_view filename);

// Decodes a document already parsed (ordoctl patch edits objects as YAML
// nodes); `filename` names it in errors.
absl::StatusOr<std::vector<Object>> DecodeNode(const YAML::Node& doc, absl::string_view filename);

// Kubernetes-shaped YAML of one object.
std::string EncodeYaml(const google::protobuf::Message& message);
// Kubernetes-shaped JSON of one object, indented.
std::string EncodeJson(const google::protobuf::Message& message);

}  // namespace ordo::manifest
