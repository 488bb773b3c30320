// NamespaceCache over a real (in-memory) store: it follows namespaces as they
// are created, start terminating and go; a forgotten namespace stays unknown
// until a newer change arrives; and an ApiServer answering from it refuses a
// create in a namespace it has just deleted, at once.
#include "services/api-server/namespace_cache.h"

#include <gtest/gtest.h>

#include "common/clock/fake_clock.h"
#include "common/store/memory_store.h"
#include "common/testing/status_matchers.h"
#include "integration-tests/harness/wait.h"
#include "services/api-server/api_server.h"

namespace ordo::apiserver {
namespace {

using ::ordo::testing::StatusIs;
using ::testing::HasSubstr;
using State = NamespaceCache::State;

class NamespaceCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK(api_.Bootstrap());
    auto started = NamespaceCache::Start(store_, namespaces());
    ASSERT_TRUE(started.ok()) << started.status();
    cache_ = *std::move(started);
  }

  Registry& namespaces() { return api_.registry("Namespace"); }

  core::v1::Namespace Create(const std::string& name) {
    core::v1::Namespace ns;
    ns.mutable_metadata()->set_name(name);
    auto created = namespaces().Create(ns);
    EXPECT_OK(created);
    return created.ok() ? static_cast<const core::v1::Namespace&>(**created) : ns;
  }

  bool Becomes(const std::string& name, State state) {
    return itest::WaitFor([&] { return cache_->Lookup(name) == state; }, absl::Seconds(10));
  }

  store::MemoryStore store_;
  FakeClock clock_;
  ApiServer api_{store_, clock_};
  std::unique_ptr<NamespaceCache> cache_;
};

TEST_F(NamespaceCacheTest, KnowsTheNamespacesListedAtStart) {
  EXPECT_EQ(cache_->Lookup("default"), State::kActive);
  EXPECT_EQ(cache_->Lookup("kube-system"), State::kActive);
  EXPECT_EQ(cache_->Lookup("nowhere"), State::kUnknown);
}

TEST_F(NamespaceCacheTest, FollowsANamespaceFromCreationThroughTerminatingToGone) {
  core::v1::Namespace team = Create("team");
  ASSERT_TRUE(Becomes("team", State::kActive));
  team.mutable_status()->set_phase("Terminating");
  ASSERT_OK(namespaces().UpdateStatus(team));
  ASSERT_TRUE(Becomes("team", State::kTerminating));
  meta::v1::DeleteRequest del;
  del.set_name("team");
  ASSERT_OK(namespaces().Delete(del));
  EXPECT_TRUE(Becomes("team", State::kUnknown));
}

TEST_F(NamespaceCacheTest, AForgottenNamespaceStaysUnknownUntilANewerChange) {
  core::v1::Namespace team = Create("team");
  ASSERT_TRUE(Becomes("team", State::kActive));
  cache_->Forget("team");
  EXPECT_EQ(cache_->Lookup("team"), State::kUnknown);
  // Nothing newer than the Forget has happened: it stays unknown.
  Create("other");
  ASSERT_TRUE(Becomes("other", State::kActive));
  EXPECT_EQ(cache_->Lookup("team"), State::kUnknown);
  // A change after it is applied.
  team.mutable_status()->set_phase("Terminating");
  ASSERT_OK(namespaces().UpdateStatus(team));
  EXPECT_TRUE(Becomes("team", State::kTerminating));
}

TEST_F(NamespaceCacheTest, AnApiServerAnsweringFromItRefusesContentAtOnceAfterADelete) {
  ASSERT_OK(api_.StartNamespaceCache());
  Create("team");
  Create("empty");
  core::v1::Service svc;
  svc.mutable_metadata()->set_name("nginx");
  svc.mutable_metadata()->set_namespace_("team");
  svc.mutable_spec()->set_cluster_ip("None");
  ASSERT_OK(api_.registry("Service").Create(svc));
  ASSERT_TRUE(Becomes("empty", State::kActive));  // this fixture's own cache, a witness

  meta::v1::DeleteRequest del;
  del.set_name("team");
  ASSERT_OK(api_.DeleteNamespace(del));
  svc.mutable_metadata()->set_name("another");
  EXPECT_THAT(api_.registry("Service").Create(svc),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("being terminated")));

  del.set_name("empty");
  ASSERT_OK(api_.DeleteNamespace(del));
  svc.mutable_metadata()->set_namespace_("empty");
  EXPECT_THAT(api_.registry("Service").Create(svc), StatusIs(absl::StatusCode::kNotFound));
}

}  // namespace
}  // namespace ordo::apiserver
