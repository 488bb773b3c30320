// A watch on the real api-server sees every event exactly once, in revision
// order, across 1,000 writes made concurrently by several clients; a client
// that stops reading is cut off while another keeps up.
#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/security/credentials.h"
#include "common/server/channel.h"
#include "common/testing/temp_dir.h"
#include "integration-tests/harness/api_server_process.h"
#include "ordo/core/v1/services.grpc.pb.h"

namespace ordo::itest {
namespace {

core::v1::Pod MakePod(const std::string& name, const std::string& tier) {
  core::v1::Pod pod;
  pod.mutable_metadata()->set_name(name);
  (*pod.mutable_metadata()->mutable_labels())["tier"] = tier;
  auto* c = pod.mutable_spec()->add_containers();
  c->set_name("main");
  c->set_image("ordo-podapp");
  return pod;
}

int64_t Rv(const core::v1::Pod& pod) {
  int64_t rv = 0;
  EXPECT_TRUE(absl::SimpleAtoi(pod.metadata().resource_version(), &rv));
  return rv;
}

TEST(WatchTest, EveryEventOnceInRevisionOrderUnderConcurrentWrites) {
  testing::TempDir dir;
  auto server = ApiServerProcess::Start(dir.path());
  ASSERT_TRUE(server.ok()) << server.status();
  auto stub = core::v1::Pods::NewStub((*server)->NewChannel());

  meta::v1::ListOptions list_opts;
  core::v1::PodList initial;
  grpc::ClientContext list_ctx;
  ASSERT_TRUE(stub->List(&list_ctx, list_opts, &initial).ok());

  // Two watchers from the list's revision: everything, and tier=a only.
  meta::v1::ListOptions all_opts, tier_opts;
  all_opts.set_resource_version(initial.metadata().resource_version());
  tier_opts = all_opts;
  tier_opts.set_label_selector("tier=a");
  grpc::ClientContext all_ctx, tier_ctx;
  auto all_stream = stub->Watch(&all_ctx, all_opts);
  auto tier_stream = stub->Watch(&tier_ctx, tier_opts);

  constexpr int kClients = 10, kPodsPerClient = 50;  // 500 creates + 500 updates
  std::atomic<int> failures{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      auto client = core::v1::Pods::NewStub((*server)->NewChannel());
      for (int i = 0; i < kPodsPerClient; ++i) {
        core::v1::Pod created;
        grpc::ClientContext ctx;
        std::string name = absl::StrCat("c", c, "-", i);
        if (!client->Create(&ctx, MakePod(name, i % 2 ? "a" : "b"), &created).ok()) {
          failures++;
          continue;
        }
        (*created.mutable_metadata()->mutable_labels())["touched"] = "yes";
        grpc::ClientContext uctx;
        core::v1::Pod updated;
        if (!client->Update(&uctx, created, &updated).ok()) failures++;
      }
    });
  }
  for (auto& t : clients) t.join();
  ASSERT_EQ(failures.load(), 0);

  constexpr int kEvents = 2 * kClients * kPodsPerClient;
  std::set<std::pair<std::string, std::string>> seen;  // (name, type)
  int64_t last = 0;
  core::v1::PodWatchEvent event;
  for (int n = 0; n < kEvents; ++n) {
    ASSERT_TRUE(all_stream->Read(&event)) << "stream ended after " << n << " events";
    int64_t rv = Rv(event.object());
    EXPECT_GT(rv, last) << "out of order or repeated";
    last = rv;
    EXPECT_TRUE(seen.insert({event.object().metadata().name(), event.type()}).second)
        << "doubled " << event.object().metadata().name() << " " << event.type();
  }
  EXPECT_EQ(seen.size(), static_cast<size_t>(kEvents));
  for (const auto& [name, type] : seen) EXPECT_TRUE(type == "ADDED" || type == "MODIFIED");

  // The filtered watch saw exactly the tier=a half.
  int tier_events = 0;
  last = 0;
  for (; tier_events < kEvents / 2; ++tier_events) {
    ASSERT_TRUE(tier_stream->Read(&event));
    EXPECT_EQ(event.object().metadata().labels().at("tier"), "a");
    EXPECT_GT(Rv(event.object()), last);
    last = Rv(event.object());
  }
  all_ctx.TryCancel();
  tier_ctx.TryCancel();
}

