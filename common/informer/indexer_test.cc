#include "common/informer/indexer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ordo/core/v1/core.pb.h"

namespace ordo::informer {
namespace {

using Pod = core::v1::Pod;

ObjectPtr<Pod> MakePod(const std::string& ns, const std::string& name, const std::string& node,
                       const std::string& owner_uid = "") {
  auto pod = std::make_shared<Pod>();
  pod->mutable_metadata()->set_namespace_(ns);
  pod->mutable_metadata()->set_name(name);
  (*pod->mutable_metadata()->mutable_labels())["app"] = "web";
  pod->mutable_spec()->set_node_name(node);
  if (!owner_uid.empty()) {
    auto* ref = pod->mutable_metadata()->add_owner_references();
    ref->set_uid(owner_uid);
    ref->set_controller(true);
  }
  return pod;
}

std::vector<std::string> Names(const std::vector<ObjectPtr<Pod>>& pods) {
  std::vector<std::string> out;
  for (const auto& p : pods) out.push_back(p->metadata().name());
  return out;
}

TEST(IndexerTest, KeysAndSplit) {
  EXPECT_EQ(KeyOf(MakePod("default", "web-0", "")->metadata()), "default/web-0");
  Pod cluster_scoped;
  cluster_scoped.mutable_metadata()->set_name("node-a");
  EXPECT_EQ(KeyOf(cluster_scoped.metadata()), "node-a");
  EXPECT_EQ(SplitKey("default/web-0"),
            std::make_pair(std::string("default"), std::string("web-0")));
  EXPECT_EQ(SplitKey("node-a"), std::make_pair(std::string(""), std::string("node-a")));
}

TEST(IndexerTest, IndexesFollowUpdatesAndRemovals) {
  Indexer<Pod> indexer;
  indexer.AddIndex("nodeName",
                   [](const Pod& p) { return std::vector<std::string>{p.spec().node_name()}; });
  indexer.Upsert(MakePod("default", "web-0", "n1", "set-uid"));
  indexer.Upsert(MakePod("default", "web-1", "n2", "set-uid"));
  indexer.Upsert(MakePod("other", "db-0", "n1"));
  EXPECT_THAT(Names(indexer.ByIndex("nodeName", "n1")), ::testing::ElementsAre("web-0", "db-0"));
  EXPECT_THAT(Names(indexer.ByIndex(kNamespaceIndex, "default")),
              ::testing::ElementsAre("web-0", "web-1"));
  EXPECT_THAT(Names(indexer.ByIndex(kOwnerIndex, "set-uid")),
              ::testing::ElementsAre("web-0", "web-1"));
  EXPECT_EQ(indexer.ByIndex(kLabelIndex, "app=web").size(), 3u);
  // web-0 moves to n2: the old index entry goes.
  ObjectPtr<Pod> old = indexer.Upsert(MakePod("default", "web-0", "n2", "set-uid"));
  ASSERT_NE(old, nullptr);
  EXPECT_EQ(old->spec().node_name(), "n1");
  EXPECT_THAT(Names(indexer.ByIndex("nodeName", "n1")), ::testing::ElementsAre("db-0"));
  EXPECT_THAT(Names(indexer.ByIndex("nodeName", "n2")), ::testing::ElementsAre("web-0", "web-1"));
  indexer.Remove("default/web-1");
  EXPECT_THAT(Names(indexer.ByIndex(kOwnerIndex, "set-uid")), ::testing::ElementsAre("web-0"));
  EXPECT_EQ(indexer.Get("default/web-1"), nullptr);
  EXPECT_EQ(indexer.Size(), 2u);
}

TEST(ListerTest, ByNamespaceAndSelector) {
  Indexer<Pod> indexer;
  indexer.AddIndex(kNodeNameIndex, NodeNameIndexFunc<Pod>);
  indexer.Upsert(MakePod("default", "web-0", "n1"));
  indexer.Upsert(MakePod("other", "web-0", "n1"));
  auto db = MakePod("default", "db-0", "n2");
  std::const_pointer_cast<Pod>(db)->mutable_metadata()->mutable_labels()->at("app") = "db";
  indexer.Upsert(db);
  Lister<Pod> lister(indexer);
  EXPECT_EQ(lister.Get("other", "web-0")->metadata().namespace_(), "other");
  EXPECT_EQ(lister.Get("default", "nope"), nullptr);
  auto web = labels::LabelSelector::Parse("app=web");
  ASSERT_TRUE(web.ok());
  EXPECT_THAT(Names(lister.List("default", *web)), ::testing::ElementsAre("web-0"));
  EXPECT_EQ(lister.List("", *web).size(), 2u);
  EXPECT_EQ(lister.List("default", labels::LabelSelector()).size(), 2u);
  EXPECT_THAT(Names(indexer.ByIndex(kNodeNameIndex, "n1")),
              ::testing::ElementsAre("web-0", "web-0"));
}

}  // namespace
}  // namespace ordo::informer
