// Storage that follows identity, on a real 3-node cluster of processes: the
// StatefulSet tutorial's storage steps (each pod writes its hostname into its
// volume, the pods are deleted, each reads its own back) with both storage
// classes, and the retention policy's combinations (scale down and up, delete
// the set) with the claims, volumes and data directories they keep or remove.
#include <gtest/gtest.h>

#include <filesystem>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "integration-tests/harness/cluster_fixture.h"

namespace ordo::itest {
namespace {

std::string WebSet(int replicas, const std::string& storage_class,
                   const std::string& when_deleted = "Retain",
                   const std::string& when_scaled = "Retain") {
  return absl::StrReplaceAll(R"(apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: nginx}
  serviceName: nginx
  replicas: REPLICAS
  persistentVolumeClaimRetentionPolicy:
    whenDeleted: WHEN_DELETED
    whenScaled: WHEN_SCALED
  template:
    metadata:
      labels: {app: nginx}
    spec:
      terminationGracePeriodSeconds: 5
      containers:
      - name: nginx
        image: ordo-podapp
        args: ["--port", "80", "--data-dir", "/usr/share/nginx/html"]
        readinessProbe:
          httpGet: {path: /readyz, port: 80}
          periodSeconds: 1
        volumeMounts:
        - name: www
          mountPath: /usr/share/nginx/html
  volumeClaimTemplates:
  - metadata:
      name: www
    spec:
      accessModes: ["ReadWriteOnce"]
      storageClassName: CLASS
      resources:
        requests:
          storage: 1Gi
)",
                             {{"REPLICAS", absl::StrCat(replicas)},
                              {"CLASS", storage_class},
                              {"WHEN_DELETED", when_deleted},
                              {"WHEN_SCALED", when_scaled}});
}

class StorageTest : public ClusterFixture {
 protected:
  void SetUp() override {
    ClusterFixture::SetUp();
    claims_ = std::make_unique<api::ResourceClient<core::v1::PersistentVolumeClaim>>(channel_,
                                                                                     SystemClock());
    volumes_ =
        std::make_unique<api::ResourceClient<core::v1::PersistentVolume>>(channel_, SystemClock());
  }

  bool WaitSettled(int replicas) {
    return WaitFor(
        [&] {
          auto set = sets_->Get("default", "web");
          if (!set.ok()) return false;
          const auto& st = set->status();
          return st.observed_generation() == set->metadata().generation() &&
                 st.replicas() == replicas && st.ready_replicas() == replicas;
        },
        absl::Seconds(90));
  }

  std::string Exec(const std::string& pod, const std::string& script) {
    CommandResult r = Ordoctl({"exec", pod, "--", "sh", "-c", script});
    EXPECT_EQ(r.exit_code, 0) << pod << ": " << r.err;
    return r.out;
  }

  void WriteHostnames(int replicas) {
    for (int i = 0; i < replicas; ++i) {
      Exec(absl::StrCat("web-", i), "hostname > /usr/share/nginx/html/index.html");
    }
  }

  std::string ReadIndex(int i) {
    return Exec(absl::StrCat("web-", i), "cat /usr/share/nginx/html/index.html 2>/dev/null; true");
  }

  // `delete pod -l app=nginx`, as the tutorial does, then waits until every
  // pod is back, a new pod, Ready.
  void DeletePodsAndWait(int replicas) {
    std::vector<std::string> uids;
    for (int i = 0; i < replicas; ++i) {
      uids.push_back(GetPod(absl::StrCat("web-", i))->metadata().uid());
    }
    CommandResult deleted = Ordoctl({"delete", "pod", "-l", "app=nginx"});
    ASSERT_EQ(deleted.exit_code, 0) << deleted.err;
    EXPECT_NE(deleted.out.find("pod \"web-0\" deleted"), std::string::npos) << deleted.out;
    ASSERT_TRUE(WaitFor(
        [&] {
          for (int i = 0; i < replicas; ++i) {
            auto pod = GetPod(absl::StrCat("web-", i));
            if (!pod.has_value() || pod->metadata().uid() == uids[i] || !Ready(*pod)) return false;
          }
          return true;
        },
        absl::Seconds(90)));
  }

  std::string VolumePathOf(const std::string& claim) {
    auto c = claims_->Get("default", claim);
    if (!c.ok()) return "";
    auto v = volumes_->Get("", c->spec().volume_name());
    if (!v.ok()) return "";
    return v->spec().has_local() ? v->spec().local().path() : v->spec().host_path().path();
  }

  bool ClaimExists(const std::string& claim) { return claims_->Get("default", claim).ok(); }

