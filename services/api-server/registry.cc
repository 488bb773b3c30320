// The Registry's writes: create (with its companion keys), update, status
// update, guaranteed update and delete, each planned against the stored
// object and committed asynchronously with optimistic concurrency; and what
// reads and writes share (errors, encoding, names). Reads are in
// registry_reads.cc.
#include "services/api-server/registry.h"

#include "absl/random/random.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/notification.h"
#include "common/clock/timestamp.h"
#include "common/status/error_details.h"
#include "common/status/status_macros.h"
#include "services/api-server/object_access.h"

namespace ordo::apiserver {
namespace {

// How often a write without a resourceVersion precondition is retried after a
// concurrent writer got there first.
constexpr int kMaxConflictRetries = 16;

std::string RandomSuffix(int n) {
  // The alphabet Kubernetes uses for generated names: no vowels, no look-alikes.
  static constexpr char kAlphabet[] = "bcdfghjklmnpqrstvwxz2456789";
  thread_local absl::BitGen gen;
  std::string out;
  for (int i = 0; i < n; ++i)
    out.push_back(kAlphabet[absl::Uniform(gen, 0u, sizeof(kAlphabet) - 1)]);
  return out;
}

bool HasFinalizer(const meta::v1::ObjectMeta& m, absl::string_view f) {
  for (const auto& x : m.finalizers()) {
    if (x == f) return true;
  }
  return false;
}

}  // namespace

Registry::Registry(const KindStrategy& strategy, store::Store& store, Clock& clock,
                   NamespaceCheck namespace_check)
    : strategy_(strategy),
      store_(store),
      clock_(clock),
      namespace_check_(std::move(namespace_check)) {}

namespace {
// How ResourceInfo and PreconditionFailure name an object: "default/web", or
// "node-1" for a cluster-scoped one.
std::string ObjectName(const std::string& ns, const std::string& name) {
  return ns.empty() ? name : absl::StrCat(ns, "/", name);
}
}  // namespace

absl::Status Registry::NotFound(const std::string& ns, const std::string& name) const {
  return status::WithResourceInfo(
      absl::NotFoundError(absl::StrCat(info().GroupResource(), " \"", name, "\" not found")),
      info().GroupResource(), ObjectName(ns, name));
}

absl::Status Registry::AlreadyExists(const std::string& ns, const std::string& name) const {
  return status::WithResourceInfo(absl::AlreadyExistsError(absl::StrCat(
                                      info().GroupResource(), " \"", name, "\" already exists")),
                                  info().GroupResource(), ObjectName(ns, name));
}

absl::Status Registry::Conflict(const std::string& ns, const std::string& name,
                                absl::string_view why) const {
  return status::WithPreconditionFailure(
      absl::AbortedError(absl::StrCat("Operation cannot be fulfilled on ", info().GroupResource(),
                                      " \"", name, "\": ", why)),
      "Conflict", absl::StrCat(info().GroupResource(), "/", ObjectName(ns, name)));
}

std::string Registry::NamespaceOf(const Message& obj) const {
  if (!info().namespaced) return "";
  const std::string& ns = Meta(obj).namespace_();
  return ns.empty() ? "default" : ns;
}

std::string Registry::NewUid() {
  thread_local absl::BitGen gen;
  uint64_t hi = absl::Uniform<uint64_t>(gen), lo = absl::Uniform<uint64_t>(gen);
  hi = (hi & ~0xF000ULL) | 0x4000ULL;                  // version 4
  lo = (lo & ~(0xC000ULL << 48)) | (0x8000ULL << 48);  // RFC 4122 variant
  return absl::StrFormat("%08x-%04x-%04x-%04x-%012x", hi >> 32, (hi >> 16) & 0xFFFF, hi & 0xFFFF,
                         lo >> 48, lo & 0xFFFFFFFFFFFFULL);
}

std::string Registry::Encode(const Message& obj) const {
  // The resourceVersion is the store's mod_revision, never stored in the value.
  if (Meta(obj).resource_version().empty()) return obj.SerializeAsString();
  MessagePtr copy(obj.New());
  copy->CopyFrom(obj);
  MutableMeta(*copy)->clear_resource_version();
  return copy->SerializeAsString();
}

absl::Status Registry::CheckSize(const Message& obj, const std::string& encoded) const {
  if (encoded.size() <= kMaxObjectBytes) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      info().GroupResource(), " \"", Meta(obj).name(), "\" is too large: ", encoded.size(),
      " bytes encoded, over the limit of ", kMaxObjectBytes, " bytes (1.5 MiB, etcd's)"));
}

