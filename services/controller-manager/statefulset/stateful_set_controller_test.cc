// The StatefulSet controller one Sync at a time on fakes (reference §2 and
// §5): ordering, scaling, rolling updates, revisions, adoption, status.
#include "services/controller-manager/statefulset/stateful_set_test_fixture.h"

namespace ordo::statefulset {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST_F(StatefulSetControllerTest, CreatesInOrderEachReadyBeforeTheNext) {
  Put(WebSet(3));
  EXPECT_THAT(Sync(), ElementsAre("create revision 1", "create pvc www-web-0", "create pod web-0"));
  EXPECT_THAT(Sync(), IsEmpty());  // web-0 is Pending
  cluster_.SetReady("web-0", false);
  EXPECT_THAT(Sync(), IsEmpty());  // Running but not Ready
  cluster_.SetReady("web-0");
  EXPECT_THAT(Sync(), ElementsAre("create pvc www-web-1", "create pod web-1"));
  cluster_.SetReady("web-1");
  EXPECT_THAT(Sync(), ElementsAre("create pvc www-web-2", "create pod web-2"));
  cluster_.SetReady("web-2");
  EXPECT_THAT(Sync(), IsEmpty());

  auto status = Set().status();
  EXPECT_EQ(status.replicas(), 3);
  EXPECT_EQ(status.ready_replicas(), 3);
  EXPECT_EQ(status.available_replicas(), 3);
  EXPECT_EQ(status.current_replicas(), 3);
  EXPECT_EQ(status.updated_replicas(), 3);
  EXPECT_EQ(status.observed_generation(), 1);
  EXPECT_EQ(status.current_revision(), status.update_revision());
  EXPECT_EQ(status.current_revision(), RevisionOfPod("web-0"));
  auto events = events_.Take();
  EXPECT_THAT(events,
              ::testing::Contains(
                  "Normal SuccessfulCreate create Pod web-0 in StatefulSet web successful"));
  EXPECT_THAT(events, ::testing::Contains("Normal SuccessfulCreate create Claim www-web-0 Pod "
                                          "web-0 in StatefulSet web success"));
}

TEST_F(StatefulSetControllerTest, StampsIdentity) {
  Put(WebSet(1));
  Sync();
  auto pod = cluster_.GetPod("web-0");
  EXPECT_EQ(pod.spec().hostname(), "web-0");
  EXPECT_EQ(pod.spec().subdomain(), "nginx");
  EXPECT_EQ(pod.metadata().labels().at(kPodNameLabel), "web-0");
  EXPECT_EQ(pod.metadata().labels().at(kPodIndexLabel), "0");
  EXPECT_EQ(pod.metadata().labels().at("app"), "nginx");
  EXPECT_EQ(pod.metadata().labels().at(kRevisionLabel), Set().status().update_revision());
  ASSERT_EQ(pod.metadata().owner_references_size(), 1);
  EXPECT_EQ(pod.metadata().owner_references(0).kind(), "StatefulSet");
  EXPECT_EQ(pod.metadata().owner_references(0).uid(), Set().metadata().uid());
  EXPECT_TRUE(pod.metadata().owner_references(0).controller());
  ASSERT_EQ(pod.spec().volumes_size(), 1);
  EXPECT_EQ(pod.spec().volumes(0).persistent_volume_claim().claim_name(), "www-web-0");
  auto claim = cluster_.claims.Get("default/www-web-0");
  ASSERT_NE(claim, nullptr);
  EXPECT_EQ(claim->metadata().labels().at("app"), "nginx");
}

TEST_F(StatefulSetControllerTest, AnUnhealthyPodHaltsScalingBothWays) {
  Put(WebSet(3));
  Converge();
  cluster_.SetReady("web-0", false);
  Edit([](auto& s) { s.mutable_spec()->set_replicas(5); });
  EXPECT_THAT(Sync(), IsEmpty());
  Edit([](auto& s) { s.mutable_spec()->set_replicas(2); });
  EXPECT_THAT(Sync(), IsEmpty());
  cluster_.SetReady("web-0");
  EXPECT_THAT(Sync(), ElementsAre("delete pod web-2"));
}

TEST_F(StatefulSetControllerTest, ScalesDownFromTheHighestOrdinalWaitingForEach) {
  Put(WebSet(5));
  Converge();
  Edit([](auto& s) { s.mutable_spec()->set_replicas(1); });
  EXPECT_THAT(Sync(), ElementsAre("delete pod web-4"));
  EXPECT_THAT(Sync(), IsEmpty());  // web-4 still terminating
  EXPECT_EQ(Set().status().terminating_replicas(), 1);
  EXPECT_EQ(Set().status().replicas(), 5);  // terminating pods count
  cluster_.FinishTerminating();
  EXPECT_THAT(Sync(), ElementsAre("delete pod web-3"));
  cluster_.FinishTerminating();
  EXPECT_THAT(Sync(), ElementsAre("delete pod web-2"));
  cluster_.FinishTerminating();
  EXPECT_THAT(Sync(), ElementsAre("delete pod web-1"));
  cluster_.FinishTerminating();
  EXPECT_THAT(Sync(), IsEmpty());
  EXPECT_THAT(PodNames(), ElementsAre("web-0"));
  // Claims are kept (whenScaled Retain): web-3 comes back to its own.
  EXPECT_NE(cluster_.claims.Get("default/www-web-3"), nullptr);
  EXPECT_THAT(events_.Take(), ::testing::Contains("Normal SuccessfulDelete delete Pod web-4 in "
                                                  "StatefulSet web successful"));
}

TEST_F(StatefulSetControllerTest, ParallelCreatesAndDeletesInOneSync) {
  auto set = WebSet(5);
  set.mutable_spec()->set_pod_management_policy("Parallel");
  Put(set);
  auto actions = Sync();
  EXPECT_EQ(std::count_if(actions.begin(), actions.end(),
                          [](const auto& a) { return a.rfind("create pod", 0) == 0; }),
            5);
  EXPECT_EQ(Set().status().replicas(), 5);
  Edit([](auto& s) { s.mutable_spec()->set_replicas(0); });
  actions = Sync();
  EXPECT_EQ(std::count_if(actions.begin(), actions.end(),
                          [](const auto& a) { return a.rfind("delete pod", 0) == 0; }),
            5);
}

TEST_F(StatefulSetControllerTest, ParallelScalesToAThousandInTwoSyncs) {
  auto set = WebSet(1000);
  set.mutable_spec()->set_pod_management_policy("Parallel");
  set.mutable_spec()->clear_volume_claim_templates();
  Put(set);
  Sync();
  Sync();
  EXPECT_EQ(cluster_.pods.Size(), 1000u);
}

TEST_F(StatefulSetControllerTest, PartitionedCanaryThenFullRollout) {
  auto set = WebSet(3);
  set.mutable_spec()->mutable_update_strategy()->mutable_rolling_update()->set_partition(2);
  Put(set);
  Converge();
  std::string v1 = Set().status().current_revision();
  Edit([](auto& s) {
    s.mutable_spec()->mutable_template_()->mutable_spec()->mutable_containers(0)->set_image(
        "nginx:2");
  });
  EXPECT_THAT(Sync(), ElementsAre("create revision 2", "delete pod web-2"));
  std::string v2 = Set().status().update_revision();
  EXPECT_NE(v1, v2);
  EXPECT_EQ(Set().status().current_revision(), v1);
  EXPECT_EQ(Set().status().observed_generation(), 2);
  Converge();
  EXPECT_EQ(RevisionOfPod("web-2"), v2);
  EXPECT_EQ(RevisionOfPod("web-1"), v1);
  EXPECT_EQ(RevisionOfPod("web-0"), v1);
  EXPECT_EQ(Set().status().updated_replicas(), 1);
  EXPECT_EQ(Set().status().current_revision(), v1);
  // A pod below the partition that is deleted comes back at the current revision.
  cluster_.UserDeletePod("web-0");
  cluster_.FinishTerminating();
  Converge();
  EXPECT_EQ(RevisionOfPod("web-0"), v1);

  Edit([](auto& s) {
    s.mutable_spec()->mutable_update_strategy()->mutable_rolling_update()->set_partition(0);
  });
  auto actions = Converge();
  EXPECT_THAT(actions, ElementsAre("delete pod web-1", "create pod web-1", "delete pod web-0",
                                   "create pod web-0"));
  EXPECT_EQ(Set().status().current_revision(), v2);
  EXPECT_EQ(Set().status().current_replicas(), 3);
}

TEST_F(StatefulSetControllerTest, EachUpdatedPodIsReadyBeforeTheNextGoes) {
  Put(WebSet(3));
  Converge();
  Edit([](auto& s) {
    s.mutable_spec()->mutable_template_()->mutable_spec()->mutable_containers(0)->set_image(
        "nginx:2");
  });
  EXPECT_THAT(Sync(), ElementsAre("create revision 2", "delete pod web-2"));
  cluster_.FinishTerminating();
  EXPECT_THAT(Sync(), ElementsAre("create pod web-2"));
  EXPECT_THAT(Sync(), IsEmpty());  // web-2 not Ready yet
  cluster_.SetReady("web-2");
  EXPECT_THAT(Sync(), ElementsAre("delete pod web-1"));
}

TEST_F(StatefulSetControllerTest, MaxUnavailableTwoUpdatesTwoAtOnce) {
  auto set = WebSet(5);
  set.mutable_spec()
      ->mutable_update_strategy()
      ->mutable_rolling_update()
      ->mutable_max_unavailable()
      ->set_number_value(2);
  Put(set);
  Converge();
  Edit([](auto& s) {
    s.mutable_spec()->mutable_template_()->mutable_spec()->mutable_containers(0)->set_image(
        "nginx:2");
  });
  EXPECT_THAT(Sync(), ElementsAre("create revision 2", "delete pod web-4", "delete pod web-3"));
}

TEST_F(StatefulSetControllerTest, MaxUnavailablePercentRoundsDown) {
  auto set = WebSet(8);
  set.mutable_spec()
      ->mutable_update_strategy()
      ->mutable_rolling_update()
      ->mutable_max_unavailable()
      ->set_string_value("25%");
  set.mutable_spec()->set_pod_management_policy("Parallel");
  Put(set);
  Converge();
  Edit([](auto& s) {
    s.mutable_spec()->mutable_template_()->mutable_spec()->mutable_containers(0)->set_image(
        "nginx:2");
  });
  EXPECT_THAT(Sync(), ElementsAre("create revision 2", "delete pod web-7", "delete pod web-6"));
}

TEST_F(StatefulSetControllerTest, OnDeleteUpdatesOnlyDeletedPodsAndAdvancesCurrentRevision) {
  auto set = WebSet(2);
  set.mutable_spec()->mutable_update_strategy()->set_type("OnDelete");
  set.mutable_spec()->mutable_update_strategy()->clear_rolling_update();
  Put(set);
  Converge();
  std::string v1 = Set().status().current_revision();
  Edit([](auto& s) {
    s.mutable_spec()->mutable_template_()->mutable_spec()->mutable_containers(0)->set_image(
        "nginx:2");
  });
  EXPECT_THAT(Converge(), ElementsAre("create revision 2"));
  std::string v2 = Set().status().update_revision();
  EXPECT_EQ(RevisionOfPod("web-1"), v1);
  cluster_.UserDeletePod("web-1");
  cluster_.FinishTerminating();
  Converge();
  EXPECT_EQ(RevisionOfPod("web-1"), v2);
  EXPECT_EQ(Set().status().current_revision(), v1);
  cluster_.UserDeletePod("web-0");
  cluster_.FinishTerminating();
  Converge();
  EXPECT_EQ(Set().status().current_revision(), v2);  // Kubernetes before 2026 never did this
  EXPECT_EQ(Set().status().current_replicas(), 2);
}

TEST_F(StatefulSetControllerTest, RollbackReusesTheOldRevision) {
  Put(WebSet(2));
  Converge();
  std::string v1 = Set().status().current_revision();
  auto image = [this](const std::string& i) {
    Edit([&](auto& s) {
      s.mutable_spec()->mutable_template_()->mutable_spec()->mutable_containers(0)->set_image(i);
    });
  };
  image("nginx:2");
  Converge();
  std::string v2 = Set().status().current_revision();
  image("nginx:1");
  auto actions = Converge();
  EXPECT_EQ(actions.front(), "update revision 1 to 3");  // no new revision
  EXPECT_EQ(Set().status().update_revision(), v1);
  EXPECT_EQ(Set().status().current_revision(), v1);
  EXPECT_EQ(RevisionOfPod("web-0"), v1);
  EXPECT_EQ(cluster_.revisions.Size(), 2u);
  EXPECT_NE(v1, v2);
}

TEST_F(StatefulSetControllerTest, MinReadySecondsGatesTheNextPodAndAvailability) {
  auto set = WebSet(2);
  set.mutable_spec()->set_min_ready_seconds(10);
  Put(set);
  Sync();
  cluster_.SetReady("web-0");
  EXPECT_THAT(Sync(), IsEmpty());
  EXPECT_EQ(Set().status().ready_replicas(), 1);
  EXPECT_EQ(Set().status().available_replicas(), 0);
  clock_.Advance(absl::Seconds(9));
  EXPECT_THAT(Sync(), IsEmpty());
  clock_.Advance(absl::Seconds(1));
  EXPECT_THAT(Sync(), ElementsAre("create pvc www-web-1", "create pod web-1"));
  EXPECT_EQ(Set().status().available_replicas(), 1);
}

TEST_F(StatefulSetControllerTest, MinReadySecondsRequeuesAtTheExactMoment) {
  auto set = WebSet(1);
  set.mutable_spec()->set_min_ready_seconds(10);
  Put(set);
  Sync();
  clock_.Advance(absl::Seconds(3));
  cluster_.SetReady("web-0");
  clock_.Advance(absl::Seconds(4));
  Sync();
  // Ready 4 s ago: due in exactly 6 s, not minReadySeconds later.
  std::string key;
  EXPECT_FALSE(controller_.queue().TryGet(&key));
  clock_.Advance(absl::Seconds(6) - absl::Milliseconds(1));
  EXPECT_FALSE(controller_.queue().TryGet(&key));
  clock_.Advance(absl::Milliseconds(1));
  EXPECT_TRUE(controller_.queue().TryGet(&key));
  EXPECT_EQ(key, "default/web");
}

TEST_F(StatefulSetControllerTest, RolloutIsCompleteOnlyWhenEveryReplicaIsAvailable) {
  auto set = WebSet(1);
  set.mutable_spec()->set_min_ready_seconds(30);
  Put(set);
  Sync();
  cluster_.SetReady("web-0");
  clock_.Advance(absl::Seconds(30));
  Sync();
  std::string v1 = Set().status().current_revision();
  Edit([](auto& s) {
    s.mutable_spec()->mutable_template_()->mutable_spec()->mutable_containers(0)->set_image(
        "nginx:2");
  });
  Sync();
  cluster_.FinishTerminating();
  Sync();
  cluster_.SetReady("web-0");
  Sync();
  EXPECT_EQ(Set().status().updated_replicas(), 1);
  EXPECT_EQ(Set().status().current_revision(), v1);  // Ready, not yet Available
  clock_.Advance(absl::Seconds(30));
  Sync();
  EXPECT_EQ(Set().status().current_revision(), Set().status().update_revision());
}

TEST_F(StatefulSetControllerTest, StartOrdinalNamesPodsFromIt) {
  auto set = WebSet(2);
  set.mutable_spec()->mutable_ordinals()->set_start(3);
  Put(set);
  Converge();
  EXPECT_THAT(PodNames(), ElementsAre("web-3", "web-4"));
  Edit([](auto& s) { s.mutable_spec()->mutable_ordinals()->set_start(4); });
  auto actions = Converge();
  EXPECT_THAT(actions, ElementsAre("create pvc www-web-5", "create pod web-5", "delete pod web-3"));
}

TEST_F(StatefulSetControllerTest, PrunesRevisionsBeyondTheLimit) {
  auto set = WebSet(1);
  set.mutable_spec()->set_revision_history_limit(2);
  Put(set);
  Converge();
  for (int i = 2; i <= 6; ++i) {
    Edit([&](auto& s) {
      s.mutable_spec()->mutable_template_()->mutable_spec()->mutable_containers(0)->set_image(
          "nginx:" + std::to_string(i));
    });
    Converge();
  }
  // Live: current = update = revision 6; history keeps the 2 newest others.
  std::vector<int64_t> kept;
  for (const auto& r : cluster_.revisions.List()) kept.push_back(r->revision());
  std::sort(kept.begin(), kept.end());
  EXPECT_THAT(kept, ElementsAre(4, 5, 6));
  // The limit may change on a live set.
  Edit([](auto& s) { s.mutable_spec()->set_revision_history_limit(0); });
  Sync();
  EXPECT_EQ(cluster_.revisions.Size(), 1u);
}

TEST_F(StatefulSetControllerTest, AdoptsMatchingOrphansAndReleasesNonMatchingPods) {
  Put(WebSet(2));
  core::v1::Pod orphan;
  orphan.mutable_metadata()->set_name("web-1");
  (*orphan.mutable_metadata()->mutable_labels())["app"] = "nginx";
  cluster_.PutPod(orphan);
  core::v1::Pod stranger;  // labels match, name does not parse to the set
  stranger.mutable_metadata()->set_name("webby");
  (*stranger.mutable_metadata()->mutable_labels())["app"] = "nginx";
  cluster_.PutPod(stranger);
  auto actions = Sync();
  EXPECT_THAT(actions, ::testing::Contains("update pod web-1"));
  EXPECT_EQ(ControllerUid(cluster_.GetPod("web-1").metadata()), Set().metadata().uid());
  EXPECT_EQ(ControllerUid(cluster_.GetPod("webby").metadata()), "");
  Converge();
  // A pod relabelled out of the selector is released, and replaced.
  core::v1::Pod relabelled = cluster_.GetPod("web-0");
  (*relabelled.mutable_metadata()->mutable_labels())["app"] = "other";
  cluster_.PutPod(relabelled);
  // Released; its name is still taken, so the replacement waits (as in Kubernetes).
  EXPECT_TRUE(absl::IsAlreadyExists(controller_.Sync("default/web")));
  EXPECT_EQ(ControllerUid(cluster_.GetPod("web-0").metadata()), "");
}

TEST_F(StatefulSetControllerTest, FailedPodIsDeletedThenRecreated) {
  Put(WebSet(2));
  Converge();
  std::string uid = cluster_.GetPod("web-0").metadata().uid();
  cluster_.SetPhase("web-0", "Failed");
  EXPECT_THAT(Sync(), ElementsAre("delete pod web-0"));
  EXPECT_THAT(Sync(), ElementsAre("create pod web-0"));  // its claim is reused
  EXPECT_NE(cluster_.GetPod("web-0").metadata().uid(), uid);
}

TEST_F(StatefulSetControllerTest, BrokenRolloutHealsWhenTheTemplateIsFixed) {
  Put(WebSet(3));
  Converge();
  std::string v1 = Set().status().current_revision();
  Edit([](auto& s) {
    s.mutable_spec()->mutable_template_()->mutable_spec()->mutable_containers(0)->set_image(
        "nginx:broken");
  });
  Sync();
  cluster_.FinishTerminating();
  EXPECT_THAT(Sync(), ElementsAre("create pod web-2"));
  cluster_.SetReady("web-2", false);  // never becomes Ready
  EXPECT_THAT(Sync(), IsEmpty());
  EXPECT_THAT(Sync(), IsEmpty());  // stuck, as in Kubernetes
  // Reverting the template is enough: no manual pod delete (kubernetes#67250).
  Edit([](auto& s) {
    s.mutable_spec()->mutable_template_()->mutable_spec()->mutable_containers(0)->set_image(
        "nginx:1");
  });
  EXPECT_THAT(Sync(), ElementsAre("update revision 1 to 3", "delete pod web-2"));
  cluster_.FinishTerminating();
  EXPECT_THAT(Sync(), ElementsAre("create pod web-2"));
  EXPECT_EQ(RevisionOfPod("web-2"), v1);
  cluster_.SetReady("web-2");
  Sync();
  EXPECT_EQ(Set().status().current_revision(), v1);
  EXPECT_EQ(Set().status().ready_replicas(), 3);
}

TEST_F(StatefulSetControllerTest, BrokenRolloutHealsOnANewerTemplateToo) {
  Put(WebSet(2));
  Converge();
  Edit([](auto& s) {
    s.mutable_spec()->mutable_template_()->mutable_spec()->mutable_containers(0)->set_image(
        "nginx:broken");
  });
  Sync();
  cluster_.FinishTerminating();
  Sync();
  cluster_.SetReady("web-1", false);
  Edit([](auto& s) {
    s.mutable_spec()->mutable_template_()->mutable_spec()->mutable_containers(0)->set_image(
        "nginx:3");
  });
  EXPECT_THAT(Sync(), ElementsAre("create revision 3", "delete pod web-1"));
  auto actions = Converge();
  EXPECT_EQ(Set().status().current_revision(), Set().status().update_revision());
  EXPECT_EQ(RevisionOfPod("web-0"), Set().status().update_revision());
}

TEST_F(StatefulSetControllerTest, AClaimBeingDeletedIsNeverReused) {
  Put(WebSet(1));
  Converge();
  // The claim is being deleted (its protection finalizer holds it) while the pod goes.
  core::v1::PersistentVolumeClaim claim = *cluster_.claims.Get("default/www-web-0");
  claim.mutable_metadata()->mutable_deletion_timestamp()->set_seconds(1);
  cluster_.claims.Upsert(std::make_shared<const core::v1::PersistentVolumeClaim>(claim));
  cluster_.UserDeletePod("web-0");
  cluster_.FinishTerminating();
  EXPECT_FALSE(controller_.Sync("default/web").ok());
  EXPECT_FALSE(cluster_.HasPod("web-0"));
  bool said_why = false;
  for (const auto& c : Conditions()) {
    if (c.type() == "Progressing") {
      EXPECT_EQ(c.status(), "False");
      EXPECT_EQ(c.reason(), "ClaimBeingDeleted");
      EXPECT_EQ(c.message(), "pod web-0 waits: pvc www-web-0 is being deleted");
      said_why = true;
    }
  }
  EXPECT_TRUE(said_why);
  cluster_.claims.Remove("default/www-web-0");
  EXPECT_THAT(Sync(), ElementsAre("create pvc www-web-0", "create pod web-0"));
}

TEST_F(StatefulSetControllerTest, RestoresIdentityLabels) {
  Put(WebSet(1));
  Converge();
  core::v1::Pod pod = cluster_.GetPod("web-0");
  pod.mutable_metadata()->mutable_labels()->erase(kPodNameLabel);
  cluster_.PutPod(pod);
  EXPECT_THAT(Sync(), ElementsAre("update pod web-0"));
  EXPECT_EQ(cluster_.GetPod("web-0").metadata().labels().at(kPodNameLabel), "web-0");
}

TEST_F(StatefulSetControllerTest, ConditionsTellAvailabilityAndProgress) {
  Put(WebSet(2));
  Sync();
  std::map<std::string, std::string> reasons;
  for (const auto& c : Conditions()) reasons[c.type()] = c.status() + "/" + c.reason();
  EXPECT_EQ(reasons["Available"], "False/ReplicasUnavailable");
  EXPECT_EQ(reasons["Progressing"], "True/RolloutInProgress");
  Converge();
  for (const auto& c : Conditions()) reasons[c.type()] = c.status() + "/" + c.reason();
  EXPECT_EQ(reasons["Available"], "True/AllReplicasAvailable");
  EXPECT_EQ(reasons["Progressing"], "True/RolloutComplete");
}

TEST_F(StatefulSetControllerTest, StatusIsWrittenOnlyWhenItChanges) {
  Put(WebSet(1));
  Converge();
  std::string rv = Set().metadata().resource_version();
  Sync();
  Sync();
  EXPECT_EQ(Set().metadata().resource_version(), rv);
}

TEST_F(StatefulSetControllerTest, ADeletedSetOnlyWritesStatus) {
  Put(WebSet(2));
  Converge();
  apps::v1::StatefulSet set = Set();
  set.mutable_metadata()->mutable_deletion_timestamp()->set_seconds(1);
  cluster_.sets.Upsert(std::make_shared<const apps::v1::StatefulSet>(set));
  cluster_.UserDeletePod("web-1");
  cluster_.FinishTerminating();
  EXPECT_THAT(Sync(), IsEmpty());
  EXPECT_EQ(Set().status().replicas(), 1);
}

}  // namespace
}  // namespace ordo::statefulset
