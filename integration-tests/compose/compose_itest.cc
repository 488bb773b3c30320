// The docker-compose cluster for real (label `compose`): the images of
// `make images`, docker-compose.yml at the top of the repository, brought up
// under its own project name and API port so that it stays clear of a
// cluster someone is using. A machine with no Docker engine fails here, and
// says so: these tests do not skip.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "integration-tests/harness/identity_checker.h"
#include "integration-tests/harness/process.h"
#include "integration-tests/harness/prometheus_query.h"
#include "integration-tests/harness/wait.h"

namespace ordo::itest {
namespace {

using ::testing::HasSubstr;

constexpr char kApiPort[] = "16443";
constexpr char kSecondApiPort[] = "16444";  // docker-compose.ha.yml's api-server-2
constexpr int kPrometheusPort = 19090;

// The compose project a suite brings up: docker-compose.yml alone, or with
// docker-compose.ha.yml (a suite's SetUpTestSuite picks; suites run one
// after the other, and each takes the whole 172.28.0.0/16 network).
struct Project {
  const char* name;
  std::vector<std::string> files;
  std::string servers;  // ordoctl's --server
};
const Project kBase = {"ordo-itest", {"docker-compose.yml"}, absl::StrCat("127.0.0.1:", kApiPort)};
const Project kHa = {"ordo-itest-ha",
                     {"docker-compose.yml", "docker-compose.ha.yml"},
                     absl::StrCat("127.0.0.1:", kApiPort, ",127.0.0.1:", kSecondApiPort)};
const Project* project = &kBase;

CommandResult Compose(const std::vector<std::string>& args) {
  std::vector<std::string> full = {"docker-compose", "-p", project->name};
  for (const std::string& file : project->files) {
    full.insert(full.end(), {"-f", absl::StrCat(ORDO_SOURCE_DIR, "/", file)});
  }
  full.insert(full.end(), args.begin(), args.end());
  return RunCommand(
      "/usr/bin/env", full,
      {absl::StrCat("ORDO_API_PORT=", kApiPort), absl::StrCat("ORDO_API_PORT_2=", kSecondApiPort),
       absl::StrCat("ORDO_PROMETHEUS_PORT=", kPrometheusPort)});
}

// The admin's kubeconfig, copied out of the cluster's pki volume once it is up.
std::string KubeconfigPath() { return absl::StrCat("/tmp/ordo-itest-kubeconfig-", getpid()); }

CommandResult Ordoctl(const std::vector<std::string>& args, const std::string& input = "") {
  std::vector<std::string> full = {"--server", project->servers};
  full.insert(full.end(), args.begin(), args.end());
  return RunCommand(BinDir() + "/ordoctl", full, {"KUBECONFIG=" + KubeconfigPath()}, input);
}

std::string Trimmed(const CommandResult& r) {
  return std::string(absl::StripAsciiWhitespace(r.out));
}

// The Ready condition of every node, "name=True name=Unknown ...".
std::string NodesReady() {
  return Trimmed(Ordoctl(
      {"get", "nodes", "-o",
       R"(jsonpath={range .items[*]}{.metadata.name}={.status.conditions[?(@.type=="Ready")].status} {end})"}));
}

constexpr char kWeb[] = R"(apiVersion: v1
kind: Service
metadata:
  name: nginx
spec:
  clusterIP: None
  selector:
    app: nginx
  ports:
  - port: 8080
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: nginx
  replicas: 3
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: web
        image: ordo-podapp
        command: [sh, -c, 'test -s /www/data.txt || echo "$POD_NAME" > /www/data.txt; exec ordo-podapp --data-dir /www']
        volumeMounts:
        - name: www
          mountPath: /www
        readinessProbe:
          httpGet:
            path: /readyz
            port: 8080
          periodSeconds: 1
  volumeClaimTemplates:
  - metadata:
      name: www
    spec:
      accessModes: [ReadWriteOnce]
      storageClassName: local-path
      resources:
        requests:
          storage: 10Mi
)";

class ComposeTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (RunCommand("/usr/bin/env", {"docker", "info"}).exit_code != 0) {
      setup_error_ =
          new std::string("no Docker engine answers `docker info`: these tests need one");
      return;
    }
    if (RunCommand("/usr/bin/env", {"docker", "image", "inspect", "ordo:latest"}).exit_code != 0) {
      setup_error_ = new std::string("no image ordo:latest: run `make images`");
      return;
    }
    Compose({"down", "-v", "--remove-orphans"});
    CommandResult up = Compose({"up", "-d"});
    if (up.exit_code != 0) {
      setup_error_ = new std::string("docker-compose up: " + up.err);
      return;
    }
    CommandResult kubeconfig =
        Compose({"exec", "-T", "api-server", "cat", "/etc/ordo/pki/admin.kubeconfig"});
    if (kubeconfig.exit_code != 0) {
      setup_error_ = new std::string("reading the admin kubeconfig: " + kubeconfig.err);
      return;
    }
    std::ofstream(KubeconfigPath()) << kubeconfig.out;
    bool ready = WaitFor([] { return NodesReady() == "node-1=True node-2=True node-3=True"; },
                         absl::Seconds(120));
    if (!ready) setup_error_ = new std::string("nodes not Ready after 120 s: " + NodesReady());
  }
  static void TearDownTestSuite() {
    if (getenv("ORDO_KEEP_COMPOSE") == nullptr) Compose({"down", "-v", "--remove-orphans"});
    std::remove(KubeconfigPath().c_str());
    delete setup_error_;
    setup_error_ = nullptr;
  }
  void SetUp() override {
    if (setup_error_ != nullptr) FAIL() << *setup_error_;
  }

  // Polls `ordoctl get pod NAME` until its Ready condition is True.
  static bool PodReady(const std::string& name, absl::Duration timeout) {
    return WaitFor(
        [&] {
          return Trimmed(Ordoctl(
                     {"get", "pod", name, "-o",
                      R"(jsonpath={.status.conditions[?(@.type=="Ready")].status})"})) == "True";
        },
        timeout);
  }
  static std::string NodeOf(const std::string& pod) {
    return Trimmed(Ordoctl({"get", "pod", pod, "-o", "jsonpath={.spec.nodeName}"}));
  }
  // What one pod reads from another over the pod network, by DNS name.
  static CommandResult Fetch(const std::string& from, const std::string& to) {
    std::string host = to + ".nginx.default.svc.cluster.local";
    return Ordoctl(
        {"exec", from, "--", "bash", "-c",
         absl::StrCat("exec 3<>/dev/tcp/", host,
                      "/8080 && printf 'GET /data HTTP/1.0\\r\\n\\r\\n' >&3 && cat <&3")});
  }

  // Applies web (idempotent) and waits until its three pods are Ready.
  static void WebReady() {
    CommandResult applied = Ordoctl({"apply", "-f", "-"}, kWeb);
    ASSERT_EQ(applied.exit_code, 0) << applied.err;
    for (const char* pod : {"web-0", "web-1", "web-2"}) {
      ASSERT_TRUE(PodReady(pod, absl::Seconds(90))) << pod << " not Ready";
    }
  }
  static std::string NodeReady(const std::string& node) {
    return Trimmed(Ordoctl({"get", "node", node, "-o",
                            R"(jsonpath={.status.conditions[?(@.type=="Ready")].status})"}));
  }
  static std::string PodUid(const std::string& pod) {
    return Trimmed(Ordoctl({"get", "pod", pod, "-o", "jsonpath={.metadata.uid}"}));
  }
  static std::string Container(const std::string& service) {
    return absl::StrCat(project->name, "_", service, "_1");
  }
  static CommandResult Docker(const std::vector<std::string>& args) {
    std::vector<std::string> full = {"docker"};
    full.insert(full.end(), args.begin(), args.end());
    return RunCommand("/usr/bin/env", full);
  }
  // While `node` is away: it goes Unknown, and for `hold` after that the pod
  // `pod` is still the one bound there (never replaced elsewhere).
  static void ExpectHeldWhileAway(const std::string& node, const std::string& pod,
                                  absl::Duration hold) {
    std::string uid = PodUid(pod);
    ASSERT_TRUE(WaitFor([&] { return NodeReady(node) == "Unknown"; }, absl::Seconds(60)))
        << node << " is " << NodeReady(node);
    absl::Time until = absl::Now() + hold;
    WaitFor(
        [&] {
          EXPECT_EQ(PodUid(pod), uid) << pod << " was replaced while " << node << " was away";
          EXPECT_EQ(NodeOf(pod), node);
          return absl::Now() >= until;
        },
        hold + absl::Seconds(5));
  }

  static std::string* setup_error_;
};

