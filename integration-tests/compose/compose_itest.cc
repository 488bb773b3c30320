// The docker-compose cluster for real (label `compose`): the images of
// `make images`, docker-compose.yml at the top of the repository, brought up
// under its own project name and API port so that it stays clear of a
// cluster someone is using. A machine with no Docker engine fails here, and
// says so: these tests do not skip.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "integration-tests/harness/process.h"
#include "integration-tests/harness/wait.h"

namespace ordo::itest {
namespace {

using ::testing::HasSubstr;

constexpr char kProject[] = "ordo-itest";
constexpr char kApiPort[] = "16443";

CommandResult Compose(const std::vector<std::string>& args) {
  std::vector<std::string> full = {"docker-compose", "-f", ORDO_SOURCE_DIR "/docker-compose.yml",
                                   "-p", kProject};
  full.insert(full.end(), args.begin(), args.end());
  return RunCommand("/usr/bin/env", full, {absl::StrCat("ORDO_API_PORT=", kApiPort)});
}

CommandResult Ordoctl(const std::vector<std::string>& args, const std::string& input = "") {
  std::vector<std::string> full = {"--server", absl::StrCat("127.0.0.1:", kApiPort)};
  full.insert(full.end(), args.begin(), args.end());
  return RunCommand(BinDir() + "/ordoctl", full, {}, input);
}

std::string Trimmed(const CommandResult& r) {
  return std::string(absl::StripAsciiWhitespace(r.out));
}

// The Ready condition of every node, "name=True name=Unknown ...".
std::string NodesReady() {
  return Trimmed(Ordoctl({"get", "nodes", "-o",
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
      setup_error_ = new std::string("no Docker engine answers `docker info`: these tests need one");
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
    bool ready = WaitFor([] { return NodesReady() == "node-1=True node-2=True node-3=True"; },
                         absl::Seconds(120));
    if (!ready) setup_error_ = new std::string("nodes not Ready after 120 s: " + NodesReady());
  }
  static void TearDownTestSuite() {
    if (getenv("ORDO_KEEP_COMPOSE") == nullptr) Compose({"down", "-v", "--remove-orphans"});
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
          return Trimmed(Ordoctl({"get", "pod", name, "-o",
                                  R"(jsonpath={.status.conditions[?(@.type=="Ready")].status})"})) ==
                 "True";
        },
        timeout);
  }
  static std::string NodeOf(const std::string& pod) {
    return Trimmed(Ordoctl({"get", "pod", pod, "-o", "jsonpath={.spec.nodeName}"}));
  }
  // What one pod reads from another over the pod network, by DNS name.
  static CommandResult Fetch(const std::string& from, const std::string& to) {
    std::string host = to + ".nginx.default.svc.cluster.local";
    return Ordoctl({"exec", from, "--", "bash", "-c",
                    absl::StrCat("exec 3<>/dev/tcp/", host,
                                 "/8080 && printf 'GET /data HTTP/1.0\\r\\n\\r\\n' >&3 && cat <&3")});
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

}  // namespace
}  // namespace ordo::itest
