// Manifests in and out: the Kubernetes docs' example, int-or-string,
// quantities, every kind, and error messages word for word.
#include "common/manifest/manifest.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "google/protobuf/util/message_differencer.h"
#include "ordo/apps/v1/apps.pb.h"
#include "ordo/core/v1/core.pb.h"
#include "ordo/policy/v1/policy.pb.h"

namespace ordo::manifest {
namespace {

using ::ordo::testing::StatusIs;
using ::testing::HasSubstr;

using ::ordo::testing::ReadFile;

void ExpectRoundTrip(const google::protobuf::Message& msg) {
  std::string yaml = EncodeYaml(msg);
  auto back = Decode(yaml, "roundtrip.yaml");
  ASSERT_OK(back) << yaml;
  ASSERT_EQ(back->size(), 1u);
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(msg, *(*back)[0].message)) << yaml;
}

TEST(ManifestTest, TheDocsExampleDecodesAndRoundTrips) {
  auto objects = Decode(ReadFile(std::string(ORDO_SOURCE_DIR) + "/examples/web.yaml"), "web.yaml");
  ASSERT_OK(objects);
  ASSERT_EQ(objects->size(), 2u);
  EXPECT_EQ((*objects)[0].info->kind, "Service");
  EXPECT_EQ((*objects)[1].info->kind, "StatefulSet");
  EXPECT_EQ((*objects)[1].source, "web.yaml:18");
  const auto& set = static_cast<const apps::v1::StatefulSet&>(*(*objects)[1].message);
  EXPECT_EQ(set.spec().replicas(), 3);
  EXPECT_EQ(set.spec().service_name(), "nginx");
  EXPECT_EQ(set.spec().template_().spec().containers(0).ports(0).container_port(), 80);
  EXPECT_EQ(set.spec().volume_claim_templates(0).spec().resources().requests().at("storage"),
            "1Gi");
  for (const auto& obj : *objects) ExpectRoundTrip(*obj.message);
}

TEST(ManifestTest, EveryExampleDecodesAndRoundTrips) {
  for (const char* name : {"web.yaml", "storageclass.yaml", "pv.yaml", "pdb.yaml"}) {
    auto objects = Decode(ReadFile(absl::StrCat(ORDO_SOURCE_DIR, "/examples/", name)), name);
    ASSERT_OK(objects) << name;
    EXPECT_FALSE(objects->empty()) << name;
    for (const auto& obj : *objects) ExpectRoundTrip(*obj.message);
  }
}

TEST(ManifestTest, EveryKindDecodes) {
  for (const auto& info : api::AllResources()) {
    std::string text = absl::StrCat("apiVersion: ", info.ApiVersion(), "\nkind: ", info.kind,
                                    "\nmetadata:\n  name: x\n  labels: {a: b}\n");
    auto objects = Decode(text, "kind.yaml");
    ASSERT_OK(objects) << info.kind;
    ASSERT_EQ(objects->size(), 1u);
    EXPECT_EQ((*objects)[0].message->GetDescriptor()->name(), info.kind);
    ExpectRoundTrip(*(*objects)[0].message);
  }
}

TEST(ManifestTest, IntOrStringQuantitiesAndLists) {
  constexpr char kText[] = R"(
apiVersion: v1
kind: List
items:
- apiVersion: policy/v1
  kind: PodDisruptionBudget
  metadata: {name: a}
  spec: {minAvailable: 2}
- apiVersion: policy/v1
  kind: PodDisruptionBudget
  metadata: {name: b}
  spec: {maxUnavailable: "50%"}
- apiVersion: v1
  kind: Pod
  metadata: {name: p}
  spec:
    containers:
    - name: app
      image: app
      resources: {requests: {cpu: 500m, memory: 1Gi}, limits: {cpu: 1}}
    volumes:
    - name: scratch
      emptyDir: {}
)";
  auto objects = Decode(kText, "list.yaml");
  ASSERT_OK(objects);
  ASSERT_EQ(objects->size(), 3u);
  const auto& a = static_cast<const policy::v1::PodDisruptionBudget&>(*(*objects)[0].message);
  EXPECT_EQ(a.spec().min_available().number_value(), 2);
  const auto& b = static_cast<const policy::v1::PodDisruptionBudget&>(*(*objects)[1].message);
  EXPECT_EQ(b.spec().max_unavailable().string_value(), "50%");
  const auto& pod = static_cast<const core::v1::Pod&>(*(*objects)[2].message);
  EXPECT_EQ(pod.spec().containers(0).resources().requests().at("cpu"), "500m");
  EXPECT_EQ(pod.spec().containers(0).resources().limits().at("cpu"), "1");
  EXPECT_TRUE(pod.spec().volumes(0).has_empty_dir());
  for (const auto& obj : *objects) ExpectRoundTrip(*obj.message);
  EXPECT_THAT(EncodeYaml(a), HasSubstr("minAvailable: 2"));
  EXPECT_THAT(EncodeYaml(b), HasSubstr("maxUnavailable: 50%"));
  EXPECT_THAT(EncodeYaml(pod), HasSubstr("emptyDir: {}"));
}

