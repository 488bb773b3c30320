// ordo-authz-bench: what RBAC costs per request. Builds a policy of 100 roles
// (50 Roles over 10 namespaces, 50 ClusterRoles, 6 rules each) and 1,000
// bindings (RoleBindings and ClusterRoleBindings naming users and groups),
// then times RbacPolicy::Allows over a mix of allowed and refused requests
// from users with three groups each, as the api-server calls it per gRPC
// call. Prints ns per decision (p50 over batches) and the allowed share.
#include <algorithm>
#include <cstdio>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/server/server_main.h"
#include "services/api-server/authorization/rbac_policy.h"

ABSL_FLAG(int, roles, 100, "roles (half Roles, half ClusterRoles)");
ABSL_FLAG(int, bindings, 1000, "bindings (a tenth ClusterRoleBindings)");
ABSL_FLAG(int, decisions, 2000000, "decisions timed");

namespace {

using namespace ordo;  // NOLINT: a benchmark's main

rbac::v1::PolicyRule Rule(int i) {
  static const char* kResources[] = {
      "pods", "services", "endpoints", "statefulsets", "persistentvolumeclaims", "events"};
  static const char* kVerbs[] = {"get", "list", "watch", "create", "update", "delete"};
  rbac::v1::PolicyRule r;
  r.add_api_groups(i % 6 == 3 ? "apps" : "");
  r.add_resources(kResources[i % 6]);
  r.add_verbs(kVerbs[i % 6]);
  r.add_verbs(kVerbs[(i + 1) % 6]);
  return r;
}

template <typename B>
B Binding(int i, const std::string& ns, const std::string& kind, const std::string& role) {
  B b;
  b.mutable_metadata()->set_name(absl::StrCat("b", i));
  b.mutable_metadata()->set_namespace_(ns);
  b.mutable_role_ref()->set_kind(kind);
  b.mutable_role_ref()->set_name(role);
  auto* s = b.add_subjects();
  s->set_kind(i % 3 == 0 ? "Group" : "User");
  s->set_name(i % 3 == 0 ? absl::StrCat("group-", i % 50) : absl::StrCat("user-", i % 500));
  return b;
}

}  // namespace

int main(int argc, char** argv) {
  server::ParseFlags(argc, argv, "ordo-authz-bench: RBAC decisions per second");
  int roles = absl::GetFlag(FLAGS_roles), bindings = absl::GetFlag(FLAGS_bindings);
  authorization::RbacObjects objects;
  for (int i = 0; i < roles; ++i) {
    if (i % 2 == 0) {
      rbac::v1::Role role;
      role.mutable_metadata()->set_name(absl::StrCat("role-", i));
      role.mutable_metadata()->set_namespace_(absl::StrCat("ns-", i % 10));
      for (int r = 0; r < 6; ++r) *role.add_rules() = Rule(i + r);
      objects.roles.push_back(role);
    } else {
      rbac::v1::ClusterRole role;
      role.mutable_metadata()->set_name(absl::StrCat("role-", i));
      for (int r = 0; r < 6; ++r) *role.add_rules() = Rule(i + r);
      objects.cluster_roles.push_back(role);
    }
  }
  for (int i = 0; i < bindings; ++i) {
    int role = i % roles;
    std::string name = absl::StrCat("role-", role);
    if (i % 10 == 0) {
      objects.cluster_role_bindings.push_back(Binding<rbac::v1::ClusterRoleBinding>(
          i, "", "ClusterRole", role % 2 ? name : absl::StrCat("role-", role + 1)));
    } else {
      std::string ns = absl::StrCat("ns-", role % 10);
      objects.role_bindings.push_back(
          Binding<rbac::v1::RoleBinding>(i, ns, role % 2 ? "ClusterRole" : "Role", name));
    }
  }
  authorization::RbacPolicy policy(std::move(objects));

  // Requests: 1,000 users (half of them bound), 3 groups each, a spread of
  // verbs, resources and namespaces.
  struct Ask {
    security::UserInfo user;
    authorization::RequestAttributes request;
  };
  std::vector<Ask> asks;
  const char* verbs[] = {"get", "list", "watch", "create", "update", "delete"};
  const char* resources[] = {"pods", "services", "endpoints", "persistentvolumeclaims", "events"};
  for (int i = 0; i < 1000; ++i) {
    Ask a;
    a.user.name = absl::StrCat("user-", i);
    a.user.groups = {absl::StrCat("group-", i % 100), "dev", "system:authenticated"};
    a.request = {.verb = verbs[i % 6],
                 .resource = resources[i % 5],
                 .ns = absl::StrCat("ns-", i % 10),
                 .name = i % 2 ? "web-0" : ""};
    asks.push_back(a);
  }
  int decisions = absl::GetFlag(FLAGS_decisions);
  int allowed = 0;
  std::vector<double> batch_ns;
  const int kBatch = 10000;
  for (int done = 0; done < decisions; done += kBatch) {
    absl::Time start = absl::Now();
    for (int i = 0; i < kBatch; ++i) {
      const Ask& a = asks[(done + i) % asks.size()];
      allowed += policy.Allows(a.user, a.request);
    }
    batch_ns.push_back(absl::ToDoubleNanoseconds(absl::Now() - start) / kBatch);
  }
  std::sort(batch_ns.begin(), batch_ns.end());
  std::printf(
      "authz   roles=%d bindings=%d decisions=%d allowed=%.0f%% ns_per_decision_p50=%.0f "
      "p99=%.0f\n",
      roles, bindings, decisions, 100.0 * allowed / decisions, batch_ns[batch_ns.size() / 2],
      batch_ns[batch_ns.size() * 99 / 100]);
  return 0;
}