TEST(WatchTest, WatchWithoutVersionStartsWithTheCurrentObjectsThenFollows) {
  testing::TempDir dir;
  auto server = ApiServerProcess::Start(dir.path());
  ASSERT_TRUE(server.ok()) << server.status();
  auto stub = core::v1::Pods::NewStub((*server)->NewChannel());
  core::v1::Pod out;
  {
    grpc::ClientContext ctx;
    ASSERT_TRUE(stub->Create(&ctx, MakePod("before", "a"), &out).ok());
  }
  grpc::ClientContext watch_ctx;
  auto stream = stub->Watch(&watch_ctx, meta::v1::ListOptions());
  core::v1::PodWatchEvent event;
  ASSERT_TRUE(stream->Read(&event));
  EXPECT_EQ(event.type(), "ADDED");
  EXPECT_EQ(event.object().metadata().name(), "before");
  // Relabelling out of a selector reads as DELETED to a selective watcher.
  meta::v1::ListOptions selective;
  selective.set_label_selector("tier=a");
  selective.set_resource_version(out.metadata().resource_version());
  grpc::ClientContext sel_ctx;
  auto sel = stub->Watch(&sel_ctx, selective);
  {
    grpc::ClientContext ctx;
    (*out.mutable_metadata()->mutable_labels())["tier"] = "b";
    ASSERT_TRUE(stub->Update(&ctx, out, &out).ok());
  }
  ASSERT_TRUE(stream->Read(&event));
  EXPECT_EQ(event.type(), "MODIFIED");
  ASSERT_TRUE(sel->Read(&event));
  EXPECT_EQ(event.type(), "DELETED");
  {
    grpc::ClientContext ctx;
    meta::v1::DeleteRequest del;
    del.set_name("before");
    ASSERT_TRUE(stub->Delete(&ctx, del, &out).ok());
  }
  ASSERT_TRUE(stream->Read(&event));
  EXPECT_EQ(event.type(), "DELETED");
  watch_ctx.TryCancel();
  sel_ctx.TryCancel();
}

// A watcher that stops reading holds one write in flight; the api-server cuts
// it off once the event window (300 events here) passes it, while a watcher
// that reads sees every event, in order.
TEST(WatchTest, AClientThatStopsReadingIsCutOffAndAReaderSeesEverything) {
  testing::TempDir dir;
  auto server = ApiServerProcess::Start(dir.path(), {"--event-window", "300"});
  ASSERT_TRUE(server.ok()) << server.status();
  auto stub = core::v1::Pods::NewStub((*server)->NewChannel());
  core::v1::PodList initial;
  {
    grpc::ClientContext ctx;
    ASSERT_TRUE(stub->List(&ctx, meta::v1::ListOptions(), &initial).ok());
  }
  meta::v1::ListOptions from;
  from.set_resource_version(initial.metadata().resource_version());

  // The stalled client: its own connection with a fixed 64 KiB flow-control
  // window (no BDP probing to grow it), so the server's writes block soon.
  grpc::ChannelArguments args = server::ChannelArgs({.own_connection = true});
  args.SetInt(GRPC_ARG_HTTP2_BDP_PROBE, 0);
  args.SetInt(GRPC_ARG_HTTP2_STREAM_LOOKAHEAD_BYTES, 64 << 10);
  auto stalled_channel = grpc::CreateCustomChannel(
      (*server)->address(), security::NewChannelCredentials((*server)->admin()), args);
  grpc::ClientContext stalled_ctx;
  stalled_ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
  auto stalled = core::v1::Pods::NewStub(stalled_channel)->Watch(&stalled_ctx, from);

  constexpr int kPods = 1000;  // 8 KiB each: 8 MB of events, 1,000 > 300 of window
  std::atomic<int> read{0};
  std::atomic<bool> in_order{true};
  grpc::ClientContext reader_ctx;
  auto reader = stub->Watch(&reader_ctx, from);
  std::thread reading([&] {
    core::v1::PodWatchEvent event;
    int64_t last = 0;
    while (read.load() < kPods && reader->Read(&event)) {
      if (Rv(event.object()) <= last) in_order = false;
      last = Rv(event.object());
      ++read;
    }
  });
  auto writer = core::v1::Pods::NewStub((*server)->NewChannel());
  for (int i = 0; i < kPods; ++i) {
    core::v1::Pod pod = MakePod(absl::StrCat("p", i), "a");
    (*pod.mutable_metadata()->mutable_annotations())["pad"] = std::string(8 << 10, 'x');
    grpc::ClientContext ctx;
    core::v1::Pod out;
    ASSERT_TRUE(writer->Create(&ctx, pod, &out).ok()) << i;
  }
  reading.join();
  EXPECT_EQ(read.load(), kPods);
  EXPECT_TRUE(in_order.load());
  reader_ctx.TryCancel();

  // The stalled client, reading at last, finds what was buffered and then
  // the end: cancelled by the server, long before its own deadline.
  core::v1::PodWatchEvent event;
  int buffered = 0;
  while (stalled->Read(&event)) ++buffered;
  grpc::Status ended = stalled->Finish();
  EXPECT_EQ(ended.error_code(), grpc::StatusCode::CANCELLED) << ended.error_message();
  EXPECT_LT(buffered, kPods);
}

}  // namespace
}  // namespace ordo::itest
