#include "common/store/etcd_store.h"

#include <algorithm>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/server/channel.h"
#include "spdlog/spdlog.h"

namespace ordo::store {
namespace {

// etcd's range_end for every key under `prefix`: "\0" (every key from the
// start on) when no key follows them all.
std::string RangeEnd(absl::string_view prefix) {
  std::string end = PrefixEnd(prefix);
  return end.empty() ? std::string(1, '\0') : end;
}

// What an etcd call's failure means to a Store caller.
absl::Status EtcdError(const grpc::Status& status, absl::string_view what) {
  std::string message = absl::StrCat("etcd ", what, ": ", status.error_message());
  switch (status.error_code()) {
    case grpc::StatusCode::OUT_OF_RANGE:
      return absl::OutOfRangeError(message);
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
    case grpc::StatusCode::CANCELLED:
      return absl::UnavailableError(message);
    case grpc::StatusCode::INVALID_ARGUMENT:
      return absl::InvalidArgumentError(message);
    default:
      return absl::InternalError(message);
  }
}

}  // namespace

struct EtcdStore::TxnCall {
  grpc::ClientContext ctx;
  etcdserverpb::TxnRequest request;
  etcdserverpb::TxnResponse response;
  std::vector<Op> ops;
  CommitCallback done;
};

EtcdStore::EtcdStore(EtcdStoreOptions options, std::shared_ptr<grpc::Channel> channel)
    : options_(std::move(options)),
      channel_(std::move(channel)),
      kv_(etcdserverpb::KV::NewStub(channel_)),
      watch_(etcdserverpb::Watch::NewStub(channel_)),
      window_(options_.event_window, options_.observer) {}

absl::StatusOr<std::unique_ptr<EtcdStore>> EtcdStore::Open(EtcdStoreOptions options) {
  auto channel = server::NewChannelToAny(options.endpoints, {.credentials = options.credentials});
  if (!channel.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("etcd endpoints: ", channel.status().message()));
  }
  std::unique_ptr<EtcdStore> store(new EtcdStore(std::move(options), *std::move(channel)));
  // One read both proves etcd answers and gives the revision to start at.
  absl::StatusOr<int64_t> revision = store->EtcdRevision();
  if (!revision.ok()) return revision.status();
  store->window_.Reset({}, *revision);
  store->watcher_ = std::thread([s = store.get(), from = *revision + 1] { s->WatchLoop(from); });
  if (store->options_.compaction_interval > absl::ZeroDuration()) {
    store->compactor_ = std::thread([s = store.get()] { s->CompactionLoop(); });
  }
  return store;
}

EtcdStore::~EtcdStore() {
  {
    absl::MutexLock lock(&mu_);
    closing_ = true;
    if (watch_call_ != nullptr) watch_call_->TryCancel();
  }
  if (watcher_.joinable()) watcher_.join();
  if (compactor_.joinable()) compactor_.join();
  absl::MutexLock lock(&mu_);
  auto answered = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return in_flight_ == 0; };
  mu_.Await(absl::Condition(&answered));
  // callbacks_ (destroyed next) runs what the answers queued.
}

void EtcdStore::SetDeadline(grpc::ClientContext& ctx) const {
  ctx.set_deadline(absl::ToChronoTime(absl::Now() + options_.request_timeout));
  // A moment with no member reachable (one restarting, an election) is
  // waited out within the deadline rather than failed at once.
  ctx.set_wait_for_ready(true);
}

KeyValuePtr EtcdStore::FromEtcd(const etcdserverpb::KeyValue& kv) const {
  auto out = std::make_shared<KeyValue>();
  out->key = kv.key().substr(options_.key_prefix.size());
  out->value = kv.value();
  out->create_revision = kv.create_revision();
  out->mod_revision = kv.mod_revision();
  return out;
}