absl::StatusOr<MessagePtr> Registry::Decode(const store::KeyValue& kv) const {
  MessagePtr obj(strategy_.prototype->New());
  if (!obj->ParseFromString(kv.value)) {
    return absl::DataLossError(absl::StrCat("stored object ", kv.key, " does not parse"));
  }
  MutableMeta(*obj)->set_resource_version(absl::StrCat(kv.mod_revision));
  return obj;
}

namespace {

// Runs an asynchronous registry call and waits for its outcome.
absl::StatusOr<MessagePtr> Await(const std::function<void(Registry::Callback)>& call) {
  absl::Notification done;
  absl::StatusOr<MessagePtr> result;
  call([&](absl::StatusOr<MessagePtr> r) {
    result = std::move(r);
    done.Notify();
  });
  done.WaitForNotification();
  return result;
}

int64_t RevisionOf(const Message& obj) {
  int64_t revision = 0;
  (void)absl::SimpleAtoi(Meta(obj).resource_version(), &revision);
  return revision;
}

constexpr char kModified[] =
    "the object has been modified; please apply your changes to the latest version and try "
    "again";

}  // namespace

// One read-modify-write in flight: re-planned from a fresh read after a lost race.
struct Registry::ReadModifyWrite {
  std::string ns;
  std::string name;
  Plan plan;
  bool retry_on_conflict = false;
  int attempts = 0;
  Callback done;
};

absl::StatusOr<MessagePtr> Registry::PrepareCreate(const Message& input) {
  MessagePtr obj(input.New());
  obj->CopyFrom(input);
  auto* m = MutableMeta(*obj);
  if (m->name().empty() && !m->generate_name().empty()) {
    m->set_name(absl::StrCat(m->generate_name(), RandomSuffix(5)));
  }
  if (!m->resource_version().empty()) {
    return absl::InvalidArgumentError("resourceVersion should not be set on objects to be created");
  }
  m->set_namespace_(NamespaceOf(*obj));
  m->set_uid(NewUid());
  SetTimestamp(m->mutable_creation_timestamp(), clock_.Now());
  m->clear_deletion_timestamp();
  m->clear_deletion_grace_period_seconds();
  m->set_generation(1);
  SetTypeMeta(*obj, info());
  if (strategy_.prepare_for_create) strategy_.prepare_for_create(*obj);
  if (strategy_.apply_defaults) strategy_.apply_defaults(*obj);
  if (strategy_.admit) strategy_.admit(*obj);
  if (strategy_.validate) {
    FieldErrors errs = strategy_.validate(*obj);
    if (!errs.empty()) return status::InvalidError(info().QualifiedKind(), m->name(), errs);
  }
  if (info().namespaced && namespace_check_)
    ORDO_RETURN_IF_ERROR(namespace_check_(m->namespace_()));
  return obj;
}

void Registry::CreateAsync(const Message& input, Callback done) {
  auto prepared = PrepareCreate(input);
  if (!prepared.ok()) return done(prepared.status());
  CommitCreate(std::shared_ptr<const Message>(*std::move(prepared)), 3, std::move(done));
}

void Registry::CommitCreate(std::shared_ptr<const Message> prepared, int attempts, Callback done) {
  MessagePtr obj(prepared->New());
  obj->CopyFrom(*prepared);
  const auto& m = Meta(*obj);
  std::string key = info().Key(m.namespace_(), m.name());
  std::vector<store::Op> companion_ops;
  if (companions_ != nullptr) {
    // A name taken is the error to give, not a companion the taker holds.
    if (store_.Get(key).ok()) return done(AlreadyExists(m.namespace_(), m.name()));
    auto taken = companions_->OnCreate(*obj);  // may fill fields of obj
    if (!taken.ok()) return done(taken.status());
    companion_ops = *std::move(taken);
  }
  std::string encoded = Encode(*obj);  // with what the companions filled in
  if (absl::Status size = CheckSize(*obj, encoded); !size.ok()) return done(size);
  std::vector<store::Op> ops;
  ops.push_back(store::Op::Create(key, std::move(encoded)));
  for (auto& op : companion_ops) ops.push_back(std::move(op));
  auto holder = std::make_shared<MessagePtr>(std::move(obj));
  store_.CommitAsync(
      std::move(ops), [this, holder, prepared = std::move(prepared), key, attempts,
                       done = std::move(done)](absl::StatusOr<store::TxnResult> result) mutable {
        auto& obj = *holder;
        if (!result.ok()) {
          if (result.status().code() == absl::StatusCode::kAlreadyExists) {
            // Our own key, or a companion another create took meanwhile: a new
            // try picks another (or refuses the one asked for).
            if (companions_ != nullptr && attempts > 1 && !store_.Get(key).ok()) {
              return CommitCreate(std::move(prepared), attempts - 1, std::move(done));
            }
            return done(AlreadyExists(Meta(*obj).namespace_(), Meta(*obj).name()));
          }
          return done(result.status());
        }
        MutableMeta(*obj)->set_resource_version(absl::StrCat(result->revision));
        done(std::move(obj));
      });
}

