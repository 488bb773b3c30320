// ClusterFixture runs each test against a fresh real cluster of processes
// (`ordoctl cluster up --nodes 3` in a temporary directory; `cluster down`
// after), with typed clients, `ordoctl` and pod helpers. For gtest fixtures
// of integration tests; not thread-safe (one test thread).
#pragma once

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/strip.h"
#include "common/api/clients.h"
#include "common/api/well_known.h"
#include "common/clock/clock.h"
#include "common/testing/temp_dir.h"
#include "integration-tests/harness/process.h"
#include "integration-tests/harness/wait.h"

namespace ordo::itest {

inline std::string ReadLine(const std::string& path) {
  std::ifstream in(path);
  std::string s;
  std::getline(in, s);
  return s;
}

class ClusterFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    std::vector<std::string> up_args = {"cluster",    "up",        "--nodes",         "3",
                                        "--data-dir", dir_.path(), "--crash-backoff", "1s"};
    up_args.insert(up_args.end(), extra_up_args_.begin(), extra_up_args_.end());
    CommandResult up = Ordoctl(up_args);
    ASSERT_EQ(up.exit_code, 0) << up.err;
    server_ = ReadLine(dir_.Join("run/server"));
    channel_ = grpc::CreateChannel(server_, grpc::InsecureChannelCredentials());
    pods_ = std::make_unique<api::PodClient>(channel_, SystemClock());
    nodes_ = std::make_unique<api::NodeClient>(channel_, SystemClock());
  }
  void TearDown() override {
    CommandResult down = Ordoctl({"cluster", "down", "--data-dir", dir_.path()});
    EXPECT_EQ(down.exit_code, 0) << down.err;
  }

  CommandResult Ordoctl(std::vector<std::string> args, const std::string& input = "") {
    return RunCommand(BinDir() + "/ordoctl", args, {"ORDO_SERVER=" + server_}, input);
  }

  void Apply(const std::string& yaml) {
    CommandResult r = Ordoctl({"apply", "-f", "-"}, yaml);
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  std::optional<core::v1::Pod> GetPod(const std::string& name) {
    auto pod = pods_->Get("default", name);
    if (!pod.ok()) return std::nullopt;
    return *pod;
  }

  static bool Ready(const core::v1::Pod& pod) { return api::IsPodReady(pod); }

  // Every one of `names` exists and is Ready (a StatefulSet's web-0..web-2 by default).
  bool WaitAllReady(const std::vector<std::string>& names = {"web-0", "web-1", "web-2"},
                    absl::Duration d = absl::Seconds(60)) {
    return WaitFor(
        [&] {
          for (const auto& name : names) {
            auto pod = GetPod(name);
            if (!pod.has_value() || !Ready(*pod)) return false;
          }
          return true;
        },
        d);
  }

  bool WaitReady(const std::string& name, bool ready = true, absl::Duration d = absl::Seconds(20)) {
    return WaitFor(
        [&] {
          auto pod = GetPod(name);
          return pod.has_value() && Ready(*pod) == ready;
        },
        d);
  }

  static pid_t ContainerPid(const core::v1::Pod& pod) {
    pid_t pid = 0;
    if (pod.status().container_statuses_size() == 0) return 0;
    absl::string_view id = pod.status().container_statuses(0).container_id();
    absl::ConsumePrefix(&id, "ordo://");
    return absl::SimpleAtoi(id, &pid) ? pid : 0;
  }

  // More `cluster up` flags, set by a subclass's constructor.
  std::vector<std::string> extra_up_args_;
  testing::TempDir dir_;
  // Processes a test starts itself and `cluster down` must still find (their
  // pids are in DIR/run): destroyed only after TearDown has stopped the cluster.
  std::vector<Process> kept_;
  std::string server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<api::PodClient> pods_;
  std::unique_ptr<api::NodeClient> nodes_;
};

}  // namespace ordo::itest
