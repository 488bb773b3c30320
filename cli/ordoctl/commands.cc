#include "cli/ordoctl/commands.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "cli/ordoctl/printer.h"
#include "common/manifest/manifest.h"
#include "common/security/credentials.h"
#include "common/status/field_errors.h"
#include "common/status/status_macros.h"
#include "ordo/meta/v1/meta.pb.h"

namespace ordo::ctl {
namespace {

using google::protobuf::Message;

std::string Reason(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kNotFound:
      return "NotFound";
    case absl::StatusCode::kAlreadyExists:
      return "AlreadyExists";
    case absl::StatusCode::kAborted:
      return "Conflict";
    case absl::StatusCode::kInvalidArgument:
      return "BadRequest";
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kPermissionDenied:
      return "Forbidden";
    case absl::StatusCode::kResourceExhausted:
      return "TooManyRequests";
    default:
      return "InternalError";
  }
}

}  // namespace

namespace {

// The largest manifest file ordoctl reads: far above any real one (the
// api-server takes objects up to 1.5 MiB), far below what would exhaust memory
// once parsed (a YAML node costs ~100 bytes).
constexpr size_t kMaxManifestBytes = 32 << 20;

// The text of `in`, or INVALID_ARGUMENT once it passes kMaxManifestBytes.
absl::StatusOr<std::string> ReadManifestText(std::istream& in, const std::string& name) {
  std::string text;
  char chunk[1 << 16];
  while (in.read(chunk, sizeof chunk) || in.gcount() > 0) {
    text.append(chunk, static_cast<size_t>(in.gcount()));
    if (text.size() > kMaxManifestBytes) {
      return absl::InvalidArgumentError(absl::StrCat(name, ": over ", kMaxManifestBytes,
                                                     " bytes, the most ordoctl reads as a "
                                                     "manifest; split it into several files"));
    }
  }
  return text;
}

}  // namespace

// Reads -f: a file, every manifest file of a directory, or "-" for stdin.
absl::StatusOr<std::vector<manifest::Object>> ReadManifests(const std::string& path,
                                                            std::istream& in) {
  std::vector<std::pair<std::string, std::string>> files;  // name, text
  std::vector<std::string> names;
  if (path == "-") {
    ORDO_ASSIGN_OR_RETURN(std::string text, ReadManifestText(in, "STDIN"));
    files.emplace_back("STDIN", std::move(text));
  } else if (std::filesystem::is_directory(path)) {
    for (const auto& e : std::filesystem::directory_iterator(path)) {
      std::string ext = e.path().extension().string();
      if (ext == ".yaml" || ext == ".yml" || ext == ".json") names.push_back(e.path().string());
    }
    std::sort(names.begin(), names.end());
  } else {
    names.push_back(path);
  }
  for (const auto& n : names) {
    std::ifstream f(n);
    if (!f) return absl::NotFoundError(absl::StrCat("the path \"", n, "\" does not exist"));
    ORDO_ASSIGN_OR_RETURN(std::string text, ReadManifestText(f, n));
    files.emplace_back(n, std::move(text));
  }
  std::vector<manifest::Object> all;
  for (const auto& [name, text] : files) {
    auto objects = manifest::Decode(text, name);
    if (!objects.ok()) return objects.status();
    for (auto& o : *objects) all.push_back(std::move(o));
  }
  return all;
}

std::string NamespaceFor(const api::ResourceInfo& info, const meta::v1::ObjectMeta& meta,
                         const Context& ctx) {
  if (!info.namespaced) return "";
  return meta.namespace_().empty() ? ctx.ns : meta.namespace_();
}

std::vector<std::string> KindAndName(const Args& args, size_t first) {
  std::vector<std::string> words(args.positional.begin() + std::min(first, args.positional.size()),
                                 args.positional.end());
  if (words.size() == 1 && words[0].find('/') != std::string::npos) {
    std::vector<std::string> parts = absl::StrSplit(words[0], absl::MaxSplits('/', 1));
    words = parts;
  }
  return words;
}

