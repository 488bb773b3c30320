#include "common/security/kubeconfig.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"

namespace ordo::security {
namespace {

using ::ordo::testing::StatusIs;
using ::testing::HasSubstr;

Kubeconfig Sample() {
  Kubeconfig config;
  config.clusters.push_back(
      {.name = "ordo", .server = "https://127.0.0.1:6443", .certificate_authority_data = "CA\n"});
  config.users.push_back({.name = "admin",
                          .client_certificate_data = "CERT\n",
                          .client_key_data = "KEY\n",
                          .token = "t0k"});
  config.contexts.push_back(
      {.name = "admin@ordo", .cluster = "ordo", .user = "admin", .ns = "web"});
  config.current_context = "admin@ordo";
  return config;
}

TEST(KubeconfigTest, WrittenIsReadBack) {
  std::string text = FormatKubeconfig(Sample());
  EXPECT_THAT(text, HasSubstr("kind: Config"));
  EXPECT_THAT(text, HasSubstr("certificate-authority-data: Q0EK"));  // base64, as kubectl writes
  auto config = ParseKubeconfig(text, "k");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->current_context, "admin@ordo");
  ASSERT_EQ(config->clusters.size(), 1u);
  EXPECT_EQ(config->clusters[0].certificate_authority_data, "CA\n");
  ASSERT_EQ(config->users.size(), 1u);
  EXPECT_EQ(config->users[0].client_key_data, "KEY\n");
  EXPECT_EQ(config->users[0].token, "t0k");
  EXPECT_EQ(config->contexts[0].ns, "web");
}

TEST(KubeconfigTest, LoadsAContextWithFilesRelativeToTheKubeconfig) {
  testing::TempDir dir;
  std::ofstream(dir.Join("ca.crt")) << "CA-PEM";
  std::ofstream(dir.Join("jane.crt")) << "CERT-PEM";
  std::ofstream(dir.Join("jane.key")) << "KEY-PEM";
  std::ofstream(dir.Join("config")) << R"(apiVersion: v1
kind: Config
clusters:
- name: c
  cluster: {server: "https://10.0.0.1:6443/", certificate-authority: ca.crt}
users:
- name: jane
  user: {client-certificate: jane.crt, client-key: jane.key}
contexts:
- name: one
  context: {cluster: c, user: jane, namespace: dev}
- name: two
  context: {cluster: c, user: jane}
current-context: two
preferences: {}
)";
  auto creds = LoadCredentials(dir.Join("config"), "one");
  ASSERT_TRUE(creds.ok()) << creds.status();
  EXPECT_EQ(creds->server, "10.0.0.1:6443");
  EXPECT_EQ(creds->ca_pem, "CA-PEM");
  EXPECT_EQ(creds->cert_pem, "CERT-PEM");
  EXPECT_EQ(creds->key_pem, "KEY-PEM");
  EXPECT_EQ(creds->ns, "dev");
  EXPECT_EQ(LoadCredentials(dir.Join("config"), "")->ns, "");
  EXPECT_THAT(LoadCredentials(dir.Join("config"), "three"),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("context \"three\" does not exist")));
  EXPECT_THAT(LoadCredentials(dir.Join("missing"), ""), StatusIs(absl::StatusCode::kNotFound));
}

TEST(KubeconfigTest, WhatOrdoCannotHonourIsRefusedByName) {
  EXPECT_THAT(
      ParseKubeconfig("users:\n- name: u\n  user:\n    exec: {command: aws}\n", "k"),
      StatusIs(absl::StatusCode::kInvalidArgument, "k: users[0].user.exec: not supported by ordo"));
  EXPECT_THAT(
      ParseKubeconfig("clusters:\n- name: c\n  cluster: {insecure-skip-tls-verify: true}\n", "k"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("insecure-skip-tls-verify: not supported")));
  EXPECT_THAT(ParseKubeconfig("users:\n- user: {}\n", "k"),
              StatusIs(absl::StatusCode::kInvalidArgument, "k: users[0].name: Required value"));
  EXPECT_THAT(ParseKubeconfig("kind: Pod\n", "k"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("kind: Unsupported value")));
  EXPECT_THAT(ParseKubeconfig("clusterz: []\n", "k"),
              StatusIs(absl::StatusCode::kInvalidArgument, "k: clusterz: unknown field"));
  EXPECT_THAT(ParseKubeconfig("users:\n- name: u\n  user: {client-key-data: '***'}\n", "k"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("not valid base64")));
  EXPECT_THAT(ParseKubeconfig("[unclosed", "k"), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(KubeconfigTest, PlaintextServersAreRefused) {
  testing::TempDir dir;
  std::ofstream(dir.Join("config"))
      << "clusters: [{name: c, cluster: {server: 'http://x:1'}}]\n"
         "contexts: [{name: a, context: {cluster: c}}]\ncurrent-context: a\n";
  EXPECT_THAT(LoadCredentials(dir.Join("config"), ""),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("plaintext")));
}

}  // namespace
}  // namespace ordo::security
