#include "common/revisions/pod_template_patch.h"

#include <google/protobuf/util/json_util.h>

#include "absl/strings/str_cat.h"

namespace ordo::revisions {

// Through JSON: protobuf's own Struct <-> message mapping, so the patch holds
// Kubernetes' field names (the proto fields' json_name).
google::protobuf::Struct PodTemplatePatch(const core::v1::PodTemplateSpec& tmpl) {
  std::string json;
  (void)google::protobuf::util::MessageToJsonString(tmpl, &json);
  google::protobuf::Struct template_struct;
  (void)google::protobuf::util::JsonStringToMessage(json, &template_struct);
  (*template_struct.mutable_fields())["$patch"].set_string_value("replace");
  google::protobuf::Struct data;
  auto& spec = *(*data.mutable_fields())["spec"].mutable_struct_value();
  *(*spec.mutable_fields())["template"].mutable_struct_value() = std::move(template_struct);
  return data;
}

absl::StatusOr<core::v1::PodTemplateSpec> TemplateOf(const apps::v1::ControllerRevision& revision) {
  const std::string& name = revision.metadata().name();
  const auto& fields = revision.data().fields();
  auto spec = fields.find("spec");
  if (spec == fields.end() || !spec->second.has_struct_value()) {
    return absl::InvalidArgumentError(
        absl::StrCat("controllerrevision ", name, ": data has no spec"));
  }
  const auto& spec_fields = spec->second.struct_value().fields();
  auto tmpl = spec_fields.find("template");
  if (tmpl == spec_fields.end() || !tmpl->second.has_struct_value()) {
    return absl::InvalidArgumentError(
        absl::StrCat("controllerrevision ", name, ": data has no spec.template"));
  }
  google::protobuf::Struct body = tmpl->second.struct_value();
  body.mutable_fields()->erase("$patch");
  std::string json;
  (void)google::protobuf::util::MessageToJsonString(body, &json);
  core::v1::PodTemplateSpec out;
  auto s = google::protobuf::util::JsonStringToMessage(json, &out);
  if (!s.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("controllerrevision ", name, ": spec.template: ", s.ToString()));
  }
  return out;
}

}  // namespace ordo::revisions
