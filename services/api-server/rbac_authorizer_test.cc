// RbacAuthorizer over a real (in-memory) store: the bootstrap policy is in
// force from the start, and a Role and RoleBinding written later take effect,
// and lose it again when deleted, without anyone calling it.
#include "services/api-server/rbac_authorizer.h"

#include <gtest/gtest.h>

#include "common/clock/fake_clock.h"
#include "common/store/memory_store.h"
#include "common/testing/status_matchers.h"
#include "integration-tests/harness/wait.h"

namespace ordo::apiserver {
namespace {

class RbacAuthorizerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK(api_.Bootstrap());
    auto started = RbacAuthorizer::Start(api_);
    ASSERT_TRUE(started.ok()) << started.status();
    rbac_ = *std::move(started);
  }

  store::MemoryStore store_;
  FakeClock clock_;
  ApiServer api_{store_, clock_};
  std::unique_ptr<RbacAuthorizer> rbac_;
  security::UserInfo jane_{.name = "jane", .groups = {"system:authenticated"}};
  authorization::RequestAttributes list_pods_{.verb = "list", .resource = "pods", .ns = "default"};
};

TEST_F(RbacAuthorizerTest, TheBootstrapPolicyIsInForce) {
  security::UserInfo scheduler{.name = "system:kube-scheduler"};
  EXPECT_TRUE(rbac_->Allows(scheduler, {.verb = "create",
                                        .resource = "pods",
                                        .subresource = "binding",
                                        .ns = "default",
                                        .name = "web-0"}));
  EXPECT_FALSE(rbac_->Allows(scheduler, {.verb = "delete", .resource = "pods", .ns = "default"}));
  EXPECT_FALSE(rbac_->Allows(jane_, list_pods_));
}

TEST_F(RbacAuthorizerTest, ABindingWrittenLaterTakesEffectAndGoesAway) {
  rbac::v1::Role role;
  role.mutable_metadata()->set_name("pod-reader");
  role.mutable_metadata()->set_namespace_("default");
  auto* rule = role.add_rules();
  rule->add_api_groups("");
  rule->add_resources("pods");
  rule->add_verbs("list");
  ASSERT_OK(api_.registry("Role").Create(role));
  rbac::v1::RoleBinding binding;
  binding.mutable_metadata()->set_name("jane-reads");
  binding.mutable_metadata()->set_namespace_("default");
  binding.mutable_role_ref()->set_api_group("rbac.authorization.k8s.io");
  binding.mutable_role_ref()->set_kind("Role");
  binding.mutable_role_ref()->set_name("pod-reader");
  auto* subject = binding.add_subjects();
  subject->set_kind("User");
  subject->set_name("jane");
  ASSERT_OK(api_.registry("RoleBinding").Create(binding));
  EXPECT_TRUE(itest::WaitFor([&] { return rbac_->Allows(jane_, list_pods_); }, absl::Seconds(10)));

  meta::v1::DeleteRequest del;
  del.set_namespace_("default");
  del.set_name("jane-reads");
  ASSERT_OK(api_.registry("RoleBinding").Delete(del));
  EXPECT_TRUE(itest::WaitFor([&] { return !rbac_->Allows(jane_, list_pods_); }, absl::Seconds(10)));
}

}  // namespace
}  // namespace ordo::apiserver
