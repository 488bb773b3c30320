// What a call asks to do, as Kubernetes' authorizers see it: a verb (get,
// list, watch, create, update, delete), the resource's API group and plural,
// a subresource (status, binding, eviction, scale, exec, log), and the
// namespace and name when known. ForbiddenMessage() renders a refusal in
// kube-apiserver's words. Plain values; safe to share.
#pragma once

#include <string>

#include "common/security/authenticator.h"

namespace ordo::authorization {

struct RequestAttributes {
  std::string verb;
  std::string api_group;
  std::string resource;
  std::string subresource;
  std::string ns;
  std::string name;
};

// `pods "web-0" is forbidden: User "jane" cannot get resource "pods" in API
// group "" in the namespace "default"` (without the name for a list, and
// `at the cluster scope` outside namespaces), as kube-apiserver says it.
std::string ForbiddenMessage(const security::UserInfo& user, const RequestAttributes& request);

}  // namespace ordo::authorization
