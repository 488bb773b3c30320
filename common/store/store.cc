#include "common/store/store.h"

#include "absl/synchronization/notification.h"

namespace ordo::store {

std::string PrefixEnd(absl::string_view prefix) {
  std::string end(prefix);
  while (!end.empty() && static_cast<unsigned char>(end.back()) == 0xFF) end.pop_back();
  if (!end.empty()) end.back() = static_cast<char>(static_cast<unsigned char>(end.back()) + 1);
  return end;
}

Op Op::Create(std::string key, std::string value) {
  return Op{Type::kPut, std::move(key), std::move(value), 0};
}

Op Op::Put(std::string key, std::string value, std::optional<int64_t> expected) {
  return Op{Type::kPut, std::move(key), std::move(value), expected};
}

Op Op::Delete(std::string key, std::optional<int64_t> expected) {
  return Op{Type::kDelete, std::move(key), "", expected};
}

absl::StatusOr<TxnResult> Store::Commit(std::vector<Op> ops) {
  absl::Notification done;
  absl::StatusOr<TxnResult> result;
  CommitAsync(std::move(ops), [&](absl::StatusOr<TxnResult> r) {
    result = std::move(r);
    done.Notify();
  });
  done.WaitForNotification();
  return result;
}

namespace {
absl::StatusOr<KeyValuePtr> Single(absl::StatusOr<TxnResult> result) {
  if (!result.ok()) return result.status();
  return result->kvs.front();
}
}  // namespace

absl::StatusOr<KeyValuePtr> Store::Put(std::string key, std::string value,
                                       std::optional<int64_t> expected) {
  std::vector<Op> ops;
  ops.push_back(Op::Put(std::move(key), std::move(value), expected));
  return Single(Commit(std::move(ops)));
}

absl::StatusOr<KeyValuePtr> Store::Create(std::string key, std::string value) {
  std::vector<Op> ops;
  ops.push_back(Op::Create(std::move(key), std::move(value)));
  return Single(Commit(std::move(ops)));
}

absl::StatusOr<KeyValuePtr> Store::Delete(std::string key, std::optional<int64_t> expected) {
  std::vector<Op> ops;
  ops.push_back(Op::Delete(std::move(key), expected));
  return Single(Commit(std::move(ops)));
}

}  // namespace ordo::store