TEST(ManifestTest, OutputIsKubernetesShaped) {
  apps::v1::StatefulSet set;
  set.set_api_version("apps/v1");
  set.set_kind("StatefulSet");
  set.mutable_metadata()->set_name("web");
  (*set.mutable_metadata()->mutable_labels())["b"] = "2";
  (*set.mutable_metadata()->mutable_labels())["a"] = "1";
  set.mutable_spec()->set_replicas(0);
  set.mutable_metadata()->mutable_creation_timestamp()->set_seconds(1700000000);
  std::string yaml = EncodeYaml(set);
  EXPECT_EQ(yaml,
            "apiVersion: apps/v1\n"
            "kind: StatefulSet\n"
            "metadata:\n"
            "  name: web\n"
            "  creationTimestamp: 2023-11-14T22:13:20Z\n"
            "  labels:\n"
            "    a: \"1\"\n"
            "    b: \"2\"\n"
            "spec:\n"
            "  replicas: 0\n");
  EXPECT_THAT(EncodeJson(set), HasSubstr("\"apiVersion\": \"apps/v1\""));
  ExpectRoundTrip(set);  // the quoted numbers read back as strings
}

TEST(ManifestTest, JsonWritesInt64AsNumbersAndReadsItBack) {
  apps::v1::StatefulSet set;
  set.set_api_version("apps/v1");
  set.set_kind("StatefulSet");
  set.mutable_metadata()->set_name("web");
  set.mutable_metadata()->set_generation(3);
  set.mutable_spec()->mutable_template_()->mutable_spec()->set_termination_grace_period_seconds(10);
  std::string json = EncodeJson(set);
  EXPECT_THAT(json, HasSubstr("\"terminationGracePeriodSeconds\": 10"));
  EXPECT_THAT(json, HasSubstr("\"generation\": 3"));
  auto decoded = Decode(json, "web.json");
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(static_cast<const apps::v1::StatefulSet&>(*(*decoded)[0].message)
                .spec()
                .template_()
                .spec()
                .termination_grace_period_seconds(),
            10);
}

TEST(ManifestTest, ErrorsNameFileLineAndFieldWordForWord) {
  constexpr char kText[] = R"(apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
  labelz: {a: b}
spec:
  replicas: three
  minReadySeconds: 1.5
  template:
    spec:
      containers:
      - name: app
        ports: [{containerPort: "80"}]
)";
  auto objects = Decode(kText, "web.yaml");
  EXPECT_THAT(objects, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(objects.status().message(),
            "web.yaml:5: metadata: unknown field \"labelz\"\n"
            "web.yaml:7: spec.replicas: expected an integer, got \"three\"\n"
            "web.yaml:8: spec.minReadySeconds: expected an integer, got 1.5\n"
            "web.yaml:13: spec.template.spec.containers[0].ports[0].containerPort: expected an "
            "integer, got \"80\"");
}

TEST(ManifestTest, NoInputCrashesTheDecoder) {
  // Every prefix of a real manifest, and every prefix with one byte flipped:
  // each decodes or is refused, never crashes.
  std::string web = ReadFile(std::string(ORDO_SOURCE_DIR) + "/examples/web.yaml");
  int refused = 0;
  for (size_t n = 0; n <= web.size(); n += 3) {
    std::string text = web.substr(0, n);
    if (!Decode(text, "prefix.yaml").ok()) ++refused;
    if (n < web.size()) {
      text = web;
      text[n] = static_cast<char>(text[n] ^ 0x21);
      if (!Decode(text, "flipped.yaml").ok()) ++refused;
    }
  }
  EXPECT_GT(refused, 0);
  for (const char* odd : {"[1, 2]", "? [a]\n: b", "apiVersion: v1\nkind: [Pod]\n", "---\n---\n",
                          "apiVersion: v1\nkind: Pod\nmetadata: []\n",
                          "apiVersion: v1\nkind: List\nitems: {a: b}\n", "&a [*a]"}) {
    (void)Decode(odd, "odd.yaml");
  }
}

