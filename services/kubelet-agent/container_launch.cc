#include "services/kubelet-agent/container_launch.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <optional>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/status/status_macros.h"
#include "services/kubelet-agent/pod_dns.h"

namespace ordo::kubelet {
namespace fs = std::filesystem;

namespace {

// Whether `file` runs: a path, or a name found on `path_list`.
bool Executable(const std::string& file, const std::string& path_list) {
  if (absl::StrContains(file, '/')) return access(file.c_str(), X_OK) == 0;
  for (absl::string_view dir : absl::StrSplit(path_list, ':', absl::SkipEmpty())) {
    if (access(absl::StrCat(dir, "/", file).c_str(), X_OK) == 0) return true;
  }
  return false;
}

std::string FieldRefValue(const std::string& field, const core::v1::Pod& pod, const std::string& ip,
                          const std::string& node_ip) {
  if (field == "metadata.name") return pod.metadata().name();
  if (field == "metadata.namespace") return pod.metadata().namespace_();
  if (field == "metadata.uid") return pod.metadata().uid();
  if (field == "spec.nodeName") return pod.spec().node_name();
  if (field == "spec.serviceAccountName") return pod.spec().service_account_name();
  if (field == "status.podIP") return ip;
  if (field == "status.hostIP") return node_ip;
  return "";
}

}  // namespace

std::vector<std::string> ContainerArgv(const core::v1::Container& container) {
  std::vector<std::string> argv(container.command().begin(), container.command().end());
  if (argv.empty()) {
    std::string image = container.image();
    image = image.substr(0, image.find('@'));
    size_t slash = image.rfind('/');
    if (slash != std::string::npos) image = image.substr(slash + 1);
    image = image.substr(0, image.find(':'));
    argv.push_back(image);
  }
  argv.insert(argv.end(), container.args().begin(), container.args().end());
  return argv;
}

absl::Status ApplySecurityContext(const core::v1::Pod& pod, const core::v1::Container& spec,
                                  agent::v1::ContainerLaunch& launch) {
  const auto& pod_sc = pod.spec().security_context();
  const auto& sc = spec.security_context();
  std::optional<int64_t> uid, gid;
  if (sc.has_run_as_user()) {
    uid = sc.run_as_user();
  } else if (pod_sc.has_run_as_user()) {
    uid = pod_sc.run_as_user();
  }
  if (sc.has_run_as_group()) {
    gid = sc.run_as_group();
  } else if (pod_sc.has_run_as_group()) {
    gid = pod_sc.run_as_group();
  }
  bool non_root = sc.has_run_as_non_root() ? sc.run_as_non_root() : pod_sc.run_as_non_root();
  if (non_root && uid.value_or(0) == 0) {
    // Kubernetes' words: the image's user is root here (no USER in an ordo image).
    return absl::InvalidArgumentError(
        uid.has_value() ? absl::StrCat("container's runAsUser breaks non-root policy (pod: \"",
                                       pod.metadata().name(), "_", pod.metadata().namespace_(),
                                       "\", container: ", spec.name(), ")")
                        : "container has runAsNonRoot and image will run as root");
  }
  if (uid.has_value()) launch.set_run_as_user(*uid);
  if (gid.has_value()) launch.set_run_as_group(*gid);
  for (int64_t g : pod_sc.supplemental_groups()) launch.add_supplemental_groups(g);
  for (const auto& cap : sc.capabilities().drop()) launch.add_drop_capabilities(cap);
  return absl::OkStatus();
}

absl::StatusOr<agent::v1::ContainerLaunch> BuildLaunch(
    const core::v1::Pod& pod, const core::v1::Container& spec, const AgentConfig& config,
    const LaunchSite& site, const ClaimPathLookup& claim_path, std::string* waiting_reason) {
  const std::string& pod_dir = site.pod_dir;
  const char* host_path = getenv("PATH");
  std::string path = absl::StrCat(config.extra_path, config.extra_path.empty() ? "" : ":",
                                  host_path ? host_path : "/usr/local/bin:/usr/bin:/bin");
  std::vector<std::string> argv = ContainerArgv(spec);
  if (!Executable(argv[0], path)) {
    *waiting_reason = "ErrImagePull";
    return absl::NotFoundError(
        absl::StrCat("image \"", spec.image(), "\": no executable \"", argv[0], "\" on this node"));
  }
  agent::v1::ContainerLaunch launch;
  if (absl::Status s = ApplySecurityContext(pod, spec, launch); !s.ok()) {
    *waiting_reason = "CreateContainerConfigError";
    return s;
  }
  for (const std::string& p : config.masked_paths) launch.add_masked_paths(p);
  if (!config.identity_ledger.empty()) {
    launch.set_identity_ledger(config.identity_ledger);
    launch.set_identity(
        absl::StrCat(pod.metadata().namespace_(), "/", pod.metadata().name(), "/", spec.name()));
    launch.set_pod_uid(pod.metadata().uid());
  }
  // PreparePod has refused a hostname the kernel cannot take.
  std::string hostname = KernelHostname(pod, config.cluster_domain)
                             .value_or(HostnameOf(pod, config.cluster_domain).hostname);
  launch.set_hostname(hostname);
  for (const auto& a : argv) launch.add_argv(a);
  std::vector<std::pair<std::string, std::string>> env = {
      {"PATH", path},
      {"HOME", "/root"},
      {"HOSTNAME", hostname},
      {"POD_NAME", pod.metadata().name()},
      {"POD_NAMESPACE", pod.metadata().namespace_()},
      {"POD_IP", site.pod_ip},
      {"NODE_NAME", config.node_name},
  };
  for (const auto& e : spec.env()) {
    std::string value = e.value();
    if (e.has_value_from() && e.value_from().has_field_ref()) {
      value =
          FieldRefValue(e.value_from().field_ref().field_path(), pod, site.pod_ip, config.node_ip);
    }
    env.emplace_back(e.name(), value);
  }
  for (const auto& [k, v] : env) launch.add_env(absl::StrCat(k, "=", v));
  launch.set_working_dir(spec.working_dir());
  launch.set_log_path(absl::StrCat(site.container_dir, "/", site.run, ".log"));
  launch.set_exit_path(site.container_dir + "/exit");
  auto add_mount = [&](const std::string& source, const std::string& target, bool ro) {
    auto* m = launch.add_mounts();
    m->set_source(source);
    m->set_target(target);
    m->set_read_only(ro);
  };
  add_mount(pod_dir + "/hosts", "/etc/hosts", false);
  add_mount(pod_dir + "/resolv.conf", "/etc/resolv.conf", false);
  add_mount(pod_dir + "/tmp", "/tmp", false);
  for (const auto& vm : spec.volume_mounts()) {
    const core::v1::Volume* volume = nullptr;
    for (const auto& v : pod.spec().volumes()) {
      if (v.name() == vm.name()) volume = &v;
    }
    if (volume == nullptr)
      return absl::NotFoundError(absl::StrCat("volume \"", vm.name(), "\" not found"));
    std::string source;
    if (volume->has_host_path()) {
      source = volume->host_path().path();
    } else if (volume->has_persistent_volume_claim()) {
      ORDO_ASSIGN_OR_RETURN(source, claim_path(pod.metadata().namespace_(),
                                               volume->persistent_volume_claim().claim_name()));
    } else {  // emptyDir: lives and dies with the pod
      source = absl::StrCat(pod_dir, "/volumes/", volume->name());
    }
    if (!vm.sub_path().empty()) source = absl::StrCat(source, "/", vm.sub_path());
    std::error_code ec;
    fs::create_directories(source, ec);
    // Writable by any user the pod runs as, as Kubernetes makes an emptyDir.
    if (!volume->has_host_path() && !volume->has_persistent_volume_claim()) {
      fs::permissions(source, fs::perms::all, ec);
    }
    add_mount(source, vm.mount_path(), vm.read_only());
  }
  return launch;
}

}  // namespace ordo::kubelet
