#include "common/labels/selector.h"

#include <gtest/gtest.h>

#include "common/testing/status_matchers.h"

namespace ordo::labels {
namespace {

using ::ordo::testing::StatusIs;

google::protobuf::Map<std::string, std::string> Labels(
    std::initializer_list<std::pair<const std::string, std::string>> kv) {
  google::protobuf::Map<std::string, std::string> m;
  for (const auto& [k, v] : kv) m[k] = v;
  return m;
}

TEST(LabelSelectorTest, ParsesEveryOperator) {
  auto s =
      LabelSelector::Parse("app=web, tier!=db,env in (prod, staging),zone notin (z1),gpu,!legacy");
  ASSERT_OK(s);
  EXPECT_EQ(s->requirements().size(), 6u);
  EXPECT_TRUE(s->Matches(Labels({{"app", "web"}, {"env", "prod"}, {"gpu", "1"}})));
  EXPECT_FALSE(s->Matches(Labels({{"app", "web"}, {"env", "prod"}})));  // no gpu
  EXPECT_FALSE(s->Matches(Labels({{"app", "web"}, {"env", "dev"}, {"gpu", ""}})));
  EXPECT_FALSE(s->Matches(Labels({{"app", "web"}, {"env", "prod"}, {"gpu", ""}, {"legacy", "y"}})));
  EXPECT_FALSE(s->Matches(Labels({{"app", "web"}, {"env", "prod"}, {"gpu", ""}, {"tier", "db"}})));
  EXPECT_EQ(s->ToString(), "app=web,tier!=db,env in (prod,staging),zone notin (z1),gpu,!legacy");
}

TEST(LabelSelectorTest, EmptyMatchesEverything) {
  auto s = LabelSelector::Parse("");
  ASSERT_OK(s);
  EXPECT_TRUE(s->Matches(Labels({})));
  EXPECT_TRUE(s->Empty());
}

TEST(LabelSelectorTest, RejectsBadTerms) {
  EXPECT_THAT(LabelSelector::Parse("app=web,"), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(LabelSelector::Parse("bad key=x"), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(LabelSelector::Parse("app=-x"), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(LabelSelector::Parse("env inn (a)"), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(LabelSelectorTest, FromProto) {
  ordo::meta::v1::LabelSelector proto;
  (*proto.mutable_match_labels())["app"] = "nginx";
  auto* e = proto.add_match_expressions();
  e->set_key("tier");
  e->set_operator_("In");
  e->add_values("web");
  auto s = LabelSelector::FromProto(proto);
  ASSERT_OK(s);
  EXPECT_TRUE(s->Matches(Labels({{"app", "nginx"}, {"tier", "web"}})));
  EXPECT_FALSE(s->Matches(Labels({{"app", "nginx"}})));
  e->set_operator_("Sometimes");
  EXPECT_THAT(LabelSelector::FromProto(proto), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(FieldSelectorTest, ParsesEqualityAndInequality) {
  auto s = FieldSelector::Parse("spec.nodeName=n1,status.phase!=Running,metadata.name==web-0");
  ASSERT_OK(s);
  ASSERT_EQ(s->terms().size(), 3u);
  EXPECT_EQ(s->terms()[0].path, "spec.nodeName");
  EXPECT_TRUE(s->terms()[1].negated);
  EXPECT_EQ(s->terms()[2].value, "web-0");
  EXPECT_THAT(FieldSelector::Parse("spec.nodeName"), StatusIs(absl::StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace ordo::labels
