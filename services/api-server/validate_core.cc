// Validation of the core/v1 kinds other than Pod: Namespace, Node, Service,
// Endpoints, PersistentVolume, PersistentVolumeClaim, Event.
#include <arpa/inet.h>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "common/naming/naming.h"
#include "services/api-server/object_access.h"
#include "services/api-server/validation.h"

namespace ordo::apiserver {

using status::Duplicate;
using status::Forbidden;
using status::Invalid;
using status::Quote;
using status::Required;

bool IsIp(const std::string& s) {
  unsigned char buf[16];
  return inet_pton(AF_INET, s.c_str(), buf) == 1 || inet_pton(AF_INET6, s.c_str(), buf) == 1;
}

namespace {

const std::vector<std::string> kAccessModes = {"ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany",
                                               "ReadWriteOncePod"};

FieldErrors ValidateAccessModes(const google::protobuf::RepeatedPtrField<std::string>& modes,
                                const FieldPath& path) {
  FieldErrors errs;
  if (modes.empty()) errs.push_back(Required(path, "at least 1 access mode is required"));
  for (int i = 0; i < modes.size(); ++i)
    Append(errs, ValidateOneOf(modes[i], kAccessModes, path.Index(i)));
  return errs;
}

// A class name, when given, is a DNS subdomain (empty means "no class").
FieldErrors ValidateStorageClassName(const std::string& name, const FieldPath& path) {
  FieldErrors errs;
  if (name.empty()) return errs;
  for (const auto& p : naming::IsDns1123Subdomain(name)) {
    errs.push_back(Invalid(path, Quote(name), p));
  }
  return errs;
}

}  // namespace

FieldErrors ValidateNamespace(const core::v1::Namespace& ns) {
  return ValidateObjectMeta(ns.metadata(), false, NameRule::kDns1123Label, FieldPath("metadata"));
}

FieldErrors ValidateNode(const core::v1::Node& node) {
  FieldErrors errs = ValidateObjectMeta(node.metadata(), false, NameRule::kDns1123Subdomain,
                                        FieldPath("metadata"));
  for (int i = 0; i < node.spec().taints_size(); ++i) {
    const auto& t = node.spec().taints(i);
    FieldPath p = FieldPath("spec").Child("taints").Index(i);
    for (const auto& prob : naming::IsQualifiedName(t.key())) {
      errs.push_back(Invalid(p.Child("key"), Quote(t.key()), prob));
    }
    Append(errs, ValidateOneOf(t.effect(), {"NoSchedule", "PreferNoSchedule", "NoExecute"},
                               p.Child("effect")));
  }
  Append(errs,
         ValidateResourceList(node.status().capacity(), FieldPath("status").Child("capacity")));
  Append(errs, ValidateResourceList(node.status().allocatable(),
                                    FieldPath("status").Child("allocatable")));
  return errs;
}

FieldErrors ValidateService(const core::v1::Service& svc) {
  FieldErrors errs =
      ValidateObjectMeta(svc.metadata(), true, NameRule::kDns1035Label, FieldPath("metadata"));
  FieldPath spec("spec");
  const auto& s = svc.spec();
  Append(errs, ValidateOneOf(s.type(), {"ClusterIP", "NodePort", "LoadBalancer", "ExternalName"},
                             spec.Child("type")));
  if (s.type() == "ExternalName") {
    if (s.external_name().empty()) {
      errs.push_back(Required(spec.Child("externalName")));
    } else {
      for (const auto& p : naming::IsDns1123Subdomain(s.external_name())) {
        errs.push_back(Invalid(spec.Child("externalName"), Quote(s.external_name()), p));
      }
    }
  } else if (s.ports_size() == 0 && s.cluster_ip() != "None") {
    errs.push_back(Required(spec.Child("ports")));
  }
  if (!s.cluster_ip().empty() && s.cluster_ip() != "None" && !IsIp(s.cluster_ip())) {
    errs.push_back(Invalid(spec.Child("clusterIP"), Quote(s.cluster_ip()),
                           "must be empty, 'None', or a valid IP address"));
  }
  absl::flat_hash_set<std::string> names;
  for (int i = 0; i < s.ports_size(); ++i) {
    const auto& port = s.ports(i);
    FieldPath p = spec.Child("ports").Index(i);
    if (s.ports_size() > 1 && port.name().empty()) errs.push_back(Required(p.Child("name")));
    if (!port.name().empty()) {
      for (const auto& prob : naming::IsDns1123Label(port.name())) {
        errs.push_back(Invalid(p.Child("name"), Quote(port.name()), prob));
      }
      if (!names.insert(port.name()).second)
        errs.push_back(Duplicate(p.Child("name"), Quote(port.name())));
    }
    if (port.port() < 1 || port.port() > 65535) {
      errs.push_back(Invalid(p.Child("port"), absl::StrCat(port.port()),
                             "must be between 1 and 65535, inclusive"));
    }
    Append(errs, ValidateOneOf(port.protocol(), {"TCP", "UDP", "SCTP"}, p.Child("protocol")));
    if (port.has_target_port())
      Append(errs, ValidatePortNumOrName(port.target_port(), p.Child("targetPort")));
  }
  for (const auto& [k, v] : s.selector()) {
    for (const auto& prob : naming::IsQualifiedName(k)) {
      errs.push_back(Invalid(spec.Child("selector"), Quote(k), prob));
    }
    for (const auto& prob : naming::IsValidLabelValue(v)) {
      errs.push_back(Invalid(spec.Child("selector").Key(k), Quote(v), prob));
    }
  }
  Append(errs, ValidateOneOf(s.session_affinity(), {"None", "ClientIP"},
                             spec.Child("sessionAffinity"), true));
  return errs;
}

FieldErrors ValidateServiceUpdate(const core::v1::Service& updated, const core::v1::Service& old) {
  FieldErrors errs =
      ValidateObjectMetaUpdate(updated.metadata(), old.metadata(), FieldPath("metadata"));
  if (!old.spec().cluster_ip().empty() && updated.spec().cluster_ip() != old.spec().cluster_ip()) {
    errs.push_back(Invalid(FieldPath("spec").Child("clusterIP"), Quote(updated.spec().cluster_ip()),
                           "field is immutable"));
  }
  return errs;
}

FieldErrors ValidateEndpoints(const core::v1::Endpoints& ep) {
  FieldErrors errs =
      ValidateObjectMeta(ep.metadata(), true, NameRule::kDns1123Subdomain, FieldPath("metadata"));
  for (int i = 0; i < ep.subsets_size(); ++i) {
    const auto& subset = ep.subsets(i);
    FieldPath p = FieldPath("subsets").Index(i);
    auto check_addresses = [&](const auto& list, absl::string_view field) {
      for (int j = 0; j < list.size(); ++j) {
        FieldPath ap = p.Child(field).Index(j);
        if (!IsIp(list[j].ip())) {
          errs.push_back(
              Invalid(ap.Child("ip"), Quote(list[j].ip()), "must be a valid IP address"));
        }
        if (!list[j].hostname().empty()) {
          for (const auto& prob : naming::IsDns1123Label(list[j].hostname())) {
            errs.push_back(Invalid(ap.Child("hostname"), Quote(list[j].hostname()), prob));
          }
        }
      }
    };
    check_addresses(subset.addresses(), "addresses");
    check_addresses(subset.not_ready_addresses(), "notReadyAddresses");
    for (int j = 0; j < subset.ports_size(); ++j) {
      const auto& port = subset.ports(j);
      FieldPath pp = p.Child("ports").Index(j);
      if (port.port() < 1 || port.port() > 65535) {
        errs.push_back(Invalid(pp.Child("port"), absl::StrCat(port.port()),
                               "must be between 1 and 65535, inclusive"));
      }
      Append(errs, ValidateOneOf(port.protocol(), {"TCP", "UDP", "SCTP"}, pp.Child("protocol")));
    }
  }
  return errs;
}

FieldErrors ValidatePersistentVolume(const core::v1::PersistentVolume& pv) {
  FieldErrors errs =
      ValidateObjectMeta(pv.metadata(), false, NameRule::kDns1123Subdomain, FieldPath("metadata"));
  FieldPath spec("spec");
  const auto& s = pv.spec();
  if (!s.capacity().contains("storage")) {
    errs.push_back(Required(spec.Child("capacity").Key("storage")));
  }
  Append(errs, ValidateResourceList(s.capacity(), spec.Child("capacity")));
  Append(errs, ValidateAccessModes(s.access_modes(), spec.Child("accessModes")));
  int sources = (s.has_local() ? 1 : 0) + (s.has_host_path() ? 1 : 0);
  if (sources == 0) errs.push_back(Required(spec, "must specify a volume type"));
  if (sources > 1) errs.push_back(Forbidden(spec, "may not specify more than 1 volume type"));
  if (s.has_local()) {
    if (s.local().path().empty()) errs.push_back(Required(spec.Child("local").Child("path")));
    if (!s.has_node_affinity()) {
      errs.push_back(Required(spec.Child("nodeAffinity"), "Local volume requires node affinity"));
    }
  }
  if (s.has_host_path() && s.host_path().path().empty()) {
    errs.push_back(Required(spec.Child("hostPath").Child("path")));
  }
  Append(errs, ValidateOneOf(s.persistent_volume_reclaim_policy(), {"Retain", "Delete", "Recycle"},
                             spec.Child("persistentVolumeReclaimPolicy")));
  Append(errs,
         ValidateOneOf(s.volume_mode(), {"Block", "Filesystem"}, spec.Child("volumeMode"), true));
  Append(errs, ValidateStorageClassName(s.storage_class_name(), spec.Child("storageClassName")));
  return errs;
}

FieldErrors ValidatePersistentVolumeClaimSpec(const core::v1::PersistentVolumeClaimSpec& s,
                                              const FieldPath& spec) {
  FieldErrors errs = ValidateAccessModes(s.access_modes(), spec.Child("accessModes"));
  FieldPath requests = spec.Child("resources").Child("requests");
  if (!s.resources().requests().contains("storage")) {
    errs.push_back(Required(requests.Key("storage")));
  }
  Append(errs, ValidateResourceList(s.resources().requests(), requests));
  Append(errs,
         ValidateResourceList(s.resources().limits(), spec.Child("resources").Child("limits")));
  if (s.has_selector()) Append(errs, ValidateLabelSelector(s.selector(), spec.Child("selector")));
  Append(errs, ValidateStorageClassName(s.storage_class_name(), spec.Child("storageClassName")));
  Append(errs,
         ValidateOneOf(s.volume_mode(), {"Block", "Filesystem"}, spec.Child("volumeMode"), true));
  if (s.has_data_source()) {
    // ordo provisions from one kind of source: a VolumeSnapshot of the
    // claim's namespace.
    FieldPath source = spec.Child("dataSource");
    const auto& ds = s.data_source();
    if (ds.name().empty()) errs.push_back(Required(source.Child("name")));
    if (ds.kind().empty()) {
      errs.push_back(Required(source.Child("kind")));
    } else if (ds.kind() != "VolumeSnapshot" || ds.api_group() != "snapshot.storage.k8s.io") {
      errs.push_back(Invalid(source, Quote(ds.kind()),
                             "must be a VolumeSnapshot (apiGroup snapshot.storage.k8s.io)"));
    }
  }
  return errs;
}

FieldErrors ValidatePersistentVolumeClaim(const core::v1::PersistentVolumeClaim& pvc) {
  FieldErrors errs =
      ValidateObjectMeta(pvc.metadata(), true, NameRule::kDns1123Subdomain, FieldPath("metadata"));
  Append(errs, ValidatePersistentVolumeClaimSpec(pvc.spec(), FieldPath("spec")));
  return errs;
}

FieldErrors ValidatePersistentVolumeClaimUpdate(const core::v1::PersistentVolumeClaim& updated,
                                                const core::v1::PersistentVolumeClaim& old) {
  FieldErrors errs =
      ValidateObjectMetaUpdate(updated.metadata(), old.metadata(), FieldPath("metadata"));
  // The spec is immutable but for requests (expansion) and binding a volume name once.
  core::v1::PersistentVolumeClaimSpec masked = updated.spec();
  *masked.mutable_resources()->mutable_requests() = old.spec().resources().requests();
  if (old.spec().volume_name().empty()) masked.set_volume_name("");
  // A claim created without a class may be given the default one, once.
  if (!old.spec().has_storage_class_name()) masked.clear_storage_class_name();
  if (DeterministicBytes(masked) != DeterministicBytes(old.spec())) {
    errs.push_back(Forbidden(FieldPath("spec"),
                             "spec is immutable after creation except resources.requests, "
                             "volumeName for unbound claims and storageClassName for claims "
                             "without one"));
  }
  return errs;
}

FieldErrors ValidateEvent(const core::v1::Event& event) {
  FieldErrors errs = ValidateObjectMeta(event.metadata(), true, NameRule::kDns1123Subdomain,
                                        FieldPath("metadata"));
  if (event.involved_object().name().empty() && event.involved_object().kind() != "Node") {
    errs.push_back(Required(FieldPath("involvedObject").Child("name")));
  }
  Append(errs, ValidateOneOf(event.type(), {"Normal", "Warning"}, FieldPath("type"), true));
  return errs;
}

}  // namespace ordo::apiserver