void Registry::WriteAsync(MessagePtr updated, int64_t revision, Callback done) {
  const auto& m = Meta(*updated);
  std::string key = info().Key(m.namespace_(), m.name());
  bool finished = m.has_deletion_timestamp() && m.finalizers_size() == 0 &&
                  m.deletion_grace_period_seconds() == 0;
  std::vector<store::Op> ops;
  if (finished) {
    ops.push_back(store::Op::Delete(key, revision));
  } else {
    std::string encoded = Encode(*updated);
    if (absl::Status size = CheckSize(*updated, encoded); !size.ok()) return done(size);
    ops.push_back(store::Op::Put(key, std::move(encoded), revision));
  }
  if (finished && companions_ != nullptr) {
    for (auto& op : companions_->OnRemove(*updated)) ops.push_back(std::move(op));
  }
  auto holder = std::make_shared<MessagePtr>(std::move(updated));
  store_.CommitAsync(std::move(ops), [this, holder, done = std::move(done)](
                                         absl::StatusOr<store::TxnResult> result) {
    auto& obj = *holder;
    if (!result.ok()) {
      const std::string& ns = Meta(*obj).namespace_();
      const std::string& name = Meta(*obj).name();
      if (result.status().code() == absl::StatusCode::kAborted)
        return done(Conflict(ns, name, kModified));
      if (result.status().code() == absl::StatusCode::kNotFound) return done(NotFound(ns, name));
      return done(result.status());
    }
    MutableMeta(*obj)->set_resource_version(absl::StrCat(result->revision));
    done(std::move(obj));
  });
}

void Registry::Run(std::shared_ptr<ReadModifyWrite> rmw) {
  auto current = Get(rmw->ns, rmw->name);
  if (!current.ok()) return rmw->done(current.status());
  auto planned = rmw->plan(**current);
  if (!planned.ok()) return rmw->done(planned.status());
  if (*planned == nullptr) return rmw->done(*std::move(current));  // nothing changes
  WriteAsync(
      *std::move(planned), RevisionOf(**current), [this, rmw](absl::StatusOr<MessagePtr> result) {
        bool lost_race = !result.ok() && result.status().code() == absl::StatusCode::kAborted;
        if (lost_race && rmw->retry_on_conflict && ++rmw->attempts < kMaxConflictRetries) {
          return Run(rmw);
        }
        rmw->done(std::move(result));
      });
}

