// kill -9 of the real api-server in the middle of a write load: after a restart
// every acknowledged write is there, and nothing unacknowledged is half there.
#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/testing/temp_dir.h"
#include "integration-tests/harness/api_server_process.h"
#include "integration-tests/harness/wait.h"
#include "ordo/core/v1/services.grpc.pb.h"

namespace ordo::itest {
namespace {

// Every pod carries this payload (about 1 KiB), so a torn write would show.
std::string Payload(const std::string& name) {
  std::string out;
  while (out.size() < 1000) out += name + ";";
  return out;
}

TEST(CrashTest, AcknowledgedWritesSurviveKillDashNine) {
  testing::TempDir dir;
  auto server = ApiServerProcess::Start(dir.path());
  ASSERT_TRUE(server.ok()) << server.status();

  absl::Mutex mu;
  std::set<std::string> acked;
  std::atomic<bool> stop{false};
  std::vector<std::thread> writers;
  for (int w = 0; w < 16; ++w) {
    writers.emplace_back([&, w] {
      auto stub = core::v1::Pods::NewStub((*server)->NewChannel());
      for (int i = 0; !stop; ++i) {
        core::v1::Pod pod;
        std::string name = absl::StrCat("w", w, "-", i);
        pod.mutable_metadata()->set_name(name);
        (*pod.mutable_metadata()->mutable_annotations())["payload"] = Payload(name);
        auto* c = pod.mutable_spec()->add_containers();
        c->set_name("main");
        c->set_image("ordo-podapp");
        grpc::ClientContext ctx;
        ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
        core::v1::Pod out;
        if (!stub->Create(&ctx, pod, &out).ok()) return;  // the server died
        absl::MutexLock lock(&mu);
        acked.insert(name);
      }
    });
  }
  // Kill once a good number of writes were acknowledged, while writers are busy.
  ASSERT_TRUE(WaitFor(
      [&] {
        absl::MutexLock lock(&mu);
        return acked.size() >= 2000;
      },
      absl::Seconds(60)));
  (*server)->Kill();
  stop = true;
  for (auto& t : writers) t.join();

  ASSERT_TRUE((*server)->Restart().ok());
  auto stub = core::v1::Pods::NewStub((*server)->NewChannel());
  grpc::ClientContext ctx;
  core::v1::PodList list;
  ASSERT_TRUE(stub->List(&ctx, meta::v1::ListOptions(), &list).ok());
  std::set<std::string> stored;
  for (const auto& pod : list.items()) {
    const std::string& name = pod.metadata().name();
    stored.insert(name);
    EXPECT_EQ(pod.metadata().annotations().at("payload"), Payload(name)) << name << " is torn";
    EXPECT_FALSE(pod.metadata().uid().empty());
  }
  for (const auto& name : acked)
    EXPECT_TRUE(stored.count(name)) << "acknowledged " << name << " lost";
  // At most the writes in flight at the kill (one per writer) may have landed unacknowledged.
  EXPECT_LE(stored.size(), acked.size() + 16);
}

}  // namespace
}  // namespace ordo::itest
