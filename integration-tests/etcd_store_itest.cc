// ordo over a real etcd cluster (Debian's etcd on loopback ports): the store
// loses no acknowledged write when etcd's leader is killed, two api-servers on
// one etcd serve the same objects with one revision history, and compaction
// expires an old continue token.
#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/store/etcd_store.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "integration-tests/harness/api_server_process.h"
#include "integration-tests/harness/etcd_cluster.h"
#include "integration-tests/harness/wait.h"
#include "ordo/core/v1/services.grpc.pb.h"

namespace ordo::itest {
namespace {

// 16 writers create keys through one EtcdStore over a three-member cluster;
// the leader is killed with SIGKILL midway. Every acknowledged create is
// there afterwards, and writes go on under the new leader.
TEST(EtcdStoreTest, KillingTheLeaderUnderSixteenWritersLosesNoAcknowledgedWrite) {
  testing::TempDir dir;
  auto etcd = EtcdCluster::Start(dir.path(), 3);
  ASSERT_TRUE(etcd.ok()) << etcd.status();
  auto store = store::EtcdStore::Open({.endpoints = (*etcd)->endpoints(), .key_prefix = "/kill"});
  ASSERT_TRUE(store.ok()) << store.status();

  constexpr int kWriters = 16;
  absl::Mutex mu;
  std::vector<std::string> acknowledged;
  std::atomic<int> after_kill{0};
  std::atomic<bool> killed{false}, stop{false};
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      for (int i = 0; !stop.load(); ++i) {
        std::string key = absl::StrCat("/w", w, "/", i);
        if ((*store)->Create(key, "v").ok()) {
          if (killed.load()) after_kill++;
          absl::MutexLock lock(&mu);
          acknowledged.push_back(key);
        }
      }
    });
  }
  ASSERT_TRUE(WaitFor(
      [&] {
        absl::MutexLock lock(&mu);
        return acknowledged.size() >= 200;
      },
      absl::Seconds(60)));
  auto leader = (*etcd)->Leader(absl::Seconds(10));
  ASSERT_TRUE(leader.ok()) << leader.status();
  (*etcd)->Kill(*leader);
  killed = true;
  // A new leader is elected and the writers carry on through it.
  bool went_on = WaitFor([&] { return after_kill.load() >= 200; }, absl::Seconds(60));
  stop = true;
  for (auto& t : writers) t.join();
  ASSERT_TRUE(went_on) << "writes after the leader's kill: " << after_kill.load();

  // Read back through a new store, on the members still running.
  std::vector<std::string> survivors;
  for (int i = 0; i < 3; ++i) {
    if (i != *leader) survivors.push_back((*etcd)->endpoints()[i]);
  }
  auto reader = store::EtcdStore::Open({.endpoints = survivors, .key_prefix = "/kill"});
  ASSERT_TRUE(reader.ok()) << reader.status();
  auto all = (*reader)->List("/");
  ASSERT_OK(all);
  std::set<std::string> present;
  for (const auto& kv : all->kvs) present.insert(kv->key);
  int missing = 0;
  for (const auto& key : acknowledged) missing += present.count(key) == 0 ? 1 : 0;
  EXPECT_EQ(missing, 0) << "of " << acknowledged.size() << " acknowledged";
}

core::v1::Pod MakePod(const std::string& name) {
  core::v1::Pod pod;
  pod.mutable_metadata()->set_name(name);
  auto* c = pod.mutable_spec()->add_containers();
  c->set_name("main");
  c->set_image("ordo-podapp");
  return pod;
}

int64_t Rv(const std::string& rv) {
  int64_t out = 0;
  EXPECT_TRUE(absl::SimpleAtoi(rv, &out)) << rv;
  return out;
}

struct TwoApiServers {
  std::unique_ptr<EtcdCluster> etcd;
  std::unique_ptr<ApiServerProcess> a, b;
};

void StartTwo(const std::string& dir, TwoApiServers& out, std::vector<std::string> extra = {}) {
  auto etcd = EtcdCluster::Start(dir + "/etcd");
  ASSERT_TRUE(etcd.ok()) << etcd.status();
  out.etcd = *std::move(etcd);
  std::vector<std::string> flags = {"--store", "etcd", "--etcd-servers", out.etcd->EndpointsFlag()};
  flags.insert(flags.end(), extra.begin(), extra.end());
  auto a = ApiServerProcess::Start(dir + "/a", flags);
  ASSERT_TRUE(a.ok()) << a.status();
  out.a = *std::move(a);
  auto b = ApiServerProcess::Start(dir + "/b", flags, out.a->pki_dir());
  ASSERT_TRUE(b.ok()) << b.status();
  out.b = *std::move(b);
}

