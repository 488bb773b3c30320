#include "common/security/kubeconfig.h"

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/status/status_macros.h"

namespace ordo::security {
namespace {

// Reads the entries of one list (`clusters`, ...): each a map with `name` and
// the `body` key (`cluster`), whose fields go through `field(path, key, value)`.
template <typename Field>
absl::Status ReadEntries(const YAML::Node& root, const std::string& list, const std::string& body,
                         absl::string_view source, const std::function<void(std::string)>& begin,
                         Field field) {
  YAML::Node items = root[list];
  if (!items || items.IsNull()) return absl::OkStatus();
  if (!items.IsSequence()) {
    return absl::InvalidArgumentError(absl::StrCat(source, ": ", list, ": must be a list"));
  }
  for (size_t i = 0; i < items.size(); ++i) {
    std::string path = absl::StrCat(list, "[", i, "]");
    const YAML::Node& item = items[i];
    if (!item.IsMap() || !item["name"] || !item["name"].IsScalar()) {
      return absl::InvalidArgumentError(absl::StrCat(source, ": ", path, ".name: Required value"));
    }
    begin(item["name"].as<std::string>());
    const YAML::Node& fields = item[body];
    if (!fields || fields.IsNull()) continue;
    if (!fields.IsMap()) {
      return absl::InvalidArgumentError(
          absl::StrCat(source, ": ", path, ".", body, ": must be a map"));
    }
    for (const auto& kv : fields) {
      std::string key = kv.first.as<std::string>();
      std::string at = absl::StrCat(source, ": ", path, ".", body, ".", key);
      if (key == "extensions") continue;
      if (!kv.second.IsScalar()) {
        return absl::InvalidArgumentError(absl::StrCat(at, ": not supported by ordo"));
      }
      ORDO_RETURN_IF_ERROR(field(at, key, kv.second.as<std::string>()));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> Decode(const std::string& at, const std::string& base64) {
  std::string out;
  if (!absl::Base64Unescape(base64, &out)) {
    return absl::InvalidArgumentError(absl::StrCat(at, ": not valid base64"));
  }
  return out;
}

absl::Status Unsupported(const std::string& at) {
  return absl::InvalidArgumentError(absl::StrCat(at, ": not supported by ordo"));
}

absl::StatusOr<std::string> ReadFile(const std::filesystem::path& path, const std::string& what) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat(what, ": cannot read ", path.string()));
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// A field's PEM: inline data, else the file it names (relative to `dir`).
absl::StatusOr<std::string> Pem(const std::string& data, const std::string& file,
                                const std::filesystem::path& dir, const std::string& what) {
  if (!data.empty() || file.empty()) return data;
  std::filesystem::path path(file);
  if (path.is_relative()) path = dir / path;
  return ReadFile(path, what);
}

}  // namespace

absl::StatusOr<Kubeconfig> ParseKubeconfig(absl::string_view yaml, absl::string_view source) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError(absl::StrCat(source, ": ", e.what()));
  }
  if (!root.IsMap()) return absl::InvalidArgumentError(absl::StrCat(source, ": not a kubeconfig"));
  static const std::set<std::string> kTop = {"apiVersion",  "kind",      "clusters",
                                             "users",       "contexts",  "current-context",
                                             "preferences", "extensions"};
  for (const auto& kv : root) {
    std::string key = kv.first.as<std::string>();
    if (!kTop.contains(key)) {
      return absl::InvalidArgumentError(absl::StrCat(source, ": ", key, ": unknown field"));
    }
  }
  if (root["kind"] && root["kind"].as<std::string>() != "Config") {
    return absl::InvalidArgumentError(absl::StrCat(source, ": kind: Unsupported value: \"",
                                                   root["kind"].as<std::string>(),
                                                   "\": supported values: \"Config\""));
  }
  Kubeconfig config;
  if (root["current-context"] && root["current-context"].IsScalar()) {
    config.current_context = root["current-context"].as<std::string>();
  }
  ORDO_RETURN_IF_ERROR(ReadEntries(
      root, "clusters", "cluster", source,
      [&](std::string name) { config.clusters.push_back({.name = std::move(name)}); },
      [&](const std::string& at, const std::string& key, const std::string& value) -> absl::Status {
        Kubeconfig::Cluster& c = config.clusters.back();
        if (key == "server") {
          c.server = value;
        } else if (key == "certificate-authority") {
          c.certificate_authority = value;
        } else if (key == "certificate-authority-data") {
          ORDO_ASSIGN_OR_RETURN(c.certificate_authority_data, Decode(at, value));
        } else if (key == "insecure-skip-tls-verify" && value == "false") {
        } else {
          return Unsupported(at);
        }
        return absl::OkStatus();
      }));
  ORDO_RETURN_IF_ERROR(ReadEntries(
      root, "users", "user", source,
      [&](std::string name) { config.users.push_back({.name = std::move(name)}); },
      [&](const std::string& at, const std::string& key, const std::string& value) -> absl::Status {
        Kubeconfig::User& u = config.users.back();
        if (key == "client-certificate") {
          u.client_certificate = value;
        } else if (key == "client-certificate-data") {
          ORDO_ASSIGN_OR_RETURN(u.client_certificate_data, Decode(at, value));
        } else if (key == "client-key") {
          u.client_key = value;
        } else if (key == "client-key-data") {
          ORDO_ASSIGN_OR_RETURN(u.client_key_data, Decode(at, value));
        } else if (key == "token") {
          u.token = value;
        } else {
          return Unsupported(at);
        }
        return absl::OkStatus();
      }));
  ORDO_RETURN_IF_ERROR(ReadEntries(
      root, "contexts", "context", source,
      [&](std::string name) { config.contexts.push_back({.name = std::move(name)}); },
      [&](const std::string& at, const std::string& key, const std::string& value) -> absl::Status {
        Kubeconfig::Context& c = config.contexts.back();
        if (key == "cluster") {
          c.cluster = value;
        } else if (key == "user") {
          c.user = value;
        } else if (key == "namespace") {
          c.ns = value;
        } else {
          return Unsupported(at);
        }
        return absl::OkStatus();
      }));
  return config;
}

std::string FormatKubeconfig(const Kubeconfig& config) {
  YAML::Emitter out;
  auto pair = [&](const std::string& key, const std::string& value) {
    if (!value.empty()) out << YAML::Key << key << YAML::Value << value;
  };
  out << YAML::BeginMap;
  pair("apiVersion", "v1");
  pair("kind", "Config");
  out << YAML::Key << "clusters" << YAML::Value << YAML::BeginSeq;
  for (const auto& c : config.clusters) {
    out << YAML::BeginMap;
    pair("name", c.name);
    out << YAML::Key << "cluster" << YAML::Value << YAML::BeginMap;
    pair("server", c.server);
    pair("certificate-authority", c.certificate_authority);
    pair("certificate-authority-data", absl::Base64Escape(c.certificate_authority_data));
    out << YAML::EndMap << YAML::EndMap;
  }
  out << YAML::EndSeq << YAML::Key << "users" << YAML::Value << YAML::BeginSeq;
  for (const auto& u : config.users) {
    out << YAML::BeginMap;
    pair("name", u.name);
    out << YAML::Key << "user" << YAML::Value << YAML::BeginMap;
    pair("client-certificate", u.client_certificate);
    pair("client-certificate-data", absl::Base64Escape(u.client_certificate_data));
    pair("client-key", u.client_key);
    pair("client-key-data", absl::Base64Escape(u.client_key_data));
    pair("token", u.token);
    out << YAML::EndMap << YAML::EndMap;
  }
  out << YAML::EndSeq << YAML::Key << "contexts" << YAML::Value << YAML::BeginSeq;
  for (const auto& c : config.contexts) {
    out << YAML::BeginMap;
    pair("name", c.name);
    out << YAML::Key << "context" << YAML::Value << YAML::BeginMap;
    pair("cluster", c.cluster);
    pair("user", c.user);
    pair("namespace", c.ns);
    out << YAML::EndMap << YAML::EndMap;
  }
  out << YAML::EndSeq;
  pair("current-context", config.current_context);
  out << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

absl::StatusOr<ClientCredentials> LoadCredentials(const std::string& path,
                                                  const std::string& context) {
  ORDO_ASSIGN_OR_RETURN(std::string text, ReadFile(path, "kubeconfig"));
  ORDO_ASSIGN_OR_RETURN(Kubeconfig config, ParseKubeconfig(text, path));
  std::string name = context.empty() ? config.current_context : context;
  if (name.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": no current-context set and no --context given"));
  }
  const Kubeconfig::Context* ctx = nullptr;
  for (const auto& c : config.contexts) {
    if (c.name == name) ctx = &c;
  }
  if (ctx == nullptr) {
    return absl::NotFoundError(absl::StrCat(path, ": context \"", name, "\" does not exist"));
  }
  const Kubeconfig::Cluster* cluster = nullptr;
  for (const auto& c : config.clusters) {
    if (c.name == ctx->cluster) cluster = &c;
  }
  if (cluster == nullptr) {
    return absl::NotFoundError(absl::StrCat(path, ": cluster \"", ctx->cluster, "\" of context \"",
                                            name, "\" does not exist"));
  }
  const Kubeconfig::User* user = nullptr;
  for (const auto& u : config.users) {
    if (u.name == ctx->user) user = &u;
  }
  if (user == nullptr && !ctx->user.empty()) {
    return absl::NotFoundError(
        absl::StrCat(path, ": user \"", ctx->user, "\" of context \"", name, "\" does not exist"));
  }
  std::filesystem::path dir = std::filesystem::path(path).parent_path();
  ClientCredentials out;
  absl::string_view server = cluster->server;
  absl::ConsumePrefix(&server, "https://");
  if (absl::StartsWith(server, "http://")) {
    return absl::InvalidArgumentError(absl::StrCat(
        path, ": clusters \"", cluster->name, "\": server: plaintext http:// is not supported"));
  }
  out.server = std::string(absl::StripSuffix(server, "/"));
  out.ns = ctx->ns;
  ORDO_ASSIGN_OR_RETURN(
      out.ca_pem, Pem(cluster->certificate_authority_data, cluster->certificate_authority, dir,
                      "certificate-authority"));
  if (user != nullptr) {
    ORDO_ASSIGN_OR_RETURN(out.cert_pem, Pem(user->client_certificate_data, user->client_certificate,
                                            dir, "client-certificate"));
    ORDO_ASSIGN_OR_RETURN(out.key_pem,
                          Pem(user->client_key_data, user->client_key, dir, "client-key"));
    out.token = user->token;
  }
  if (out.cert_pem.empty() != out.key_pem.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        path, ": user \"", ctx->user, "\": client-certificate and client-key go together"));
  }
  return out;
}

}  // namespace ordo::security