absl::StatusOr<etcdserverpb::RangeResponse> EtcdStore::Range(absl::string_view prefix,
                                                             absl::string_view start, size_t limit,
                                                             int64_t revision, bool count_only) {
  etcdserverpb::RangeRequest request;
  const std::string full_prefix = absl::StrCat(options_.key_prefix, prefix);
  std::string from = absl::StrCat(options_.key_prefix, std::max(prefix, start));
  request.set_key(from.empty() ? std::string(1, '\0') : from);
  request.set_range_end(RangeEnd(full_prefix));
  request.set_limit(static_cast<int64_t>(limit));
  request.set_revision(revision);
  request.set_count_only(count_only);
  etcdserverpb::RangeResponse response;
  grpc::ClientContext ctx;
  SetDeadline(ctx);
  grpc::Status status = kv_->Range(&ctx, request, &response);
  if (!status.ok()) return EtcdError(status, "range");
  return response;
}

absl::StatusOr<KeyValuePtr> EtcdStore::Get(absl::string_view key) {
  etcdserverpb::RangeRequest request;
  request.set_key(absl::StrCat(options_.key_prefix, key));
  etcdserverpb::RangeResponse response;
  grpc::ClientContext ctx;
  SetDeadline(ctx);
  grpc::Status status = kv_->Range(&ctx, request, &response);
  if (!status.ok()) return EtcdError(status, "get");
  if (response.kvs_size() == 0) return absl::NotFoundError(absl::StrCat("key ", key, " not found"));
  return FromEtcd(response.kvs(0));
}

absl::StatusOr<ListResult> EtcdStore::List(absl::string_view prefix) {
  return ListAt(prefix, "", 0, 0, RestCount::kSkip);
}

absl::StatusOr<ListResult> EtcdStore::ListAt(absl::string_view prefix, absl::string_view start,
                                             size_t limit, int64_t revision, RestCount rest) {
  auto response = Range(prefix, start, limit, revision, /*count_only=*/false);
  if (!response.ok()) return response.status();
  ListResult result;
  result.revision = revision != 0 ? revision : response->header().revision();
  result.kvs.reserve(response->kvs_size());
  for (const auto& kv : response->kvs()) result.kvs.push_back(FromEtcd(kv));
  result.more = response->more();
  // etcd counts the whole range, the page included.
  if (rest == RestCount::kCount) result.remaining = response->count() - response->kvs_size();
  return result;
}

absl::StatusOr<int64_t> EtcdStore::EtcdRevision() {
  auto response = Range("", "", 1, 0, /*count_only=*/true);
  if (!response.ok()) return response.status();
  return response->header().revision();
}

int64_t EtcdStore::CurrentRevision() { return EtcdRevision().value_or(window_.Head()); }

bool EtcdStore::AwaitClose(absl::Duration timeout) {
  absl::MutexLock lock(&mu_);
  auto closing = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return closing_; };
  return mu_.AwaitWithTimeout(absl::Condition(&closing), timeout);
}

int64_t EtcdStore::OldestWatchableRevision() { return window_.Oldest(); }

absl::StatusOr<std::unique_ptr<Watcher>> EtcdStore::Watch(absl::string_view prefix,
                                                          int64_t after_revision,
                                                          ReadyCallback on_ready) {
  return window_.Watch(prefix, after_revision, std::move(on_ready));
}

void EtcdStore::CommitAsync(std::vector<Op> ops, CommitCallback done) {
  if (ops.empty()) {
    done(absl::InvalidArgumentError("a transaction needs at least one operation"));
    return;
  }
  auto* call = new TxnCall;
  for (const Op& op : ops) {
    const std::string key = absl::StrCat(options_.key_prefix, op.key);
    std::optional<int64_t> expected = op.expected_mod_revision;
    if (expected.has_value() || op.type == Op::Type::kDelete) {
      etcdserverpb::Compare* compare = call->request.add_compare();
      compare->set_key(key);
      compare->set_target(etcdserverpb::Compare::MOD);
      compare->set_mod_revision(expected.value_or(0));
      compare->set_result(expected.has_value() ? etcdserverpb::Compare::EQUAL
                                               : etcdserverpb::Compare::GREATER);
    }
    etcdserverpb::RequestOp* apply = call->request.add_success();
    if (op.type == Op::Type::kPut) {
      apply->mutable_request_put()->set_key(key);
      apply->mutable_request_put()->set_value(op.value);
      apply->mutable_request_put()->set_prev_kv(true);
    } else {
      apply->mutable_request_delete_range()->set_key(key);
      apply->mutable_request_delete_range()->set_prev_kv(true);
    }
    // On a failed compare, read the key to say why.
    call->request.add_failure()->mutable_request_range()->set_key(key);
  }
  call->ops = std::move(ops);
  call->done = std::move(done);
  SetDeadline(call->ctx);
  {
    absl::MutexLock lock(&mu_);
    ++in_flight_;
  }
  kv_->async()->Txn(&call->ctx, &call->request, &call->response,
                    [this, call](grpc::Status status) { FinishTxn(call, status); });
}