TEST(ManifestTest, UnknownKindsAndBrokenYaml) {
  auto unknown = Decode("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\n", "d.yaml");
  EXPECT_THAT(unknown, StatusIs(absl::StatusCode::kInvalidArgument,
                                HasSubstr("d.yaml:1: no kind \"Deployment\" is registered for "
                                          "version \"apps/v1\"; known kinds: v1/Namespace")));
  auto broken = Decode("kind: [unclosed\n", "b.yaml");
  EXPECT_THAT(broken, StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("b.yaml:")));
  auto labels = Decode("apiVersion: v1\nkind: Pod\nmetadata:\n  labels: {on: true}\n", "l.yaml");
  EXPECT_THAT(labels,
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("l.yaml:4: metadata.labels[on]: expected a string, got true")));
}

// Aliases of lists of aliases (billion laughs): ten kilobytes of text that
// would expand to a million env vars are refused, fast, with one error.
TEST(ManifestTest, AManifestThatExpandsThroughAliasesIsRefused) {
  std::string env = "[&v {name: A, value: b}";
  std::string containers = "[&c {name: app, image: x, env: ENV}";
  for (int i = 0; i < 999; ++i) {
    env += ", *v";
    containers += ", *c";
  }
  env += "]";
  containers += "]";
  containers.replace(containers.find("ENV"), 3, env);
  std::string text = absl::StrCat(
      "apiVersion: v1\nkind: Pod\nmetadata: {name: lol}\nspec:\n  containers: ", containers, "\n");
  ASSERT_LT(text.size(), 20'000u);
  auto decoded = Decode(text, "lol.yaml");
  EXPECT_THAT(decoded,
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("lol.yaml:5: the manifest expands, through its aliases")));
  EXPECT_EQ(std::count(decoded.status().message().begin(), decoded.status().message().end(), '\n'),
            0)
      << "one error, not one per expanded node";
  // The same aliases, expanding to no more than the text holds, decode.
  auto modest = Decode(
      "apiVersion: v1\nkind: Pod\nmetadata: {name: ok}\nspec:\n  containers:\n"
      "  - &c {name: a, image: x, env: &e [{name: A, value: b}]}\n"
      "  - {name: b, image: x, env: *e}\n",
      "ok.yaml");
  ASSERT_OK(modest);
}

// Nesting deeper than yaml-cpp's guard (2,000) is a parse error, not a stack overflow.
TEST(ManifestTest, ADeeplyNestedManifestIsRefused) {
  EXPECT_THAT(Decode(std::string(100'000, '['), "deep.yaml"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("deep.yaml:")));
  EXPECT_THAT(
      Decode(absl::StrCat("apiVersion: v1\nkind: Pod\nmetadata: ", std::string(50'000, '{')),
             "deep.yaml"),
      StatusIs(absl::StatusCode::kInvalidArgument));
}

// Found by the manifest fuzzer: three bytes on which yaml-cpp 0.7's LoadAll
// allocated until memory ran out (yaml-cpp issue #1040), and their kin.
TEST(ManifestTest, AStrayCommaAfterAFlowCollectionIsRefusedNotLoopedOn) {
  for (const char* text : {"{},", "[],", "{a: 1}, b", "[1] ,", "apiVersion: v1\n---\n{},"}) {
    EXPECT_THAT(Decode(text, "comma.yaml"),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("comma.yaml:")))
        << text;
  }
  ASSERT_OK(Decode("apiVersion: v1\nkind: Pod\nmetadata: {name: a}\n---\n---\n", "ok.yaml"));
}

// Found by the manifest fuzzer: bytes that are not UTF-8 went into string
// fields, which protobuf then could not send. Refused, as kubectl does.
TEST(ManifestTest, TextThatIsNotUtf8IsRefusedNamingTheLine) {
  for (const char* bad : {"\xff", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xe2\x82"}) {
    auto decoded =
        Decode(absl::StrCat("apiVersion: v1\nkind: Pod\nmetadata: {name: \"a", bad, "\"}\n"),
               "bytes.yaml");
    EXPECT_THAT(decoded, StatusIs(absl::StatusCode::kInvalidArgument,
                                  HasSubstr("bytes.yaml:3: not valid UTF-8")));
  }
  auto unicode = Decode(
      "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n  annotations: {note: \"é😀\u200b\"}\n",
      "unicode.yaml");
  ASSERT_OK(unicode);
}

}  // namespace
}  // namespace ordo::manifest