std::string* ComposeTest::setup_error_ = nullptr;

TEST_F(ComposeTest, WebRollsOutAcrossNodesAndItsPodsReachEachOtherByName) {
  CommandResult applied = Ordoctl({"apply", "-f", "-"}, kWeb);
  ASSERT_EQ(applied.exit_code, 0) << applied.err;
  for (const char* pod : {"web-0", "web-1", "web-2"}) {
    ASSERT_TRUE(PodReady(pod, absl::Seconds(90))) << pod << " not Ready";
  }
  std::set<std::string> nodes = {NodeOf("web-0"), NodeOf("web-1"), NodeOf("web-2")};
  EXPECT_EQ(nodes.size(), 3u) << "the scheduler spreads one set's pods over equal nodes";
  for (const auto& [from, to] : std::vector<std::pair<std::string, std::string>>{
           {"web-0", "web-2"}, {"web-2", "web-1"}, {"web-1", "web-0"}}) {
    CommandResult fetched = Fetch(from, to);
    EXPECT_EQ(fetched.exit_code, 0) << from << " -> " << to << ": " << fetched.err;
    EXPECT_THAT(fetched.out, HasSubstr(to)) << from << " -> " << to << " read another's volume";
  }
}

TEST_F(ComposeTest, PrometheusScrapesEveryContainerAndSeesTheSetReady) {
  WebReady();
  // The api-server, two controller-managers, the scheduler, dns, three nodes.
  EXPECT_TRUE(WaitFor(
      [] {
        auto up = PrometheusQuery(kPrometheusPort, "up");
        return up.size() == 8 && std::all_of(up.begin(), up.end(), [](const auto& series) {
                 return SeriesValue(series) == "1";
               });
      },
      absl::Seconds(90)))
      << PrometheusQuery(kPrometheusPort, "up == 1").size() << " of 8 targets up";
  EXPECT_TRUE(WaitFor(
      [] {
        auto ready = PrometheusQuery(
            kPrometheusPort, R"(kube_statefulset_status_replicas_ready{statefulset="web"})");
        return ready.size() == 1 && SeriesValue(ready[0]) == "3";
      },
      absl::Seconds(60)));
  // One controller-manager leads: only its series exist.
  auto leaders = PrometheusQuery(kPrometheusPort, "leader_election_master_status == 1");
  EXPECT_EQ(leaders.size(), 1u);
}

