// RBAC for the api-server: the Roles, ClusterRoles, RoleBindings and
// ClusterRoleBindings of the store, compiled into one RbacPolicy and kept
// current by store watches (one per kind, in process), as kube-apiserver's
// authorizer keeps informer caches. A change is visible to Allows() within
// milliseconds of its commit. Allows() only reads the current snapshot (a
// shared_ptr copy under a reader lock); a thread of its own rebuilds the
// snapshot after changes. Thread-safe.
#pragma once

#include <memory>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "common/store/store.h"
#include "services/api-server/api_server.h"
#include "services/api-server/authorization/authorizer.h"
#include "services/api-server/authorization/rbac_policy.h"

namespace ordo::apiserver {

class RbacAuthorizer : public authorization::Authorizer {
 public:
  // Reads the four kinds and starts following them.
  static absl::StatusOr<std::unique_ptr<RbacAuthorizer>> Start(ApiServer& api);
  ~RbacAuthorizer() override;

  bool Allows(const security::UserInfo& user,
              const authorization::RequestAttributes& request) const override;

 private:
  explicit RbacAuthorizer(ApiServer& api) : api_(api) {}
  // Opens the watches, then lists and swaps in a new policy (so no change
  // between the two is missed).
  absl::Status Reload();
  void Run(std::stop_token stop);

  ApiServer& api_;
  mutable absl::Mutex mu_;
  std::shared_ptr<const authorization::RbacPolicy> policy_ ABSL_GUARDED_BY(mu_);
  // Only the Run thread (and Start, before it) touches the watchers.
  std::vector<std::unique_ptr<store::Watcher>> watchers_;
  absl::Mutex signal_mu_;
  bool signalled_ ABSL_GUARDED_BY(signal_mu_) = false;
  std::jthread thread_;
};

}  // namespace ordo::apiserver
