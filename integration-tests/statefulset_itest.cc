// The StatefulSet controller on a real 3-node cluster of processes, observed
// through a watch the way a user would see it: ordered creation (each pod
// Ready before the next exists), scale-up and scale-down order, a rolling
// update from the highest ordinal down, and a deleted pod coming back with its
// name and hostname; a pod a finalizer holds reports its end, and one past its
// activeDeadlineSeconds fails and is replaced.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/synchronization/mutex.h"
#include "integration-tests/harness/cluster_fixture.h"

namespace ordo::itest {
namespace {

// What a watch on pods saw, one line per transition, in order:
// "create web-0", "ready web-0", "delete web-2" (deletion began), "gone web-2".
class PodEventLog {
 public:
  explicit PodEventLog(api::ResourceClient<core::v1::Pod>& pods) {
    auto list = pods.List({});
    EXPECT_TRUE(list.ok()) << list.status();
    meta::v1::ListOptions options;
    options.set_resource_version(list->metadata().resource_version());
    reader_ = pods.stub().Watch(&ctx_, options);
    thread_ = std::jthread([this] { Follow(); });
  }
  ~PodEventLog() {
    ctx_.TryCancel();
    thread_.join();
  }

  std::vector<std::string> Lines() {
    absl::MutexLock lock(&mu_);
    return lines_;
  }
  // The lines starting with `verb`, without it: e.g. Of("create") = {"web-0", ...}.
  std::vector<std::string> Of(const std::string& verb) {
    std::vector<std::string> out;
    for (const auto& line : Lines()) {
      if (line.rfind(verb + " ", 0) == 0) out.push_back(line.substr(verb.size() + 1));
    }
    return out;
  }
  size_t IndexOf(const std::string& line) {
    auto lines = Lines();
    return std::find(lines.begin(), lines.end(), line) - lines.begin();
  }
  void Clear() {
    absl::MutexLock lock(&mu_);
    lines_.clear();
  }

 private:
  void Follow() {
    core::v1::PodWatchEvent event;
    while (reader_->Read(&event)) {
      const auto& pod = event.object();
      const std::string& name = pod.metadata().name();
      absl::MutexLock lock(&mu_);
      State& state = states_[name];
      if (event.type() == "DELETED") {
        lines_.push_back("gone " + name);
        states_.erase(name);
        continue;
      }
      if (!state.seen) lines_.push_back("create " + name);
      state.seen = true;
      bool ready = false;
      for (const auto& c : pod.status().conditions()) {
        if (c.type() == "Ready") ready = c.status() == "True";
      }
      if (ready && !state.ready) lines_.push_back("ready " + name);
      state.ready = ready;
      if (pod.metadata().has_deletion_timestamp() && !state.deleting) {
        lines_.push_back("delete " + name);
      }
      state.deleting = pod.metadata().has_deletion_timestamp();
    }
    reader_->Finish();
  }

