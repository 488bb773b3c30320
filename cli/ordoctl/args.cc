#include "cli/ordoctl/args.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace ordo::ctl {
namespace {

struct FlagSpec {
  const char* name;
  const char* alias;  // one letter, or ""
  bool boolean;
};

constexpr FlagSpec kFlags[] = {
    {"server", "s", false},
    {"namespace", "n", false},
    {"all-namespaces", "A", true},
    {"output", "o", false},
    {"filename", "f", false},
    {"selector", "l", false},
    {"watch", "w", true},
    {"grace-period", "", false},
    {"force", "", true},
    {"cascade", "", false},
    {"wait", "", true},
    {"replicas", "", false},
    {"for", "", false},
    {"timeout", "", false},
    {"help", "h", true},
    {"field-selector", "", false},
    {"nodes", "", false},
    {"data-dir", "", false},
    {"api-port", "", false},
    {"dns-port", "", false},
    {"crash-backoff", "", false},
    {"container", "c", false},
    {"follow", "", true},
    {"previous", "p", true},
    {"tail", "", false},
    {"stdin", "i", true},
    {"tty", "t", true},
    {"revision", "", false},
    {"to-revision", "", false},
    {"patch", "", false},
    {"node-monitor-grace-period", "", false},
    {"fence-after", "", false},
    {"identity-ledger", "", false},
    {"ignore-daemonsets", "", true},
    {"image", "", false},
    {"restart", "", false},
    {"rm", "", true},
    {"delete-emptydir-data", "", true},
    {"type", "", false},
    {"overwrite", "", true},
    {"force-detach-timeout", "", false},
    {"prometheus", "", true},
    {"prometheus-port", "", false},
    {"prometheus-scrape-interval", "", false},
    {"chunk-size", "", false},
    {"no-headers", "", true},
    {"kubeconfig", "", false},
    {"context", "", false},
    {"san", "", false},
    {"as", "", false},
    {"as-group", "", false},
    {"subresource", "", false},
    {"node-ips", "", false},
    {"include-namespaces", "", false},
    {"exclude-namespaces", "", false},
    {"include-resources", "", false},
    {"exclude-resources", "", false},
    {"include-cluster-resources", "", true},
    {"snapshot-volumes", "", true},
    {"ttl", "", false},
    {"storage-location", "", false},
    {"schedule", "", false},
    {"use-owner-references-in-backup", "", true},
    {"from-backup", "", false},
    {"from-schedule", "", false},
    {"namespace-mappings", "", false},
    {"restore-volumes", "", true},
    {"backup-location", "", false},
    {"store", "", false},
    {"api-servers", "", false},
    {"etcd-sans", "", false},
};

const FlagSpec* Find(const std::string& name) {
  for (const auto& f : kFlags) {
    if (name == f.name || (f.alias[0] != '\0' && name == f.alias)) return &f;
  }
  return nullptr;
}

}  // namespace

absl::StatusOr<Args> ParseArgs(int argc, char** argv) {
  Args args;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--") {
      for (++i; i < argc; ++i) args.positional.push_back(argv[i]);
      break;
    }
    // kubectl's `logs -f` follows (elsewhere -f names a file).
    if (arg == "-f" && !args.positional.empty() && args.positional[0] == "logs") arg = "--follow";
    // kubectl's `patch -p` is the patch (elsewhere -p is --previous).
    if (!args.positional.empty() && args.positional[0] == "patch" &&
        (arg == "-p" || absl::StartsWith(arg, "-p="))) {
      arg = "--patch" + arg.substr(2);
    }
    if (arg.size() < 2 || arg[0] != '-' || arg == "-") {
      args.positional.push_back(arg);
      continue;
    }
    std::string name = absl::StartsWith(arg, "--") ? arg.substr(2) : arg.substr(1);
    std::optional<std::string> value;
    if (size_t eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    const FlagSpec* spec = Find(name);
    if (spec == nullptr) return absl::InvalidArgumentError(absl::StrCat("unknown flag: ", arg));
    if (spec->boolean) {
      args.flags[spec->name] = value.value_or("true");
      continue;
    }
    if (!value.has_value()) {
      if (i + 1 >= argc) {
        return absl::InvalidArgumentError(absl::StrCat("flag needs an argument: ", arg));
      }
      value = argv[++i];
    }
    args.flags[spec->name] = *value;
  }
  return args;
}

}  // namespace ordo::ctl
