// FakeObjectStore is the one api-server every unit test's fakes write
// through (client-go's ObjectTracker): typed objects of every registered
// kind, each kind in an informer::Indexer the code under test reads with its
// listers, so a write is visible at once. It stamps what the api-server
// stamps: a new object gets a uid ("uid-N"), creationTimestamp and
// generation 1; every write takes the next resourceVersion (one counter for
// all kinds); a spec change bumps generation; Update keeps the status of a
// kind with a status subresource and UpdateStatus changes only that. An
// update carrying a resourceVersion is compare-and-swap (ABORTED on a
// conflict, as the api-server's 409); a delete with a uid precondition
// refuses another incarnation. Deleting an object with finalizers, or a pod
// that is neither finished nor deleted with grace 0, only marks it
// (deletionTimestamp): tests play the kubelet and the finalizers' owners.
// Unlike the api-server, an unscheduled pod is deleted gracefully too, so a
// test decides when it is gone. An update that leaves a marked object with
// no finalizers removes it.
// Every API call is logged as an Action; Put (a test's setup: what a user or
// another component did) is not.
// Thread-safe: writes are serialised; reads go to the Indexers.
#pragma once

#include <google/protobuf/message.h>
#include <google/protobuf/util/message_differencer.h>

#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/api/kinds.h"
#include "common/clock/clock.h"
#include "common/informer/indexer.h"

namespace ordo::testing {

// One API call made to the store.
struct Action {
  std::string verb;         // "create", "update", "delete"
  std::string subresource;  // "status" for UpdateStatus, else empty
  std::string resource;     // the kind's plural: "pods"
  std::string ns;
  std::string name;
  // The object before and after the call; null before a create and after a
  // delete that removed it.
  std::shared_ptr<const google::protobuf::Message> before;
  std::shared_ptr<const google::protobuf::Message> after;

  // "create pods default/web-0", "update pods/status default/web-0".
  std::string ToString() const;
};

struct DeleteOptions {
  std::string uid;                              // precondition, when set
  std::optional<int64_t> grace_period_seconds;  // pods: 0 deletes at once
  std::string propagation_policy;               // "Orphan"/"Foreground" add finalizers
};

class FakeObjectStore {
 public:
  explicit FakeObjectStore(Clock& clock) : clock_(clock) {}
  FakeObjectStore(const FakeObjectStore&) = delete;
  FakeObjectStore& operator=(const FakeObjectStore&) = delete;

  // The time the store stamps with; fakes built on it use it too.
  Clock& clock() { return clock_; }

  // The cache of kind T, which listers read (add indexes before any write).
  template <api::Kind T>
  informer::Indexer<T>& Cache() {
    return std::get<informer::Indexer<T>>(caches_);
  }
  template <api::Kind T>
  informer::Lister<T> Lister() {
    return informer::Lister<T>(Cache<T>());
  }
  // The stored object, or null.
  template <api::Kind T>
  std::shared_ptr<const T> Find(const std::string& ns, const std::string& name) {
    return Cache<T>().Get(Key<T>(ns, name));
  }

  // Stores `obj` as a test's setup, unlogged: a namespaced object without a
  // namespace goes to "default"; uid, creationTimestamp and generation are
  // filled when missing; the status is kept as given.
  template <api::Kind T>
  T Put(T obj) {
    absl::MutexLock lock(&mu_);
    auto& meta = *obj.mutable_metadata();
    DefaultNamespace<T>(meta);
    auto old = Cache<T>().Get(informer::KeyOf(meta));
    if (old != nullptr) {
      const auto& was = old->metadata();
      if (meta.uid().empty()) meta.set_uid(was.uid());
      if (!meta.has_creation_timestamp())
        *meta.mutable_creation_timestamp() = was.creation_timestamp();
      meta.set_generation(was.generation() + (SpecChanged(*old, obj) ? 1 : 0));
    } else {
      if (meta.uid().empty()) meta.set_uid(NextUid());
      if (!meta.has_creation_timestamp()) StampCreation(meta);
      if (meta.generation() == 0) meta.set_generation(1);
    }
    meta.set_resource_version(NextVersion());
    Cache<T>().Upsert(std::make_shared<const T>(obj));
    return obj;
  }

  template <api::Kind T>
  absl::StatusOr<T> Get(const std::string& ns, const std::string& name) {
    auto obj = Find<T>(ns, name);
    if (obj == nullptr) return NotFound<T>(name);
    return *obj;
  }

