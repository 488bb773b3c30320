#include "services/api-server/store_flags.h"

#include "absl/flags/flag.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/security/credentials.h"
#include "common/store/etcd_store.h"
#include "common/store/rocksdb_store.h"

ABSL_FLAG(std::string, store, "embedded",
          "where the state lives: embedded (RocksDB in --data-dir) or etcd (--etcd-servers)");
ABSL_FLAG(std::string, etcd_servers, "",
          "with --store etcd: etcd's client URLs, comma separated (http://HOST:PORT or "
          "https://HOST:PORT)");
ABSL_FLAG(std::string, etcd_cafile, "", "CA that signed the etcd servers' certificates (TLS)");
ABSL_FLAG(std::string, etcd_certfile, "", "client certificate to present to etcd");
ABSL_FLAG(std::string, etcd_keyfile, "", "private key of --etcd-certfile");
ABSL_FLAG(std::string, etcd_prefix, "/ordo", "prefix of every key ordo keeps in etcd");
ABSL_FLAG(absl::Duration, etcd_compaction_interval, absl::Minutes(5),
          "how often etcd is told to forget revisions older than one interval (0: never)");

namespace ordo::apiserver {

bool StoreIsEtcd() { return absl::GetFlag(FLAGS_store) == "etcd"; }

namespace {

absl::StatusOr<std::unique_ptr<store::Store>> OpenEtcd(const store::MemoryStoreOptions& options) {
  std::vector<std::string> servers =
      absl::StrSplit(absl::GetFlag(FLAGS_etcd_servers), ',', absl::SkipWhitespace());
  if (servers.empty()) {
    return absl::InvalidArgumentError("--etcd-servers: required with --store etcd");
  }
  const std::string ca = absl::GetFlag(FLAGS_etcd_cafile);
  const std::string cert = absl::GetFlag(FLAGS_etcd_certfile);
  const std::string key = absl::GetFlag(FLAGS_etcd_keyfile);
  store::EtcdStoreOptions etcd;
  etcd.endpoints = servers;
  etcd.key_prefix = absl::GetFlag(FLAGS_etcd_prefix);
  etcd.event_window = options.event_window;
  etcd.observer = options.observer;
  etcd.compaction_interval = absl::GetFlag(FLAGS_etcd_compaction_interval);
  if (etcd.compaction_interval < absl::ZeroDuration()) {
    return absl::InvalidArgumentError("--etcd-compaction-interval: must not be negative");
  }
  bool https = false;
  for (const std::string& server : servers) https |= absl::StartsWith(server, "https://");
  if (!ca.empty()) {
    if (cert.empty() != key.empty()) {
      return absl::InvalidArgumentError("--etcd-certfile and --etcd-keyfile go together");
    }
    auto creds = cert.empty() ? security::CaCredentialsFromFile({"--etcd-cafile", ca})
                              : security::ClientCredentialsFromFiles({"--etcd-certfile", cert},
                                                                     {"--etcd-keyfile", key},
                                                                     {"--etcd-cafile", ca});
    if (!creds.ok()) return creds.status();
    etcd.credentials = security::NewChannelCredentials(*creds);
  } else if (https) {
    return absl::InvalidArgumentError(
        "--etcd-cafile: required for https:// etcd servers (the CA to check them against)");
  }
  auto opened = store::EtcdStore::Open(std::move(etcd));
  if (!opened.ok()) return opened.status();
  return std::unique_ptr<store::Store>(*std::move(opened));
}

}  // namespace

absl::StatusOr<std::unique_ptr<store::Store>> OpenStoreFromFlags(
    const std::string& data_dir, const store::MemoryStoreOptions& options) {
  const std::string kind = absl::GetFlag(FLAGS_store);
  if (kind == "etcd") return OpenEtcd(options);
  if (kind != "embedded") {
    return absl::InvalidArgumentError(
        absl::StrCat("--store: \"", kind, "\" is not a store; use embedded or etcd"));
  }
  if (data_dir.empty()) return absl::InvalidArgumentError("--data-dir: required");
  return store::OpenRocksDbStore(data_dir, options);
}

}  // namespace ordo::apiserver