void EtcdStore::FinishTxn(TxnCall* call, const grpc::Status& status) {
  absl::StatusOr<TxnResult> result;
  const etcdserverpb::TxnResponse& response = call->response;
  if (!status.ok()) {
    result = EtcdError(status, "transaction");
  } else if (response.responses_size() != static_cast<int>(call->ops.size())) {
    // Not what etcd answers; refused rather than read past the end.
    result = absl::InternalError(absl::StrCat("etcd transaction: ", response.responses_size(),
                                              " responses to ", call->ops.size(), " operations"));
  } else if (response.succeeded()) {
    TxnResult committed;
    committed.revision = response.header().revision();
    for (size_t i = 0; i < call->ops.size(); ++i) {
      const Op& op = call->ops[i];
      const etcdserverpb::ResponseOp& r = response.responses(static_cast<int>(i));
      auto kv = std::make_shared<KeyValue>();
      kv->key = op.key;
      kv->mod_revision = committed.revision;
      if (op.type == Op::Type::kPut) {
        kv->value = op.value;
        const auto& put = r.response_put();
        kv->create_revision =
            put.has_prev_kv() ? put.prev_kv().create_revision() : committed.revision;
      } else if (r.response_delete_range().prev_kvs_size() > 0) {
        const auto& prev = r.response_delete_range().prev_kvs(0);
        kv->value = prev.value();
        kv->create_revision = prev.create_revision();
      }
      committed.kvs.push_back(std::move(kv));
    }
    result = std::move(committed);
  } else {
    // The first op whose check failed, judged as MemoryStore judges it.
    result = absl::AbortedError("etcd transaction: a precondition failed");
    for (size_t i = 0; i < call->ops.size(); ++i) {
      const Op& op = call->ops[i];
      const auto& found = response.responses(static_cast<int>(i)).response_range();
      const int64_t now = found.kvs_size() > 0 ? found.kvs(0).mod_revision() : 0;
      const int64_t expected = op.expected_mod_revision.value_or(-1);  // -1: unchecked
      absl::Status failed;
      if (expected == 0 && now != 0) {
        failed = absl::AlreadyExistsError(absl::StrCat("key ", op.key, " already exists"));
      } else if (now == 0 && (expected > 0 || op.type == Op::Type::kDelete)) {
        failed = absl::NotFoundError(absl::StrCat("key ", op.key, " not found"));
      } else if (expected > 0 && now != expected) {
        failed = absl::AbortedError(
            absl::StrCat("key ", op.key, " is at revision ", now, ", not ", expected));
      }
      if (!failed.ok()) {
        result = failed;
        break;
      }
    }
  }
  callbacks_.Submit([this, call, result = std::move(result)]() mutable {
    call->done(std::move(result));
    delete call;
    absl::MutexLock lock(&mu_);
    --in_flight_;
  });
}

absl::Status EtcdStore::Compact(int64_t revision) {
  etcdserverpb::CompactionRequest request;
  request.set_revision(revision);
  etcdserverpb::CompactionResponse response;
  grpc::ClientContext ctx;
  SetDeadline(ctx);
  grpc::Status status = kv_->Compact(&ctx, request, &response);
  if (!status.ok()) return EtcdError(status, "compact");
  return absl::OkStatus();
}

