// ordoctl apply/create, replace, patch and scale: the verbs that change objects.
#include <algorithm>
#include <limits>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "cli/ordoctl/apply_merge.h"
#include "cli/ordoctl/commands.h"
#include "cli/ordoctl/patch.h"
#include "cli/ordoctl/printer.h"
#include "common/api/object_meta.h"
#include "common/manifest/manifest.h"

namespace ordo::ctl {

using api::MetaOf;
using api::MutableMetaOf;
using google::protobuf::Message;
namespace {

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

}  // namespace

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

int Replace(const Args& args, Context& ctx) {
  if (!args.Has("filename")) {
    ctx.err << "error: must specify --filename to replace\n";
    return 1;
  }
  absl::Duration timeout = absl::Seconds(60);
  if (args.Has("timeout") && !absl::ParseDuration(args.Get("timeout"), &timeout)) {
    ctx.err << "error: invalid argument \"" << args.Get("timeout") << "\" for \"--timeout\" flag\n";
    return 1;
  }
  int64_t grace = -1;
  if (args.Has("grace-period") && !absl::SimpleAtoi(args.Get("grace-period"), &grace)) {
    ctx.err << "error: invalid argument \"" << args.Get("grace-period")
            << "\" for \"--grace-period\" flag\n";
    return 1;
  }
  auto objects = ReadManifests(args.Get("filename"), ctx.in);
  if (!objects.ok()) {
    ctx.err << "error: " << objects.status().message() << "\n";
    return 1;
  }
  const bool force = args.Get("force") == "true";
  int code = 0;
  for (auto& obj : *objects) {
    const auto& info = *obj.info;
    auto* meta = MutableMetaOf(*obj.message);
    meta->set_namespace_(NamespaceFor(info, *meta, ctx));
    std::string ref = TypedName(info, meta->name());
    if (!force) {
      // The manifest as the whole new object; without a resourceVersion it
      // overwrites whatever is there, as kubectl's replace.
      auto replaced = ctx.client.Update(info, *obj.message);
      if (!replaced.ok()) {
        code = PrintError(replaced.status(), ctx);
        continue;
      }
      ctx.out << ref << " replaced\n";
      continue;
    }
    // --force: delete (a missing object is fine), wait until that object is
    // gone, then create.
    meta::v1::DeleteRequest req;
    req.set_namespace_(meta->namespace_());
    req.set_name(meta->name());
    if (grace >= 0) req.set_grace_period_seconds(grace);
    auto deleted = ctx.client.Delete(info, req);
    if (!deleted.ok() && deleted.status().code() != absl::StatusCode::kNotFound) {
      code = PrintError(deleted.status(), ctx);
      continue;
    }
    if (deleted.ok()) {
      ctx.out << absl::AsciiStrToLower(info.kind) << (info.group.empty() ? "" : ".") << info.group
              << " \"" << meta->name() << "\" deleted\n";
      std::string uid = MetaOf(**deleted).uid();
      absl::Status gone = WaitForObject(
          ctx, info, meta->namespace_(), meta->name(), absl::Now() + timeout,
          [&](const Message* live) { return live == nullptr || MetaOf(*live).uid() != uid; });
      if (!gone.ok()) {
        code = PrintError(gone, ctx);
        continue;
      }
    }
    auto created = ctx.client.Create(info, *obj.message);
    if (!created.ok()) {
      code = PrintError(created.status(), ctx);
      continue;
    }
    ctx.out << ref << " replaced\n";
  }
  return code;
}

// kubectl patch: the patch is applied here to the live object's JSON, and
// the result written back with the live resourceVersion (retried when
// another writer got there first).
int Patch(const Args& args, Context& ctx) {
  std::vector<std::string> words = KindAndName(args, 1);
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
  std::vector<std::string> words = KindAndName(args, 1);  // "sts web" or "sts/web"
  int64_t replicas = -1;
  if (!args.Has("replicas") || !absl::SimpleAtoi(args.Get("replicas"), &replicas)) {
    ctx.err << "error: required flag(s) \"replicas\" not set\n";
    return 1;
  }
  if (replicas < 0 || replicas > std::numeric_limits<int32_t>::max()) {
    ctx.err << "error: The --replicas=COUNT flag is required, and COUNT must be greater than or "
               "equal to 0\n";
    return 1;
  }
  const api::ResourceInfo* info = words.size() == 2 ? api::FindResource(words[0]) : nullptr;
  if (info == nullptr || info->kind != "StatefulSet") {
    ctx.err << "error: scale takes a statefulset: ordoctl scale sts NAME --replicas N\n";
    return 1;
  }
  // kubectl's way: read the Scale subresource, write it back under the
  // resourceVersion read, and start over when another writer came between.
  constexpr int kAttempts = 5;
  for (int attempt = 1;; ++attempt) {
    auto scale = ctx.client.GetScale(*info, ctx.ns, words[1]);
    if (!scale.ok()) return PrintError(scale.status(), ctx);
    scale->mutable_spec()->set_replicas(static_cast<int32_t>(replicas));
    auto updated = ctx.client.UpdateScale(*info, *scale);
    if (absl::IsAborted(updated.status()) && attempt < kAttempts) continue;
    if (!updated.ok()) return PrintError(updated.status(), ctx);
    break;
  }
  ctx.out << TypedName(*info, words[1]) << " scaled\n";
  return 0;
}

}  // namespace ordo::ctl
