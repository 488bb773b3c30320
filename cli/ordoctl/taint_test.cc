#include "cli/ordoctl/taint.h"

#include <gtest/gtest.h>

#include "absl/strings/match.h"

namespace ordo::ctl {
namespace {

core::v1::Node NodeWith(
    std::initializer_list<std::tuple<const char*, const char*, const char*>> taints) {
  core::v1::Node node;
  node.mutable_metadata()->set_name("node-1");
  for (const auto& [key, value, effect] : taints) {
    auto* t = node.mutable_spec()->add_taints();
    t->set_key(key);
    t->set_value(value);
    t->set_effect(effect);
  }
  return node;
}

std::vector<TaintChange> Changes(std::initializer_list<const char*> specs) {
  std::vector<TaintChange> changes;
  for (const char* spec : specs) changes.push_back(*ParseTaintChange(spec));
  return changes;
}

TEST(ParseTaintChangeTest, KeyValueEffectAndRemoval) {
  auto add = ParseTaintChange("node.kubernetes.io/out-of-service=nodeshutdown:NoExecute");
  ASSERT_TRUE(add.ok()) << add.status();
  EXPECT_FALSE(add->remove);
  EXPECT_EQ(add->taint.key(), "node.kubernetes.io/out-of-service");
  EXPECT_EQ(add->taint.value(), "nodeshutdown");
  EXPECT_EQ(add->taint.effect(), "NoExecute");
  auto remove = ParseTaintChange("dedicated-");
  ASSERT_TRUE(remove.ok()) << remove.status();
  EXPECT_TRUE(remove->remove);
  EXPECT_EQ(remove->taint.key(), "dedicated");
  EXPECT_EQ(remove->taint.effect(), "");
  EXPECT_EQ(ParseTaintChange("dedicated:NoSchedule-")->taint.effect(), "NoSchedule");
}

TEST(ParseTaintChangeTest, BadSpecsNameTheProblem) {
  auto no_effect = ParseTaintChange("dedicated=db");
  EXPECT_EQ(no_effect.status().message(),
            "invalid taint spec: dedicated=db, an effect is required (KEY[=VALUE]:EFFECT)");
  auto bad_effect = ParseTaintChange("dedicated=db:Sometimes");
  EXPECT_TRUE(
      absl::StrContains(bad_effect.status().message(), "unsupported taint effect \"Sometimes\""))
      << bad_effect.status();
  auto bad_key = ParseTaintChange("-bad=x:NoSchedule");
  EXPECT_TRUE(absl::StrContains(bad_key.status().message(), "key: ")) << bad_key.status();
  auto bad_value = ParseTaintChange("k=not/a/value:NoSchedule");
  EXPECT_TRUE(absl::StrContains(bad_value.status().message(), "value: ")) << bad_value.status();
  EXPECT_FALSE(ParseTaintChange("k=v:NoSchedule-").ok());
}

TEST(ApplyTaintChangesTest, AddsStampingNoExecuteAndIsIdempotent) {
  core::v1::Node node = NodeWith({});
  absl::Time now = absl::FromUnixSeconds(1000);
  auto changes = Changes({"node.kubernetes.io/out-of-service=nodeshutdown:NoExecute"});
  ASSERT_TRUE(*ApplyTaintChanges(node, changes, false, now));
  ASSERT_EQ(node.spec().taints_size(), 1);
  EXPECT_EQ(node.spec().taints(0).time_added().seconds(), 1000);
  EXPECT_FALSE(*ApplyTaintChanges(node, changes, false, now));  // already there
  EXPECT_EQ(node.spec().taints_size(), 1);
}

TEST(ApplyTaintChangesTest, ANewValueNeedsOverwriteAndAnErrorChangesNothing) {
  core::v1::Node node = NodeWith({{"dedicated", "db", "NoSchedule"}});
  auto changes = Changes({"other=x:NoSchedule", "dedicated=web:NoSchedule"});
  auto refused = ApplyTaintChanges(node, changes, false, absl::Now());
  EXPECT_EQ(refused.status().message(),
            "node node-1 already has dedicated taint(s) with same effect(s) and --overwrite is "
            "false");
  ASSERT_EQ(node.spec().taints_size(), 1);  // "other" was not added either
  ASSERT_TRUE(*ApplyTaintChanges(node, changes, true, absl::Now()));
  ASSERT_EQ(node.spec().taints_size(), 2);
  EXPECT_EQ(node.spec().taints(0).value(), "web");
}

TEST(ApplyTaintChangesTest, RemovesByKeyOrKeyAndEffect) {
  core::v1::Node node =
      NodeWith({{"a", "", "NoSchedule"}, {"a", "", "NoExecute"}, {"b", "", "NoSchedule"}});
  ASSERT_TRUE(*ApplyTaintChanges(node, Changes({"a:NoExecute-"}), false, absl::Now()));
  EXPECT_EQ(node.spec().taints_size(), 2);
  ASSERT_TRUE(*ApplyTaintChanges(node, Changes({"a-"}), false, absl::Now()));
  ASSERT_EQ(node.spec().taints_size(), 1);
  EXPECT_EQ(node.spec().taints(0).key(), "b");
  auto missing = ApplyTaintChanges(node, Changes({"a:NoSchedule-"}), false, absl::Now());
  EXPECT_EQ(missing.status().message(), "taint \"a:NoSchedule\" not found");
}

}  // namespace
}  // namespace ordo::ctl
