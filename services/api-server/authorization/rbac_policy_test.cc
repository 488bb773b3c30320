// RBAC evaluation against the examples of Kubernetes' RBAC documentation
// (kubernetes.io/docs/reference/access-authn-authz/rbac/): Roles and
// ClusterRoles, RoleBindings and ClusterRoleBindings, resourceNames,
// subresources, aggregated ClusterRoles, and the refusal's exact words.
#include "services/api-server/authorization/rbac_policy.h"

#include <gtest/gtest.h>

namespace ordo::authorization {
namespace {

using security::UserInfo;

rbac::v1::PolicyRule Rule(std::vector<std::string> verbs, std::vector<std::string> groups,
                          std::vector<std::string> resources, std::vector<std::string> names = {}) {
  rbac::v1::PolicyRule r;
  for (auto& v : verbs) r.add_verbs(v);
  for (auto& g : groups) r.add_api_groups(g);
  for (auto& res : resources) r.add_resources(res);
  for (auto& n : names) r.add_resource_names(n);
  return r;
}

rbac::v1::Subject Subject(const std::string& kind, const std::string& name,
                          const std::string& ns = "") {
  rbac::v1::Subject s;
  s.set_kind(kind);
  s.set_name(name);
  s.set_namespace_(ns);
  if (kind != "ServiceAccount") s.set_api_group("rbac.authorization.k8s.io");
  return s;
}

template <typename T>
T Named(const std::string& name, const std::string& ns = "") {
  T obj;
  obj.mutable_metadata()->set_name(name);
  obj.mutable_metadata()->set_namespace_(ns);
  return obj;
}

rbac::v1::Role Role(const std::string& ns, const std::string& name,
                    std::vector<rbac::v1::PolicyRule> rules) {
  auto role = Named<rbac::v1::Role>(name, ns);
  for (auto& r : rules) *role.add_rules() = r;
  return role;
}

rbac::v1::ClusterRole ClusterRole(const std::string& name, std::vector<rbac::v1::PolicyRule> rules,
                                  std::map<std::string, std::string> labels = {}) {
  auto role = Named<rbac::v1::ClusterRole>(name);
  for (auto& r : rules) *role.add_rules() = r;
  for (auto& [k, v] : labels) (*role.mutable_metadata()->mutable_labels())[k] = v;
  return role;
}

template <typename Binding>
Binding Bind(const std::string& name, const std::string& ns, const std::string& role_kind,
             const std::string& role, std::vector<rbac::v1::Subject> subjects) {
  auto b = Named<Binding>(name, ns);
  b.mutable_role_ref()->set_api_group("rbac.authorization.k8s.io");
  b.mutable_role_ref()->set_kind(role_kind);
  b.mutable_role_ref()->set_name(role);
  for (auto& s : subjects) *b.add_subjects() = s;
  return b;
}

RequestAttributes Request(const std::string& verb, const std::string& resource,
                          const std::string& ns, const std::string& name = "",
                          const std::string& group = "", const std::string& subresource = "") {
  return {.verb = verb,
          .api_group = group,
          .resource = resource,
          .subresource = subresource,
          .ns = ns,
          .name = name};
}

UserInfo User(const std::string& name, std::vector<std::string> groups = {}) {
  groups.emplace_back("system:authenticated");
  return {.name = name, .groups = std::move(groups)};
}

// The documentation's examples, all in one policy.
RbacPolicy DocumentedPolicy() {
  RbacObjects o;
  o.roles.push_back(
      Role("default", "pod-reader", {Rule({"get", "watch", "list"}, {""}, {"pods"})}));
  o.roles.push_back(Role("default", "configmap-updater",
                         {Rule({"update", "get"}, {""}, {"configmaps"}, {"my-configmap"})}));
  o.roles.push_back(Role("default", "pod-and-pod-logs-reader",
                         {Rule({"get", "list"}, {""}, {"pods", "pods/log"})}));
  o.cluster_roles.push_back(
      ClusterRole("secret-reader", {Rule({"get", "watch", "list"}, {""}, {"secrets"})}));
  o.cluster_roles.push_back(
      ClusterRole("scaler", {Rule({"get", "update"}, {"apps"}, {"*/scale"})}));
  // Aggregation, chained as Kubernetes' admin > edit > view.
  auto view = ClusterRole("view", {}, {{"rbac.authorization.k8s.io/aggregate-to-edit", "true"}});
  view.mutable_aggregation_rule()->add_cluster_role_selectors()->mutable_match_labels()->insert(
      {"rbac.authorization.k8s.io/aggregate-to-view", "true"});
  o.cluster_roles.push_back(view);
  auto edit = ClusterRole("edit", {Rule({"create", "delete"}, {""}, {"pods"})});
  edit.mutable_aggregation_rule()->add_cluster_role_selectors()->mutable_match_labels()->insert(
      {"rbac.authorization.k8s.io/aggregate-to-edit", "true"});
  o.cluster_roles.push_back(edit);
  o.cluster_roles.push_back(ClusterRole("view-pods", {Rule({"get", "list"}, {""}, {"pods"})},
                                        {{"rbac.authorization.k8s.io/aggregate-to-view", "true"}}));
  using RB = rbac::v1::RoleBinding;
  using CRB = rbac::v1::ClusterRoleBinding;
  o.role_bindings.push_back(
      Bind<RB>("read-pods", "default", "Role", "pod-reader", {Subject("User", "jane")}));
  o.role_bindings.push_back(
      Bind<RB>("cm", "default", "Role", "configmap-updater", {Subject("User", "bob")}));
  o.role_bindings.push_back(Bind<RB>("logs", "default", "Role", "pod-and-pod-logs-reader",
                                     {Subject("Group", "auditors")}));
  o.role_bindings.push_back(Bind<RB>("read-secrets", "development", "ClusterRole", "secret-reader",
                                     {Subject("User", "dave")}));
  o.role_bindings.push_back(
      Bind<RB>("ci", "ci", "ClusterRole", "edit", {Subject("ServiceAccount", "builder", "ci")}));
  o.role_bindings.push_back(
      Bind<RB>("dangling", "default", "Role", "no-such-role", {Subject("User", "eve")}));
  o.role_bindings.push_back(
      Bind<RB>("elsewhere", "staging", "Role", "pod-reader", {Subject("User", "mallory")}));
  o.cluster_role_bindings.push_back(Bind<CRB>("read-secrets-global", "", "ClusterRole",
                                              "secret-reader", {Subject("Group", "manager")}));
  o.cluster_role_bindings.push_back(
      Bind<CRB>("scalers", "", "ClusterRole", "scaler", {Subject("User", "sam")}));
  o.cluster_role_bindings.push_back(
      Bind<CRB>("viewers", "", "ClusterRole", "view", {Subject("User", "vera")}));
  return RbacPolicy(std::move(o));
}

struct Case {
  const char* what;
  UserInfo user;
  RequestAttributes request;
  bool allowed;
};

TEST(RbacPolicyTest, TheDocumentedExamples) {
  RbacPolicy policy = DocumentedPolicy();
  std::vector<Case> cases = {
      {"a Role grants in its namespace", User("jane"), Request("list", "pods", "default"), true},
      {"every verb of the rule", User("jane"), Request("get", "pods", "default", "web-0"), true},
      {"not another namespace", User("jane"), Request("list", "pods", "kube-system"), false},
      {"not another verb", User("jane"), Request("delete", "pods", "default", "web-0"), false},
      {"not another resource", User("jane"), Request("list", "services", "default"), false},
      {"not a subresource", User("jane"), Request("get", "pods", "default", "w", "", "log"), false},
      {"not the cluster scope", User("jane"), Request("list", "pods", ""), false},
      {"someone else gets nothing", User("joe"), Request("list", "pods", "default"), false},
      {"resourceNames: the named object", User("bob"),
       Request("update", "configmaps", "default", "my-configmap"), true},
      {"resourceNames: not another", User("bob"),
       Request("update", "configmaps", "default", "other"), false},
      {"resourceNames: not a list", User("bob"), Request("list", "configmaps", "default"), false},
      {"pods/log names the subresource", User("x", {"auditors"}),
       Request("get", "pods", "default", "web-0", "", "log"), true},
      {"a group subject", User("x", {"auditors"}), Request("list", "pods", "default"), true},
      {"pods/log does not grant pods/exec", User("x", {"auditors"}),
       Request("get", "pods", "default", "web-0", "", "exec"), false},
      {"a ClusterRole through a RoleBinding: that namespace", User("dave"),
       Request("get", "secrets", "development", "s"), true},
      {"a ClusterRole through a RoleBinding: no other", User("dave"),
       Request("get", "secrets", "default", "s"), false},
      {"a ClusterRoleBinding: every namespace", User("m", {"manager"}),
       Request("list", "secrets", "kube-system"), true},
      {"a ClusterRoleBinding: the cluster scope", User("m", {"manager"}),
       Request("list", "secrets", ""), true},
      {"*/scale covers any resource's scale", User("sam"),
       Request("update", "statefulsets", "default", "web", "apps", "scale"), true},
      {"*/scale is not the resource", User("sam"),
       Request("update", "statefulsets", "default", "web", "apps"), false},
      {"*/scale keeps the group", User("sam"),
       Request("update", "statefulsets", "default", "web", "", "scale"), false},
      {"aggregation follows chains: view's own", User("vera"), Request("list", "pods", "default"),
       true},
      {"aggregation: view does not get edit's", User("vera"),
       Request("delete", "pods", "default", "web-0"), false},
      {"a ServiceAccount subject", User("system:serviceaccount:ci:builder"),
       Request("delete", "pods", "ci", "p"), true},
      {"edit aggregates view", User("system:serviceaccount:ci:builder"),
       Request("list", "pods", "ci"), true},
      {"a ServiceAccount of another namespace", User("system:serviceaccount:default:builder"),
       Request("delete", "pods", "ci", "p"), false},
      {"a binding to a missing role grants nothing", User("eve"),
       Request("list", "pods", "default"), false},
      {"a RoleBinding takes the Role of its own namespace", User("mallory"),
       Request("list", "pods", "staging"), false},
      {"system:masters may do anything", User("root", {"system:masters"}),
       Request("delete", "nodes", "", "node-1"), true},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(policy.Allows(c.user, c.request), c.allowed) << c.what;
  }
}

TEST(RbacPolicyTest, WildcardsAndEmptyRules) {
  RbacObjects o;
  o.cluster_roles.push_back(ClusterRole("all", {Rule({"*"}, {"*"}, {"*"})}));
  o.cluster_roles.push_back(ClusterRole("empty", {rbac::v1::PolicyRule()}));
  o.cluster_role_bindings.push_back(Bind<rbac::v1::ClusterRoleBinding>(
      "a", "", "ClusterRole", "all", {Subject("User", "admin")}));
  o.cluster_role_bindings.push_back(Bind<rbac::v1::ClusterRoleBinding>(
      "e", "", "ClusterRole", "empty", {Subject("User", "nobody")}));
  // A ClusterRoleBinding naming a Role is not honoured (roleRef.kind must be ClusterRole).
  o.roles.push_back(Role("", "odd", {Rule({"*"}, {"*"}, {"*"})}));
  o.cluster_role_bindings.push_back(
      Bind<rbac::v1::ClusterRoleBinding>("odd", "", "Role", "odd", {Subject("User", "odd")}));
  RbacPolicy policy(std::move(o));
  EXPECT_TRUE(policy.Allows(User("admin"), Request("create", "pods", "default", "p", "", "exec")));
  EXPECT_TRUE(policy.Allows(User("admin"), Request("delete", "nodes", "", "n")));
  EXPECT_FALSE(policy.Allows(User("nobody"), Request("get", "pods", "default", "p")));
  EXPECT_FALSE(policy.Allows(User("odd"), Request("get", "pods", "default", "p")));
}

TEST(RbacPolicyTest, RefusalsAreKubernetesWordForWord) {
  EXPECT_EQ(ForbiddenMessage(User("jane"), Request("list", "pods", "default")),
            "pods is forbidden: User \"jane\" cannot list resource \"pods\" in API group \"\" in "
            "the namespace \"default\"");
  EXPECT_EQ(
      ForbiddenMessage(User("jane"), Request("get", "statefulsets", "default", "web", "apps")),
      "statefulsets.apps \"web\" is forbidden: User \"jane\" cannot get resource "
      "\"statefulsets\" in API group \"apps\" in the namespace \"default\"");
  EXPECT_EQ(
      ForbiddenMessage(User("jane"), Request("create", "pods", "default", "web-0", "", "exec")),
      "pods \"web-0\" is forbidden: User \"jane\" cannot create resource \"pods/exec\" in API "
      "group \"\" in the namespace \"default\"");
  EXPECT_EQ(ForbiddenMessage(User("jane"), Request("list", "nodes", "")),
            "nodes is forbidden: User \"jane\" cannot list resource \"nodes\" in API group \"\" at "
            "the cluster scope");
}

}  // namespace
}  // namespace ordo::authorization