// The pods of every node container run in the host's process table, their
// logs under the nodes' root (/var/lib/ordo/node): the checker sees them all.
constexpr char kNodeRoot[] = "/var/lib/ordo/node";

TEST_F(ComposeTest, AKilledNodesPodIsNeverReplacedAndComesBackWithItsData) {
  WebReady();
  std::string node = NodeOf("web-1");
  IdentityChecker checker(kNodeRoot);
  ASSERT_EQ(Compose({"kill", node}).exit_code, 0);
  ExpectHeldWhileAway(node, "web-1", absl::Seconds(15));
  ASSERT_EQ(Compose({"start", node}).exit_code, 0);
  ASSERT_TRUE(WaitFor([&] { return NodeReady(node) == "True"; }, absl::Seconds(60)));
  ASSERT_TRUE(PodReady("web-1", absl::Seconds(60)));
  EXPECT_EQ(NodeOf("web-1"), node);
  // Its volume came back with it. (Peers may hold the restarted container's
  // old MAC for the address a few seconds, until ARP asks again.)
  EXPECT_TRUE(WaitFor([] { return Fetch("web-0", "web-1").out.find("web-1") != std::string::npos; },
                      absl::Seconds(30)))
      << Fetch("web-0", "web-1").err;
  checker.Stop();
  EXPECT_THAT(checker.Violations(), ::testing::IsEmpty());
  EXPECT_GT(checker.most_pods_seen(), 0) << "the checker saw no pod at all";
}

