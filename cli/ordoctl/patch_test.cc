#include "cli/ordoctl/patch.h"

#include <gtest/gtest.h>

namespace ordo::ctl {
namespace {

// Flow-style JSON of a node, for comparing documents in one line.
std::string Json(const YAML::Node& n) {
  YAML::Emitter out;
  out << YAML::Flow << n;
  return out.c_str();
}

const char kSet[] = R"({"spec": {"replicas": 3, "updateStrategy": {"type": "RollingUpdate",
  "rollingUpdate": {"partition": 0}}, "template": {"spec": {"containers": [
  {"name": "nginx", "image": "nginx:1", "args": ["--port", "80"]},
  {"name": "sidecar", "image": "busybox"}]}}}})";

std::string Patched(const std::string& type, const std::string& patch) {
  auto out = ApplyPatch(YAML::Load(kSet), type, patch);
  EXPECT_TRUE(out.ok()) << out.status();
  return out.ok() ? Json(*out) : "";
}

TEST(PatchTest, MergePatchSetsAndRemoves) {
  EXPECT_EQ(Patched("merge", R"({"spec":{"replicas":5}})").find("replicas: 5") != std::string::npos,
            true);
  std::string on_delete =
      Patched("merge", R"({"spec":{"updateStrategy":{"type":"OnDelete","rollingUpdate":null}}})");
  EXPECT_NE(on_delete.find("updateStrategy: {type: OnDelete}"), std::string::npos) << on_delete;
}

TEST(PatchTest, StrategicMergesContainersByName) {
  std::string out = Patched(
      "strategic",
      R"({"spec":{"template":{"spec":{"containers":[{"name":"nginx","image":"nginx:2"}]}}}})");
  EXPECT_NE(out.find("{name: nginx, image: nginx:2, args: [--port, 80]}"), std::string::npos)
      << out;
  EXPECT_NE(out.find("{name: sidecar, image: busybox}"), std::string::npos) << out;
  // A merge patch replaces the list instead.
  out = Patched(
      "merge",
      R"({"spec":{"template":{"spec":{"containers":[{"name":"nginx","image":"nginx:2"}]}}}})");
  EXPECT_EQ(out.find("sidecar"), std::string::npos) << out;
}

TEST(PatchTest, StrategicDeleteAndReplaceDirectives) {
  std::string out = Patched(
      "strategic",
      R"({"spec":{"template":{"spec":{"containers":[{"name":"sidecar","$patch":"delete"}]}}}})");
  EXPECT_EQ(out.find("sidecar"), std::string::npos) << out;
  EXPECT_NE(out.find("nginx:1"), std::string::npos) << out;
  out =
      Patched("strategic", R"({"spec":{"updateStrategy":{"$patch":"replace","type":"OnDelete"}}})");
  EXPECT_NE(out.find("updateStrategy: {type: OnDelete}"), std::string::npos) << out;
}

TEST(PatchTest, JsonPatchOperations) {
  std::string out = Patched(
      "json",
      R"([{"op":"replace","path":"/spec/template/spec/containers/0/image","value":"nginx:3"}])");
  EXPECT_NE(out.find("image: nginx:3"), std::string::npos) << out;
  out = Patched("json",
                R"([{"op":"add","path":"/spec/template/spec/containers/0/args/-","value":"-v"},
    {"op":"remove","path":"/spec/template/spec/containers/1"},
    {"op":"copy","from":"/spec/replicas","path":"/spec/minReadySeconds"},
    {"op":"test","path":"/spec/replicas","value":3}])");
  EXPECT_NE(out.find("args: [--port, 80, -v]"), std::string::npos) << out;
  EXPECT_EQ(out.find("sidecar"), std::string::npos) << out;
  EXPECT_NE(out.find("minReadySeconds: 3"), std::string::npos) << out;
}

TEST(PatchTest, QuotedScalarsStayStrings) {
  // "80" must still decode as a string: its quoted tag survives the patch.
  auto out =
      ApplyPatch(YAML::Load(kSet), "strategic",
                 R"({"spec":{"template":{"spec":{"containers":[{"name":"nginx","image":"x"}]}}}})");
  ASSERT_TRUE(out.ok());
  EXPECT_EQ((*out)["spec"]["template"]["spec"]["containers"][0]["args"][1].Tag(), "!");
}

TEST(PatchTest, ErrorsNameTheProblem) {
  auto doc = YAML::Load(kSet);
  auto bad_path =
      ApplyPatch(doc, "json", R"([{"op":"replace","path":"/spec/nothing/here","value":1}])");
  EXPECT_EQ(bad_path.status().message(), "path \"/spec/nothing/here\" does not exist");
  auto bad_op = ApplyPatch(doc, "json", R"([{"op":"frobnicate","path":"/spec"}])");
  EXPECT_FALSE(bad_op.ok());
  auto failed_test =
      ApplyPatch(doc, "json", R"([{"op":"test","path":"/spec/replicas","value":4}])");
  EXPECT_EQ(failed_test.status().message(), "test /spec/replicas: the value differs");
  EXPECT_FALSE(ApplyPatch(doc, "merge", "{not yaml: [").ok());
  EXPECT_FALSE(ApplyPatch(doc, "merge", "[1, 2]").ok());
  EXPECT_FALSE(ApplyPatch(doc, "sideways", "{}").ok());
  // The input is never changed.
  EXPECT_EQ(Json(doc), Json(YAML::Load(kSet)));
}

}  // namespace
}  // namespace ordo::ctl
