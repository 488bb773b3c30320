#include "services/api-server/authorization/rbac_policy.h"

#include <functional>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "common/labels/selector.h"

namespace ordo::authorization {
namespace {

using google::protobuf::RepeatedPtrField;
using rbac::v1::PolicyRule;

constexpr char kMastersGroup[] = "system:masters";

bool HasOrAll(const RepeatedPtrField<std::string>& list, const std::string& value) {
  for (const std::string& item : list) {
    if (item == "*" || item == value) return true;
  }
  return false;
}

bool ResourceMatches(const PolicyRule& rule, const RequestAttributes& request) {
  std::string combined = request.subresource.empty()
                             ? request.resource
                             : absl::StrCat(request.resource, "/", request.subresource);
  for (const std::string& r : rule.resources()) {
    if (r == "*" || r == combined) return true;
    if (!request.subresource.empty() && r == "*/" + request.subresource) return true;
  }
  return false;
}

// The keys a binding's subject grants to (none for an unknown kind).
std::string SubjectKey(const rbac::v1::Subject& s, const std::string& binding_ns) {
  if (s.kind() == "User") return absl::StrCat("User", std::string(1, '\0'), s.name());
  if (s.kind() == "Group") return absl::StrCat("Group", std::string(1, '\0'), s.name());
  if (s.kind() == "ServiceAccount") {
    std::string ns = s.namespace_().empty() ? binding_ns : s.namespace_();
    return absl::StrCat("User", std::string(1, '\0'), "system:serviceaccount:", ns, ":", s.name());
  }
  return "";
}

std::string Join(const std::string& a, const std::string& b) {
  return absl::StrCat(a, std::string(1, '\0'), b);
}

}  // namespace

bool RuleAllows(const PolicyRule& rule, const RequestAttributes& request) {
  return HasOrAll(rule.verbs(), request.verb) && HasOrAll(rule.api_groups(), request.api_group) &&
         ResourceMatches(rule, request) &&
         (rule.resource_names().empty() ||
          (!request.name.empty() &&
           std::find(rule.resource_names().begin(), rule.resource_names().end(), request.name) !=
               rule.resource_names().end()));
}

RbacPolicy::RbacPolicy(RbacObjects objects) : objects_(std::move(objects)) {
  // ClusterRoles, aggregated ones with the rules of the roles they select
  // (followed through chains, as admin takes edit's which takes view's).
  absl::flat_hash_map<std::string, const rbac::v1::ClusterRole*> by_name;
  for (const auto& cr : objects_.cluster_roles) by_name[cr.metadata().name()] = &cr;
  absl::flat_hash_set<std::string> visiting;
  std::function<const Rules&(const rbac::v1::ClusterRole&)> rules_of =
      [&](const rbac::v1::ClusterRole& cr) -> const Rules& {
    const std::string& name = cr.metadata().name();
    if (auto it = cluster_role_rules_.find(name); it != cluster_role_rules_.end()) {
      return it->second;
    }
    Rules rules;
    for (const auto& r : cr.rules()) rules.push_back(&r);
    visiting.insert(name);
    for (const auto& selector_proto : cr.aggregation_rule().cluster_role_selectors()) {
      auto selector = labels::LabelSelector::FromProto(selector_proto);
      if (!selector.ok() || selector->Empty()) continue;  // an empty selector selects nothing here
      for (const auto& other : objects_.cluster_roles) {
        if (visiting.contains(other.metadata().name())) continue;
        if (!selector->Matches(other.metadata().labels())) continue;
        const Rules& theirs = rules_of(other);
        rules.insert(rules.end(), theirs.begin(), theirs.end());
      }
    }
    visiting.erase(name);
    return cluster_role_rules_[name] = std::move(rules);
  };
  for (const auto& cr : objects_.cluster_roles) rules_of(cr);
  for (const auto& role : objects_.roles) {
    Rules& rules = role_rules_[Join(role.metadata().namespace_(), role.metadata().name())];
    for (const auto& r : role.rules()) rules.push_back(&r);
  }
  // Grants. A binding to a missing role, or to a role of the wrong kind,
  // grants nothing.
  for (const auto& b : objects_.cluster_role_bindings) {
    if (b.role_ref().kind() != "ClusterRole") continue;
    auto role = cluster_role_rules_.find(b.role_ref().name());
    if (role == cluster_role_rules_.end()) continue;
    for (const auto& s : b.subjects()) {
      std::string key = SubjectKey(s, "");
      if (!key.empty()) cluster_grants_[key].push_back(&role->second);
    }
  }
  for (const auto& b : objects_.role_bindings) {
    const std::string& ns = b.metadata().namespace_();
    const Rules* rules = nullptr;
    if (b.role_ref().kind() == "ClusterRole") {
      auto it = cluster_role_rules_.find(b.role_ref().name());
      if (it != cluster_role_rules_.end()) rules = &it->second;
    } else if (b.role_ref().kind() == "Role") {
      auto it = role_rules_.find(Join(ns, b.role_ref().name()));
      if (it != role_rules_.end()) rules = &it->second;
    }
    if (rules == nullptr) continue;
    for (const auto& s : b.subjects()) {
      std::string key = SubjectKey(s, ns);
      if (!key.empty()) namespace_grants_[Join(ns, key)].push_back(rules);
    }
  }
}

bool RbacPolicy::Granted(const std::string& key, const RequestAttributes& request) const {
  auto check = [&](const absl::flat_hash_map<std::string, std::vector<const Rules*>>& grants,
                   const std::string& k) {
    auto it = grants.find(k);
    if (it == grants.end()) return false;
    for (const Rules* rules : it->second) {
      for (const PolicyRule* rule : *rules) {
        if (RuleAllows(*rule, request)) return true;
      }
    }
    return false;
  };
  if (check(cluster_grants_, key)) return true;
  return !request.ns.empty() && check(namespace_grants_, Join(request.ns, key));
}

bool RbacPolicy::Allows(const security::UserInfo& user, const RequestAttributes& request) const {
  for (const std::string& g : user.groups) {
    if (g == kMastersGroup) return true;
  }
  if (Granted(Join("User", user.name), request)) return true;
  for (const std::string& g : user.groups) {
    if (Granted(Join("Group", g), request)) return true;
  }
  return false;
}

std::string ForbiddenMessage(const security::UserInfo& user, const RequestAttributes& request) {
  std::string qualified =
      request.api_group.empty() ? request.resource : request.resource + "." + request.api_group;
  std::string head = request.name.empty()
                         ? absl::StrCat(qualified, " is forbidden: ")
                         : absl::StrCat(qualified, " \"", request.name, "\" is forbidden: ");
  std::string resource = request.subresource.empty()
                             ? request.resource
                             : absl::StrCat(request.resource, "/", request.subresource);
  std::string scope = request.ns.empty() ? " at the cluster scope"
                                         : absl::StrCat(" in the namespace \"", request.ns, "\"");
  return absl::StrCat(head, "User \"", user.name, "\" cannot ", request.verb, " resource \"",
                      resource, "\" in API group \"", request.api_group, "\"", scope);
}

}  // namespace ordo::authorization