  template <api::Kind T>
  absl::StatusOr<T> Create(T obj) {
    absl::MutexLock lock(&mu_);
    auto& meta = *obj.mutable_metadata();
    DefaultNamespace<T>(meta);
    if (Cache<T>().Get(informer::KeyOf(meta)) != nullptr) {
      return absl::AlreadyExistsError(
          absl::StrCat(api::KindTraits<T>::kPlural, " \"", meta.name(), "\" already exists"));
    }
    meta.set_uid(NextUid());
    StampCreation(meta);
    meta.set_generation(1);
    meta.clear_deletion_timestamp();
    meta.set_resource_version(NextVersion());
    if constexpr (api::KindTraits<T>::kHasStatus) {
      obj.clear_status();
      if constexpr (requires { obj.mutable_status()->set_phase(""); }) {
        if constexpr (!std::is_same_v<T, core::v1::Namespace> &&
                      !std::is_same_v<T, core::v1::Node>) {
          obj.mutable_status()->set_phase("Pending");
        }
      }
    }
    auto after = std::make_shared<const T>(obj);
    Cache<T>().Upsert(after);
    Log<T>("create", "", meta, nullptr, after);
    return obj;
  }

  template <api::Kind T>
  absl::StatusOr<T> Update(const T& obj) {
    return Write(obj, /*status_only=*/false);
  }

  template <api::Kind T>
  requires api::KindTraits<T>::kHasStatus absl::StatusOr<T> UpdateStatus(const T& obj) {
    return Write(obj, /*status_only=*/true);
  }

  template <api::Kind T>
  absl::Status Delete(const std::string& ns, const std::string& name,
                      const DeleteOptions& options = {}) {
    absl::MutexLock lock(&mu_);
    std::string key = Key<T>(ns, name);
    auto old = Cache<T>().Get(key);
    if (old == nullptr) return NotFound<T>(name);
    const auto& current = old->metadata();
    if (!options.uid.empty() && options.uid != current.uid()) {
      return absl::AbortedError(absl::StrCat("Precondition failed: UID in precondition: ",
                                             options.uid, ", UID in object meta: ", current.uid()));
    }
    T marked = *old;
    auto& meta = *marked.mutable_metadata();
    if (options.propagation_policy == "Orphan") AddFinalizer(meta, "orphan");
    if (options.propagation_policy == "Foreground") AddFinalizer(meta, "foregroundDeletion");
    if (meta.finalizers_size() == 0 && !DeletesGracefully(*old, options)) {
      Cache<T>().Remove(key);
      Log<T>("delete", "", current, old, nullptr);
      return absl::OkStatus();
    }
    if (!meta.has_deletion_timestamp()) SetDeletionTimestamp(meta);
    meta.set_resource_version(NextVersion());
    auto after = std::make_shared<const T>(std::move(marked));
    Cache<T>().Upsert(after);
    Log<T>("delete", "", current, old, after);
    return absl::OkStatus();
  }

  // A read-modify-write of the whole object, spec and status (the
  // api-server's GuaranteedUpdate, as a pod's binding does): `mutate` may
  // refuse with an error, which changes nothing. Logged as `verb` on
  // `subresource` ("create", "binding").
  template <api::Kind T, typename Mutate>
  absl::StatusOr<T> Apply(const std::string& verb, const std::string& subresource,
                          const std::string& ns, const std::string& name, Mutate mutate) {
    absl::MutexLock lock(&mu_);
    std::string key = Key<T>(ns, name);
    auto old = Cache<T>().Get(key);
    if (old == nullptr) return NotFound<T>(name);
    T updated = *old;
    absl::Status s = mutate(updated);
    if (!s.ok()) return s;
    KeepServerFields(old->metadata(), *updated.mutable_metadata());
    updated.mutable_metadata()->set_resource_version(NextVersion());
    auto after = std::make_shared<const T>(updated);
    Cache<T>().Upsert(after);
    actions_.push_back({verb, subresource, api::KindTraits<T>::kPlural, ns, name, old, after});
    return updated;
  }

  // Removes an object outright, unlogged (a kubelet's confirmation, a test's
  // teardown). Returns whether it was there.
  template <api::Kind T>
  bool Remove(const std::string& ns, const std::string& name) {
    absl::MutexLock lock(&mu_);
    return Cache<T>().Remove(Key<T>(ns, name)) != nullptr;
  }

  // The API calls made since the last call, in order.
  std::vector<Action> TakeActions();

  // The kinds by plural, for fakes of dynamic clients (the garbage
  // collector's): calls fn.template operator()<T>() for the kind whose plural
  // is `resource`; false when no kind has it.
  template <typename Fn>
  static bool VisitKind(const std::string& resource, Fn&& fn) {
    bool found = false;
    api::ForEachKind([&]<typename T>() {
      if (!found && resource == api::KindTraits<T>::kPlural) {
        found = true;
        fn.template operator()<T>();
      }
    });
    return found;
  }

