#include "services/controller-manager/statefulset/revisions.h"

#include <gtest/gtest.h>

#include "absl/strings/match.h"

namespace ordo::statefulset {
namespace {

apps::v1::StatefulSet WebSet(const std::string& image) {
  apps::v1::StatefulSet set;
  set.mutable_metadata()->set_name("web");
  set.mutable_metadata()->set_namespace_("default");
  set.mutable_metadata()->set_uid("uid-web");
  auto* tmpl = set.mutable_spec()->mutable_template_();
  (*tmpl->mutable_metadata()->mutable_labels())["app"] = "nginx";
  auto* c = tmpl->mutable_spec()->add_containers();
  c->set_name("nginx");
  c->set_image(image);
  tmpl->mutable_spec()->set_termination_grace_period_seconds(30);
  return set;
}

TEST(RevisionsTest, NameIsSetAndSafeHash) {
  auto rev = NewRevision(WebSet("nginx:1"), 1, 0);
  const std::string& name = rev.metadata().name();
  ASSERT_TRUE(absl::StartsWith(name, "web-"));
  std::string hash = name.substr(4);
  EXPECT_GE(hash.size(), 1u);
  EXPECT_LE(hash.size(), 10u);
  EXPECT_EQ(hash.find_first_not_of("bcdfghjklmnpqrstvwxz2456789"), std::string::npos);
  EXPECT_EQ(rev.metadata().labels().at(kRevisionHashLabel), hash);
  EXPECT_EQ(rev.metadata().labels().at("app"), "nginx");
  EXPECT_EQ(rev.metadata().owner_references(0).uid(), "uid-web");
  EXPECT_EQ(rev.revision(), 1);
}

TEST(RevisionsTest, SameTemplateSameHashAndCollisionCountChangesIt) {
  auto a = NewRevision(WebSet("nginx:1"), 1, 0);
  auto b = NewRevision(WebSet("nginx:1"), 7, 0);
  EXPECT_EQ(a.metadata().name(), b.metadata().name());
  EXPECT_TRUE(EqualRevision(a, b));
  auto c = NewRevision(WebSet("nginx:1"), 1, 1);
  EXPECT_NE(a.metadata().name(), c.metadata().name());
  auto d = NewRevision(WebSet("nginx:2"), 1, 0);
  EXPECT_NE(a.metadata().name(), d.metadata().name());
  EXPECT_FALSE(EqualRevision(a, d));
}

TEST(RevisionsTest, SortsByRevisionThenTimeThenName) {
  auto mk = [](int64_t n, int64_t t, const std::string& name) {
    auto r = std::make_shared<apps::v1::ControllerRevision>();
    r->set_revision(n);
    r->mutable_metadata()->mutable_creation_timestamp()->set_seconds(t);
    r->mutable_metadata()->set_name(name);
    return std::shared_ptr<const apps::v1::ControllerRevision>(r);
  };
  std::vector<std::shared_ptr<const apps::v1::ControllerRevision>> v = {
      mk(2, 1, "b"), mk(1, 5, "z"), mk(2, 1, "a"), mk(2, 0, "c")};
  SortRevisions(v);
  std::vector<std::string> names;
  for (const auto& r : v) names.push_back(r->metadata().name());
  EXPECT_EQ(names, (std::vector<std::string>{"z", "c", "a", "b"}));
}

}  // namespace
}  // namespace ordo::statefulset
