// ordoctl snapshot: the api-server's store as one file, as `etcdctl snapshot
// save` and `etcdutl snapshot status` do it (commands.h: SnapshotSave,
// SnapshotStatus). `ordo-api-server --restore-from FILE --data-dir NEW`
// starts a store from it.
#include "common/store/snapshot.h"

#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "cli/ordoctl/commands.h"
#include "cli/ordoctl/printer.h"
#include "common/status/grpc_status.h"
#include "ordo/maintenance/v1/maintenance.grpc.pb.h"

namespace ordo::ctl {
namespace {

std::string HumanBytes(uint64_t n) {
  if (n < 1024) return absl::StrCat(n, " B");
  double v = static_cast<double>(n) / 1024;
  for (const char* unit : {"kB", "MB", "GB"}) {
    if (v < 1024) return absl::StrFormat("%.1f %s", v, unit);
    v /= 1024;
  }
  return absl::StrFormat("%.1f TB", v);
}

}  // namespace

int SnapshotSave(const Args& args, Context& ctx) {
  if (args.positional.size() != 3) {
    ctx.err << "error: expected FILE: ordoctl snapshot save FILE\n";
    return 1;
  }
  const std::string path = args.positional[2];
  const std::string partial = path + ".part";
  absl::Time start = absl::Now();
  {
    std::ofstream out(partial, std::ios::binary | std::ios::trunc);
    if (!out) {
      ctx.err << "error: cannot write " << partial << "\n";
      return 1;
    }
    auto stub = maintenance::v1::Maintenance::NewStub(Dial(ctx, ctx.server));
    grpc::ClientContext call;
    auto reader = stub->Snapshot(&call, maintenance::v1::SnapshotRequest());
    maintenance::v1::SnapshotChunk chunk;
    while (reader->Read(&chunk)) {
      out.write(chunk.blob().data(), static_cast<std::streamsize>(chunk.blob().size()));
    }
    grpc::Status s = reader->Finish();
    out.close();
    if (!s.ok() || !out) {
      std::filesystem::remove(partial);
      if (s.ok()) {
        ctx.err << "error: writing " << partial << " failed\n";
        return 1;
      }
      return PrintError(status::FromGrpcStatus(s), ctx);
    }
  }
  // What arrived is checked whole before it takes the file's name.
  auto info = store::ReadSnapshot(partial);
  if (!info.ok()) {
    std::filesystem::remove(partial);
    ctx.err << "error: " << info.status().message() << "\n";
    return 1;
  }
  std::error_code ec;
  std::filesystem::rename(partial, path, ec);
  if (ec) {
    ctx.err << "error: cannot rename " << partial << " to " << path << ": " << ec.message() << "\n";
    return 1;
  }
  ctx.out << "Snapshot saved at " << path << ": revision " << info->revision << ", " << info->keys
          << " keys, " << HumanBytes(info->size) << " in "
          << absl::FormatDuration(absl::Trunc(absl::Now() - start, absl::Milliseconds(1))) << "\n";
  return 0;
}

int SnapshotStatus(const Args& args, std::ostream& out, std::ostream& err) {
  if (args.positional.size() != 3) {
    err << "error: expected FILE: ordoctl snapshot status FILE [-o json]\n";
    return 1;
  }
  auto info = store::ReadSnapshot(args.positional[2]);
  if (!info.ok()) {
    err << "error: " << info.status().message() << "\n";
    return 1;
  }
  if (args.Get("output") == "json") {
    out << absl::StrFormat(R"({"hash":"%s","revision":%d,"totalKey":%d,"totalSize":%d})",
                           info->sha256_hex, info->revision, info->keys, info->size)
        << "\n";
    return 0;
  }
  PrintRows(out, {{"HASH", "REVISION", "TOTAL KEYS", "TOTAL SIZE"},
                  {info->sha256_hex.substr(0, 16), absl::StrCat(info->revision),
                   absl::StrCat(info->keys), HumanBytes(info->size)}});
  return 0;
}

}  // namespace ordo::ctl
