// The StatefulSet controller's test fixture: the controller over a fake
// api-server (testing::FakeStatefulSetCluster: the writers over one
// FakeObjectStore, which applies each write at once),
// a fake clock and event recorder; the test plays the kubelet
// (Running/Ready, confirming deletions) and the user (spec changes), one
// Sync at a time. Not thread-safe: one test, one thread.
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/match.h"
#include "common/clock/fake_clock.h"
#include "common/events/fake_event_recorder.h"
#include "services/controller-manager/statefulset/fake_stateful_set_cluster.h"
#include "services/controller-manager/statefulset/pod_identity.h"
#include "services/controller-manager/statefulset/stateful_set_controller.h"

namespace ordo::statefulset {

class StatefulSetControllerTest : public ::testing::Test {
 protected:
  StatefulSetControllerTest()
      : cluster_(clock_),
        control_(cluster_.Clients(), events_, clock_, cluster_.Listers().claims,
                 cluster_.Listers().nodes),
        controller_(cluster_.Listers(), cluster_.Clients(), control_, clock_) {}

  static apps::v1::StatefulSet WebSet(int replicas, const std::string& image = "nginx:1") {
    apps::v1::StatefulSet set;
    set.mutable_metadata()->set_name("web");
    set.mutable_metadata()->set_namespace_("default");
    auto& spec = *set.mutable_spec();
    spec.set_replicas(replicas);
    (*spec.mutable_selector()->mutable_match_labels())["app"] = "nginx";
    spec.set_service_name("nginx");
    spec.set_pod_management_policy("OrderedReady");
    spec.mutable_update_strategy()->set_type("RollingUpdate");
    spec.mutable_update_strategy()->mutable_rolling_update()->set_partition(0);
    spec.set_revision_history_limit(10);
    auto* tmpl = spec.mutable_template_();
    (*tmpl->mutable_metadata()->mutable_labels())["app"] = "nginx";
    auto* c = tmpl->mutable_spec()->add_containers();
    c->set_name("nginx");
    c->set_image(image);
    auto* claim = spec.add_volume_claim_templates();
    claim->mutable_metadata()->set_name("www");
    claim->mutable_spec()->add_access_modes("ReadWriteOnce");
    return set;
  }

  apps::v1::StatefulSet Put(const apps::v1::StatefulSet& set) { return cluster_.PutSet(set); }
  apps::v1::StatefulSet Set() { return cluster_.GetSet("web"); }
  // A copy: a range-for over Set().status().conditions() would outlive its set.
  std::vector<apps::v1::StatefulSetCondition> Conditions() {
    auto conditions = Set().status().conditions();
    return {conditions.begin(), conditions.end()};
  }

  // A change to the live set, as `kubectl edit` would make it.
  template <typename Fn>
  void Edit(Fn fn) {
    apps::v1::StatefulSet set = Set();
    fn(set);
    cluster_.PutSet(set);
  }

  std::vector<std::string> Sync() {
    absl::Status s = controller_.Sync("default/web");
    EXPECT_TRUE(s.ok() || absl::IsFailedPrecondition(s)) << s;
    return cluster_.TakeActions();
  }

  // Syncs, marks every pod Running and Ready, confirms deletions, until a
  // round changes nothing; returns every action the controller took.
  std::vector<std::string> Converge(int max_rounds = 50) {
    std::vector<std::string> all;
    for (int i = 0; i < max_rounds; ++i) {
      auto actions = Sync();
      bool kubelet_acted = false;
      for (const auto& pod : cluster_.pods.List()) {
        if (pod->metadata().has_deletion_timestamp()) {
          kubelet_acted = true;
        } else if (!IsRunningAndReady(*pod)) {
          cluster_.SetReady(pod->metadata().name());
          kubelet_acted = true;
        }
      }
      cluster_.FinishTerminating();
      if (actions.empty() && !kubelet_acted) return all;
      all.insert(all.end(), actions.begin(), actions.end());
    }
    ADD_FAILURE() << "did not converge";
    return all;
  }

  std::string RevisionOfPod(const std::string& name) { return RevisionOf(cluster_.GetPod(name)); }
  std::vector<std::string> PodNames() {
    std::vector<std::string> out;
    for (const auto& pod : cluster_.pods.List()) out.push_back(pod->metadata().name());
    return out;
  }

  FakeClock clock_;
  testing::FakeStatefulSetCluster cluster_;
  testing::FakeEventRecorder events_;
  DefaultStatefulSetControl control_;
  StatefulSetController controller_;
};

}  // namespace ordo::statefulset
