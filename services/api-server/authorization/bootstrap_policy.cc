#include "services/api-server/authorization/bootstrap_policy.h"

namespace ordo::authorization {
namespace {

using rbac::v1::ClusterRole;
using rbac::v1::ClusterRoleBinding;
using rbac::v1::PolicyRule;

constexpr char kRbacGroup[] = "rbac.authorization.k8s.io";

PolicyRule Rule(std::initializer_list<const char*> verbs, std::initializer_list<const char*> groups,
                std::initializer_list<const char*> resources) {
  PolicyRule r;
  for (const char* v : verbs) r.add_verbs(v);
  for (const char* g : groups) r.add_api_groups(g);
  for (const char* res : resources) r.add_resources(res);
  return r;
}

const std::initializer_list<const char*> kRead = {"get", "list", "watch"};
const std::initializer_list<const char*> kWrite = {"create", "update", "patch", "delete",
                                                   "deletecollection"};
const std::initializer_list<const char*> kAll = {"get",    "list",  "watch",  "create",
                                                 "update", "patch", "delete", "deletecollection"};

ClusterRole Role(const char* name, std::vector<PolicyRule> rules) {
  ClusterRole role;
  role.mutable_metadata()->set_name(name);
  (*role.mutable_metadata()->mutable_labels())["kubernetes.io/bootstrapping"] = "rbac-defaults";
  for (auto& r : rules) *role.add_rules() = std::move(r);
  return role;
}

ClusterRoleBinding Binding(const char* role, const char* kind, const char* subject) {
  ClusterRoleBinding b;
  b.mutable_metadata()->set_name(role);
  (*b.mutable_metadata()->mutable_labels())["kubernetes.io/bootstrapping"] = "rbac-defaults";
  b.mutable_role_ref()->set_api_group(kRbacGroup);
  b.mutable_role_ref()->set_kind("ClusterRole");
  b.mutable_role_ref()->set_name(role);
  auto* s = b.add_subjects();
  s->set_kind(kind);
  s->set_api_group(kRbacGroup);
  s->set_name(subject);
  return b;
}

// What a namespace's users work with (the kinds admin, edit and view cover).
std::initializer_list<const char*> kWorkloads = {"pods", "services", "endpoints",
                                                 "persistentvolumeclaims", "events"};

}  // namespace

RbacObjects BootstrapPolicy() {
  RbacObjects p;
  PolicyRule any = Rule({"*"}, {"*"}, {"*"});
  PolicyRule urls;
  urls.add_verbs("*");
  urls.add_non_resource_urls("*");
  p.cluster_roles.push_back(Role("cluster-admin", {any, urls}));
  std::vector<PolicyRule> view = {
      Rule(kRead, {""}, kWorkloads),
      Rule(kRead, {""}, {"pods/log", "pods/status", "services/status", "namespaces"}),
      Rule(kRead, {"apps"},
           {"statefulsets", "statefulsets/status", "statefulsets/scale", "controllerrevisions"}),
      Rule(kRead, {"policy"}, {"poddisruptionbudgets", "poddisruptionbudgets/status"}),
      Rule(kRead, {"snapshot.storage.k8s.io"}, {"volumesnapshots", "volumesnapshots/status"})};
  std::vector<PolicyRule> edit = view;
  edit.push_back(Rule(kWrite, {""}, kWorkloads));
  edit.push_back(Rule({"create"}, {""}, {"pods/exec", "pods/eviction"}));
  edit.push_back(Rule(kWrite, {"apps"}, {"statefulsets", "statefulsets/scale"}));
  edit.push_back(Rule(kWrite, {"policy"}, {"poddisruptionbudgets"}));
  edit.push_back(Rule(kWrite, {"snapshot.storage.k8s.io"}, {"volumesnapshots"}));
  std::vector<PolicyRule> admin = edit;
  admin.push_back(Rule(kAll, {kRbacGroup}, {"roles", "rolebindings"}));
  p.cluster_roles.push_back(Role("admin", admin));
  p.cluster_roles.push_back(Role("edit", edit));
  p.cluster_roles.push_back(Role("view", view));
  p.cluster_roles.push_back(Role(
      "system:kube-scheduler",
      {Rule(kRead, {""},
            {"pods", "nodes", "persistentvolumeclaims", "persistentvolumes", "namespaces"}),
       Rule(kRead, {"storage.k8s.io"}, {"storageclasses"}),
       Rule({"create"}, {""}, {"pods/binding"}), Rule({"update", "patch"}, {""}, {"pods/status"}),
       Rule({"update", "patch"}, {""}, {"persistentvolumeclaims"}),
       Rule({"create", "update", "patch"}, {""}, {"events"})}));
  // The controllers write most kinds; the garbage collector reads and
  // deletes every kind (rbac's included), as Kubernetes' generic one does.
  p.cluster_roles.push_back(
      Role("system:kube-controller-manager",
           {Rule({"*"},
                 {"", "apps", "policy", "storage.k8s.io", "coordination.k8s.io",
                  "snapshot.storage.k8s.io", "velero.io"},
                 {"*"}),
            Rule({"get", "list", "watch", "update", "patch", "delete"}, {kRbacGroup}, {"*"})}));
  p.cluster_roles.push_back(Role(
      "system:node",
      {Rule({"get", "list", "watch", "create", "update", "patch"}, {""}, {"nodes"}),
       Rule({"update", "patch"}, {""}, {"nodes/status", "pods/status"}),
       Rule({"get", "list", "watch", "delete"}, {""}, {"pods"}),
       Rule(kRead, {""}, {"services", "endpoints", "namespaces", "persistentvolumeclaims"}),
       Rule({"get", "list", "watch", "update", "patch"}, {""}, {"persistentvolumes"}),
       Rule({"create", "update", "patch"}, {""}, {"events"}),
       Rule({"get", "create", "update", "patch", "delete"}, {"coordination.k8s.io"}, {"leases"}),
       Rule(kRead, {"storage.k8s.io"}, {"storageclasses"})}));
  p.cluster_roles.push_back(
      Role("system:ordo-dns", {Rule(kRead, {""}, {"namespaces", "services", "endpoints"})}));
  PolicyRule reviews = Rule({"create"}, {"authorization.k8s.io"}, {"selfsubjectaccessreviews"});
  p.cluster_roles.push_back(Role("system:basic-user", {reviews}));

  p.cluster_role_bindings.push_back(Binding("cluster-admin", "Group", "system:masters"));
  p.cluster_role_bindings.push_back(
      Binding("system:kube-scheduler", "User", "system:kube-scheduler"));
  p.cluster_role_bindings.push_back(
      Binding("system:kube-controller-manager", "User", "system:kube-controller-manager"));
  p.cluster_role_bindings.push_back(Binding("system:ordo-dns", "User", "system:ordo-dns"));
  p.cluster_role_bindings.push_back(Binding("system:basic-user", "Group", "system:authenticated"));
  return p;
}

}  // namespace ordo::authorization