  struct State {
    bool seen = false, ready = false, deleting = false;
  };
  grpc::ClientContext ctx_;
  std::unique_ptr<grpc::ClientReader<core::v1::PodWatchEvent>> reader_;
  std::jthread thread_;
  absl::Mutex mu_;
  std::vector<std::string> lines_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, State> states_ ABSL_GUARDED_BY(mu_);
};

std::string WebSet(int replicas, const std::string& version = "1") {
  return absl::StrReplaceAll(R"(apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: nginx}
  serviceName: nginx
  replicas: REPLICAS
  template:
    metadata:
      labels: {app: nginx}
    spec:
      terminationGracePeriodSeconds: 5
      containers:
      - name: nginx
        image: ordo-podapp
        args: ["--port", "80"]
        env: [{name: VERSION, value: "VERSION_VALUE"}]
        readinessProbe:
          httpGet: {path: /readyz, port: 80}
          periodSeconds: 1
)",
                             {{"REPLICAS", absl::StrCat(replicas)}, {"VERSION_VALUE", version}});
}

class StatefulSetTest : public ClusterFixture {};

TEST_F(StatefulSetTest, CreatesInOrderAndScalesUpAndDownInOrder) {
  PodEventLog log(*pods_);
  Apply(WebSet(3));
  ASSERT_TRUE(WaitRolledOut(3));
  EXPECT_EQ(log.Of("create"), (std::vector<std::string>{"web-0", "web-1", "web-2"}));
  // Each pod exists only after its predecessor was Ready.
  EXPECT_LT(log.IndexOf("ready web-0"), log.IndexOf("create web-1"));
  EXPECT_LT(log.IndexOf("ready web-1"), log.IndexOf("create web-2"));

  log.Clear();
  ASSERT_EQ(Ordoctl({"scale", "sts", "web", "--replicas", "5"}).exit_code, 0);
  ASSERT_TRUE(WaitRolledOut(5));
  EXPECT_EQ(log.Of("create"), (std::vector<std::string>{"web-3", "web-4"}));
  EXPECT_LT(log.IndexOf("ready web-3"), log.IndexOf("create web-4"));

  log.Clear();
  ASSERT_EQ(Ordoctl({"scale", "sts", "web", "--replicas", "1"}).exit_code, 0);
  ASSERT_TRUE(WaitRolledOut(1));
  EXPECT_EQ(log.Of("delete"), (std::vector<std::string>{"web-4", "web-3", "web-2", "web-1"}));
  // One at a time: each deletion starts after the previous pod is gone.
  EXPECT_LT(log.IndexOf("gone web-4"), log.IndexOf("delete web-3"));
  EXPECT_LT(log.IndexOf("gone web-3"), log.IndexOf("delete web-2"));
  EXPECT_LT(log.IndexOf("gone web-2"), log.IndexOf("delete web-1"));
  EXPECT_TRUE(GetPod("web-0").has_value());
}

TEST_F(StatefulSetTest, RollingUpdateGoesFromTheHighestOrdinalDown) {
  Apply(WebSet(3));
  ASSERT_TRUE(WaitRolledOut(3));
  auto before = sets_->Get("default", "web");
  ASSERT_TRUE(before.ok());
  PodEventLog log(*pods_);
  Apply(WebSet(3, "2"));
  ASSERT_TRUE(WaitRolledOut(3));
  EXPECT_EQ(log.Of("delete"), (std::vector<std::string>{"web-2", "web-1", "web-0"}));
  // Each updated pod is Ready before the next one goes.
  EXPECT_LT(log.IndexOf("ready web-2"), log.IndexOf("delete web-1"));
  EXPECT_LT(log.IndexOf("ready web-1"), log.IndexOf("delete web-0"));
  auto after = sets_->Get("default", "web");
  EXPECT_NE(after->status().current_revision(), before->status().current_revision());
  for (const std::string name : {"web-0", "web-1", "web-2"}) {
    EXPECT_EQ(GetPod(name)->metadata().labels().at("controller-revision-hash"),
              after->status().update_revision());
  }
}

// The tutorial's staged rollout, with its own commands: a partition, a canary
// by JSON patch, the images listed by jsonpath, then the partition lowered.
TEST_F(StatefulSetTest, PartitionedCanaryByPatch) {
  Apply(WebSet(3));
  ASSERT_TRUE(WaitRolledOut(3));
  ASSERT_EQ(
      Ordoctl(
          {"patch", "statefulset", "web", "-p",
           R"({"spec":{"updateStrategy":{"type":"RollingUpdate","rollingUpdate":{"partition":2}}}})"})
          .out,
      "statefulset.apps/web patched\n");
  CommandResult canary = Ordoctl(
      {"patch", "statefulset", "web", "--type=json",
       R"(-p=[{"op": "replace", "path": "/spec/template/spec/containers/0/env/0/value", "value": "canary"}])"});
  ASSERT_EQ(canary.exit_code, 0) << canary.err;
  CommandResult status = Ordoctl({"rollout", "status", "sts", "web", "--timeout", "60s"});
  EXPECT_TRUE(absl::EndsWith(status.out,
                             "partitioned roll out complete: 1 new pods have been updated...\n"))
      << status.out;
  auto versions = [&] {
    return Ordoctl(
               {"get", "pod", "-l", "app=nginx", "-o",
                R"(jsonpath={range .items[*]}{.metadata.name}{"\t"}{.spec.containers[0].env[0].value}{"\n"}{end})"})
        .out;
  };
  EXPECT_EQ(versions(), "web-0\t1\nweb-1\t1\nweb-2\tcanary\n");
  ASSERT_EQ(Ordoctl({"patch", "sts", "web", "-p",
                     R"({"spec":{"updateStrategy":{"rollingUpdate":{"partition":0}}}})"})
                .exit_code,
            0);
  ASSERT_TRUE(WaitRolledOut(3));
  EXPECT_EQ(versions(), "web-0\tcanary\nweb-1\tcanary\nweb-2\tcanary\n");
}

TEST_F(StatefulSetTest, RolloutStatusHistoryAndUndo) {
  Apply(WebSet(2));
  CommandResult status = Ordoctl({"rollout", "status", "sts/web", "--timeout", "60s"});
  EXPECT_EQ(status.exit_code, 0) << status.err;
  EXPECT_TRUE(absl::StrContains(status.out, "Waiting for")) << status.out;
  EXPECT_TRUE(absl::EndsWith(status.out,
                             "partitioned roll out complete: 2 new pods have been updated...\n"))
      << status.out;
  std::string v1 = sets_->Get("default", "web")->status().update_revision();
  Apply(WebSet(2, "2"));
  status = Ordoctl({"rollout", "status", "sts/web", "--timeout", "60s"});
  EXPECT_EQ(status.exit_code, 0) << status.err;
  CommandResult history = Ordoctl({"rollout", "history", "sts/web"});
  EXPECT_EQ(
      history.out,
      "statefulset.apps/web\nREVISION   CHANGE-CAUSE\n1          <none>\n2          <none>\n");
  CommandResult undo = Ordoctl({"rollout", "undo", "sts/web"});
  EXPECT_EQ(undo.out, "statefulset.apps/web rolled back\n") << undo.err;
  ASSERT_TRUE(WaitRolledOut(2));
  auto set = sets_->Get("default", "web");
  EXPECT_EQ(set->status().current_revision(), v1);  // the old revision, renumbered
  EXPECT_EQ(GetPod("web-0")->metadata().labels().at("controller-revision-hash"), v1);
  history = Ordoctl({"rollout", "history", "sts/web"});
  EXPECT_TRUE(absl::StrContains(history.out, "2          <none>\n3          <none>"))
      << history.out;
  CommandResult missing = Ordoctl({"rollout", "undo", "sts/web", "--to-revision", "9"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_EQ(missing.err, "error: unable to find specified revision 9 in history\n");
}

TEST_F(StatefulSetTest, ADeletedPodComesBackWithItsNameAndHostname) {
  Apply(WebSet(2));
  ASSERT_TRUE(WaitRolledOut(2));
  std::string uid = GetPod("web-1")->metadata().uid();
  ASSERT_EQ(Ordoctl({"delete", "pod", "web-1"}).exit_code, 0);
  ASSERT_TRUE(WaitFor(
      [&] {
        auto pod = GetPod("web-1");
        return pod.has_value() && pod->metadata().uid() != uid && Ready(*pod);
      },
      absl::Seconds(30)));
  CommandResult hostname = Ordoctl({"exec", "web-1", "--", "hostname"});
  EXPECT_EQ(hostname.out, "web-1\n") << hostname.err;
  CommandResult fqdn = Ordoctl({"exec", "web-1", "--", "cat", "/etc/hosts"});
  EXPECT_TRUE(absl::StrContains(fqdn.out, "web-1.nginx.default.svc.cluster.local")) << fqdn.out;
}

TEST_F(StatefulSetTest, DeletingTheSetRemovesItsPodsUnlessOrphaned) {
  Apply(WebSet(2));
  ASSERT_TRUE(WaitRolledOut(2));
  ASSERT_EQ(Ordoctl({"delete", "sts", "web", "--cascade=orphan"}).exit_code, 0);
  std::string uid = GetPod("web-0")->metadata().uid();
  ASSERT_TRUE(WaitFor([&] { return GetPod("web-0")->metadata().owner_references_size() == 0; },
                      absl::Seconds(10)));
  Apply(WebSet(2));  // a new set adopts the orphans
  ASSERT_TRUE(WaitFor(
      [&] {
        auto pod = GetPod("web-0");
        return pod.has_value() && pod->metadata().owner_references_size() == 1;
      },
      absl::Seconds(10)));
  EXPECT_EQ(GetPod("web-0")->metadata().uid(), uid);
  ASSERT_EQ(Ordoctl({"delete", "sts", "web"}).exit_code, 0);
  EXPECT_TRUE(WaitFor([&] { return !GetPod("web-0") && !GetPod("web-1"); }, absl::Seconds(30)));
}

// Issue 21 item 5: a pod whose containers stopped for its deletion says so
// (terminated, not Ready, a terminal phase) while a finalizer keeps the
// object, so the set no longer counts it ready.
TEST_F(StatefulSetTest, APodAFinalizerHoldsReportsItsEndAndLeavesTheReadyCount) {
  Apply(WebSet(2));
  ASSERT_TRUE(WaitRolledOut(2));
  std::string uid = GetPod("web-1")->metadata().uid();
  ASSERT_EQ(Ordoctl({"patch", "pod", "web-1", "--type=merge", "-p",
                     R"({"metadata":{"finalizers":["example.com/hold"]}})"})
                .exit_code,
            0);
  ASSERT_EQ(Ordoctl({"delete", "pod", "web-1", "--wait=false"}).exit_code, 0);
  ASSERT_TRUE(WaitFor(
      [&] {
        auto pod = GetPod("web-1");
        if (!pod.has_value() || pod->metadata().uid() != uid) return false;
        const auto& status = pod->status();
        return (status.phase() == "Failed" || status.phase() == "Succeeded") && !Ready(*pod) &&
               status.container_statuses_size() == 1 &&
               status.container_statuses(0).state().has_terminated();
      },
      absl::Seconds(30)))
      << GetPod("web-1")->status().DebugString();
  ASSERT_TRUE(WaitFor(
      [&] {
        auto set = sets_->Get("default", "web");
        return set.ok() && set->status().ready_replicas() == 1;
      },
      absl::Seconds(20)));
  EXPECT_EQ(GetPod("web-1")->metadata().uid(), uid) << "the finalizer still holds it";
  // Let it go: the set makes web-1 anew.
  ASSERT_EQ(Ordoctl({"patch", "pod", "web-1", "--type=json", "-p",
                     R"([{"op":"remove","path":"/metadata/finalizers"}])"})
                .exit_code,
            0);
  EXPECT_TRUE(WaitRolledOut(2));
}

// Issue 21 item 6: past activeDeadlineSeconds the agent stops the pod and
// fails it (DeadlineExceeded); the set replaces the failed pod.
TEST_F(StatefulSetTest, APodPastItsActiveDeadlineFailsAndTheSetReplacesIt) {
  Apply(WebSet(1));
  ASSERT_TRUE(WaitRolledOut(1));
  std::string uid = GetPod("web-0")->metadata().uid();
  ASSERT_EQ(
      Ordoctl({"patch", "pod", "web-0", "-p", R"({"spec":{"activeDeadlineSeconds":1}})"}).exit_code,
      0);
  ASSERT_TRUE(WaitFor(
      [&] {
        auto pod = GetPod("web-0");
        return pod.has_value() && pod->metadata().uid() != uid && Ready(*pod);
      },
      absl::Seconds(60)));
  CommandResult reasons = Ordoctl({"get", "events", "-o", "jsonpath={.items[*].reason}",
                                   "--field-selector", "involvedObject.uid=" + uid});
  EXPECT_THAT(reasons.out, ::testing::HasSubstr("DeadlineExceeded")) << reasons.err;
}

}  // namespace
}  // namespace ordo::itest
