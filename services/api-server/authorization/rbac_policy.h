// RBAC as Kubernetes evaluates it, over one immutable snapshot of the Roles,
// ClusterRoles, RoleBindings and ClusterRoleBindings. A request is allowed
// when a ClusterRoleBinding, or a RoleBinding of the request's namespace,
// names the user (a User subject), one of its groups (Group), or its service
// account (ServiceAccount: user system:serviceaccount:NS:NAME), and the role
// it refers to has a rule that covers the verb, group, resource (with
// "resource/subresource", "*/subresource" and "*") and name. A binding to a
// role that does not exist grants nothing. Members of system:masters are
// allowed everything, as kube-apiserver's privileged-group authorizer does.
// ClusterRoles with an aggregationRule take the rules of every ClusterRole
// their selectors match. Built once per change (rbac_watcher.h); Allows() is
// lock-free and safe from any thread.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/node_hash_map.h"
#include "common/security/authenticator.h"
#include "ordo/rbac/v1/rbac.pb.h"
#include "services/api-server/authorization/request_attributes.h"

namespace ordo::authorization {

struct RbacObjects {
  std::vector<rbac::v1::Role> roles;
  std::vector<rbac::v1::ClusterRole> cluster_roles;
  std::vector<rbac::v1::RoleBinding> role_bindings;
  std::vector<rbac::v1::ClusterRoleBinding> cluster_role_bindings;
};

// Whether `rule` covers `request` (verbs, groups, resources, names).
bool RuleAllows(const rbac::v1::PolicyRule& rule, const RequestAttributes& request);

class RbacPolicy {
 public:
  explicit RbacPolicy(RbacObjects objects);

  bool Allows(const security::UserInfo& user, const RequestAttributes& request) const;

 private:
  using Rules = std::vector<const rbac::v1::PolicyRule*>;
  // Grants keyed by subject ("User\0jane", "Group\0dev"); namespaced ones are
  // prefixed by the namespace and a NUL.
  bool Granted(const std::string& key, const RequestAttributes& request) const;

  RbacObjects objects_;
  // Each ClusterRole's rules, aggregated ones included.
  absl::node_hash_map<std::string, Rules> cluster_role_rules_;
  absl::flat_hash_map<std::string, std::vector<const Rules*>> cluster_grants_;
  absl::flat_hash_map<std::string, std::vector<const Rules*>> namespace_grants_;
  // Rules of Roles (keyed "ns\0name"): own storage, pointed to by grants.
  absl::node_hash_map<std::string, Rules> role_rules_;
};

}  // namespace ordo::authorization
