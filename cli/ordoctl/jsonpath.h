// kubectl's `-o jsonpath=TEMPLATE` over an object (or a List of them) held as
// a YAML/JSON document: text is copied, and in braces
//   {.metadata.name}  {.spec.containers[0].image}  {.items[*].metadata.name}
//   {['metadata']['name']}  {@}  {"\t"}  {range .items[*]}...{end}
//   {.status.conditions[?(@.type=="Ready")].status}  (filters: == and !=)
// A field path may yield several values (from [*]); they print separated by
// spaces, as kubectl prints them. A path that names nothing prints nothing.
// Errors (an unclosed brace, a range without end) name the template's problem.
// Stateless.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "yaml-cpp/yaml.h"

namespace ordo::ctl {

absl::StatusOr<std::string> JsonPath(const std::string& tmpl, const YAML::Node& root);

}  // namespace ordo::ctl