absl::StatusOr<MessagePtr> Registry::PlanUpdate(const Message& current,
                                                const std::string& resource_version,
                                                const std::function<absl::Status(Message&)>& edit,
                                                Mode mode) {
  const auto& cm = Meta(current);
  if (!resource_version.empty() && resource_version != cm.resource_version()) {
    return Conflict(cm.namespace_(), cm.name(), kModified);
  }
  MessagePtr updated(current.New());
  updated->CopyFrom(current);
  ORDO_RETURN_IF_ERROR(edit(*updated));
  auto* m = MutableMeta(*updated);
  // Server-owned metadata always comes from the stored object.
  m->set_name(cm.name());
  m->set_namespace_(cm.namespace_());
  m->set_uid(cm.uid());
  *m->mutable_creation_timestamp() = cm.creation_timestamp();
  if (cm.has_deletion_timestamp()) {
    *m->mutable_deletion_timestamp() = cm.deletion_timestamp();
  } else {
    m->clear_deletion_timestamp();
  }
  if (cm.has_deletion_grace_period_seconds()) {
    m->set_deletion_grace_period_seconds(cm.deletion_grace_period_seconds());
  } else {
    m->clear_deletion_grace_period_seconds();
  }
  m->set_generation(cm.generation());
  m->set_resource_version(cm.resource_version());
  SetTypeMeta(*updated, info());
  FieldErrors errs;
  if (mode == Mode::kStatus) {
    if (strategy_.validate_status) errs = strategy_.validate_status(*updated, current);
  } else {
    if (strategy_.prepare_for_update && mode == Mode::kUpdate) {
      strategy_.prepare_for_update(*updated, current);
    }
    if (strategy_.apply_defaults) strategy_.apply_defaults(*updated);
    if (strategy_.admit && mode == Mode::kUpdate) strategy_.admit(*updated);
    if (strategy_.validate) errs = strategy_.validate(*updated);
    if (mode == Mode::kSubresource) {
      // The subresource decides what may change.
    } else if (strategy_.validate_update) {
      FieldErrors more = strategy_.validate_update(*updated, current);
      errs.insert(errs.end(), more.begin(), more.end());
    } else {
      FieldErrors more = ValidateObjectMetaUpdate(Meta(*updated), cm, FieldPath("metadata"));
      errs.insert(errs.end(), more.begin(), more.end());
    }
    if (HasField(*updated, "spec") && !FieldEquals(*updated, current, "spec")) {
      m->set_generation(cm.generation() + 1);
    }
  }
  if (!errs.empty()) return status::InvalidError(info().QualifiedKind(), cm.name(), errs);
  if (DeterministicBytes(*updated) == DeterministicBytes(current)) return MessagePtr();
  return updated;
}

void Registry::UpdateAsync(const Message& obj, Callback done) {
  const auto& om = Meta(obj);
  if (om.name().empty()) {
    return done(status::InvalidError(info().QualifiedKind(), "",
                                     {status::Required(FieldPath("metadata").Child("name"))}));
  }
  auto input = std::make_shared<MessagePtr>(obj.New());
  (*input)->CopyFrom(obj);
  auto rmw = std::make_shared<ReadModifyWrite>();
  rmw->ns = NamespaceOf(obj);
  rmw->name = om.name();
  rmw->retry_on_conflict = om.resource_version().empty();
  rmw->done = std::move(done);
  rmw->plan = [this, input](const Message& current) -> absl::StatusOr<MessagePtr> {
    const Message& in = **input;
    const auto& im = Meta(in);
    if (!im.uid().empty() && im.uid() != Meta(current).uid()) {
      return Conflict(Meta(current).namespace_(), im.name(),
                      absl::StrCat("Precondition failed: UID in precondition: ", im.uid(),
                                   ", UID in object meta: ", Meta(current).uid()));
    }
    return PlanUpdate(
        current, im.resource_version(),
        [&](Message& updated) {
          updated.CopyFrom(in);
          // The main resource ignores status; /status ignores everything else.
          if (info().has_status) CopyField(current, updated, "status");
          return absl::OkStatus();
        },
        Mode::kUpdate);
  };
  Run(std::move(rmw));
}

void Registry::UpdateStatusAsync(const Message& obj, Callback done) {
  if (!info().has_status) {
    return done(absl::UnimplementedError(absl::StrCat(info().GroupResource(), " has no status")));
  }
  auto input = std::make_shared<MessagePtr>(obj.New());
  (*input)->CopyFrom(obj);
  auto rmw = std::make_shared<ReadModifyWrite>();
  rmw->ns = NamespaceOf(obj);
  rmw->name = Meta(obj).name();
  rmw->retry_on_conflict = Meta(obj).resource_version().empty();
  rmw->done = std::move(done);
  rmw->plan = [this, input](const Message& current) {
    return PlanUpdate(
        current, Meta(**input).resource_version(),
        [&](Message& updated) {
          CopyField(**input, updated, "status");
          return absl::OkStatus();
        },
        Mode::kStatus);
  };
  Run(std::move(rmw));
}

void Registry::GuaranteedUpdateAsync(const std::string& ns, const std::string& name,
                                     const std::string& resource_version,
                                     std::function<absl::Status(Message&)> mutate, Callback done) {
  auto rmw = std::make_shared<ReadModifyWrite>();
  rmw->ns = ns;
  rmw->name = name;
  rmw->retry_on_conflict = resource_version.empty();
  rmw->done = std::move(done);
  rmw->plan = [this, resource_version, mutate = std::move(mutate)](const Message& current) {
    return PlanUpdate(current, resource_version, mutate, Mode::kSubresource);
  };
  Run(std::move(rmw));
}

