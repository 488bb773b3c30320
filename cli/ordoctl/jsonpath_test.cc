#include "cli/ordoctl/jsonpath.h"

#include <gtest/gtest.h>

namespace ordo::ctl {
namespace {

const char kPods[] = R"({"apiVersion": "v1", "kind": "List", "items": [
  {"metadata": {"name": "web-0"}, "spec": {"containers": [{"name": "nginx", "image": "nginx:1"}]}},
  {"metadata": {"name": "web-1"}, "spec": {"containers": [{"name": "nginx", "image": "nginx:2"}]}}]})";

std::string Eval(const std::string& tmpl) {
  auto out = JsonPath(tmpl, YAML::Load(kPods));
  EXPECT_TRUE(out.ok()) << out.status();
  return out.value_or("");
}

TEST(JsonPathTest, TheTutorialsTemplate) {
  EXPECT_EQ(
      Eval(R"({range .items[*]}{.metadata.name}{"\t"}{.spec.containers[0].image}{"\n"}{end})"),
      "web-0\tnginx:1\nweb-1\tnginx:2\n");
}

TEST(JsonPathTest, FieldsWildcardsAndBrackets) {
  EXPECT_EQ(Eval("{.items[*].metadata.name}"), "web-0 web-1");
  EXPECT_EQ(Eval("{.items[1]['metadata']['name']}"), "web-1");
  EXPECT_EQ(Eval("{.items[-1].metadata.name}"), "web-1");
  EXPECT_EQ(Eval("kind={.kind}"), "kind=List");
  EXPECT_EQ(Eval("{.items[5].metadata.name}{.nothing}"), "");
}

TEST(JsonPathTest, FiltersPickItemsByAField) {
  EXPECT_EQ(Eval(R"({.items[?(@.metadata.name=="web-1")].spec.containers[0].image})"), "nginx:2");
  EXPECT_EQ(Eval("{.items[?(@.metadata.name!='web-1')].metadata.name}"), "web-0");
  EXPECT_EQ(Eval(R"({.items[?(@.metadata.name=="web-9")].metadata.name})"), "");
}

TEST(JsonPathTest, BadTemplatesAreErrors) {
  EXPECT_FALSE(JsonPath("{.items", YAML::Load(kPods)).ok());
  EXPECT_FALSE(JsonPath("{range .items[*]}x", YAML::Load(kPods)).ok());
  EXPECT_FALSE(JsonPath("{end}", YAML::Load(kPods)).ok());
}

}  // namespace
}  // namespace ordo::ctl
