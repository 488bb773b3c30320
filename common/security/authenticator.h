// Who is calling: the api-server's authentication, as Kubernetes does it.
// A call is authenticated by its bearer token (`authorization: Bearer T`,
// looked up in a --token-auth-file) or else by the client certificate the TLS
// handshake verified: its CN is the user, each O a group. Every authenticated
// user is also in `system:authenticated`. A call with neither, or with an
// unknown token, is UNAUTHENTICATED ("Unauthorized", Kubernetes' 401).
// The result is stored in the call's AuthContext; handlers read it with
// UserOf(). Runs inline on gRPC's thread (no blocking work: the certificate
// parse is cached). Thread-safe.
#pragma once

#include <grpcpp/grpcpp.h>
#include <grpcpp/security/auth_metadata_processor.h>

#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "common/security/token_file.h"

namespace ordo::security {

inline constexpr char kAuthenticatedGroup[] = "system:authenticated";
// Kubernetes' impersonation headers, as gRPC metadata (lower case).
inline constexpr char kImpersonateUserHeader[] = "impersonate-user";
inline constexpr char kImpersonateGroupHeader[] = "impersonate-group";

struct UserInfo {
  std::string name;
  std::string uid;
  std::vector<std::string> groups;
};

class Authenticator : public grpc::AuthMetadataProcessor {
 public:
  explicit Authenticator(TokenFile tokens = {}) : tokens_(std::move(tokens)) {}

  bool IsBlocking() const override { return false; }
  grpc::Status Process(const InputMetadata& auth_metadata, grpc::AuthContext* context,
                       OutputMetadata* consumed_auth_metadata,
                       OutputMetadata* response_metadata) override;

 private:
  std::optional<UserInfo> FromCertificate(const std::string& pem);

  const TokenFile tokens_;
  absl::Mutex mu_;
  // Parsed subjects by PEM: a connection's calls all present one certificate.
  absl::flat_hash_map<std::string, UserInfo> by_certificate_ ABSL_GUARDED_BY(mu_);
};

// The user an Authenticator recorded for this call, or nullopt when the server
// runs without one (plaintext).
std::optional<UserInfo> UserOf(const grpc::ServerContextBase& context);

}  // namespace ordo::security
