#include "common/security/authenticator.h"

#include <grpc/grpc_security_constants.h>

#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "common/security/certificates.h"

namespace ordo::security {
namespace {

constexpr char kUserProperty[] = "ordo.user";
constexpr char kUidProperty[] = "ordo.uid";
constexpr char kGroupProperty[] = "ordo.group";
// Certificates remembered before the cache starts again (a bound, not a tuning).
constexpr size_t kMaxCachedCertificates = 4096;

void Record(const UserInfo& user, grpc::AuthContext* context) {
  context->AddProperty(kUserProperty, user.name);
  if (!user.uid.empty()) context->AddProperty(kUidProperty, user.uid);
  for (const std::string& g : user.groups) context->AddProperty(kGroupProperty, g);
  context->AddProperty(kGroupProperty, kAuthenticatedGroup);
}

}  // namespace

std::optional<UserInfo> Authenticator::FromCertificate(const std::string& pem) {
  {
    absl::MutexLock lock(&mu_);
    auto it = by_certificate_.find(pem);
    if (it != by_certificate_.end()) return it->second;
  }
  auto info = ParseCertificate(pem);
  if (!info.ok() || info->subject.common_name.empty()) return std::nullopt;
  UserInfo user{.name = info->subject.common_name, .groups = info->subject.organizations};
  absl::MutexLock lock(&mu_);
  if (by_certificate_.size() >= kMaxCachedCertificates) by_certificate_.clear();
  by_certificate_.emplace(pem, user);
  return user;
}

grpc::Status Authenticator::Process(const InputMetadata& auth_metadata, grpc::AuthContext* context,
                                    OutputMetadata* consumed_auth_metadata,
                                    OutputMetadata* /*response_metadata*/) {
  // The handshake verified the certificate against the cluster CA; a
  // certificate comes first, as in kube-apiserver's chain of authenticators.
  std::vector<grpc::string_ref> pems =
      context->FindPropertyValues(GRPC_X509_PEM_CERT_PROPERTY_NAME);
  if (!pems.empty()) {
    if (auto user = FromCertificate(std::string(pems.front().data(), pems.front().size()))) {
      Record(*user, context);
      return grpc::Status::OK;
    }
  }
  auto header = auth_metadata.find("authorization");
  if (header != auth_metadata.end()) {
    absl::string_view value(header->second.data(), header->second.size());
    if (absl::ConsumePrefix(&value, "Bearer ")) {
      if (const TokenUser* found = tokens_.Find(std::string(value))) {
        Record({.name = found->name, .uid = found->uid, .groups = found->groups}, context);
        consumed_auth_metadata->emplace("authorization",
                                        std::string(header->second.data(), header->second.size()));
        return grpc::Status::OK;
      }
    }
  }
  return grpc::Status(grpc::StatusCode::UNAUTHENTICATED, "Unauthorized");
}

std::optional<UserInfo> UserOf(const grpc::ServerContextBase& context) {
  std::shared_ptr<const grpc::AuthContext> auth = context.auth_context();
  if (auth == nullptr) return std::nullopt;
  std::vector<grpc::string_ref> names = auth->FindPropertyValues(kUserProperty);
  if (names.empty()) return std::nullopt;
  UserInfo user{.name = std::string(names.front().data(), names.front().size())};
  for (const auto& uid : auth->FindPropertyValues(kUidProperty)) {
    user.uid.assign(uid.data(), uid.size());
  }
  for (const auto& g : auth->FindPropertyValues(kGroupProperty)) {
    user.groups.emplace_back(g.data(), g.size());
  }
  return user;
}

}  // namespace ordo::security
