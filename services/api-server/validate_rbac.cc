// Validation of rbac.authorization.k8s.io: Kubernetes' rules (names are path
// segments, rules need verbs and resources with groups, a binding's roleRef
// names a Role or ClusterRole of this group and never changes, subjects are
// Users, Groups or ServiceAccounts), plus one ordo adds: a verb must be one
// Kubernetes knows, so a typo ("lsit") is an error instead of a rule that
// never matches. A binding to a role that does not exist is allowed (it
// grants nothing until the role appears), as in Kubernetes.
#include "absl/strings/str_cat.h"
#include "services/api-server/validation.h"

namespace ordo::apiserver {

using status::Invalid;
using status::NotSupported;
using status::Quote;
using status::Required;

namespace {

constexpr char kRbacGroup[] = "rbac.authorization.k8s.io";

const std::vector<std::string>& KnownVerbs() {
  static const auto* verbs = new std::vector<std::string>{"*",     "get",      "list",
                                                          "watch", "create",   "update",
                                                          "patch", "delete",   "deletecollection",
                                                          "bind",  "escalate", "impersonate",
                                                          "use",   "approve",  "sign",
                                                          "proxy"};
  return *verbs;
}

FieldErrors ValidateRule(const rbac::v1::PolicyRule& rule, bool namespaced, const FieldPath& path) {
  FieldErrors errs;
  if (rule.verbs().empty()) {
    errs.push_back(Required(path.Child("verbs"), "verbs must contain at least one value"));
  }
  for (int i = 0; i < rule.verbs_size(); ++i) {
    const std::string& verb = rule.verbs(i);
    if (std::find(KnownVerbs().begin(), KnownVerbs().end(), verb) == KnownVerbs().end()) {
      errs.push_back(NotSupported(path.Child("verbs").Index(i), verb, KnownVerbs()));
    }
  }
  bool resources = !rule.resources().empty();
  bool urls = !rule.non_resource_urls().empty();
  if (urls && namespaced) {
    errs.push_back(Invalid(path.Child("nonResourceURLs"), "",
                           "namespaced rules cannot apply to non-resource URLs"));
  }
  if (resources && urls) {
    errs.push_back(Invalid(path, "",
                           "rules cannot apply to both regular resources and "
                           "non-resource URLs"));
  }
  if (!resources && !urls) {
    errs.push_back(Required(path.Child("resources"),
                            "resource rules must supply at least one "
                            "resource"));
  }
  if (resources && rule.api_groups().empty()) {
    errs.push_back(
        Required(path.Child("apiGroups"), "resource rules must supply at least one api group"));
  }
  for (int i = 0; i < rule.resources_size(); ++i) {
    if (rule.resources(i).empty()) errs.push_back(Required(path.Child("resources").Index(i)));
  }
  return errs;
}

template <typename RoleT>
FieldErrors ValidateAnyRole(const RoleT& role, bool namespaced) {
  FieldErrors errs = ValidateObjectMeta(role.metadata(), namespaced, NameRule::kPathSegment,
                                        FieldPath("metadata"));
  for (int i = 0; i < role.rules_size(); ++i) {
    Append(errs, ValidateRule(role.rules(i), namespaced, FieldPath("rules").Index(i)));
  }
  return errs;
}

template <typename BindingT>
FieldErrors ValidateAnyBinding(const BindingT& b, bool namespaced) {
  FieldErrors errs =
      ValidateObjectMeta(b.metadata(), namespaced, NameRule::kPathSegment, FieldPath("metadata"));
  FieldPath ref("roleRef");
  if (b.role_ref().api_group() != kRbacGroup) {
    errs.push_back(NotSupported(ref.Child("apiGroup"), b.role_ref().api_group(), {kRbacGroup}));
  }
  std::vector<std::string> kinds = namespaced ? std::vector<std::string>{"Role", "ClusterRole"}
                                              : std::vector<std::string>{"ClusterRole"};
  if (std::find(kinds.begin(), kinds.end(), b.role_ref().kind()) == kinds.end()) {
    errs.push_back(NotSupported(ref.Child("kind"), b.role_ref().kind(), kinds));
  }
  if (b.role_ref().name().empty()) errs.push_back(Required(ref.Child("name")));
  for (int i = 0; i < b.subjects_size(); ++i) {
    const rbac::v1::Subject& s = b.subjects(i);
    FieldPath path = FieldPath("subjects").Index(i);
    if (s.name().empty()) errs.push_back(Required(path.Child("name")));
    if (s.kind() == "ServiceAccount") {
      if (!s.api_group().empty()) {
        errs.push_back(NotSupported(path.Child("apiGroup"), s.api_group(), {""}));
      }
      if (!namespaced && s.namespace_().empty()) errs.push_back(Required(path.Child("namespace")));
    } else if (s.kind() == "User" || s.kind() == "Group") {
      if (s.api_group() != kRbacGroup) {
        errs.push_back(NotSupported(path.Child("apiGroup"), s.api_group(), {kRbacGroup}));
      }
    } else {
      errs.push_back(
          NotSupported(path.Child("kind"), s.kind(), {"ServiceAccount", "User", "Group"}));
    }
  }
  return errs;
}

template <typename BindingT>
FieldErrors ValidateAnyBindingUpdate(const BindingT& updated, const BindingT& old) {
  FieldErrors errs =
      ValidateObjectMetaUpdate(updated.metadata(), old.metadata(), FieldPath("metadata"));
  const auto& a = updated.role_ref();
  const auto& b = old.role_ref();
  if (a.api_group() != b.api_group() || a.kind() != b.kind() || a.name() != b.name()) {
    errs.push_back(Invalid(
        FieldPath("roleRef"),
        absl::StrCat("{", Quote(a.api_group()), " ", Quote(a.kind()), " ", Quote(a.name()), "}"),
        "cannot change roleRef"));
  }
  return errs;
}

}  // namespace

FieldErrors ValidateRole(const rbac::v1::Role& role) { return ValidateAnyRole(role, true); }
FieldErrors ValidateClusterRole(const rbac::v1::ClusterRole& role) {
  FieldErrors errs = ValidateAnyRole(role, false);
  const auto& selectors = role.aggregation_rule().cluster_role_selectors();
  for (int i = 0; i < selectors.size(); ++i) {
    Append(errs,
           ValidateLabelSelector(
               selectors[i], FieldPath("aggregationRule").Child("clusterRoleSelectors").Index(i)));
  }
  return errs;
}
FieldErrors ValidateRoleBinding(const rbac::v1::RoleBinding& binding) {
  return ValidateAnyBinding(binding, true);
}
FieldErrors ValidateRoleBindingUpdate(const rbac::v1::RoleBinding& updated,
                                      const rbac::v1::RoleBinding& old) {
  return ValidateAnyBindingUpdate(updated, old);
}
FieldErrors ValidateClusterRoleBinding(const rbac::v1::ClusterRoleBinding& binding) {
  return ValidateAnyBinding(binding, false);
}
FieldErrors ValidateClusterRoleBindingUpdate(const rbac::v1::ClusterRoleBinding& updated,
                                             const rbac::v1::ClusterRoleBinding& old) {
  return ValidateAnyBindingUpdate(updated, old);
}

}  // namespace ordo::apiserver
