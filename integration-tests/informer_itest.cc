// The informer against the real api-server: it lists, then follows the watch
// through 51 changes, each heard exactly once and in order.
#include <gtest/gtest.h>

#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/clock/clock.h"
#include "common/informer/grpc_lister_watcher.h"
#include "common/informer/shared_informer.h"
#include "common/testing/temp_dir.h"
#include "integration-tests/harness/api_server_process.h"
#include "integration-tests/harness/wait.h"
#include "ordo/core/v1/services.grpc.pb.h"

namespace ordo::itest {
namespace {

using Pod = core::v1::Pod;
using PodLW = informer::GrpcListerWatcher<Pod>;

Pod MakePod(const std::string& name) {
  Pod pod;
  pod.mutable_metadata()->set_name(name);
  auto* c = pod.mutable_spec()->add_containers();
  c->set_name("app");
  c->set_image("ordo-podapp");
  return pod;
}

TEST(InformerTest, ListsThenHearsEveryChangeOnce) {
  testing::TempDir dir;
  auto server = ApiServerProcess::Start(dir.path());
  ASSERT_TRUE(server.ok()) << server.status();
  auto stub = core::v1::Pods::NewStub((*server)->NewChannel());
  auto create = [&](const std::string& name) {
    grpc::ClientContext ctx;
    Pod out;
    return stub->Create(&ctx, MakePod(name), &out).ok();
  };
  ASSERT_TRUE(create("before"));

  informer::SharedInformer<Pod> informer(std::make_unique<PodLW>((*server)->NewChannel()),
                                         SystemClock());
  absl::Mutex mu;
  std::vector<std::string> seen;
  informer.AddEventHandler(
      {[&](const informer::ObjectPtr<Pod>& p) {
         absl::MutexLock lock(&mu);
         seen.push_back("add " + p->metadata().name());
       },
       [&](const informer::ObjectPtr<Pod>&, const informer::ObjectPtr<Pod>& p) {
         absl::MutexLock lock(&mu);
         seen.push_back("update " + p->metadata().name());
       },
       [&](const informer::ObjectPtr<Pod>& p) {
         absl::MutexLock lock(&mu);
         seen.push_back("delete " + p->metadata().name());
       }});
  std::stop_source stop;
  std::thread reflector([&] { informer.Run(stop.get_token()); });
  ASSERT_TRUE(WaitFor([&] { return informer.HasSynced(); }, absl::Seconds(10)));
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(create(absl::StrCat("p", i)));
  {
    grpc::ClientContext ctx;
    meta::v1::DeleteRequest del;
    del.set_name("before");
    Pod out;
    ASSERT_TRUE(stub->Delete(&ctx, del, &out).ok());
  }
  ASSERT_TRUE(WaitFor(
      [&] {
        absl::MutexLock lock(&mu);
        return seen.size() == 52;
      },
      absl::Seconds(10)));
  stop.request_stop();
  reflector.join();
  absl::MutexLock lock(&mu);
  EXPECT_EQ(seen.front(), "add before");
  for (int i = 0; i < 50; ++i) EXPECT_EQ(seen[1 + i], absl::StrCat("add p", i));
  EXPECT_EQ(seen.back(), "delete before");
  EXPECT_EQ(informer.indexer().Size(), 50u);
  EXPECT_EQ(informer.indexer().Get("default/p7")->metadata().name(), "p7");
}

}  // namespace
}  // namespace ordo::itest
