#include "common/status/error_details.h"

#include <string>

namespace ordo::status {

absl::Status WithResourceInfo(absl::Status status, absl::string_view resource_type,
                              absl::string_view resource_name) {
  google::rpc::ResourceInfo info;
  info.set_resource_type(std::string(resource_type));
  info.set_resource_name(std::string(resource_name));
  info.set_description(std::string(status.message()));
  status.SetPayload(kResourceInfoTypeUrl, absl::Cord(info.SerializeAsString()));
  return status;
}

absl::Status WithPreconditionFailure(absl::Status status, absl::string_view type,
                                     absl::string_view subject) {
  google::rpc::PreconditionFailure failure;
  auto* violation = failure.add_violations();
  violation->set_type(std::string(type));
  violation->set_subject(std::string(subject));
  violation->set_description(std::string(status.message()));
  status.SetPayload(kPreconditionFailureTypeUrl, absl::Cord(failure.SerializeAsString()));
  return status;
}

std::optional<google::rpc::ResourceInfo> ResourceInfoOf(const absl::Status& status) {
  return DetailOf<google::rpc::ResourceInfo>(status, kResourceInfoTypeUrl);
}

std::optional<google::rpc::PreconditionFailure> PreconditionFailureOf(const absl::Status& status) {
  return DetailOf<google::rpc::PreconditionFailure>(status, kPreconditionFailureTypeUrl);
}

}  // namespace ordo::status
