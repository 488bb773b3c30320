// Turning a container spec into the shim's launch: argv, environment, the
// pod's files and volumes, the securityContext, and the waiting reasons of
// what cannot start.
#include "services/kubelet-agent/container_launch.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "absl/strings/str_cat.h"
#include "common/testing/temp_dir.h"

namespace ordo::kubelet {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;

class BuildLaunchTest : public ::testing::Test {
 protected:
  BuildLaunchTest() {
    config_.node_name = "node-1";
    config_.node_ip = "10.0.0.1";
    config_.masked_paths = {"/var/lib/ordo"};
    pod_.mutable_metadata()->set_name("web-0");
    pod_.mutable_metadata()->set_namespace_("team");
    pod_.mutable_spec()->set_node_name("node-1");
    auto* c = pod_.mutable_spec()->add_containers();
    c->set_name("app");
    c->add_command("sh");
    c->add_args("-c");
    c->add_args("true");
  }

  absl::StatusOr<agent::v1::ContainerLaunch> Build(std::string* reason) {
    return BuildLaunch(
        pod_, pod_.spec().containers(0), config_,
        {.pod_dir = dir_.path(),
         .container_dir = dir_.Join("containers/app"),
         .pod_ip = "127.1.1.5",
         .run = 2},
        [this](const std::string& ns, const std::string& claim) -> absl::StatusOr<std::string> {
          if (claim != "www-web-0") return absl::NotFoundError("claim not bound");
          return dir_.Join(absl::StrCat("claims/", ns, "/", claim));
        },
        reason);
  }

