// The api-server's question for every call: may this user do this? One
// implementation per mode (RbacAuthorizer over the RBAC kinds); none at all
// on a plaintext server, which authenticates nobody. Implementations are
// safe from any thread.
#pragma once

#include "common/security/authenticator.h"
#include "services/api-server/authorization/request_attributes.h"

namespace ordo::authorization {

class Authorizer {
 public:
  virtual ~Authorizer() = default;
  virtual bool Allows(const security::UserInfo& user, const RequestAttributes& request) const = 0;
};

}  // namespace ordo::authorization