absl::StatusOr<MessagePtr> Registry::PlanDelete(const Message& current,
                                                const meta::v1::DeleteRequest& request) {
  const auto& cm = Meta(current);
  const auto& pre = request.preconditions();
  if (pre.has_uid() && pre.uid() != cm.uid()) {
    return Conflict(cm.namespace_(), cm.name(),
                    absl::StrCat("Precondition failed: UID in precondition: ", pre.uid(),
                                 ", UID in object meta: ", cm.uid()));
  }
  if (pre.has_resource_version() && pre.resource_version() != cm.resource_version()) {
    return Conflict(cm.namespace_(), cm.name(),
                    absl::StrCat("Precondition failed: ResourceVersion in precondition: ",
                                 pre.resource_version(),
                                 ", ResourceVersion in object meta: ", cm.resource_version()));
  }
  MessagePtr updated(current.New());
  updated->CopyFrom(current);
  auto* m = MutableMeta(*updated);
  // The garbage collector acts on these finalizers.
  const std::string& policy = request.propagation_policy();
  if (policy == "Orphan" && !HasFinalizer(*m, "orphan")) m->add_finalizers("orphan");
  if (policy == "Foreground" && !HasFinalizer(*m, "foregroundDeletion")) {
    m->add_finalizers("foregroundDeletion");
  }
  std::optional<int64_t> requested;
  if (request.has_grace_period_seconds()) requested = request.grace_period_seconds();
  int64_t grace = strategy_.grace_period ? strategy_.grace_period(current, requested) : 0;
  absl::Time now = clock_.Now();
  if (grace > 0) {
    // Graceful: the kubelet confirms with a grace-0 delete. A second delete
    // may only shorten the wait.
    if (!cm.has_deletion_timestamp() || grace < cm.deletion_grace_period_seconds()) {
      SetTimestamp(m->mutable_deletion_timestamp(), now + absl::Seconds(grace));
      m->set_deletion_grace_period_seconds(grace);
    }
  } else {
    // Immediate: gone now, or, with finalizers, as soon as the last is removed.
    if (!cm.has_deletion_timestamp()) SetTimestamp(m->mutable_deletion_timestamp(), now);
    m->set_deletion_grace_period_seconds(0);
  }
  if (DeterministicBytes(*updated) == DeterministicBytes(current)) return MessagePtr();
  return updated;
}

void Registry::DeleteAsync(const meta::v1::DeleteRequest& request, Callback done) {
  const std::string& policy = request.propagation_policy();
  if (!policy.empty() && policy != "Orphan" && policy != "Background" && policy != "Foreground") {
    return done(absl::InvalidArgumentError(
        absl::StrCat("propagationPolicy: Unsupported value: \"", policy,
                     "\": supported values: \"Orphan\", \"Background\", \"Foreground\"")));
  }
  auto rmw = std::make_shared<ReadModifyWrite>();
  rmw->ns = request.namespace_();
  rmw->name = request.name();
  rmw->retry_on_conflict = !request.preconditions().has_resource_version();
  rmw->done = std::move(done);
  rmw->plan = [this, request](const Message& current) { return PlanDelete(current, request); };
  Run(std::move(rmw));
}

absl::StatusOr<MessagePtr> Registry::Create(const Message& obj) {
  return Await([&](Callback cb) { CreateAsync(obj, std::move(cb)); });
}

absl::StatusOr<MessagePtr> Registry::Update(const Message& obj) {
  return Await([&](Callback cb) { UpdateAsync(obj, std::move(cb)); });
}

absl::StatusOr<MessagePtr> Registry::UpdateStatus(const Message& obj) {
  return Await([&](Callback cb) { UpdateStatusAsync(obj, std::move(cb)); });
}

absl::StatusOr<MessagePtr> Registry::Delete(const meta::v1::DeleteRequest& request) {
  return Await([&](Callback cb) { DeleteAsync(request, std::move(cb)); });
}

absl::StatusOr<MessagePtr> Registry::GuaranteedUpdate(
    const std::string& ns, const std::string& name, const std::string& resource_version,
    std::function<absl::Status(Message&)> mutate) {
  return Await([&](Callback cb) {
    GuaranteedUpdateAsync(ns, name, resource_version, std::move(mutate), std::move(cb));
  });
}

}  // namespace ordo::apiserver
