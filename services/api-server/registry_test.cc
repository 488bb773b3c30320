// The generic registry over an in-memory store and a fake clock: server-owned
// fields, generation, no-op updates, conflicts, graceful deletion, finalizers.
#include "services/api-server/registry.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "common/clock/fake_clock.h"
#include "common/store/memory_store.h"
#include "common/testing/status_matchers.h"
#include "ordo/apps/v1/apps.pb.h"
#include "ordo/core/v1/core.pb.h"

namespace ordo::apiserver {
namespace {

using ::ordo::testing::StatusIs;
using ::testing::HasSubstr;

class RegistryTest : public ::testing::Test {
 protected:
  RegistryTest()
      : pods_(StrategyFor("Pod"), store_, clock_, nullptr),
        services_(StrategyFor("Service"), store_, clock_, nullptr) {}

  static core::v1::Pod Pod(const std::string& name) {
    core::v1::Pod pod;
    pod.mutable_metadata()->set_name(name);
    auto* c = pod.mutable_spec()->add_containers();
    c->set_name("app");
    c->set_image("ordo-podapp:1");
    return pod;
  }

  static const core::v1::Pod& AsPod(const MessagePtr& m) {
    return static_cast<const core::v1::Pod&>(*m);
  }

  core::v1::Pod CreateBoundPod(const std::string& name) {
    core::v1::Pod pod = Pod(name);
    auto created = pods_.Create(pod);
    EXPECT_OK(created);
    auto bound = pods_.GuaranteedUpdate("default", name, "", [](Message& m) {
      static_cast<core::v1::Pod&>(m).mutable_spec()->set_node_name("node-a");
      return absl::OkStatus();
    });
    EXPECT_OK(bound);
    return AsPod(*bound);
  }

