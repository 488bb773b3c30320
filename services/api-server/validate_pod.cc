// Pod validation: the spec (containers, volumes, probes, tolerations), the
// immutability rules on update, and status.
#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "common/naming/naming.h"
#include "common/quantity/quantity.h"
#include "services/api-server/object_access.h"
#include "services/api-server/validation.h"

namespace ordo::apiserver {

using core::v1::Container;
using core::v1::PodSpec;
using core::v1::Probe;
using status::Duplicate;
using status::Forbidden;
using status::Invalid;
using status::Quote;
using status::Required;

namespace {

bool IsEnvVarName(absl::string_view name) {
  if (name.empty() || absl::ascii_isdigit(name.front())) return false;
  for (char c : name) {
    if (!absl::ascii_isalnum(c) && c != '_' && c != '-' && c != '.') return false;
  }
  return true;
}

FieldErrors ValidateProbe(const Probe& probe, const FieldPath& path) {
  FieldErrors errs;
  int handlers = (probe.has_exec() ? 1 : 0) + (probe.has_http_get() ? 1 : 0) +
                 (probe.has_tcp_socket() ? 1 : 0);
  if (handlers == 0) errs.push_back(Required(path, "must specify a handler type"));
  if (handlers > 1) errs.push_back(Forbidden(path, "may not specify more than 1 handler type"));
  if (probe.has_exec() && probe.exec().command_size() == 0) {
    errs.push_back(Required(path.Child("exec").Child("command")));
  }
  if (probe.has_http_get()) {
    Append(errs,
           ValidatePortNumOrName(probe.http_get().port(), path.Child("httpGet").Child("port")));
    Append(errs, ValidateOneOf(probe.http_get().scheme(), {"HTTP", "HTTPS"},
                               path.Child("httpGet").Child("scheme"), true));
  }
  if (probe.has_tcp_socket()) {
    Append(errs,
           ValidatePortNumOrName(probe.tcp_socket().port(), path.Child("tcpSocket").Child("port")));
  }
  Append(errs,
         ValidateNonNegative(probe.initial_delay_seconds(), path.Child("initialDelaySeconds")));
  Append(errs, ValidateNonNegative(probe.timeout_seconds(), path.Child("timeoutSeconds")));
  Append(errs, ValidateNonNegative(probe.period_seconds(), path.Child("periodSeconds")));
  Append(errs, ValidateNonNegative(probe.success_threshold(), path.Child("successThreshold")));
  Append(errs, ValidateNonNegative(probe.failure_threshold(), path.Child("failureThreshold")));
  return errs;
}

// A user or group id: Kubernetes' range check.
void ValidateId(bool set, int64_t id, const FieldPath& path, FieldErrors& errs) {
  if (set && (id < 0 || id > 2147483647)) {
    errs.push_back(
        Invalid(path, std::to_string(id), "must be between 0 and 2147483647, inclusive"));
  }
}

FieldErrors ValidateContainer(const Container& c, const FieldPath& path,
                              const absl::flat_hash_set<std::string>& volumes) {
  FieldErrors errs;
  const auto& sc = c.security_context();
  FieldPath scp = path.Child("securityContext");
  ValidateId(sc.has_run_as_user(), sc.run_as_user(), scp.Child("runAsUser"), errs);
  ValidateId(sc.has_run_as_group(), sc.run_as_group(), scp.Child("runAsGroup"), errs);
  for (int i = 0; i < sc.capabilities().drop_size(); ++i) {
    if (sc.capabilities().drop(i).empty()) {
      errs.push_back(Required(scp.Child("capabilities").Child("drop").Index(i)));
    }
  }
  if (c.name().empty()) {
    errs.push_back(Required(path.Child("name")));
  } else {
    for (const auto& p : naming::IsDns1123Label(c.name())) {
      errs.push_back(Invalid(path.Child("name"), Quote(c.name()), p));
    }
  }
  if (c.image().empty()) errs.push_back(Required(path.Child("image")));
  absl::flat_hash_set<std::string> port_names;
  for (int i = 0; i < c.ports_size(); ++i) {
    const auto& port = c.ports(i);
    FieldPath p = path.Child("ports").Index(i);
    if (port.container_port() < 1 || port.container_port() > 65535) {
      errs.push_back(Invalid(p.Child("containerPort"), absl::StrCat(port.container_port()),
                             "must be between 1 and 65535, inclusive"));
    }
    if (port.host_port() < 0 || port.host_port() > 65535) {
      errs.push_back(Invalid(p.Child("hostPort"), absl::StrCat(port.host_port()),
                             "must be between 1 and 65535, inclusive"));
    }
    if (!port.name().empty()) {
      google::protobuf::Value name;
      name.set_string_value(port.name());
      Append(errs, ValidatePortNumOrName(name, p.Child("name")));
      if (!port_names.insert(port.name()).second) {
        errs.push_back(Duplicate(p.Child("name"), Quote(port.name())));
      }
    }
    Append(errs, ValidateOneOf(port.protocol(), {"TCP", "UDP", "SCTP"}, p.Child("protocol"), true));
  }
  for (int i = 0; i < c.env_size(); ++i) {
    const auto& env = c.env(i);
    FieldPath p = path.Child("env").Index(i);
    if (env.name().empty()) {
      errs.push_back(Required(p.Child("name")));
    } else if (!IsEnvVarName(env.name())) {
      errs.push_back(Invalid(p.Child("name"), Quote(env.name()),
                             "a valid environment variable name must consist of alphabetic "
                             "characters, digits, '_', '-', or '.', and must not start with a "
                             "digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', "
                             "regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')"));
    }
    if (!env.value().empty() && env.has_value_from()) {
      errs.push_back(
          Invalid(p.Child("valueFrom"), "", "may not be specified when `value` is not empty"));
    }
    if (env.has_value_from() && env.value_from().field_ref().field_path().empty()) {
      errs.push_back(Required(p.Child("valueFrom").Child("fieldRef").Child("fieldPath")));
    }
  }
  Append(errs,
         ValidateResourceList(c.resources().limits(), path.Child("resources").Child("limits")));
  Append(errs,
         ValidateResourceList(c.resources().requests(), path.Child("resources").Child("requests")));
  absl::flat_hash_set<std::string> mount_paths;
  for (int i = 0; i < c.volume_mounts_size(); ++i) {
    const auto& m = c.volume_mounts(i);
    FieldPath p = path.Child("volumeMounts").Index(i);
    if (m.name().empty()) {
      errs.push_back(Required(p.Child("name")));
    } else if (!volumes.contains(m.name())) {
      errs.push_back(status::FieldError{status::FieldError::Type::kNotFound, p.Child("name").str(),
                                        Quote(m.name()), ""});
    }
    if (m.mount_path().empty()) {
      errs.push_back(Required(p.Child("mountPath")));
    } else if (!mount_paths.insert(m.mount_path()).second) {
      errs.push_back(Invalid(p.Child("mountPath"), Quote(m.mount_path()), "must be unique"));
    }
    if (absl::StartsWith(m.sub_path(), "/") || absl::StrContains(m.sub_path(), "..")) {
      errs.push_back(
          Invalid(p.Child("subPath"), Quote(m.sub_path()), "must be a relative path without '..'"));
    }
  }
  if (c.has_liveness_probe()) {
    Append(errs, ValidateProbe(c.liveness_probe(), path.Child("livenessProbe")));
    if (c.liveness_probe().success_threshold() > 1) {
      errs.push_back(Invalid(path.Child("livenessProbe").Child("successThreshold"),
                             absl::StrCat(c.liveness_probe().success_threshold()), "must be 1"));
    }
  }
  if (c.has_readiness_probe()) {
    Append(errs, ValidateProbe(c.readiness_probe(), path.Child("readinessProbe")));
  }
  if (c.has_startup_probe()) {
    Append(errs, ValidateProbe(c.startup_probe(), path.Child("startupProbe")));
    if (c.startup_probe().success_threshold() > 1) {
      errs.push_back(Invalid(path.Child("startupProbe").Child("successThreshold"),
                             absl::StrCat(c.startup_probe().success_threshold()), "must be 1"));
    }
  }
  Append(errs, ValidateOneOf(c.image_pull_policy(), {"Always", "IfNotPresent", "Never"},
                             path.Child("imagePullPolicy"), true));
  return errs;
}

// dnsConfig, as Kubernetes' validatePodDNSConfig: what dnsPolicy None
// needs, kubelet's limits, addresses and domains that resolvers accept.
FieldErrors ValidateDnsConfig(const PodSpec& spec, const FieldPath& path) {
  FieldErrors errs;
  FieldPath p = path.Child("dnsConfig");
  const auto& dns = spec.dns_config();
  if (spec.dns_policy() == "None") {
    if (!spec.has_dns_config()) {
      errs.push_back(Required(p, "must provide `dnsConfig` when `dnsPolicy` is None"));
    } else if (dns.nameservers().empty()) {
      errs.push_back(Required(p.Child("nameservers"),
                              "must provide at least one DNS nameserver when `dnsPolicy` is None"));
    }
  }
  if (dns.nameservers_size() > 3) {
    errs.push_back(Invalid(p.Child("nameservers"), absl::StrJoin(dns.nameservers(), ","),
                           "must not have more than 3 nameservers"));
  }
  for (int i = 0; i < dns.nameservers_size(); ++i) {
    if (!IsIp(dns.nameservers(i))) {
      errs.push_back(Invalid(p.Child("nameservers").Index(i), Quote(dns.nameservers(i)),
                             "must be valid IP address"));
    }
  }
  if (dns.searches_size() > 32) {
    errs.push_back(Invalid(p.Child("searches"), absl::StrJoin(dns.searches(), ","),
                           "must not have more than 32 search paths"));
  }
  if (absl::StrJoin(dns.searches(), " ").size() > 2048) {
    errs.push_back(Invalid(p.Child("searches"), absl::StrJoin(dns.searches(), ","),
                           "must not have more than 2048 characters (including spaces) in the "
                           "search list"));
  }
  for (int i = 0; i < dns.searches_size(); ++i) {
    absl::string_view search = dns.searches(i);
    absl::ConsumeSuffix(&search, ".");  // an absolute name is fine
    for (const auto& prob : naming::IsDns1123Subdomain(search)) {
      errs.push_back(Invalid(p.Child("searches").Index(i), Quote(dns.searches(i)), prob));
    }
  }
  for (int i = 0; i < dns.options_size(); ++i) {
    if (dns.options(i).name().empty()) {
      errs.push_back(Required(p.Child("options").Index(i), "must not be empty"));
    }
  }
  return errs;
}

}  // namespace

FieldErrors ValidatePodSpec(const PodSpec& spec, const FieldPath& path,
                            const std::vector<std::string>& extra_volumes) {
  FieldErrors errs;
  absl::flat_hash_set<std::string> volumes(extra_volumes.begin(), extra_volumes.end());
  for (int i = 0; i < spec.volumes_size(); ++i) {
    const auto& v = spec.volumes(i);
    FieldPath p = path.Child("volumes").Index(i);
    if (v.name().empty()) {
      errs.push_back(Required(p.Child("name")));
    } else {
      for (const auto& prob : naming::IsDns1123Label(v.name())) {
        errs.push_back(Invalid(p.Child("name"), Quote(v.name()), prob));
      }
      if (!volumes.insert(v.name()).second)
        errs.push_back(Duplicate(p.Child("name"), Quote(v.name())));
    }
    int sources = (v.has_persistent_volume_claim() ? 1 : 0) + (v.has_empty_dir() ? 1 : 0) +
                  (v.has_host_path() ? 1 : 0);
    if (sources == 0) errs.push_back(Required(p, "must specify a volume type"));
    if (sources > 1) errs.push_back(Forbidden(p, "may not specify more than 1 volume type"));
    if (v.has_persistent_volume_claim() && v.persistent_volume_claim().claim_name().empty()) {
      errs.push_back(Required(p.Child("persistentVolumeClaim").Child("claimName")));
    }
    if (v.has_host_path() && v.host_path().path().empty()) {
      errs.push_back(Required(p.Child("hostPath").Child("path")));
    }
    if (v.has_empty_dir() && !v.empty_dir().size_limit().empty() &&
        !quantity::IsWellFormed(v.empty_dir().size_limit())) {
      errs.push_back(Invalid(p.Child("emptyDir").Child("sizeLimit"),
                             Quote(v.empty_dir().size_limit()), "must be a quantity"));
    }
  }
  if (spec.containers_size() == 0) errs.push_back(Required(path.Child("containers")));
  absl::flat_hash_set<std::string> names;
  auto check_containers = [&](const auto& list, absl::string_view field) {
    for (int i = 0; i < list.size(); ++i) {
      FieldPath p = path.Child(field).Index(i);
      Append(errs, ValidateContainer(list[i], p, volumes));
      if (!list[i].name().empty() && !names.insert(list[i].name()).second) {
        errs.push_back(Duplicate(p.Child("name"), Quote(list[i].name())));
      }
    }
  };
  check_containers(spec.init_containers(), "initContainers");
  check_containers(spec.containers(), "containers");
  const auto& psc = spec.security_context();
  FieldPath pscp = path.Child("securityContext");
  ValidateId(psc.has_run_as_user(), psc.run_as_user(), pscp.Child("runAsUser"), errs);
  ValidateId(psc.has_run_as_group(), psc.run_as_group(), pscp.Child("runAsGroup"), errs);
  for (int i = 0; i < psc.supplemental_groups_size(); ++i) {
    ValidateId(true, psc.supplemental_groups(i), pscp.Child("supplementalGroups").Index(i), errs);
  }
  Append(errs, ValidateOneOf(spec.restart_policy(), {"Always", "OnFailure", "Never"},
                             path.Child("restartPolicy")));
  Append(errs, ValidateOneOf(spec.dns_policy(),
                             {"ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"},
                             path.Child("dnsPolicy")));
  Append(errs, ValidateDnsConfig(spec, path));
  if (spec.has_termination_grace_period_seconds()) {
    Append(errs, ValidateNonNegative(spec.termination_grace_period_seconds(),
                                     path.Child("terminationGracePeriodSeconds")));
  }
  if (spec.has_active_deadline_seconds() && spec.active_deadline_seconds() < 1) {
    errs.push_back(Invalid(path.Child("activeDeadlineSeconds"),
                           absl::StrCat(spec.active_deadline_seconds()),
                           "must be between 1 and 2147483647, inclusive"));
  }
  for (const auto& field : {std::make_pair("hostname", &spec.hostname()),
                            std::make_pair("subdomain", &spec.subdomain())}) {
    if (field.second->empty()) continue;
    for (const auto& p : naming::IsDns1123Label(*field.second)) {
      errs.push_back(Invalid(path.Child(field.first), Quote(*field.second), p));
    }
  }
  Append(errs, ValidateLabels(spec.node_selector(), path.Child("nodeSelector")));
  for (int i = 0; i < spec.tolerations_size(); ++i) {
    const auto& t = spec.tolerations(i);
    FieldPath p = path.Child("tolerations").Index(i);
    if (!t.key().empty()) {
      for (const auto& prob : naming::IsQualifiedName(t.key())) {
        errs.push_back(Invalid(p.Child("key"), Quote(t.key()), prob));
      }
    }
    Append(errs, ValidateOneOf(t.operator_(), {"Exists", "Equal"}, p.Child("operator"), true));
    if (t.operator_() == "Exists" && !t.value().empty()) {
      errs.push_back(Invalid(p.Child("operator"), Quote(t.value()),
                             "value must be empty when `operator` is 'Exists'"));
    }
    if (t.key().empty() && t.operator_() != "Exists") {
      errs.push_back(Invalid(p.Child("operator"), Quote(t.operator_()),
                             "operator must be Exists when `key` is empty, which means \"match "
                             "all values and all keys\""));
    }
    Append(errs, ValidateOneOf(t.effect(), {"NoSchedule", "PreferNoSchedule", "NoExecute"},
                               p.Child("effect"), true));
    if (t.has_toleration_seconds() && t.effect() != "NoExecute") {
      errs.push_back(Invalid(p.Child("effect"), Quote(t.effect()),
                             "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    }
  }
  return errs;
}

FieldErrors ValidatePodTemplateSpec(const core::v1::PodTemplateSpec& tmpl, const FieldPath& path,
                                    const std::vector<std::string>& extra_volumes) {
  FieldErrors errs =
      ValidateLabels(tmpl.metadata().labels(), path.Child("metadata").Child("labels"));
  Append(errs, ValidatePodSpec(tmpl.spec(), path.Child("spec"), extra_volumes));
  return errs;
}

FieldErrors ValidatePod(const core::v1::Pod& pod) {
  FieldErrors errs =
      ValidateObjectMeta(pod.metadata(), true, NameRule::kDns1123Subdomain, FieldPath("metadata"));
  Append(errs, ValidatePodSpec(pod.spec(), FieldPath("spec")));
  return errs;
}

FieldErrors ValidatePodUpdate(const core::v1::Pod& updated, const core::v1::Pod& old) {
  FieldErrors errs =
      ValidateObjectMetaUpdate(updated.metadata(), old.metadata(), FieldPath("metadata"));
  // Only images, activeDeadlineSeconds and added tolerations may change.
  PodSpec masked = updated.spec();
  for (int i = 0; i < masked.containers_size() && i < old.spec().containers_size(); ++i) {
    masked.mutable_containers(i)->set_image(old.spec().containers(i).image());
  }
  for (int i = 0; i < masked.init_containers_size() && i < old.spec().init_containers_size(); ++i) {
    masked.mutable_init_containers(i)->set_image(old.spec().init_containers(i).image());
  }
  if (old.spec().has_active_deadline_seconds()) {
    masked.set_active_deadline_seconds(old.spec().active_deadline_seconds());
  } else {
    masked.clear_active_deadline_seconds();
  }
  bool keeps_old_tolerations = masked.tolerations_size() >= old.spec().tolerations_size();
  for (int i = 0; keeps_old_tolerations && i < old.spec().tolerations_size(); ++i) {
    keeps_old_tolerations =
        DeterministicBytes(masked.tolerations(i)) == DeterministicBytes(old.spec().tolerations(i));
  }
  if (keeps_old_tolerations) *masked.mutable_tolerations() = old.spec().tolerations();
  if (DeterministicBytes(masked) != DeterministicBytes(old.spec())) {
    errs.push_back(Forbidden(
        FieldPath("spec"),
        "pod updates may not change fields other than `spec.containers[*].image`,"
        "`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only "
        "additions to existing tolerations)"));
  }
  return errs;
}

FieldErrors ValidatePodStatus(const core::v1::Pod& pod) {
  FieldErrors errs;
  FieldPath status("status");
  Append(errs, ValidateOneOf(pod.status().phase(),
                             {"Pending", "Running", "Succeeded", "Failed", "Unknown"},
                             status.Child("phase"), true));
  for (int i = 0; i < pod.status().conditions_size(); ++i) {
    const auto& c = pod.status().conditions(i);
    FieldPath p = status.Child("conditions").Index(i);
    if (c.type().empty()) errs.push_back(Required(p.Child("type")));
    Append(errs, ValidateOneOf(c.status(), {"True", "False", "Unknown"}, p.Child("status")));
  }
  return errs;
}

}  // namespace ordo::apiserver