TEST_F(ComposeTest, APartitionedNodeKeepsItsPodAloneAndHealsOnReconnect) {
  WebReady();
  std::string node = NodeOf("web-2");
  std::string network = absl::StrCat(project->name, "_ordo");
  std::string ip =
      Trimmed(Ordoctl({"get", "node", node, "-o", "jsonpath={.status.addresses[0].address}"}));
  IdentityChecker checker(kNodeRoot);
  ASSERT_EQ(Docker({"network", "disconnect", network, Container(node)}).exit_code, 0);
  ExpectHeldWhileAway(node, "web-2", absl::Seconds(15));
  // Back on the network (as eth1, not eth0): the agent re-adds its pods' addresses.
  CommandResult connected = Docker({"network", "connect", "--ip", ip, network, Container(node)});
  ASSERT_EQ(connected.exit_code, 0) << connected.err;
  ASSERT_TRUE(WaitFor([&] { return NodeReady(node) == "True"; }, absl::Seconds(60)));
  EXPECT_TRUE(
      WaitFor([&] { return Fetch("web-0", "web-2").out.find("web-2") != std::string::npos; },
              absl::Seconds(30)))
      << "web-2 unreachable after the partition healed";
  checker.Stop();
  EXPECT_THAT(checker.Violations(), ::testing::IsEmpty());
}

TEST_F(ComposeTest, AnApiServerRestartMidRolloutLosesNothingAndTheRolloutFinishes) {
  WebReady();
  // Everything but pods, which the rollout replaces on purpose.
  auto uids = [] {
    std::string all;
    for (const char* kind : {"pvc", "sts", "svc", "controllerrevisions"}) {
      all += Trimmed(Ordoctl({"get", kind, "-o", "jsonpath={.items[*].metadata.uid}"})) + " ";
    }
    return all;
  };
  std::string before = uids();
  CommandResult patched = Ordoctl(
      {"patch", "sts", "web", "--type=json", "-p",
       R"([{"op":"add","path":"/spec/template/metadata/annotations","value":{"rollout":"2"}}])"});
  ASSERT_EQ(patched.exit_code, 0) << patched.err;
  ASSERT_EQ(Compose({"restart", "api-server"}).exit_code, 0);
  ASSERT_TRUE(WaitFor(
      [] {
        return Ordoctl({"get", "sts", "web"}).exit_code == 0;
      },
      absl::Seconds(60)));
  std::string after = uids();
  for (absl::string_view uid : absl::StrSplit(before, ' ', absl::SkipEmpty())) {
    EXPECT_NE(after.find(std::string(uid)), std::string::npos) << uid << " was lost in the restart";
  }
  auto rolled = [] {
    std::string status =
        Trimmed(Ordoctl({"get", "sts", "web", "-o",
                         "jsonpath={.status.updatedReplicas} {.status.readyReplicas} "
                         "{.status.currentRevision} {.status.updateRevision}"}));
    std::vector<std::string> f = absl::StrSplit(status, ' ');
    return f.size() == 4 && f[0] == "3" && f[1] == "3" && f[2] == f[3];
  };
  EXPECT_TRUE(WaitFor(rolled, absl::Seconds(120))) << "the rollout did not finish";
}