  store::MemoryStore store_;
  FakeClock clock_;
  Registry pods_;
  Registry services_;
};

TEST_F(RegistryTest, CreateFillsServerOwnedFields) {
  core::v1::Pod pod = Pod("");
  pod.mutable_metadata()->set_generate_name("web-");
  pod.mutable_status()->set_phase("Running");  // ignored on create
  auto created = pods_.Create(pod);
  ASSERT_OK(created);
  const auto& p = AsPod(*created);
  EXPECT_THAT(p.metadata().name(), ::testing::MatchesRegex("web-[bcdfghjklmnpqrstvwxz2456789]{5}"));
  EXPECT_EQ(p.metadata().namespace_(), "default");
  EXPECT_THAT(p.metadata().uid(),
              ::testing::MatchesRegex(
                  "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"));
  EXPECT_EQ(p.metadata().resource_version(), "1");
  EXPECT_EQ(p.metadata().generation(), 1);
  EXPECT_EQ(p.metadata().creation_timestamp().seconds(), absl::ToUnixSeconds(clock_.Now()));
  EXPECT_EQ(p.api_version(), "v1");
  EXPECT_EQ(p.kind(), "Pod");
  EXPECT_EQ(p.status().phase(), "Pending");
  EXPECT_EQ(p.status().qos_class(), "BestEffort");
  core::v1::Pod with_rv = Pod("x");
  with_rv.mutable_metadata()->set_resource_version("5");
  EXPECT_THAT(pods_.Create(with_rv), StatusIs(absl::StatusCode::kInvalidArgument));
}

// etcd's request limit: an object over 1.5 MiB encoded is refused, by create
// and by update, with the size and the limit named, and nothing changes.
TEST_F(RegistryTest, AnObjectOverTheSizeLimitIsRefusedAndNothingChanges) {
  core::v1::Pod big = Pod("big");
  auto* env = big.mutable_spec()->mutable_containers(0)->add_env();
  env->set_name("BLOB");
  env->set_value(std::string(kMaxObjectBytes, 'x'));
  EXPECT_THAT(pods_.Create(big), StatusIs(absl::StatusCode::kInvalidArgument,
                                          HasSubstr(absl::StrCat("limit of ", kMaxObjectBytes))));
  EXPECT_THAT(pods_.Get("default", "big"), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_EQ(store_.CurrentRevision(), 0);

  auto created = pods_.Create(Pod("grows"));
  ASSERT_OK(created);
  core::v1::Pod grown = AsPod(*created);
  grown.mutable_status()->set_message(std::string(kMaxObjectBytes, 'y'));
  EXPECT_THAT(pods_.UpdateStatus(grown), StatusIs(absl::StatusCode::kInvalidArgument,
                                                  HasSubstr("pods \"grows\" is too large")));
  auto stored = pods_.Get("default", "grows");
  ASSERT_OK(stored);
  EXPECT_EQ(AsPod(*stored).status().message(), "");
  EXPECT_EQ(store_.CurrentRevision(), 1);
}

TEST_F(RegistryTest, NoOpUpdateWritesNothingAndSpecChangesBumpGeneration) {
  auto created = pods_.Create(Pod("web-0"));
  ASSERT_OK(created);
  auto same = pods_.Update(AsPod(*created));
  ASSERT_OK(same);
  EXPECT_EQ(AsPod(*same).metadata().resource_version(), "1");
  EXPECT_EQ(store_.CurrentRevision(), 1);

  core::v1::Pod relabelled = AsPod(*created);
  (*relabelled.mutable_metadata()->mutable_labels())["a"] = "b";
  auto labelled = pods_.Update(relabelled);
  ASSERT_OK(labelled);
  EXPECT_EQ(AsPod(*labelled).metadata().generation(), 1);

  core::v1::Pod reimaged = AsPod(*labelled);
  reimaged.mutable_spec()->mutable_containers(0)->set_image("ordo-podapp:2");
  auto updated = pods_.Update(reimaged);
  ASSERT_OK(updated);
  EXPECT_EQ(AsPod(*updated).metadata().generation(), 2);
  // A client cannot change server-owned metadata.
  core::v1::Pod forged = AsPod(*updated);
  forged.mutable_metadata()->set_generation(99);
  forged.mutable_metadata()->clear_creation_timestamp();
  auto kept = pods_.Update(forged);
  ASSERT_OK(kept);
  EXPECT_EQ(AsPod(*kept).metadata().generation(), 2);
  EXPECT_TRUE(AsPod(*kept).metadata().has_creation_timestamp());
}

// What `kubectl replace -f pod.yaml` sends: the user's manifest with a label
// changed, none of what defaulting and admission added on create.
TEST_F(RegistryTest, AnUpdateFromTheOriginalManifestIsDefaultedAndAdmittedAsACreate) {
  core::v1::Pod manifest = Pod("web-0");
  ASSERT_OK(pods_.Create(manifest));
  (*manifest.mutable_metadata()->mutable_labels())["tier"] = "web";
  auto replaced = pods_.Update(manifest);
  ASSERT_OK(replaced);
  EXPECT_EQ(AsPod(*replaced).metadata().labels().at("tier"), "web");
  EXPECT_EQ(AsPod(*replaced).spec().tolerations_size(), 2) << "the default tolerations stay";
  EXPECT_EQ(AsPod(*replaced).metadata().generation(), 1) << "the spec did not change";
}

TEST_F(RegistryTest, StaleResourceVersionConflictsButUnconditionalUpdateWins) {
  auto created = pods_.Create(Pod("web-0"));
  ASSERT_OK(created);
  core::v1::Pod a = AsPod(*created), b = AsPod(*created);
  (*a.mutable_metadata()->mutable_labels())["who"] = "a";
  (*b.mutable_metadata()->mutable_labels())["who"] = "b";
  ASSERT_OK(pods_.Update(a));
  EXPECT_THAT(pods_.Update(b),
              StatusIs(absl::StatusCode::kAborted,
                       HasSubstr("Operation cannot be fulfilled on pods \"web-0\"")));
  b.mutable_metadata()->clear_resource_version();
  ASSERT_OK(pods_.Update(b));
}

TEST_F(RegistryTest, StatusUpdateTouchesOnlyStatus) {
  auto created = pods_.Create(Pod("web-0"));
  ASSERT_OK(created);
  core::v1::Pod pod = AsPod(*created);
  pod.mutable_status()->set_phase("Running");
  pod.mutable_spec()->mutable_containers(0)->set_image("sneaky");
  auto updated = pods_.UpdateStatus(pod);
  ASSERT_OK(updated);
  EXPECT_EQ(AsPod(*updated).status().phase(), "Running");
  EXPECT_EQ(AsPod(*updated).spec().containers(0).image(), "ordo-podapp:1");
  pod.mutable_status()->set_phase("Dancing");
  pod.mutable_metadata()->clear_resource_version();
  EXPECT_THAT(pods_.UpdateStatus(pod), StatusIs(absl::StatusCode::kInvalidArgument,
                                                HasSubstr("status.phase: Unsupported value")));
}

TEST_F(RegistryTest, UnscheduledPodsDeleteAtOnce) {
  ASSERT_OK(pods_.Create(Pod("web-0")));
  meta::v1::DeleteRequest del;
  del.set_name("web-0");
  ASSERT_OK(pods_.Delete(del));
  EXPECT_THAT(pods_.Get("default", "web-0"), StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(RegistryTest, GracefulDeletionWaitsForConfirmationAndMayOnlyShorten) {
  CreateBoundPod("web-0");
  meta::v1::DeleteRequest del;
  del.set_name("web-0");
  auto first = pods_.Delete(del);
  ASSERT_OK(first);
  const auto& meta = AsPod(*first).metadata();
  EXPECT_EQ(meta.deletion_grace_period_seconds(), 30);
  EXPECT_EQ(meta.deletion_timestamp().seconds(), absl::ToUnixSeconds(clock_.Now()) + 30);
  int64_t revision = store_.CurrentRevision();
  // Asking for a longer grace changes nothing.
  del.set_grace_period_seconds(60);
  ASSERT_OK(pods_.Delete(del));
  EXPECT_EQ(store_.CurrentRevision(), revision);
  del.set_grace_period_seconds(5);
  auto shorter = pods_.Delete(del);
  ASSERT_OK(shorter);
  EXPECT_EQ(AsPod(*shorter).metadata().deletion_grace_period_seconds(), 5);
  del.set_grace_period_seconds(0);
  ASSERT_OK(pods_.Delete(del));
  EXPECT_THAT(pods_.Get("default", "web-0"), StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(RegistryTest, PropagationPolicyAddsTheGarbageCollectorsFinalizer) {
  core::v1::Service svc;
  svc.mutable_metadata()->set_name("nginx");
  svc.mutable_spec()->set_cluster_ip("None");
  ASSERT_OK(services_.Create(svc));
  meta::v1::DeleteRequest del;
  del.set_name("nginx");
  del.set_propagation_policy("Sideways");
  EXPECT_THAT(services_.Delete(del), StatusIs(absl::StatusCode::kInvalidArgument));
  del.set_propagation_policy("Foreground");
  auto held = services_.Delete(del);
  ASSERT_OK(held);
  const auto& m = static_cast<const core::v1::Service&>(**held).metadata();
  EXPECT_THAT(m.finalizers(), ::testing::ElementsAre("foregroundDeletion"));
  EXPECT_TRUE(m.has_deletion_timestamp());
  // Removing the finalizer completes the deletion.
  auto done = services_.GuaranteedUpdate("default", "nginx", "", [](Message& msg) {
    static_cast<core::v1::Service&>(msg).mutable_metadata()->clear_finalizers();
    return absl::OkStatus();
  });
  ASSERT_OK(done);
  EXPECT_THAT(services_.Get("default", "nginx"), StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(RegistryTest, DeletePreconditions) {
  core::v1::Pod pod = CreateBoundPod("web-0");
  meta::v1::DeleteRequest del;
  del.set_name("web-0");
  del.set_grace_period_seconds(0);
  del.mutable_preconditions()->set_resource_version("1");
  EXPECT_THAT(pods_.Delete(del), StatusIs(absl::StatusCode::kAborted,
                                          HasSubstr("Precondition failed: ResourceVersion")));
  del.mutable_preconditions()->set_resource_version(pod.metadata().resource_version());
  del.mutable_preconditions()->set_uid("someone-else");
  EXPECT_THAT(pods_.Delete(del),
              StatusIs(absl::StatusCode::kAborted, HasSubstr("UID in precondition")));
  del.mutable_preconditions()->set_uid(pod.metadata().uid());
  EXPECT_OK(pods_.Delete(del));
}

TEST_F(RegistryTest, ListFiltersBySelectorsAndReportsTheRevision) {
  for (const char* name : {"a", "b", "c"}) ASSERT_OK(pods_.Create(Pod(name)));
  CreateBoundPod("d");
  meta::v1::ListOptions opts;
  opts.set_field_selector("spec.nodeName=node-a");
  auto listed = pods_.List(opts);
  ASSERT_OK(listed);
  ASSERT_EQ(listed->items.size(), 1u);
  EXPECT_EQ(AsPod(listed->items[0]).metadata().name(), "d");
  EXPECT_EQ(listed->revision, store_.CurrentRevision());
  opts.set_field_selector("spec.containers=x");
  EXPECT_THAT(pods_.List(opts),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("field label not supported")));
  opts.set_field_selector("");
  opts.set_label_selector("a in (");
  EXPECT_THAT(pods_.List(opts), StatusIs(absl::StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace ordo::apiserver
