// ordo over a real etcd cluster (Debian's etcd on loopback ports): the store
// loses no acknowledged write when etcd's leader is killed, two api-servers on
// one etcd serve the same objects with one revision history, compaction
// expires an old continue token, and an informer whose revision is gone relists.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <set>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "common/clock/clock.h"
#include "common/informer/grpc_lister_watcher.h"
#include "common/informer/shared_informer.h"
#include "common/security/credentials.h"
#include "common/server/server_main.h"
#include "common/store/etcd_store.h"
#include "common/testing/http_get.h"
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

// `extra` goes to both api-servers, `a_only` to the first.
void StartTwo(const std::string& dir, TwoApiServers& out, std::vector<std::string> extra = {},
              std::vector<std::string> a_only = {}) {
  auto etcd = EtcdCluster::Start(dir + "/etcd");
  ASSERT_TRUE(etcd.ok()) << etcd.status();
  out.etcd = *std::move(etcd);
  std::vector<std::string> flags = {"--store", "etcd", "--etcd-servers", out.etcd->EndpointsFlag()};
  flags.insert(flags.end(), extra.begin(), extra.end());
  std::vector<std::string> a_flags = flags;
  a_flags.insert(a_flags.end(), a_only.begin(), a_only.end());
  auto a = ApiServerProcess::Start(dir + "/a", a_flags);
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

// The value of an etcd metric, read from etcd's /metrics (-1: not found).
double EtcdMetric(const EtcdCluster& etcd, const std::string& name) {
  const std::string& endpoint = etcd.endpoints()[0];
  int port = 0;
  if (!absl::SimpleAtoi(endpoint.substr(endpoint.rfind(':') + 1), &port)) return -1;
  std::string page = testing::HttpGet(port, "/metrics");
  for (absl::string_view line : absl::StrSplit(page, '\n')) {
    if (!absl::ConsumePrefix(&line, name + " ")) continue;
    double value = -1;
    return absl::SimpleAtod(line, &value) ? value : -1;
  }
  return -1;
}

// Watches are served from each api-server's watch cache: 500 ordo watches on
// each of two api-servers cost etcd two watches.
TEST(TwoApiServersTest, ManyWatchesCostEtcdOneWatchPerApiServer) {
  testing::TempDir dir;
  TwoApiServers servers;
  ASSERT_NO_FATAL_FAILURE(StartTwo(dir.path(), servers, {"--etcd-compaction-interval", "0"}));
  auto pods_a = core::v1::Pods::NewStub(servers.a->NewChannel());
  auto pods_b = core::v1::Pods::NewStub(servers.b->NewChannel());
  grpc::ClientContext create_ctx;
  core::v1::Pod created;
  ASSERT_TRUE(pods_a->Create(&create_ctx, MakePod("watched"), &created).ok());
  constexpr int kPerServer = 500;
  std::vector<std::unique_ptr<grpc::ClientContext>> contexts;
  std::vector<std::unique_ptr<grpc::ClientReader<core::v1::PodWatchEvent>>> streams;
  for (int i = 0; i < 2 * kPerServer; ++i) {
    auto* stub = i % 2 == 0 ? pods_a.get() : pods_b.get();
    contexts.push_back(std::make_unique<grpc::ClientContext>());
    streams.push_back(stub->Watch(contexts.back().get(), meta::v1::ListOptions()));
    core::v1::PodWatchEvent first;  // the pod that exists: the watch is open
    ASSERT_TRUE(streams.back()->Read(&first));
  }
  EXPECT_EQ(EtcdMetric(*servers.etcd, "etcd_debugging_mvcc_watcher_total"), 2);
  for (auto& ctx : contexts) ctx->TryCancel();
  for (auto& stream : streams) (void)stream->Finish();
}

// A client dialing both api-servers ("A,B", as --server takes them) carries
// on when the one its watch is on is killed: its writes go to the other, and
// its watch resumes there from its last resourceVersion with no relist,
// seeing every event once, in order.
TEST(TwoApiServersTest, AClientOfBothCarriesOnWhenOneIsKilled) {
  testing::TempDir dir;
  TwoApiServers servers;
  ASSERT_NO_FATAL_FAILURE(StartTwo(dir.path(), servers, {"--etcd-compaction-interval", "0"}));
  const std::string both_addresses = servers.a->address() + "," + servers.b->address();
  auto both = security::Dial(both_addresses, servers.a->admin(), {.own_connection = true});
  auto pods = core::v1::Pods::NewStub(both);

  core::v1::PodList initial;
  grpc::ClientContext list_ctx;
  ASSERT_TRUE(pods->List(&list_ctx, meta::v1::ListOptions(), &initial).ok());
  std::string rv = initial.metadata().resource_version();

  constexpr int kPods = 200;
  std::atomic<int> created{0};
  std::atomic<bool> killed{false};
  std::atomic<int64_t> failover_ms{-1};
  absl::Time kill_time;
  std::thread writer([&] {
    for (int i = 0; i < kPods; ++i) {
      // The client library's part: retry what failed UNAVAILABLE.
      for (int attempt = 0; attempt < 1000; ++attempt) {
        grpc::ClientContext ctx;
        ctx.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
        core::v1::Pod out;
        grpc::Status s = pods->Create(&ctx, MakePod(absl::StrCat("p", i)), &out);
        if (s.ok() || s.error_code() == grpc::StatusCode::ALREADY_EXISTS) break;
        EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE) << s.error_message();
      }
      if (killed.load() && failover_ms.load() < 0) {
        failover_ms = absl::ToInt64Milliseconds(absl::Now() - kill_time);
      }
      created++;
    }
  });

  std::set<std::string> seen;
  int64_t last = Rv(rv);
  int watches = 0;
  while (seen.size() < kPods && watches < 10) {
    ++watches;
    meta::v1::ListOptions from;
    from.set_resource_version(rv);
    grpc::ClientContext ctx;
    auto stream = pods->Watch(&ctx, from);
    core::v1::PodWatchEvent event;
    while (seen.size() < kPods && stream->Read(&event)) {
      if (!killed.load() && created.load() >= kPods / 4) {
        // Kill the api-server this watch is on.
        ApiServerProcess* on =
            absl::StrContains(ctx.peer(), servers.a->address()) ? servers.a.get() : servers.b.get();
        kill_time = absl::Now();
        on->Kill();
        killed = true;
      }
      if (event.type() != "ADDED") continue;
      EXPECT_TRUE(seen.insert(event.object().metadata().name()).second)
          << "twice: " << event.object().metadata().name();
      rv = event.object().metadata().resource_version();
      EXPECT_GT(Rv(rv), last);
      last = Rv(rv);
    }
    if (seen.size() == kPods) break;
    ctx.TryCancel();
    grpc::Status ended = stream->Finish();
    EXPECT_NE(ended.error_code(), grpc::StatusCode::OUT_OF_RANGE)
        << "the watch had to relist: " << ended.error_message();
  }
  writer.join();
  EXPECT_TRUE(killed.load());
  EXPECT_EQ(seen.size(), static_cast<size_t>(kPods));
  EXPECT_GE(watches, 2) << "the watch never broke, so it never failed over";
  std::printf("failover: first write acknowledged %lld ms after the kill\n",
              static_cast<long long>(failover_ms.load()));
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

// An informer on an api-server that is killed while the other takes writes,
// then restarted: the restarted server's watch cache begins at etcd's
// revision of its start, so the informer's re-watch from its last
// resourceVersion is OUT_OF_RANGE. It relists, and its cache then holds what
// etcd holds: the creates it missed, and not the object deleted meanwhile.
TEST(TwoApiServersTest, AnInformerWhoseRevisionIsGoneRelistsAndMissesNothing) {
  testing::TempDir dir;
  // A keeps its port across the restart, so the informer's channel finds it again.
  auto port = server::FreeLoopbackPort();
  ASSERT_TRUE(port.ok()) << port.status();
  TwoApiServers servers;
  ASSERT_NO_FATAL_FAILURE(
      StartTwo(dir.path(), servers, {}, {"--listen", absl::StrCat("127.0.0.1:", *port)}));
  auto on_b = core::v1::Pods::NewStub(servers.b->NewChannel());
  auto create = [&](const std::string& name) {
    grpc::ClientContext ctx;
    core::v1::Pod out;
    return on_b->Create(&ctx, MakePod(name), &out).ok();
  };
  ASSERT_TRUE(create("before"));

  informer::SharedInformer<core::v1::Pod> pods(
      std::make_unique<informer::GrpcListerWatcher<core::v1::Pod>>(servers.a->NewChannel()),
      SystemClock());
  std::stop_source stop;
  std::thread reflector([&] { pods.Run(stop.get_token()); });
  ASSERT_TRUE(WaitFor([&] { return pods.HasSynced(); }, absl::Seconds(10)));
  ASSERT_NE(pods.indexer().Get("default/before"), nullptr);
  core::v1::PodList listed;
  grpc::ClientContext list_ctx;
  ASSERT_TRUE(on_b->List(&list_ctx, meta::v1::ListOptions(), &listed).ok());

  servers.a->Kill();
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(create(absl::StrCat("p", i)));
  {
    grpc::ClientContext ctx;
    meta::v1::DeleteRequest del;
    del.set_namespace_("default");
    del.set_name("before");
    core::v1::Pod out;
    ASSERT_TRUE(on_b->Delete(&ctx, del, &out).ok());
  }
  ASSERT_OK(servers.a->Restart());
  ASSERT_EQ(servers.a->address(), absl::StrCat("127.0.0.1:", *port));

  // What the informer meets there: its revision is older than the new cache.
  {
    auto on_a = core::v1::Pods::NewStub(servers.a->NewChannel());
    meta::v1::ListOptions from;
    from.set_resource_version(listed.metadata().resource_version());
    grpc::ClientContext ctx;
    auto stream = on_a->Watch(&ctx, from);
    core::v1::PodWatchEvent event;
    while (stream->Read(&event)) {
    }
    grpc::Status ended = stream->Finish();
    EXPECT_EQ(ended.error_code(), grpc::StatusCode::OUT_OF_RANGE) << ended.error_message();
  }
  // The informer relisted: every create it missed, and not the deleted one.
  EXPECT_TRUE(WaitFor(
      [&] {
        for (int i = 0; i < 10; ++i) {
          if (pods.indexer().Get(absl::StrCat("default/p", i)) == nullptr) return false;
        }
        return pods.indexer().Get("default/before") == nullptr;
      },
      absl::Seconds(30)))
      << "the informer holds " << pods.indexer().List().size() << " pods";
  EXPECT_EQ(pods.indexer().List().size(), 10u);
  stop.request_stop();
  reflector.join();
}

}  // namespace
}  // namespace ordo::itest
