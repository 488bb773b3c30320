#include "cli/ordoctl/commands.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "cli/ordoctl/apply_merge.h"
#include "cli/ordoctl/jsonpath.h"
#include "cli/ordoctl/patch.h"
#include "cli/ordoctl/printer.h"
#include "common/api/object_meta.h"
#include "common/manifest/manifest.h"
#include "common/status/field_errors.h"
#include "ordo/core/v1/core.pb.h"
#include "ordo/meta/v1/meta.pb.h"

namespace ordo::ctl {
namespace {

using google::protobuf::Message;

using api::MetaOf;
using api::MutableMetaOf;

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
      return "Forbidden";
    case absl::StatusCode::kResourceExhausted:
      return "TooManyRequests";
    default:
      return "InternalError";
  }
}

// Reads -f: a file, every manifest file of a directory, or "-" for stdin.
absl::StatusOr<std::vector<manifest::Object>> ReadManifests(const std::string& path,
                                                            std::istream& in) {
  std::vector<std::pair<std::string, std::string>> files;  // name, text
  auto slurp = [](std::istream& s) {
    std::stringstream ss;
    ss << s.rdbuf();
    return ss.str();
  };
  if (path == "-") {
    files.emplace_back("STDIN", slurp(in));
  } else if (std::filesystem::is_directory(path)) {
    std::vector<std::string> names;
    for (const auto& e : std::filesystem::directory_iterator(path)) {
      std::string ext = e.path().extension().string();
      if (ext == ".yaml" || ext == ".yml" || ext == ".json") names.push_back(e.path().string());
    }
    std::sort(names.begin(), names.end());
    for (const auto& n : names) {
      std::ifstream f(n);
      files.emplace_back(n, slurp(f));
    }
  } else {
    std::ifstream f(path);
    if (!f) {
      return absl::NotFoundError(absl::StrCat("the path \"", path, "\" does not exist"));
    }
    files.emplace_back(path, slurp(f));
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

// JSON without the indentation: a raw newline never occurs inside a JSON
// string, so every newline and the spaces after it lie between tokens.
std::string CompactJson(const std::string& json) {
  std::string out;
  for (size_t i = 0; i < json.size(); ++i) {
    if (json[i] != '\n') {
      out += json[i];
      continue;
    }
    while (i + 1 < json.size() && json[i + 1] == ' ') ++i;
  }
  return out;
}

// Whether status.conditions holds `type` with status "True".
bool HasCondition(const Message& obj, const std::string& type) {
  const auto* status_field = obj.GetDescriptor()->FindFieldByName("status");
  if (status_field == nullptr) return false;
  const Message& status = obj.GetReflection()->GetMessage(obj, status_field);
  const auto* conditions = status.GetDescriptor()->FindFieldByName("conditions");
  if (conditions == nullptr) return false;
  const auto* r = status.GetReflection();
  for (int i = 0; i < r->FieldSize(status, conditions); ++i) {
    const Message& c = r->GetRepeatedMessage(status, conditions, i);
    const auto* d = c.GetDescriptor();
    if (c.GetReflection()->GetString(c, d->FindFieldByName("type")) == type &&
        c.GetReflection()->GetString(c, d->FindFieldByName("status")) == "True") {
      return true;
    }
  }
  return false;
}

}  // namespace

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

int PrintError(const absl::Status& status, Context& ctx) {
  if (status.code() == absl::StatusCode::kUnavailable ||
      status.code() == absl::StatusCode::kDeadlineExceeded) {
    ctx.err << "The connection to the server " << ctx.server
            << " was refused - did you specify the right host or port?\n";
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

int Apply(const Args& args, Context& ctx, bool create_only) {
  if (!args.Has("filename")) {
    ctx.err << "error: must specify one of -f and -k\n";
    return 1;
  }
  auto objects = ReadManifests(args.Get("filename"), ctx.in);
  if (!objects.ok()) {
    ctx.err << "error: " << objects.status().message() << "\n";
    return 1;
  }
  int code = 0;
  for (auto& obj : *objects) {
    const auto& info = *obj.info;
    auto* meta = MutableMetaOf(*obj.message);
    meta->set_namespace_(NamespaceFor(info, *meta, ctx));
    std::string ref = TypedName(info, meta->name());
    // What this apply declares, kept on the object for the next apply's merge
    // (without an earlier declaration a re-applied `get -o yaml` carries).
    meta->mutable_annotations()->erase(kLastAppliedAnnotation);
    std::string applied = CompactJson(manifest::EncodeJson(*obj.message));
    auto live = ctx.client.Get(info, meta->namespace_(), meta->name());
    if (!live.ok() && live.status().code() == absl::StatusCode::kNotFound) {
      if (!create_only) (*meta->mutable_annotations())[kLastAppliedAnnotation] = applied;
      auto created = ctx.client.Create(info, *obj.message);
      if (!created.ok()) {
        code = PrintError(created.status(), ctx);
        continue;
      }
      ctx.out << ref << " created\n";
      continue;
    }
    if (!live.ok()) {
      code = PrintError(live.status(), ctx);
      continue;
    }
    if (create_only) {
      code = PrintError(absl::AlreadyExistsError(absl::StrCat(info.GroupResource(), " \"",
                                                              meta->name(), "\" already exists")),
                        ctx);
      continue;
    }
    // Apply: a three-way merge of this manifest, the last applied one and the
    // live object; the server writes nothing when that changes nothing.
    Message& updated = **live;
    std::string before = MetaOf(updated).resource_version();
    std::unique_ptr<Message> last;
    auto& live_annotations = MetaOf(updated).annotations();
    if (auto it = live_annotations.find(kLastAppliedAnnotation); it != live_annotations.end()) {
      auto decoded = manifest::Decode(it->second, "last-applied-configuration");
      if (decoded.ok() && decoded->size() == 1 && (*decoded)[0].info == &info) {
        last = std::move((*decoded)[0].message);
      }
    }
    MergeApplied(*obj.message, last.get(), updated);
    (*MutableMetaOf(updated)->mutable_annotations())[kLastAppliedAnnotation] = applied;
    auto result = ctx.client.Update(info, updated);
    if (!result.ok()) {
      code = PrintError(result.status(), ctx);
      continue;
    }
    bool unchanged = MetaOf(**result).resource_version() == before;
    ctx.out << ref << (unchanged ? " unchanged" : " configured") << "\n";
  }
  return code;
}

int Get(const Args& args, Context& ctx) {
  if (args.positional.size() < 2) {
    ctx.err << "error: you must specify the type of resource to get. Use \"ordoctl "
               "api-resources\" for a complete list of supported resources.\n";
    return 1;
  }
  // `get pv,pvc,sc`: each kind in turn, a blank line between tables, as kubectl.
  if (args.positional[1].find(',') != std::string::npos) {
    if (args.positional.size() > 2) {
      ctx.err << "error: names cannot be given with several kinds\n";
      return 1;
    }
    int code = 0;
    bool first = true;
    for (absl::string_view kind : absl::StrSplit(args.positional[1], ',', absl::SkipEmpty())) {
      Args one = args;
      one.positional[1] = std::string(kind);
      if (!first) ctx.out << "\n";
      first = false;
      code = std::max(code, Get(one, ctx));
    }
    return code;
  }
  const api::ResourceInfo* info = api::FindResource(args.positional[1]);
  if (info == nullptr) {
    ctx.err << "error: the server doesn't have a resource type \"" << args.positional[1] << "\"\n";
    return 1;
  }
  std::string ns = info->namespaced && !ctx.all_namespaces ? ctx.ns : "";
  std::vector<api::MessagePtr> objects;
  int64_t seen_version = 0;  // -w follows changes after this
  if (args.positional.size() > 2) {
    for (size_t i = 2; i < args.positional.size(); ++i) {
      auto got = ctx.client.Get(*info, ns, args.positional[i]);
      if (!got.ok()) return PrintError(got.status(), ctx);
      objects.push_back(*std::move(got));
    }
  } else {
    meta::v1::ListOptions options;
    options.set_namespace_(ns);
    options.set_label_selector(args.Get("selector"));
    options.set_field_selector(args.Get("field-selector"));
    auto listed = ctx.client.List(*info, options);
    if (!listed.ok()) return PrintError(listed.status(), ctx);
    const auto* items = (*listed)->GetDescriptor()->FindFieldByName("items");
    auto* r = (*listed)->GetReflection();
    const auto& list_meta = static_cast<const meta::v1::ListMeta&>(
        r->GetMessage(**listed, (*listed)->GetDescriptor()->FindFieldByName("metadata")));
    (void)absl::SimpleAtoi(list_meta.resource_version(), &seen_version);
    for (int i = 0; i < r->FieldSize(**listed, items); ++i) {
      api::MessagePtr item(r->GetRepeatedMessage(**listed, items, i).New());
      item->CopyFrom(r->GetRepeatedMessage(**listed, items, i));
      objects.push_back(std::move(item));
    }
  }
  std::string output = args.Get("output");
  for (auto& obj : objects) {
    // Objects from a list carry no apiVersion/kind of their own.
    auto* r = obj->GetReflection();
    r->SetString(obj.get(), obj->GetDescriptor()->FindFieldByName("api_version"),
                 info->ApiVersion());
    r->SetString(obj.get(), obj->GetDescriptor()->FindFieldByName("kind"), info->kind);
  }
  if (output == "yaml" || output == "json") {
    bool single = objects.size() == 1 && args.positional.size() == 3;
    if (single) {
      ctx.out << (output == "yaml" ? manifest::EncodeYaml(*objects[0])
                                   : manifest::EncodeJson(*objects[0]));
      return 0;
    }
    if (output == "yaml") {
      ctx.out << "apiVersion: v1\nitems:\n";
      for (const auto& obj : objects) {
        std::string yaml = manifest::EncodeYaml(*obj);
        std::vector<std::string> lines = absl::StrSplit(yaml, '\n', absl::SkipEmpty());
        for (size_t i = 0; i < lines.size(); ++i)
          ctx.out << (i == 0 ? "- " : "  ") << lines[i] << "\n";
      }
      ctx.out << "kind: List\nmetadata:\n  resourceVersion: \"\"\n";
    } else {
      std::vector<std::string> items;
      for (const auto& obj : objects) items.push_back(manifest::EncodeJson(*obj));
      ctx.out << "{\n \"apiVersion\": \"v1\",\n \"kind\": \"List\",\n \"items\": [\n"
              << absl::StrJoin(items, ",\n") << "]\n}\n";
    }
    return 0;
  }
  if (absl::StartsWith(output, "jsonpath=")) {
    // kubectl's shape: one object as itself, several as a List.
    auto node_of = [](const Message& obj) { return YAML::Load(manifest::EncodeJson(obj)); };
    YAML::Node root;
    if (objects.size() == 1 && args.positional.size() == 3) {
      root = node_of(*objects[0]);
    } else {
      root["apiVersion"] = "v1";
      root["kind"] = "List";
      root["items"] = YAML::Node(YAML::NodeType::Sequence);
      for (const auto& obj : objects) root["items"].push_back(node_of(*obj));
    }
    auto printed = JsonPath(output.substr(strlen("jsonpath=")), root);
    if (!printed.ok()) {
      ctx.err << "error: " << printed.status().message() << "\n";
      return 1;
    }
    ctx.out << *printed;
    return 0;
  }
  if (output == "name") {
    for (const auto& obj : objects) ctx.out << TypedName(*info, MetaOf(*obj).name()) << "\n";
    return 0;
  }
  if (!output.empty() && output != "wide") {
    ctx.err << "error: unable to match a printer suitable for the output format \"" << output
            << "\", allowed formats are: json,jsonpath,name,wide,yaml\n";
    return 1;
  }
  if (objects.empty()) {
    if (info->namespaced && !ctx.all_namespaces) {
      ctx.err << "No resources found in " << ns << " namespace.\n";
    } else {
      ctx.err << "No resources found\n";
    }
    return 0;
  }
  std::vector<const Message*> rows;
  for (const auto& obj : objects) rows.push_back(obj.get());
  TableOptions table{.wide = output == "wide",
                     .with_namespace = ctx.all_namespaces && info->namespaced,
                     .now = absl::Now()};
  PrintTable(ctx.out, *info, rows, table);
  if (args.Get("watch") != "true") return 0;
  // -w: then every change, a row each, until interrupted.
  meta::v1::ListOptions options;
  options.set_namespace_(ns);
  options.set_label_selector(args.Get("selector"));
  if (args.positional.size() == 3) {
    options.set_field_selector(absl::StrCat("metadata.name=", args.positional[2]));
  }
  for (const auto& obj : objects) {
    int64_t v = 0;
    (void)absl::SimpleAtoi(MetaOf(*obj).resource_version(), &v);
    seen_version = std::max(seen_version, v);
  }
  options.set_resource_version(absl::StrCat(seen_version));
  absl::Status ended = ctx.client.Watch(
      *info, options, absl::InfiniteFuture(), [&](const std::string&, api::MessagePtr obj) {
        std::ostringstream row;
        table.now = absl::Now();
        PrintTable(row, *info, {obj.get()}, table);
        std::string text = row.str();
        ctx.out << text.substr(text.find('\n') + 1) << std::flush;  // no header
        return true;
      });
  return ended.ok() ? 0 : PrintError(ended, ctx);
}

int Delete(const Args& args, Context& ctx) {
  std::vector<std::pair<const api::ResourceInfo*, std::pair<std::string, std::string>>> targets;
  if (args.Has("filename")) {
    auto objects = ReadManifests(args.Get("filename"), ctx.in);
    if (!objects.ok()) {
      ctx.err << "error: " << objects.status().message() << "\n";
      return 1;
    }
    for (const auto& obj : *objects) {
      const auto& meta = MetaOf(*obj.message);
      targets.push_back({obj.info, {NamespaceFor(*obj.info, meta, ctx), meta.name()}});
    }
  } else if (args.Has("selector") && args.positional.size() == 2) {
    // delete KIND -l SELECTOR: whatever matches now.
    const api::ResourceInfo* info = api::FindResource(args.positional[1]);
    if (info == nullptr) {
      ctx.err << "error: the server doesn't have a resource type \"" << args.positional[1]
              << "\"\n";
      return 1;
    }
    meta::v1::ListOptions options;
    options.set_namespace_(info->namespaced ? ctx.ns : "");
    options.set_label_selector(args.Get("selector"));
    auto listed = ctx.client.List(*info, options);
    if (!listed.ok()) return PrintError(listed.status(), ctx);
    const auto* items = (*listed)->GetDescriptor()->FindFieldByName("items");
    const auto* r = (*listed)->GetReflection();
    for (int i = 0; i < r->FieldSize(**listed, items); ++i) {
      const auto& meta = MetaOf(r->GetRepeatedMessage(**listed, items, i));
      targets.push_back({info, {meta.namespace_(), meta.name()}});
    }
    if (targets.empty()) {
      ctx.err << "No resources found\n";
      return 0;
    }
  } else {
    if (args.positional.size() < 3) {
      ctx.err << "error: resource(s) were provided, but no name was specified\n";
      return 1;
    }
    const api::ResourceInfo* info = api::FindResource(args.positional[1]);
    if (info == nullptr) {
      ctx.err << "error: the server doesn't have a resource type \"" << args.positional[1]
              << "\"\n";
      return 1;
    }
    for (size_t i = 2; i < args.positional.size(); ++i) {
      targets.push_back({info, {info->namespaced ? ctx.ns : "", args.positional[i]}});
    }
  }
  meta::v1::DeleteRequest base;
  if (args.Has("grace-period")) {
    int64_t grace = 0;
    if (!absl::SimpleAtoi(args.Get("grace-period"), &grace)) {
      ctx.err << "error: invalid argument \"" << args.Get("grace-period")
              << "\" for \"--grace-period\" flag\n";
      return 1;
    }
    if (grace >= 0) base.set_grace_period_seconds(grace);
  }
  if (args.Get("force") == "true") {
    if (!base.has_grace_period_seconds()) base.set_grace_period_seconds(0);
    if (base.grace_period_seconds() == 0) {
      ctx.err << "Warning: Immediate deletion does not wait for confirmation that the running "
                 "resource has been terminated. The resource may continue to run on the cluster "
                 "indefinitely.\n";
    }
  }
  std::string cascade = args.Get("cascade", "background");
  if (cascade == "background" || cascade == "true") {
    base.set_propagation_policy("Background");
  } else if (cascade == "orphan" || cascade == "false") {
    base.set_propagation_policy("Orphan");
  } else if (cascade == "foreground") {
    base.set_propagation_policy("Foreground");
  } else {
    ctx.err << "error: invalid cascade value (" << cascade
            << "). Must be \"background\", \"foreground\", or \"orphan\"\n";
    return 1;
  }
  int code = 0;
  std::vector<std::string> uids(targets.size());
  for (size_t t = 0; t < targets.size(); ++t) {
    const auto& [info, where] = targets[t];
    meta::v1::DeleteRequest req = base;
    req.set_namespace_(where.first);
    req.set_name(where.second);
    auto deleted = ctx.client.Delete(*info, req);
    if (!deleted.ok()) {
      code = PrintError(deleted.status(), ctx);
      continue;
    }
    uids[t] = MetaOf(**deleted).uid();
    ctx.out << absl::AsciiStrToLower(info->kind) << (info->group.empty() ? "" : ".") << info->group
            << " \"" << where.second << "\" deleted\n";
  }
  // As kubectl, wait (unless --wait=false) until the objects are really gone:
  // a pod is gone once its node has stopped it.
  if (args.Get("wait", "true") != "false") {
    absl::Duration timeout = absl::Seconds(60);
    if (args.Has("timeout") && !absl::ParseDuration(args.Get("timeout"), &timeout)) {
      ctx.err << "error: invalid argument \"" << args.Get("timeout")
              << "\" for \"--timeout\" flag\n";
      return 1;
    }
    absl::Time deadline = absl::Now() + timeout;
    for (size_t t = 0; t < targets.size(); ++t) {
      const auto& [info, where] = targets[t];
      // Gone means this object: a controller may already have made another of the name.
      auto still_there = [&] {
        auto got = ctx.client.Get(*info, where.first, where.second);
        return got.ok() && MetaOf(**got).uid() == uids[t];
      };
      while (!uids[t].empty() && still_there()) {
        if (absl::Now() >= deadline) {
          ctx.err << "error: timed out waiting for " << info->resource << "/" << where.second
                  << " to be deleted (its finalizers or node have not let go)\n";
          return 1;
        }
        absl::SleepFor(absl::Milliseconds(100));  // poll interval of a user-facing wait
      }
    }
  }
  return code;
}

// kubectl patch: the patch is applied here to the live object's JSON, and
// the result written back with the live resourceVersion (retried when
// another writer got there first).
int Patch(const Args& args, Context& ctx) {
  std::vector<std::string> words(args.positional.begin() + 1, args.positional.end());
  if (words.size() == 1 && words[0].find('/') != std::string::npos) {
    std::vector<std::string> parts = absl::StrSplit(words[0], absl::MaxSplits('/', 1));
    words = parts;
  }
  if (words.size() != 2 || !args.Has("patch")) {
    ctx.err << "error: usage: ordoctl patch KIND NAME -p PATCH [--type strategic|merge|json]\n";
    return 1;
  }
  const api::ResourceInfo* info = api::FindResource(words[0]);
  if (info == nullptr) {
    ctx.err << "error: the server doesn't have a resource type \"" << words[0] << "\"\n";
    return 1;
  }
  std::string ns = info->namespaced ? ctx.ns : "";
  constexpr int kAttempts = 5;
  for (int attempt = 1;; ++attempt) {
    auto live = ctx.client.Get(*info, ns, words[1]);
    if (!live.ok()) return PrintError(live.status(), ctx);
    YAML::Node doc = YAML::Load(manifest::EncodeJson(**live));
    auto patched = ApplyPatch(doc, args.Get("type", "strategic"), args.Get("patch"));
    if (!patched.ok()) {
      ctx.err << "error: " << patched.status().message() << "\n";
      return 1;
    }
    auto decoded = manifest::DecodeNode(*patched, "patch");
    if (!decoded.ok()) {
      ctx.err << "error: " << decoded.status().message() << "\n";
      return 1;
    }
    if (decoded->size() != 1 || decoded->front().info != info) {
      ctx.err << "error: the patch may not change apiVersion or kind\n";
      return 1;
    }
    Message& updated = *decoded->front().message;
    if (updated.SerializeAsString() == (*live)->SerializeAsString()) {
      ctx.out << TypedName(*info, words[1]) << " patched (no change)\n";
      return 0;
    }
    auto written = ctx.client.Update(*info, updated);
    if (absl::IsAborted(written.status()) && attempt < kAttempts) continue;
    if (!written.ok()) return PrintError(written.status(), ctx);
    ctx.out << TypedName(*info, words[1]) << " patched\n";
    return 0;
  }
}

int Scale(const Args& args, Context& ctx) {
  // "scale sts web" or "scale sts/web".
  std::vector<std::string> words(args.positional.begin() + 1, args.positional.end());
  if (words.size() == 1 && words[0].find('/') != std::string::npos) {
    std::vector<std::string> parts = absl::StrSplit(words[0], absl::MaxSplits('/', 1));
    words = parts;
  }
  int64_t replicas = -1;
  if (!args.Has("replicas") || !absl::SimpleAtoi(args.Get("replicas"), &replicas)) {
    ctx.err << "error: required flag(s) \"replicas\" not set\n";
    return 1;
  }
  const api::ResourceInfo* info = words.size() == 2 ? api::FindResource(words[0]) : nullptr;
  if (info == nullptr || info->kind != "StatefulSet") {
    ctx.err << "error: scale takes a statefulset: ordoctl scale sts NAME --replicas N\n";
    return 1;
  }
  auto live = ctx.client.Get(*info, ctx.ns, words[1]);
  if (!live.ok()) return PrintError(live.status(), ctx);
  Message& set = **live;
  const auto* spec_field = set.GetDescriptor()->FindFieldByName("spec");
  Message* spec = set.GetReflection()->MutableMessage(&set, spec_field);
  spec->GetReflection()->SetInt32(spec, spec->GetDescriptor()->FindFieldByName("replicas"),
                                  static_cast<int32_t>(replicas));
  auto updated = ctx.client.Update(*info, set);
  if (!updated.ok()) return PrintError(updated.status(), ctx);
  ctx.out << TypedName(*info, words[1]) << " scaled\n";
  return 0;
}

// kubectl describe's shape, for any kind: the identity block, the object's
// spec and status as indented YAML, its conditions, then its Events.
int Describe(const Args& args, Context& ctx) {
  if (args.positional.size() < 3) {
    ctx.err << "error: describe takes a kind and a name: ordoctl describe KIND NAME\n";
    return 1;
  }
  const api::ResourceInfo* info = api::FindResource(args.positional[1]);
  if (info == nullptr) {
    ctx.err << "error: the server doesn't have a resource type \"" << args.positional[1] << "\"\n";
    return 1;
  }
  std::string ns = info->namespaced ? ctx.ns : "";
  auto got = ctx.client.Get(*info, ns, args.positional[2]);
  if (!got.ok()) return PrintError(got.status(), ctx);
  const Message& obj = **got;
  const auto& meta = MetaOf(obj);
  auto pairs = [](const google::protobuf::Map<std::string, std::string>& m) {
    std::vector<std::string> out;
    for (const auto& [k, v] : m) {
      if (k != kLastAppliedAnnotation) out.push_back(k + "=" + v);  // kubectl hides it too
    }
    std::sort(out.begin(), out.end());
    return out.empty() ? std::string("<none>") : absl::StrJoin(out, "\n             ");
  };
  ctx.out << "Name:         " << meta.name() << "\n";
  if (info->namespaced) ctx.out << "Namespace:    " << meta.namespace_() << "\n";
  ctx.out << "Labels:       " << pairs(meta.labels()) << "\n";
  ctx.out << "Annotations:  " << pairs(meta.annotations()) << "\n";
  ctx.out << "CreationTimestamp:  "
          << absl::FormatTime("%a, %d %b %Y %H:%M:%S %z",
                              absl::FromUnixSeconds(meta.creation_timestamp().seconds()),
                              absl::UTCTimeZone())
          << "\n";
  if (meta.has_deletion_timestamp()) {
    ctx.out << "Terminating since:  "
            << absl::FormatTime("%a, %d %b %Y %H:%M:%S %z",
                                absl::FromUnixSeconds(meta.deletion_timestamp().seconds()),
                                absl::UTCTimeZone())
            << "\n";
  }
  if (info->kind == "PersistentVolumeClaim") {
    // kubectl's "Used By": the pods that mount the claim.
    meta::v1::ListOptions in_ns;
    in_ns.set_namespace_(meta.namespace_());
    std::vector<std::string> users;
    if (auto pods = ctx.client.List(api::ResourceFor("Pod"), in_ns); pods.ok()) {
      core::v1::PodList list;
      list.CopyFrom(**pods);
      for (const auto& pod : list.items()) {
        for (const auto& v : pod.spec().volumes()) {
          if (v.persistent_volume_claim().claim_name() == meta.name()) {
            users.push_back(pod.metadata().name());
          }
        }
      }
    }
    ctx.out << "Used By:      " << (users.empty() ? "<none>" : absl::StrJoin(users, ", ")) << "\n";
  }
  for (const char* section : {"spec", "status"}) {
    const auto* f = obj.GetDescriptor()->FindFieldByName(section);
    if (f == nullptr || !obj.GetReflection()->HasField(obj, f)) continue;
    const Message& part = obj.GetReflection()->GetMessage(obj, f);
    std::string yaml = manifest::EncodeYaml(part);
    ctx.out << (std::string(section) == "spec" ? "Spec:" : "Status:") << "\n";
    for (absl::string_view line : absl::StrSplit(yaml, '\n', absl::SkipEmpty())) {
      ctx.out << "  " << line << "\n";
    }
  }
  // Events about this object, oldest first.
  meta::v1::ListOptions about;
  about.set_namespace_(info->namespaced ? meta.namespace_() : "default");
  about.set_field_selector(
      absl::StrCat("involvedObject.name=", meta.name(), ",involvedObject.kind=", info->kind));
  auto events = ctx.client.List(api::ResourceFor("Event"), about);
  ctx.out << "Events:";
  const auto* items = events.ok() ? (*events)->GetDescriptor()->FindFieldByName("items") : nullptr;
  int count = items == nullptr ? 0 : (*events)->GetReflection()->FieldSize(**events, items);
  if (count == 0) {
    ctx.out << "  <none>\n";
    return 0;
  }
  ctx.out << "\n";
  std::vector<std::vector<std::string>> rows = {{"Type", "Reason", "Age", "From", "Message"},
                                                {"----", "------", "----", "----", "-------"}};
  for (int i = 0; i < count; ++i) {
    const auto& e = static_cast<const core::v1::Event&>(
        (*events)->GetReflection()->GetRepeatedMessage(**events, items, i));
    absl::Time last = absl::FromUnixSeconds(e.last_timestamp().seconds());
    rows.push_back({e.type(), e.reason(), ShortHumanDuration(absl::Now() - last),
                    e.source().component(), e.message()});
  }
  PrintRows(ctx.out, rows, "  ");
  return 0;
}

int Wait(const Args& args, Context& ctx) {
  std::vector<std::string> words(args.positional.begin() + 1, args.positional.end());
  if (words.size() == 1 && words[0].find('/') != std::string::npos) {
    std::vector<std::string> parts = absl::StrSplit(words[0], absl::MaxSplits('/', 1));
    words = parts;
  }
  const api::ResourceInfo* info = words.size() == 2 ? api::FindResource(words[0]) : nullptr;
  std::string condition = args.Get("for");
  if (info == nullptr || condition.empty()) {
    ctx.err << "error: usage: ordoctl wait KIND/NAME --for=delete|condition=TYPE [--timeout 30s]\n";
    return 1;
  }
  absl::Duration timeout = absl::Seconds(30);
  if (args.Has("timeout") && !absl::ParseDuration(args.Get("timeout"), &timeout)) {
    ctx.err << "error: invalid --timeout \"" << args.Get("timeout") << "\"\n";
    return 1;
  }
  std::function<bool(const Message*)> done;
  if (condition == "delete") {
    done = [](const Message* obj) { return obj == nullptr; };
  } else if (absl::StartsWith(condition, "condition=")) {
    std::string type = condition.substr(std::string("condition=").size());
    done = [type](const Message* obj) { return obj != nullptr && HasCondition(*obj, type); };
  } else {
    ctx.err << "error: unrecognized condition: \"" << condition << "\"\n";
    return 1;
  }
  std::string ns = info->namespaced ? ctx.ns : "";
  std::string ref = absl::StrCat(absl::AsciiStrToLower(info->kind), "/", words[1]);
  absl::Status s = WaitForObject(ctx, *info, ns, words[1], absl::Now() + timeout, done);
  if (s.code() == absl::StatusCode::kDeadlineExceeded) {
    ctx.err << "error: timed out waiting for the condition on " << info->resource << "/" << words[1]
            << "\n";
    return 1;
  }
  if (!s.ok()) return PrintError(s, ctx);
  ctx.out << ref << " condition met\n";
  return 0;
}

std::string VerbHelp(const std::string& verb) {
  if (verb == "wait") {
    return "Wait until an object is deleted or has a condition.\n\nUsage: ordoctl wait "
           "KIND/NAME --for=delete|condition=TYPE [--timeout 30s]\n";
  }
  if (verb == "describe") {
    return "Show an object in detail: its identity, spec, status and the Events about it.\n\n"
           "Usage: ordoctl describe KIND NAME\n";
  }
  if (verb == "apply") {
    return "Apply a configuration to objects, from a file, a directory of .yaml/.yml/.json files, "
           "or stdin (-f -).\nCreates what is missing, updates what changed, and reports "
           "\"unchanged\" (writing nothing) otherwise.\n\nUsage: ordoctl apply -f FILE|DIR|-\n";
  }
  if (verb == "create") {
    return "Create objects from a file, a directory or stdin; an existing object is an error.\n\n"
           "Usage: ordoctl create -f FILE|DIR|-\n";
  }
  if (verb == "get") {
    return "Display one or many objects.\n\nUsage: ordoctl get KIND [NAME...] [-o "
           "yaml|json|wide|name] [-l SELECTOR] [--field-selector SELECTOR] [-n NS | -A]\n\n"
           "KIND is a kind, its plural or short name: pods (po), statefulsets (sts), services "
           "(svc), persistentvolumeclaims (pvc), ... (see ordoctl api-resources).\n";
  }
  if (verb == "delete") {
    return "Delete objects by kind and name, by label, or those of a file.\n\nUsage: ordoctl "
           "delete KIND NAME... | KIND -l SELECTOR | -f FILE [--grace-period N] [--force] "
           "[--cascade=background|orphan|foreground]\n";
  }
  if (verb == "logs") {
    return "Print a container's logs.\n\nUsage: ordoctl logs POD [-c CONTAINER] [-f|--follow] "
           "[-p|--previous] [--tail N]\n";
  }
  if (verb == "exec") {
    return "Run a command in a container (its hostname, mounts and environment).\n\nUsage: "
           "ordoctl exec POD [-c CONTAINER] [-i] -- COMMAND [ARGS...]\n";
  }
  if (verb == "patch") {
    return "Update fields of an object with a patch.\n\nUsage: ordoctl patch KIND NAME -p "
           "PATCH [--type strategic|merge|json]\n\nstrategic (the default) merges lists of "
           "named items (containers, env, volumes) by name; merge replaces lists; json is a list "
           "of RFC 6902 operations.\n";
  }
  if (verb == "rollout") {
    return "Manage the rollout of a StatefulSet.\n\nUsage:\n"
           "  ordoctl rollout status sts/NAME [--timeout 0] [--watch=false]\n"
           "  ordoctl rollout history sts/NAME [--revision N]\n"
           "  ordoctl rollout undo sts/NAME [--to-revision N]\n"
           "  ordoctl rollout restart sts/NAME\n";
  }
  if (verb == "cluster") {
    return "Run a local cluster of processes.\n\nUsage:\n  ordoctl cluster up [--nodes 3] "
           "[--data-dir .ordo] [--api-port 0]\n  ordoctl cluster down [--data-dir .ordo]\n"
           "  ordoctl cluster status [--data-dir .ordo]\n";
  }
  if (verb == "scale") {
    return "Set the number of replicas of a StatefulSet.\n\nUsage: ordoctl scale sts NAME "
           "--replicas N\n";
  }
  if (verb == "api-resources")
    return "Print the kinds ordo serves.\n\nUsage: ordoctl api-resources\n";
  if (verb == "version") return "Print the client and server versions.\n\nUsage: ordoctl version\n";
  return "";
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
