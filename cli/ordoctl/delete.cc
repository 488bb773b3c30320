// ordoctl delete: by name, by label or by file, waiting (by uid) until gone.
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "cli/ordoctl/commands.h"
#include "cli/ordoctl/printer.h"
#include "common/api/object_meta.h"

namespace ordo::ctl {

using api::MetaOf;
using api::MutableMetaOf;
using google::protobuf::Message;

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

}  // namespace ordo::ctl