  std::unique_ptr<api::ResourceClient<core::v1::PersistentVolumeClaim>> claims_;
  std::unique_ptr<api::ResourceClient<core::v1::PersistentVolume>> volumes_;
};

TEST_F(StorageTest, TutorialDataSurvivesPodDeletionOnLocalPath) {
  Apply(WebSet(3, "local-path"));
  ASSERT_TRUE(WaitSettled(3));
  WriteHostnames(3);
  std::vector<std::string> nodes;
  for (int i = 0; i < 3; ++i) nodes.push_back(GetPod(absl::StrCat("web-", i))->spec().node_name());
  DeletePodsAndWait(3);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(ReadIndex(i), absl::StrCat("web-", i, "\n"));  // its own, nobody else's
    // local-path data lives on one node: the pod comes back there.
    EXPECT_EQ(GetPod(absl::StrCat("web-", i))->spec().node_name(), nodes[i]);
  }
  CommandResult pvc = Ordoctl({"get", "pvc"});
  EXPECT_NE(pvc.out.find("www-web-2   Bound"), std::string::npos) << pvc.out;
}

TEST_F(StorageTest, TutorialDataSurvivesPodDeletionOnShared) {
  Apply(WebSet(2, "shared"));
  ASSERT_TRUE(WaitSettled(2));
  WriteHostnames(2);
  DeletePodsAndWait(2);
  EXPECT_EQ(ReadIndex(0), "web-0\n");
  EXPECT_EQ(ReadIndex(1), "web-1\n");
  auto volume = volumes_->Get("", claims_->Get("default", "www-web-0")->spec().volume_name());
  EXPECT_FALSE(volume->spec().has_node_affinity());  // any node reaches it
}

TEST_F(StorageTest, WhenScaledRetainKeepsTheDataOfScaledDownOrdinals) {
  Apply(WebSet(3, "local-path", "Retain", "Retain"));
  ASSERT_TRUE(WaitSettled(3));
  WriteHostnames(3);
  ASSERT_EQ(Ordoctl({"scale", "sts", "web", "--replicas", "1"}).exit_code, 0);
  ASSERT_TRUE(WaitSettled(1));
  EXPECT_TRUE(ClaimExists("www-web-1"));
  EXPECT_TRUE(ClaimExists("www-web-2"));
  ASSERT_EQ(Ordoctl({"scale", "sts", "web", "--replicas", "3"}).exit_code, 0);
  ASSERT_TRUE(WaitSettled(3));
  EXPECT_EQ(ReadIndex(1), "web-1\n");
  EXPECT_EQ(ReadIndex(2), "web-2\n");
}

TEST_F(StorageTest, WhenScaledDeleteRemovesClaimsVolumesAndData) {
  Apply(WebSet(3, "local-path", "Retain", "Delete"));
  ASSERT_TRUE(WaitSettled(3));
  WriteHostnames(3);
  std::string data2 = VolumePathOf("www-web-2");
  ASSERT_FALSE(data2.empty());
  ASSERT_TRUE(std::filesystem::exists(data2 + "/index.html"));
  ASSERT_EQ(Ordoctl({"scale", "sts", "web", "--replicas", "1"}).exit_code, 0);
  ASSERT_TRUE(WaitSettled(1));
  EXPECT_TRUE(WaitFor([&] { return !ClaimExists("www-web-1") && !ClaimExists("www-web-2"); },
                      absl::Seconds(30)));
  EXPECT_TRUE(WaitFor([&] { return !std::filesystem::exists(data2); }, absl::Seconds(30)));
  EXPECT_TRUE(ClaimExists("www-web-0"));
  ASSERT_EQ(Ordoctl({"scale", "sts", "web", "--replicas", "3"}).exit_code, 0);
  ASSERT_TRUE(WaitSettled(3));
  EXPECT_EQ(ReadIndex(0), "web-0\n");
  EXPECT_EQ(ReadIndex(2), "");  // a fresh claim: the old data is gone
}

TEST_F(StorageTest, WhenDeletedDeleteRemovesClaimsAndDataWithTheSet) {
  Apply(WebSet(2, "local-path", "Delete", "Retain"));
  ASSERT_TRUE(WaitSettled(2));
  WriteHostnames(2);
  std::string data0 = VolumePathOf("www-web-0");
  ASSERT_EQ(Ordoctl({"delete", "sts", "web"}).exit_code, 0);
  EXPECT_TRUE(WaitFor([&] { return !ClaimExists("www-web-0") && !ClaimExists("www-web-1"); },
                      absl::Seconds(60)));
  EXPECT_TRUE(WaitFor([&] { return !std::filesystem::exists(data0); }, absl::Seconds(30)));
}