  testing::TempDir dir_;
  AgentConfig config_;
  core::v1::Pod pod_;
};

TEST_F(BuildLaunchTest, GivesThePodsIdentityFilesAndFieldRefs) {
  auto* env = pod_.mutable_spec()->mutable_containers(0)->add_env();
  env->set_name("MY_IP");
  env->mutable_value_from()->mutable_field_ref()->set_field_path("status.podIP");
  auto* host = pod_.mutable_spec()->mutable_containers(0)->add_env();
  host->set_name("HOST");
  host->mutable_value_from()->mutable_field_ref()->set_field_path("status.hostIP");
  std::string reason;
  auto launch = Build(&reason);
  ASSERT_TRUE(launch.ok()) << launch.status();
  EXPECT_EQ(launch->hostname(), "web-0");
  EXPECT_THAT(launch->argv(), ElementsAre("sh", "-c", "true"));
  EXPECT_THAT(launch->env(), Contains("POD_NAMESPACE=team"));
  EXPECT_THAT(launch->env(), Contains("MY_IP=127.1.1.5"));
  EXPECT_THAT(launch->env(), Contains("HOST=10.0.0.1"));
  EXPECT_EQ(launch->log_path(), dir_.Join("containers/app/2.log"));
  EXPECT_EQ(launch->exit_path(), dir_.Join("containers/app/exit"));
  ASSERT_GE(launch->mounts_size(), 3);
  EXPECT_EQ(launch->mounts(0).source(), dir_.Join("hosts"));
  EXPECT_EQ(launch->mounts(0).target(), "/etc/hosts");
  EXPECT_EQ(launch->mounts(2).target(), "/tmp");
  EXPECT_THAT(launch->masked_paths(), ElementsAre("/var/lib/ordo"));
  EXPECT_EQ(reason, "");
}

TEST_F(BuildLaunchTest, VolumesAreBoundWhereTheContainerMountsThem) {
  auto* spec = pod_.mutable_spec();
  auto* claim = spec->add_volumes();
  claim->set_name("www");
  claim->mutable_persistent_volume_claim()->set_claim_name("www-web-0");
  auto* scratch = spec->add_volumes();
  scratch->set_name("scratch");
  scratch->mutable_empty_dir();
  auto* c = spec->mutable_containers(0);
  auto* m1 = c->add_volume_mounts();
  m1->set_name("www");
  m1->set_mount_path("/usr/share/nginx/html");
  m1->set_sub_path("site");
  auto* m2 = c->add_volume_mounts();
  m2->set_name("scratch");
  m2->set_mount_path("/scratch");
  m2->set_read_only(true);
  std::string reason;
  auto launch = Build(&reason);
  ASSERT_TRUE(launch.ok()) << launch.status();
  ASSERT_EQ(launch->mounts_size(), 5);
  EXPECT_EQ(launch->mounts(3).source(), dir_.Join("claims/team/www-web-0/site"));
  EXPECT_EQ(launch->mounts(3).target(), "/usr/share/nginx/html");
  EXPECT_EQ(launch->mounts(4).source(), dir_.Join("volumes/scratch"));
  EXPECT_TRUE(launch->mounts(4).read_only());
  // An emptyDir is writable by whatever user the pod runs as.
  auto perms = std::filesystem::status(dir_.Join("volumes/scratch")).permissions();
  EXPECT_EQ(perms & std::filesystem::perms::all, std::filesystem::perms::all);
}

TEST_F(BuildLaunchTest, WhatCannotStartSaysWhy) {
  std::string reason;
  pod_.mutable_spec()->mutable_containers(0)->set_command(0, "no-such-program-here");
  auto missing = Build(&reason);
  EXPECT_EQ(missing.status().message(),
            "image \"\": no executable \"no-such-program-here\" on this node");
  EXPECT_EQ(reason, "ErrImagePull");

  pod_.mutable_spec()->mutable_containers(0)->set_command(0, "sh");
  pod_.mutable_spec()->mutable_security_context()->set_run_as_non_root(true);
  reason.clear();
  EXPECT_FALSE(Build(&reason).ok());
  EXPECT_EQ(reason, "CreateContainerConfigError");

  pod_.mutable_spec()->mutable_security_context()->clear_run_as_non_root();
  auto* m = pod_.mutable_spec()->mutable_containers(0)->add_volume_mounts();
  m->set_name("nowhere");
  reason.clear();
  EXPECT_EQ(Build(&reason).status().message(), "volume \"nowhere\" not found");
  EXPECT_EQ(reason, "");  // the pod manager calls it CreateContainerError
}

TEST(ContainerArgvTest, AnEmptyCommandRunsTheImagesProgram) {
  core::v1::Container c;
  c.set_image("registry.example/tools/ordo-podapp:1.2");
  c.add_args("--port");
  c.add_args("80");
  EXPECT_THAT(ContainerArgv(c), ElementsAre("ordo-podapp", "--port", "80"));
  c.add_command("sh");
  EXPECT_THAT(ContainerArgv(c), ElementsAre("sh", "--port", "80"));
}

TEST(SecurityContextTest, TheContainersSettingsWinOverThePods) {
  core::v1::Pod pod;
  pod.mutable_metadata()->set_name("web-0");
  auto* psc = pod.mutable_spec()->mutable_security_context();
  psc->set_run_as_user(1000);
  psc->set_run_as_group(1000);
  psc->add_supplemental_groups(4000);
  core::v1::Container c;
  c.set_name("app");
  c.mutable_security_context()->set_run_as_user(2000);
  c.mutable_security_context()->mutable_capabilities()->add_drop("ALL");
  agent::v1::ContainerLaunch launch;
  ASSERT_TRUE(ApplySecurityContext(pod, c, launch).ok());
  EXPECT_EQ(launch.run_as_user(), 2000);
  EXPECT_EQ(launch.run_as_group(), 1000);
  EXPECT_THAT(launch.supplemental_groups(), ElementsAre(4000));
  EXPECT_THAT(launch.drop_capabilities(), ElementsAre("ALL"));
  agent::v1::ContainerLaunch plain;
  ASSERT_TRUE(ApplySecurityContext(core::v1::Pod(), core::v1::Container(), plain).ok());
  EXPECT_FALSE(plain.has_run_as_user());  // root, as the image says
}

TEST(SecurityContextTest, RunAsNonRootRefusesRoot) {
  core::v1::Pod pod;
  pod.mutable_metadata()->set_name("web-0");
  pod.mutable_metadata()->set_namespace_("default");
  pod.mutable_spec()->mutable_security_context()->set_run_as_non_root(true);
  core::v1::Container c;
  c.set_name("app");
  agent::v1::ContainerLaunch launch;
  EXPECT_EQ(ApplySecurityContext(pod, c, launch).message(),
            "container has runAsNonRoot and image will run as root");
  c.mutable_security_context()->set_run_as_user(0);
  EXPECT_EQ(ApplySecurityContext(pod, c, launch).message(),
            "container's runAsUser breaks non-root policy (pod: \"web-0_default\", container: "
            "app)");
  c.mutable_security_context()->set_run_as_user(1000);
  EXPECT_TRUE(ApplySecurityContext(pod, c, launch).ok());
  c.mutable_security_context()->set_run_as_non_root(false);  // the container's word wins
  c.mutable_security_context()->clear_run_as_user();
  EXPECT_TRUE(ApplySecurityContext(pod, c, launch).ok());
}

}  // namespace
}  // namespace ordo::kubelet