void EtcdStore::CompactionLoop() {
  // kube-apiserver's compactor: each interval, forget what came before the
  // revision seen one interval ago, so at least an interval of history stays.
  int64_t seen_before = 0;
  while (!AwaitClose(options_.compaction_interval)) {
    if (seen_before > 0) {
      absl::Status compacted = Compact(seen_before);
      // Another api-server compacting the same etcd may have been first.
      if (!compacted.ok() && !absl::IsOutOfRange(compacted)) {
        spdlog::warn("etcd compaction to revision {}: {}", seen_before,
                     std::string(compacted.message()));
      }
    }
    seen_before = CurrentRevision();
  }
}

void EtcdStore::WatchLoop(int64_t start_revision) {
  absl::Duration backoff = absl::Milliseconds(50);
  while (true) {
    int64_t resume = WatchOnce(start_revision);
    if (AwaitClose(backoff)) return;
    if (resume > 0) {
      // Back off while etcd refuses the watch; a watch that delivered ran well.
      backoff = resume > start_revision ? absl::Milliseconds(50)
                                        : std::min(backoff * 2, absl::Seconds(2));
      start_revision = resume;
      continue;
    }
    // etcd no longer has the history the cache needs: start again at its
    // revision now, cutting every watcher off so each relists.
    absl::StatusOr<int64_t> now = EtcdRevision();
    if (!now.ok()) continue;
    spdlog::warn("etcd watch cache: history compacted past revision {}; restarting at {}",
                 window_.Head(), *now);
    window_.Reset({}, *now);
    window_.WakeWatchers();
    start_revision = *now + 1;
    backoff = absl::Milliseconds(50);
  }
}

int64_t EtcdStore::WatchOnce(int64_t start_revision) {
  grpc::ClientContext ctx;
  ctx.set_wait_for_ready(true);
  {
    absl::MutexLock lock(&mu_);
    if (closing_) return start_revision;
    watch_call_ = &ctx;
  }
  auto stream = watch_->Watch(&ctx);
  etcdserverpb::WatchRequest create;
  create.mutable_create_request()->set_key(options_.key_prefix.empty() ? std::string(1, '\0')
                                                                       : options_.key_prefix);
  create.mutable_create_request()->set_range_end(RangeEnd(options_.key_prefix));
  create.mutable_create_request()->set_start_revision(start_revision);
  create.mutable_create_request()->set_prev_kv(true);
  int64_t resume = start_revision;
  etcdserverpb::WatchResponse response;
  if (stream->Write(create)) {
    while (stream->Read(&response)) {
      if (response.compact_revision() > 0 || response.canceled()) {
        // Asked for history etcd has compacted away.
        resume = 0;
        break;
      }
      if (response.events_size() == 0) continue;
      std::vector<EventPtr> events;
      events.reserve(response.events_size());
      for (const auto& e : response.events()) {
        auto event = std::make_shared<Event>();
        KeyValuePtr prev = e.has_prev_kv() ? FromEtcd(e.prev_kv()) : nullptr;
        if (e.type() == etcdserverpb::Event::PUT) {
          event->type = Event::Type::kPut;
          event->kv = FromEtcd(e.kv());
          // A first version is a creation, whatever etcd still remembers.
          if (e.kv().version() > 1) event->prev = std::move(prev);
        } else {
          event->type = Event::Type::kDelete;
          // Ordo's deletion carries the last value, at the deletion's revision.
          auto gone = std::make_shared<KeyValue>(prev != nullptr ? *prev : *FromEtcd(e.kv()));
          gone->mod_revision = e.kv().mod_revision();
          event->kv = std::move(gone);
          event->prev = std::move(prev);
        }
        events.push_back(std::move(event));
      }
      const int64_t head = events.back()->revision();
      window_.Append(events, head);
      window_.WakeWatchersOf(events);
      resume = head + 1;
    }
  }
  {
    absl::MutexLock lock(&mu_);
    watch_call_ = nullptr;
  }
  ctx.TryCancel();
  grpc::Status finished = stream->Finish();
  if (resume > 0 && !finished.ok() && finished.error_code() != grpc::StatusCode::CANCELLED) {
    spdlog::warn("etcd watch cache: watch ended ({}); resuming at revision {}",
                 finished.error_message(), resume);
  }
  return resume;
}

}  // namespace ordo::store