TEST(TwoApiServersTest, WritesOnBothAreSeenOnceInRevisionOrderByAWatchOnOne) {
  testing::TempDir dir;
  TwoApiServers servers;
  ASSERT_NO_FATAL_FAILURE(StartTwo(dir.path(), servers, {"--etcd-compaction-interval", "0"}));
  auto on_a = core::v1::Pods::NewStub(servers.a->NewChannel());
  auto on_b = core::v1::Pods::NewStub(servers.b->NewChannel());

  core::v1::PodList initial;
  grpc::ClientContext list_ctx;
  ASSERT_TRUE(on_b->List(&list_ctx, meta::v1::ListOptions(), &initial).ok());
  meta::v1::ListOptions from;
  from.set_resource_version(initial.metadata().resource_version());
  grpc::ClientContext watch_ctx;
  auto stream = on_b->Watch(&watch_ctx, from);

  constexpr int kPerServer = 50;
  std::atomic<int> failures{0};
  std::vector<std::thread> writers;
  for (auto* stub : {on_a.get(), on_b.get()}) {
    writers.emplace_back([&, stub] {
      for (int i = 0; i < kPerServer; ++i) {
        grpc::ClientContext ctx;
        core::v1::Pod created;
        std::string name = absl::StrCat(stub == on_a.get() ? "a-" : "b-", i);
        if (!stub->Create(&ctx, MakePod(name), &created).ok()) failures++;
      }
    });
  }
  for (auto& t : writers) t.join();
  ASSERT_EQ(failures.load(), 0);

  std::set<std::string> seen;
  int64_t last = 0;
  core::v1::PodWatchEvent event;
  while (seen.size() < 2 * kPerServer && stream->Read(&event)) {
    if (event.type() != "ADDED") continue;
    EXPECT_TRUE(seen.insert(event.object().metadata().name()).second)
        << "twice: " << event.object().metadata().name();
    int64_t rv = Rv(event.object().metadata().resource_version());
    EXPECT_GT(rv, last);
    last = rv;
  }
  EXPECT_EQ(seen.size(), 2u * kPerServer);
  watch_ctx.TryCancel();

  // Compare-and-swap holds across the two: a write on B from what A read
  // wins once; A's second write from the same read is a conflict.
  meta::v1::GetRequest get;
  get.set_namespace_("default");
  get.set_name("a-0");
  core::v1::Pod read;
  grpc::ClientContext get_ctx;
  ASSERT_TRUE(on_a->Get(&get_ctx, get, &read).ok());
  (*read.mutable_metadata()->mutable_labels())["by"] = "b";
  core::v1::Pod updated;
  grpc::ClientContext update_b;
  ASSERT_TRUE(on_b->Update(&update_b, read, &updated).ok());
  EXPECT_GT(Rv(updated.metadata().resource_version()), Rv(read.metadata().resource_version()));
  (*read.mutable_metadata()->mutable_labels())["by"] = "a";
  grpc::ClientContext update_a;
  grpc::Status lost = on_a->Update(&update_a, read, &updated);
  EXPECT_EQ(lost.error_code(), grpc::StatusCode::ABORTED) << lost.error_message();

  // A list paged on A continues on B: one revision history.
  meta::v1::ListOptions page;
  page.set_limit(30);
  core::v1::PodList first;
  grpc::ClientContext first_ctx;
  ASSERT_TRUE(on_a->List(&first_ctx, page, &first).ok());
  ASSERT_EQ(first.items_size(), 30);
  std::set<std::string> walked;
  for (const auto& pod : first.items()) walked.insert(pod.metadata().name());
  page.set_continue_(first.metadata().continue_());
  while (!page.continue_().empty()) {
    core::v1::PodList next;
    grpc::ClientContext next_ctx;
    grpc::Status listed = on_b->List(&next_ctx, page, &next);
    ASSERT_TRUE(listed.ok()) << listed.error_message();
    EXPECT_EQ(next.metadata().resource_version(), first.metadata().resource_version());
    for (const auto& pod : next.items()) walked.insert(pod.metadata().name());
    page.set_continue_(next.metadata().continue_());
  }
  EXPECT_EQ(walked.size(), 2u * kPerServer);
}

// With compaction every second, a continue token from before it expires:
// OUT_OF_RANGE (Kubernetes' 410 Expired), and a fresh list works.
TEST(TwoApiServersTest, CompactionExpiresAnOldContinueToken) {
  testing::TempDir dir;
  TwoApiServers servers;
  ASSERT_NO_FATAL_FAILURE(StartTwo(dir.path(), servers, {"--etcd-compaction-interval", "1s"}));
  auto on_a = core::v1::Pods::NewStub(servers.a->NewChannel());
  for (int i = 0; i < 5; ++i) {
    grpc::ClientContext ctx;
    core::v1::Pod created;
    ASSERT_TRUE(on_a->Create(&ctx, MakePod(absl::StrCat("p", i)), &created).ok());
  }
  meta::v1::ListOptions page;
  page.set_limit(2);
  core::v1::PodList first;
  grpc::ClientContext first_ctx;
  ASSERT_TRUE(on_a->List(&first_ctx, page, &first).ok());
  ASSERT_FALSE(first.metadata().continue_().empty());
  page.set_continue_(first.metadata().continue_());
  grpc::Status expired;
  int writes = 0;
  bool gone = WaitFor(
      [&] {
        // Keep the revision moving so each compaction passes the token's.
        grpc::ClientContext write_ctx;
        core::v1::Pod created;
        (void)on_a->Create(&write_ctx, MakePod(absl::StrCat("later", writes++)), &created);
        grpc::ClientContext ctx;
        core::v1::PodList next;
        expired = on_a->List(&ctx, page, &next);
        return !expired.ok();
      },
      absl::Seconds(60));
  ASSERT_TRUE(gone) << "the continue token never expired";
  EXPECT_EQ(expired.error_code(), grpc::StatusCode::OUT_OF_RANGE) << expired.error_message();
  core::v1::PodList fresh;
  grpc::ClientContext fresh_ctx;
  EXPECT_TRUE(on_a->List(&fresh_ctx, meta::v1::ListOptions(), &fresh).ok());
  EXPECT_GE(fresh.items_size(), 5);
}

}  // namespace
}  // namespace ordo::itest
