// The factory hands out one informer per kind and selection, and a stopped
// factory starts nothing. (Listing through it against a real api-server is
// covered by the integration tests of every binary that uses it.)
#include "common/informer/shared_informer_factory.h"

#include <gtest/gtest.h>

#include "common/clock/fake_clock.h"

namespace ordo::informer {
namespace {

// A channel to nowhere: nothing here dials it.
std::shared_ptr<grpc::Channel> Nowhere() {
  return grpc::CreateChannel("127.0.0.1:1", grpc::InsecureChannelCredentials());
}

TEST(SharedInformerFactoryTest, OneInformerPerKindAndSelection) {
  FakeClock clock;
  SharedInformerFactory factory(Nowhere(), clock);
  auto& pods = factory.For<core::v1::Pod>();
  EXPECT_EQ(&pods, &factory.For<core::v1::Pod>());
  meta::v1::ListOptions mine;
  mine.set_field_selector("spec.nodeName=node-1");
  auto& my_pods = factory.For<core::v1::Pod>(mine);
  EXPECT_NE(&pods, &my_pods);
  EXPECT_EQ(&my_pods, &factory.For<core::v1::Pod>(mine));
  // Nothing has listed yet: not synced.
  EXPECT_FALSE(factory.HasSynced());
}

TEST(SharedInformerFactoryTest, AStoppedFactoryStartsNothingAndIsNotSynced) {
  FakeClock clock;
  SharedInformerFactory factory(Nowhere(), clock);
  factory.For<core::v1::Node>();
  factory.Stop();
  factory.Start();
  std::stop_source stop;
  stop.request_stop();
  EXPECT_FALSE(factory.WaitForCacheSync(stop.get_token()));
}

TEST(SharedInformerFactoryTest, AnEmptyFactoryIsSynced) {
  FakeClock clock;
  SharedInformerFactory factory(Nowhere(), clock);
  EXPECT_TRUE(factory.HasSynced());
}

}  // namespace
}  // namespace ordo::informer
