#include "common/security/authenticator.h"

#include <grpc/grpc_security_constants.h>

#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "common/security/certificates.h"

namespace ordo::security {
namespace {

// Certificates remembered before the cache starts again (a bound, not a tuning).
constexpr size_t kMaxCachedCertificates = 4096;

}  // namespace

std::optional<UserInfo> Authenticator::FromCertificate(const grpc::AuthContext& context) {
  std::vector<grpc::string_ref> pems = context.FindPropertyValues(GRPC_X509_PEM_CERT_PROPERTY_NAME);
  if (pems.empty()) return std::nullopt;
  absl::string_view pem(pems.front().data(), pems.front().size());
  {
    absl::ReaderMutexLock lock(&mu_);
    auto it = by_certificate_.find(pem);  // no copy of the PEM on the common path
    if (it != by_certificate_.end()) return it->second;
  }
  auto info = ParseCertificate(pem);
  if (!info.ok() || info->subject.common_name.empty()) return std::nullopt;
  UserInfo user{.name = info->subject.common_name, .groups = info->subject.organizations};
  user.groups.push_back(kAuthenticatedGroup);
  absl::MutexLock lock(&mu_);
  if (by_certificate_.size() >= kMaxCachedCertificates) by_certificate_.clear();
  by_certificate_.emplace(std::string(pem), user);
  return user;
}

std::optional<UserInfo> Authenticator::FromToken(absl::string_view authorization) const {
  if (!absl::ConsumePrefix(&authorization, "Bearer ")) return std::nullopt;
  const TokenUser* found = tokens_.Find(std::string(authorization));
  if (found == nullptr) return std::nullopt;
  UserInfo user{.name = found->name, .uid = found->uid, .groups = found->groups};
  user.groups.push_back(kAuthenticatedGroup);
  return user;
}

grpc::Status Authenticator::Process(const InputMetadata& auth_metadata, grpc::AuthContext* context,
                                    OutputMetadata* /*consumed_auth_metadata*/,
                                    OutputMetadata* /*response_metadata*/) {
  // The handshake verified the certificate against the cluster CA; a
  // certificate comes first, as in kube-apiserver's chain of authenticators.
  std::optional<UserInfo> user;
  if (context != nullptr) user = FromCertificate(*context);
  if (!user.has_value()) {
    auto header = auth_metadata.find("authorization");
    if (header != auth_metadata.end()) {
      user = FromToken(absl::string_view(header->second.data(), header->second.size()));
    }
  }
  if (!user.has_value()) return grpc::Status(grpc::StatusCode::UNAUTHENTICATED, "Unauthorized");
  return admit_ ? admit_(*user) : grpc::Status::OK;
}

std::optional<UserInfo> Authenticator::UserOf(const grpc::ServerContextBase& context) {
  std::shared_ptr<const grpc::AuthContext> auth = context.auth_context();
  if (auth != nullptr) {
    if (auto user = FromCertificate(*auth)) return user;
  }
  const auto& metadata = context.client_metadata();
  auto header = metadata.find("authorization");
  if (header == metadata.end()) return std::nullopt;
  return FromToken(absl::string_view(header->second.data(), header->second.size()));
}

}  // namespace ordo::security
