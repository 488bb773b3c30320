#include "services/api-server/maintenance_service.h"

#include "common/status/grpc_status.h"
#include "common/store/snapshot.h"
#include "ordo/maintenance/v1/maintenance.grpc.pb.h"
#include "spdlog/spdlog.h"

namespace ordo::apiserver {
namespace {

using maintenance::v1::SnapshotChunk;
using maintenance::v1::SnapshotRequest;

class MaintenanceService final : public maintenance::v1::Maintenance::Service {
 public:
  MaintenanceService(store::Store& store, const AccessGate& gate) : store_(store), gate_(gate) {}

  grpc::Status Snapshot(grpc::ServerContext* ctx, const SnapshotRequest*,
                        grpc::ServerWriter<SnapshotChunk>* writer) override {
    grpc::Status allowed = gate_.Admit(
        *ctx, {.verb = "get", .api_group = "ordo.io", .resource = "snapshots"}, "ordo.io/v1");
    if (!allowed.ok()) return allowed;
    absl::StatusOr<store::ListResult> listed = store_.List("");
    if (!listed.ok()) return status::ToGrpcStatus(listed.status());
    const store::ListResult& all = *listed;
    bool first = true;
    store::SnapshotWriter snapshot(all.revision, all.kvs.size(), [&](absl::string_view bytes) {
      SnapshotChunk chunk;
      chunk.set_blob(bytes.data(), bytes.size());
      if (first) {
        chunk.set_revision(all.revision);
        chunk.set_keys(static_cast<int64_t>(all.kvs.size()));
        first = false;
      }
      return writer->Write(chunk);
    });
    for (const store::KeyValuePtr& kv : all.kvs) {
      if (!snapshot.Add(*kv)) return grpc::Status(grpc::StatusCode::CANCELLED, "client went away");
    }
    if (!snapshot.Finish()) return grpc::Status(grpc::StatusCode::CANCELLED, "client went away");
    spdlog::info("snapshot at revision {}: {} keys, sha256 {}", all.revision, all.kvs.size(),
                 snapshot.sha256_hex());
    return grpc::Status::OK;
  }

 private:
  store::Store& store_;
  const AccessGate& gate_;
};

}  // namespace

std::unique_ptr<grpc::Service> NewMaintenanceService(store::Store& store, const AccessGate& gate) {
  return std::make_unique<MaintenanceService>(store, gate);
}

}  // namespace ordo::apiserver