absl::Status WaitForObject(Context& ctx, const api::ResourceInfo& info, const std::string& ns,
                           const std::string& name, absl::Time deadline,
                           const std::function<bool(const Message*)>& done) {
  while (true) {
    auto got = ctx.client.Get(info, ns, name);
    if (!got.ok() && got.status().code() != absl::StatusCode::kNotFound) return got.status();
    if (done(got.ok() ? got->get() : nullptr)) return absl::OkStatus();
    meta::v1::ListOptions options;
    options.set_namespace_(ns);
    options.set_field_selector(absl::StrCat("metadata.name=", name));
    // Without a version the watch opens with the current object; that is
    // simply checked again.
    bool met = false;
    absl::Status ended = ctx.client.Watch(info, options, deadline,
                                          [&](const std::string& type, api::MessagePtr obj) {
                                            met = done(type == "DELETED" ? nullptr : obj.get());
                                            return !met;
                                          });
    if (met) return absl::OkStatus();
    if (absl::Now() >= deadline || ended.code() == absl::StatusCode::kDeadlineExceeded) {
      return absl::DeadlineExceededError("timed out");
    }
    if (!ended.ok() && ended.code() != absl::StatusCode::kOutOfRange) return ended;
  }
}

std::shared_ptr<grpc::Channel> Dial(const Context& ctx, const std::string& address) {
  return security::Dial(address, ctx.credentials);
}

int PrintError(const absl::Status& status, Context& ctx) {
  bool no_credentials = ctx.credentials.ca_pem.empty();
  if (status.code() == absl::StatusCode::kUnauthenticated) {
    ctx.err << "error: You must be logged in to the server (Unauthorized)\n";
    return 1;
  }
  if (status.code() == absl::StatusCode::kUnavailable ||
      status.code() == absl::StatusCode::kDeadlineExceeded) {
    absl::string_view message = status.message();
    if (absl::StrContains(message, "handshake") || absl::StrContains(message, "SSL")) {
      ctx.err << "Unable to connect to the server " << ctx.server << ": " << message << "\n";
    } else if (!ctx.credentials.cert_pem.empty()) {
      // A server that refuses our certificate closes the connection in the
      // handshake; gRPC reports that as it reports a refused connection.
      ctx.err << "Unable to connect to the server " << ctx.server << ": " << message
              << "\nIf it is running, it refused this client's certificate: is it signed by the "
                 "cluster's CA, and not expired?\n";
    } else {
      ctx.err << "The connection to the server " << ctx.server
              << " was refused - did you specify the right host or port?\n";
    }
    if (no_credentials) {
      ctx.err << "No credentials were given: pass --kubeconfig FILE or set KUBECONFIG "
                 "(`ordoctl cluster up` writes DIR/kubeconfig, DIR being --data-dir, .ordo by "
                 "default).\n";
    }
    return 1;
  }
  std::string message(status.message());
  auto violations = status::FieldViolations(status);
  if (status.code() == absl::StatusCode::kInvalidArgument && !violations.empty()) {
    // "StatefulSet.apps "web" is invalid: ..." -> kubectl's "The StatefulSet "web" is invalid:"
    std::string head = message.substr(0, message.find(" is invalid"));
    std::vector<std::string> parts = absl::StrSplit(head, absl::MaxSplits(' ', 1));
    std::string kind = parts[0].substr(0, parts[0].find('.'));
    ctx.err << "The " << kind << " " << (parts.size() > 1 ? parts[1] : "") << " is invalid: ";
    if (violations.size() == 1) {
      ctx.err << violations[0].second << "\n";
    } else {
      ctx.err << "\n";
      for (const auto& v : violations) ctx.err << "* " << v.second << "\n";
    }
    return 1;
  }
  if (status.code() == absl::StatusCode::kInvalidArgument) {
    ctx.err << "error: " << message << "\n";
    return 1;
  }
  ctx.err << "Error from server (" << Reason(status.code()) << "): " << message << "\n";
  return 1;
}

int ApiResources(const Args&, Context& ctx) {
  std::vector<std::vector<std::string>> rows = {
      {"NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"}};
  for (const auto& info : api::AllResources()) {
    rows.push_back({info.resource, absl::StrJoin(info.short_names, ","), info.ApiVersion(),
                    info.namespaced ? "true" : "false", info.kind});
  }
  PrintRows(ctx.out, rows);
  return 0;
}

int Version(const Args&, Context& ctx) {
  ctx.out << "Client Version: ordo v0.1.0\n";
  meta::v1::ListOptions none;
  none.set_field_selector("metadata.name=-");
  auto probe = ctx.client.List(api::ResourceFor("Namespace"), none);
  if (!probe.ok()) return PrintError(probe.status(), ctx);
  ctx.out << "Server Version: ordo v0.1.0 (" << ctx.server << ")\n";
  return 0;
}

}  // namespace ordo::ctl
