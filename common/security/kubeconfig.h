// kubeconfig: the YAML file kubectl reads (clusters, users, contexts), read
// and written for ordo's clients. ordoctl and every component take one
// (`--kubeconfig`), so an administrator's file works with both tools. Fields
// ordo does not use (exec plugins, auth providers, proxies) are refused by
// name rather than ignored, so a credential is never silently dropped.
// Paths in the file are relative to the file's directory, as kubectl reads them.
// Stateless functions; safe from any thread.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace ordo::security {

struct Kubeconfig {
  struct Cluster {
    std::string name;
    std::string server;                      // https://HOST:PORT or HOST:PORT
    std::string certificate_authority;       // a path, or
    std::string certificate_authority_data;  // PEM (base64 in the file)
  };
  struct User {
    std::string name;
    std::string client_certificate;       // a path, or
    std::string client_certificate_data;  // PEM (base64 in the file)
    std::string client_key;
    std::string client_key_data;
    std::string token;
  };
  struct Context {
    std::string name;
    std::string cluster;
    std::string user;
    std::string ns;
  };
  std::vector<Cluster> clusters;
  std::vector<User> users;
  std::vector<Context> contexts;
  std::string current_context;
};

// Parses a kubeconfig; `source` names it in errors (`FILE: users[0].user.exec:
// not supported by ordo`).
absl::StatusOr<Kubeconfig> ParseKubeconfig(absl::string_view yaml, absl::string_view source);
// The YAML kubectl writes (apiVersion v1, kind Config; *-data fields base64).
std::string FormatKubeconfig(const Kubeconfig& config);

// What one context of a kubeconfig gives a client, with every file read.
struct ClientCredentials {
  std::string server;  // a gRPC target: HOST:PORT, the scheme removed
  std::string ca_pem;
  std::string cert_pem;
  std::string key_pem;
  std::string token;
  std::string ns;  // the context's namespace, or empty
  // Act as this user (and groups): kubectl's --as / --as-group. The server
  // lets only those allowed to `impersonate` them do it.
  std::string impersonate_user;
  std::vector<std::string> impersonate_groups;
};

// Loads the credentials of `context` (empty: current-context) of the
// kubeconfig at `path`. Errors name the file and what is missing.
absl::StatusOr<ClientCredentials> LoadCredentials(const std::string& path,
                                                  const std::string& context);

}  // namespace ordo::security
