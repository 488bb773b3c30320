// Which store the api-server serves from, chosen by flags with
// kube-apiserver's names:
//   --store embedded (the default): the RocksDB store in --data-dir;
//   --store etcd: an etcd cluster, --etcd-servers URL,URL,... with TLS from
//     --etcd-cafile/--etcd-certfile/--etcd-keyfile, keys under --etcd-prefix,
//     old revisions compacted every --etcd-compaction-interval.
// Called once from main; not thread-safe.
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "common/store/memory_store.h"
#include "common/store/store.h"

namespace ordo::apiserver {

// Whether --store names etcd (so --data-dir holds no store).
bool StoreIsEtcd();

// Opens the store the flags name. `data_dir` is the embedded store's
// directory; `options` the event window and observer either store gets.
// INVALID_ARGUMENT names the flag that is wrong.
absl::StatusOr<std::unique_ptr<store::Store>> OpenStoreFromFlags(
    const std::string& data_dir, const store::MemoryStoreOptions& options);

}  // namespace ordo::apiserver