TEST_F(ComposeTest, TheOtherControllerManagerTakesOverWhenTheLeaderDies) {
  WebReady();
  auto holder = [] {
    return Trimmed(Ordoctl({"get", "lease", "ordo-controller-manager", "-n", "kube-system", "-o",
                            "jsonpath={.spec.holderIdentity}"}));
  };
  std::string leader = holder();
  ASSERT_FALSE(leader.empty());
  // The identity is HOSTNAME_PID, and a container's hostname is its short id.
  std::string container = leader.substr(0, leader.find('_'));
  ASSERT_EQ(Docker({"kill", container}).exit_code, 0);
  absl::Time killed = absl::Now();
  ASSERT_TRUE(WaitFor([&] { return !holder().empty() && holder() != leader; }, absl::Seconds(40)))
      << "no new leader";
  EXPECT_LT(absl::Now() - killed, absl::Seconds(20)) << "took longer than the lease (15 s)";
  // The new leader keeps the set converging.
  ASSERT_EQ(Ordoctl({"scale", "sts", "web", "--replicas=4"}).exit_code, 0);
  EXPECT_TRUE(PodReady("web-3", absl::Seconds(90)));
  Docker({"start", container});
}

// docker-compose.ha.yml over the base file: three etcd members under mutual
// TLS, two api-servers, every kubeconfig naming both.
class HaComposeTest : public ComposeTest {
 protected:
  static void SetUpTestSuite() {
    project = &kHa;
    ComposeTest::SetUpTestSuite();
  }
  static void TearDownTestSuite() {
    ComposeTest::TearDownTestSuite();
    project = &kBase;
  }
};

// Both api-servers (api-server-2 is also named api-server) and the three
// etcd members (named etcd) are scraped.
TEST_F(HaComposeTest, PrometheusScrapesBothApiServersAndEveryEtcdMember) {
  auto up = [](const char* job) {
    return PrometheusQuery(kPrometheusPort, absl::StrCat("up{job=\"", job, "\"} == 1")).size();
  };
  EXPECT_TRUE(
      WaitFor([&] { return up("ordo-api-server") == 2 && up("etcd") == 3; }, absl::Seconds(90)))
      << up("ordo-api-server") << " api-servers and " << up("etcd") << " etcd members up";
}

TEST_F(HaComposeTest, ARolloutFinishesThroughTheOtherApiServerWhenOneIsKilled) {
  WebReady();
  CommandResult patched = Ordoctl(
      {"patch", "sts", "web", "--type=json", "-p",
       R"([{"op":"add","path":"/spec/template/metadata/annotations","value":{"rollout":"2"}}])"});
  ASSERT_EQ(patched.exit_code, 0) << patched.err;
  // Under way (web-2 replaced), then the first api-server dies.
  ASSERT_TRUE(WaitFor(
      [] {
        int updated = 0;
        return absl::SimpleAtoi(Trimmed(Ordoctl({"get", "sts", "web", "-o",
                                                 "jsonpath={.status.updatedReplicas}"})),
                                &updated) &&
               updated >= 1;
      },
      absl::Seconds(90)));
  ASSERT_EQ(Docker({"kill", Container("api-server")}).exit_code, 0);
  CommandResult status = Ordoctl({"rollout", "status", "sts/web", "--timeout", "180s"});
  EXPECT_EQ(status.exit_code, 0) << status.err;
  EXPECT_THAT(status.out, HasSubstr("3 new pods have been updated")) << status.out;
  for (const char* pod : {"web-0", "web-1", "web-2"}) EXPECT_TRUE(PodReady(pod, absl::Seconds(30)));
  Docker({"start", Container("api-server")});
}

}  // namespace
}  // namespace ordo::itest
