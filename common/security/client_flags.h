// How an ordo component finds the api-server and proves who it is: the
// --kubeconfig flag (kube-scheduler's and kubelet's name) and the component's
// own --server. The kubeconfig gives the address, the CA and the client
// certificate; --server, when set, overrides its address. Without a
// kubeconfig the component dials --server (default 127.0.0.1:6443) in
// plaintext. Linked into a binary only when it calls ClientFromFlags. Call
// after flags are parsed.
#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "common/security/kubeconfig.h"

namespace ordo::security {

// `server` is the component's --server flag ("" when not given).
absl::StatusOr<ClientCredentials> ClientFromFlags(const std::string& server);

// ClientFromFlags, then a channel to the api-server with those credentials.
absl::StatusOr<std::shared_ptr<grpc::Channel>> DialFromFlags(const std::string& server);

}  // namespace ordo::security