 private:
  // One Indexer per kind of ORDO_FOR_EACH_KIND (the monostate takes the last comma).
#define ORDO_KIND_INDEXER(pkg, Kind, ...) informer::Indexer<pkg::Kind>,
  using AllCaches = std::tuple<ORDO_FOR_EACH_KIND(ORDO_KIND_INDEXER) std::monostate>;
#undef ORDO_KIND_INDEXER

  template <api::Kind T>
  static std::string Key(const std::string& ns, const std::string& name) {
    return api::KindTraits<T>::kNamespaced ? ns + "/" + name : name;
  }
  template <api::Kind T>
  static absl::Status NotFound(const std::string& name) {
    return absl::NotFoundError(
        absl::StrCat(api::KindTraits<T>::kPlural, " \"", name, "\" not found"));
  }
  template <api::Kind T>
  static void DefaultNamespace(meta::v1::ObjectMeta& meta) {
    if (api::KindTraits<T>::kNamespaced && meta.namespace_().empty())
      meta.set_namespace_("default");
  }
  template <api::Kind T>
  static bool SpecChanged(const T& old, const T& obj) {
    if constexpr (requires { obj.spec(); }) {
      return !google::protobuf::util::MessageDifferencer::Equals(old.spec(), obj.spec());
    } else {
      return false;
    }
  }
  template <api::Kind T>
  static bool DeletesGracefully(const T& obj, const DeleteOptions& options) {
    if constexpr (std::is_same_v<T, core::v1::Pod>) {
      const std::string& phase = obj.status().phase();
      if (phase == "Succeeded" || phase == "Failed") return false;
      return options.grace_period_seconds.value_or(1) != 0;
    } else {
      return false;
    }
  }

  template <api::Kind T>
  absl::StatusOr<T> Write(const T& obj, bool status_only) {
    absl::MutexLock lock(&mu_);
    std::string key = informer::KeyOf(obj.metadata());
    if constexpr (api::KindTraits<T>::kNamespaced) {
      if (obj.metadata().namespace_().empty()) key = "default/" + key;
    }
    auto old = Cache<T>().Get(key);
    if (old == nullptr) return NotFound<T>(obj.metadata().name());
    const std::string& version = obj.metadata().resource_version();
    if (!version.empty() && version != old->metadata().resource_version()) {
      return absl::AbortedError(
          absl::StrCat("Operation cannot be fulfilled on ", api::KindTraits<T>::kPlural, " \"",
                       obj.metadata().name(),
                       "\": the object has been modified; please apply your changes "
                       "to the latest version and try again"));
    }
    T updated = *old;
    if (status_only) {
      if constexpr (api::KindTraits<T>::kHasStatus) *updated.mutable_status() = obj.status();
    } else {
      updated = obj;
      KeepServerFields(old->metadata(), *updated.mutable_metadata());
      if constexpr (api::KindTraits<T>::kHasStatus) *updated.mutable_status() = old->status();
      if (SpecChanged(*old, updated)) {
        updated.mutable_metadata()->set_generation(old->metadata().generation() + 1);
      }
    }
    updated.mutable_metadata()->set_resource_version(NextVersion());
    const char* subresource = status_only ? "status" : "";
    if (updated.metadata().has_deletion_timestamp() && updated.metadata().finalizers_size() == 0 &&
        !status_only) {
      Cache<T>().Remove(key);
      Log<T>("update", subresource, updated.metadata(), old, nullptr);
      return updated;
    }
    auto after = std::make_shared<const T>(updated);
    Cache<T>().Upsert(after);
    Log<T>("update", subresource, updated.metadata(), old, after);
    return updated;
  }

  template <api::Kind T>
  void Log(const char* verb, const char* subresource, const meta::v1::ObjectMeta& meta,
           std::shared_ptr<const google::protobuf::Message> before,
           std::shared_ptr<const google::protobuf::Message> after)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    actions_.push_back({verb, subresource, api::KindTraits<T>::kPlural, meta.namespace_(),
                        meta.name(), std::move(before), std::move(after)});
  }

  std::string NextVersion() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  std::string NextUid() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void StampCreation(meta::v1::ObjectMeta& meta);
  void SetDeletionTimestamp(meta::v1::ObjectMeta& meta);
  static void AddFinalizer(meta::v1::ObjectMeta& meta, const std::string& finalizer);
  // An update cannot change what the server owns: uid, creation, deletion.
  static void KeepServerFields(const meta::v1::ObjectMeta& old, meta::v1::ObjectMeta& meta);

  Clock& clock_;
  absl::Mutex mu_;
  int64_t next_version_ ABSL_GUARDED_BY(mu_) = 1;
  int64_t next_uid_ ABSL_GUARDED_BY(mu_) = 1;
  std::vector<Action> actions_ ABSL_GUARDED_BY(mu_);
  AllCaches caches_;
};

}  // namespace ordo::testing
