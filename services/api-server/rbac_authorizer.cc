#include "services/api-server/rbac_authorizer.h"

#include <spdlog/spdlog.h>

#include "absl/strings/str_cat.h"

namespace ordo::apiserver {
namespace {

constexpr const char* kKinds[] = {"Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"};

// Every object of one kind, typed.
template <typename T>
absl::Status ListInto(ApiServer& api, const char* kind, std::vector<T>& out) {
  auto listed = api.registry(kind).List({});
  if (!listed.ok()) return listed.status();
  for (const auto& item : listed->items) out.push_back(static_cast<const T&>(*item));
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<RbacAuthorizer>> RbacAuthorizer::Start(ApiServer& api) {
  std::unique_ptr<RbacAuthorizer> authorizer(new RbacAuthorizer(api));
  if (absl::Status s = authorizer->Reload(); !s.ok()) return s;
  authorizer->thread_ =
      std::jthread([a = authorizer.get()](std::stop_token stop) { a->Run(stop); });
  return authorizer;
}

RbacAuthorizer::~RbacAuthorizer() {
  thread_.request_stop();
  if (thread_.joinable()) thread_.join();
  watchers_.clear();  // before the mutex their callbacks signal goes
}

bool RbacAuthorizer::Allows(const security::UserInfo& user,
                            const authorization::RequestAttributes& request) const {
  std::shared_ptr<const authorization::RbacPolicy> policy;
  {
    absl::ReaderMutexLock lock(&mu_);
    policy = policy_;
  }
  return policy != nullptr && policy->Allows(user, request);
}

absl::Status RbacAuthorizer::Reload() {
  store::Store& store = api_.store();
  int64_t revision = store.CurrentRevision();
  watchers_.clear();
  for (const char* kind : kKinds) {
    auto watcher = store.Watch(api_.registry(kind).info().Prefix(""), revision, [this] {
      absl::MutexLock lock(&signal_mu_);
      signalled_ = true;
    });
    if (!watcher.ok()) return watcher.status();
    watchers_.push_back(*std::move(watcher));
  }
  authorization::RbacObjects objects;
  absl::Status s = ListInto(api_, "Role", objects.roles);
  if (s.ok()) s = ListInto(api_, "ClusterRole", objects.cluster_roles);
  if (s.ok()) s = ListInto(api_, "RoleBinding", objects.role_bindings);
  if (s.ok()) s = ListInto(api_, "ClusterRoleBinding", objects.cluster_role_bindings);
  if (!s.ok()) return s;
  auto policy = std::make_shared<const authorization::RbacPolicy>(std::move(objects));
  absl::MutexLock lock(&mu_);
  policy_ = std::move(policy);
  return absl::OkStatus();
}

void RbacAuthorizer::Run(std::stop_token stop) {
  while (!stop.stop_requested()) {
    {
      absl::MutexLock lock(&signal_mu_);
      // Woken by a watcher's signal; the timeout only lets a stop be seen.
      signal_mu_.AwaitWithTimeout(absl::Condition(&signalled_), absl::Milliseconds(200));
      if (!signalled_) continue;
      signalled_ = false;
    }
    bool changed = false;
    bool broken = false;
    for (auto& w : watchers_) {
      for (;;) {
        auto events = w->Poll(1000);
        if (!events.ok()) {
          broken = true;  // fell out of the window: list again
          break;
        }
        if (events->empty()) break;
        changed = true;
      }
    }
    if (!changed && !broken) continue;
    if (absl::Status s = Reload(); !s.ok()) {
      spdlog::error("RBAC: reloading the policy failed, keeping the last one: {}", s.ToString());
      absl::MutexLock lock(&signal_mu_);
      signalled_ = true;  // try again on the next turn
    }
  }
}

}  // namespace ordo::apiserver