TEST_F(StorageTest, DeleteDeleteRemovesOnScaleDownAndWithTheSet) {
  Apply(WebSet(2, "shared", "Delete", "Delete"));
  ASSERT_TRUE(WaitSettled(2));
  WriteHostnames(2);
  std::string data0 = VolumePathOf("www-web-0");
  std::string data1 = VolumePathOf("www-web-1");
  ASSERT_EQ(Ordoctl({"scale", "sts", "web", "--replicas", "1"}).exit_code, 0);
  ASSERT_TRUE(WaitSettled(1));
  EXPECT_TRUE(WaitFor([&] { return !ClaimExists("www-web-1"); }, absl::Seconds(30)));
  EXPECT_TRUE(WaitFor([&] { return !std::filesystem::exists(data1); }, absl::Seconds(30)));
  EXPECT_TRUE(std::filesystem::exists(data0 + "/index.html"));
  ASSERT_EQ(Ordoctl({"delete", "sts", "web"}).exit_code, 0);
  EXPECT_TRUE(WaitFor([&] { return !ClaimExists("www-web-0"); }, absl::Seconds(60)));
  EXPECT_TRUE(WaitFor([&] { return !std::filesystem::exists(data0); }, absl::Seconds(30)));
}

TEST_F(StorageTest, WhenDeletedRetainKeepsClaimsForTheNextSet) {
  Apply(WebSet(2, "local-path", "Retain", "Retain"));
  ASSERT_TRUE(WaitSettled(2));
  WriteHostnames(2);
  ASSERT_EQ(Ordoctl({"delete", "sts", "web"}).exit_code, 0);
  ASSERT_TRUE(WaitFor([&] { return !GetPod("web-0") && !GetPod("web-1"); }, absl::Seconds(60)));
  EXPECT_TRUE(ClaimExists("www-web-0"));
  Apply(WebSet(2, "local-path", "Retain", "Retain"));
  ASSERT_TRUE(WaitSettled(2));
  EXPECT_EQ(ReadIndex(1), "web-1\n");
}

// A claim being deleted is protected while its pod runs, and never reused by
// the pod's replacement: the replacement waits for a fresh claim.
TEST_F(StorageTest, AClaimInDeletionIsNeverReused) {
  Apply(WebSet(1, "local-path"));
  ASSERT_TRUE(WaitSettled(1));
  WriteHostnames(1);
  std::string old_claim = claims_->Get("default", "www-web-0")->metadata().uid();
  ASSERT_EQ(Ordoctl({"delete", "pvc", "www-web-0", "--wait=false"}).exit_code, 0);
  auto claim = claims_->Get("default", "www-web-0");
  ASSERT_TRUE(claim.ok());  // held by kubernetes.io/pvc-protection: web-0 uses it
  EXPECT_TRUE(claim->metadata().has_deletion_timestamp());
  ASSERT_EQ(Ordoctl({"delete", "pod", "web-0"}).exit_code, 0);
  ASSERT_TRUE(WaitFor(
      [&] {
        auto fresh = claims_->Get("default", "www-web-0");
        auto pod = GetPod("web-0");
        return fresh.ok() && fresh->metadata().uid() != old_claim && pod.has_value() && Ready(*pod);
      },
      absl::Seconds(60)));
  EXPECT_EQ(ReadIndex(0), "");  // a new, empty volume
}

// A ReadWriteOnce volume of the shared class is attached to one node at a
// time: a pod on a second node waits (Multi-Attach) until the first lets go.
TEST_F(StorageTest, AReadWriteOnceSharedVolumeIsOnOneNodeAtATime) {
  Apply(R"(apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data}
spec:
  accessModes: [ReadWriteOnce]
  storageClassName: shared
  resources: {requests: {storage: 1Gi}}
)");
  auto pod_on = [](const std::string& name, const std::string& node) {
    return absl::StrReplaceAll(R"(apiVersion: v1
kind: Pod
metadata: {name: NAME}
spec:
  nodeSelector: {kubernetes.io/hostname: NODE}
  terminationGracePeriodSeconds: 2
  containers:
  - name: app
    image: ordo-podapp
    args: ["--port", "8080"]
    volumeMounts: [{name: data, mountPath: /data}]
  volumes:
  - name: data
    persistentVolumeClaim: {claimName: data}
)",
                               {{"NAME", name}, {"NODE", node}});
  };
  Apply(pod_on("first", "node-1"));
  ASSERT_TRUE(WaitFor(
      [&] {
        auto pod = GetPod("first");
        return pod.has_value() && pod->status().phase() == "Running";
      },
      absl::Seconds(30)));
  Apply(pod_on("second", "node-2"));
  std::string waiting;
  ASSERT_TRUE(WaitFor(
      [&] {
        auto pod = GetPod("second");
        if (!pod.has_value() || pod->status().container_statuses_size() == 0) return false;
        waiting = pod->status().container_statuses(0).state().waiting().message();
        return waiting.find("Multi-Attach error") != std::string::npos;
      },
      absl::Seconds(30)))
      << waiting;
  EXPECT_NE(GetPod("second")->status().phase(), "Running");
  ASSERT_EQ(Ordoctl({"delete", "pod", "first"}).exit_code, 0);
  EXPECT_TRUE(WaitFor(
      [&] {
        auto pod = GetPod("second");
        return pod.has_value() && pod->status().phase() == "Running";
      },
      absl::Seconds(30)));
}

}  // namespace
}  // namespace ordo::itest
