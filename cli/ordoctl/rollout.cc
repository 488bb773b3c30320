#include "cli/ordoctl/rollout.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "cli/ordoctl/printer.h"
#include "common/api/statefulset.h"
#include "common/manifest/manifest.h"
#include "common/revisions/pod_template_patch.h"
#include "ordo/apps/v1/apps.pb.h"

namespace ordo::ctl {
namespace {

using apps::v1::ControllerRevision;
using apps::v1::StatefulSet;

constexpr char kChangeCause[] = "kubernetes.io/change-cause";

// kubectl's StatefulSet status viewer: a message and whether the rollout is done.
std::pair<std::string, bool> StatusOf(const StatefulSet& set) {
  const auto& spec = set.spec();
  const auto& st = set.status();
  int replicas = api::DesiredReplicas(spec);
  if (st.observed_generation() == 0 || set.metadata().generation() > st.observed_generation()) {
    return {"Waiting for statefulset spec update to be observed...", false};
  }
  if (st.ready_replicas() < replicas) {
    return {absl::StrCat("Waiting for ", replicas - st.ready_replicas(), " pods to be ready..."),
            false};
  }
  const auto& strategy = spec.update_strategy();
  if (strategy.type() != api::kOnDeleteStrategy && strategy.has_rolling_update()) {
    int partition = strategy.rolling_update().partition();
    if (st.updated_replicas() < replicas - partition) {
      return {absl::StrCat("Waiting for partitioned roll out to finish: ", st.updated_replicas(),
                           " out of ", replicas - partition, " new pods have been updated..."),
              false};
    }
    return {absl::StrCat("partitioned roll out complete: ", st.updated_replicas(),
                         " new pods have been updated..."),
            true};
  }
  if (st.update_revision() != st.current_revision()) {
    return {absl::StrCat("waiting for statefulset rolling update to complete ",
                         st.updated_replicas(), " pods at revision ", st.update_revision(), "..."),
            false};
  }
  return {absl::StrCat("statefulset rolling update complete ", st.current_replicas(),
                       " pods at revision ", st.current_revision(), "..."),
          true};
}

// "sts/web" or "sts web" -> the set's name; empty (with an error printed) if neither.
std::string SetName(const Args& args, Context& ctx) {
  std::vector<std::string> words = KindAndName(args, 2);
  const api::ResourceInfo* info = words.size() == 2 ? api::FindResource(words[0]) : nullptr;
  if (info == nullptr || info->kind != "StatefulSet") {
    ctx.err << "error: rollout takes a statefulset: ordoctl rollout " << args.positional[1]
            << " sts/NAME\n";
    return "";
  }
  return words[1];
}

absl::StatusOr<StatefulSet> GetSet(Context& ctx, const std::string& name) {
  auto got = ctx.client.Get(api::ResourceFor("StatefulSet"), ctx.ns, name);
  if (!got.ok()) return got.status();
  StatefulSet set;
  set.CopyFrom(**got);
  return set;
}

// The set's revisions, oldest first.
absl::StatusOr<std::vector<ControllerRevision>> History(Context& ctx, const StatefulSet& set) {
  meta::v1::ListOptions options;
  options.set_namespace_(ctx.ns);
  auto listed = ctx.client.List(api::ResourceFor("ControllerRevision"), options);
  if (!listed.ok()) return listed.status();
  apps::v1::ControllerRevisionList list;
  list.CopyFrom(**listed);
  std::vector<ControllerRevision> out;
  for (const auto& r : list.items()) {
    for (const auto& ref : r.metadata().owner_references()) {
      if (ref.controller() && ref.uid() == set.metadata().uid()) out.push_back(r);
    }
  }
  std::sort(out.begin(), out.end(),
            [](const auto& a, const auto& b) { return a.revision() < b.revision(); });
  return out;
}

std::string SetWord(const std::string& name) {
  return TypedName(api::ResourceFor("StatefulSet"), name);
}

int Status(const Args& args, Context& ctx, const std::string& name) {
  absl::Duration timeout = absl::ZeroDuration();  // kubectl: 0 waits for ever
  if (args.Has("timeout") && !absl::ParseDuration(args.Get("timeout"), &timeout)) {
    ctx.err << "error: invalid argument \"" << args.Get("timeout") << "\" for \"--timeout\" flag\n";
    return 1;
  }
  bool watch = args.Get("watch", "true") != "false";
  absl::Time deadline =
      timeout == absl::ZeroDuration() ? absl::InfiniteFuture() : absl::Now() + timeout;
  std::string last;
  absl::Status s = WaitForObject(ctx, api::ResourceFor("StatefulSet"), ctx.ns, name, deadline,
                                 [&](const google::protobuf::Message* obj) {
                                   if (obj == nullptr) return true;  // deleted: nothing to wait for
                                   StatefulSet set;
                                   set.CopyFrom(*obj);
                                   auto [message, done] = StatusOf(set);
                                   if (message != last) ctx.out << message << "\n" << std::flush;
                                   last = message;
                                   return done || !watch;
                                 });
  if (absl::IsDeadlineExceeded(s)) {
    ctx.err << "error: timed out waiting for the condition\n";
    return 1;
  }
  if (!s.ok()) return PrintError(s, ctx);
  if (last.empty()) {
    ctx.err << "Error from server (NotFound): statefulsets.apps \"" << name << "\" not found\n";
    return 1;
  }
  return 0;
}

int HistoryCommand(const Args& args, Context& ctx, const std::string& name) {
  auto set = GetSet(ctx, name);
  if (!set.ok()) return PrintError(set.status(), ctx);
  auto history = History(ctx, *set);
  if (!history.ok()) return PrintError(history.status(), ctx);
  if (args.Has("revision")) {
    int64_t wanted = 0;
    if (!absl::SimpleAtoi(args.Get("revision"), &wanted)) {
      ctx.err << "error: invalid argument \"" << args.Get("revision")
              << "\" for \"--revision\" flag\n";
      return 1;
    }
    for (const auto& r : *history) {
      if (r.revision() != wanted) continue;
      auto tmpl = revisions::TemplateOf(r);
      if (!tmpl.ok()) return PrintError(tmpl.status(), ctx);
      ctx.out << SetWord(name) << " with revision #" << wanted << "\nPod Template:\n";
      for (absl::string_view line : absl::StrSplit(manifest::EncodeYaml(*tmpl), '\n')) {
        if (!line.empty()) ctx.out << "  " << line << "\n";
      }
      return 0;
    }
    ctx.err << "error: unable to find the specified revision\n";
    return 1;
  }
  ctx.out << SetWord(name) << "\n";
  std::vector<std::vector<std::string>> rows = {{"REVISION", "CHANGE-CAUSE"}};
  for (const auto& r : *history) {
    auto cause = r.metadata().annotations().find(kChangeCause);
    rows.push_back({absl::StrCat(r.revision()),
                    cause == r.metadata().annotations().end() ? "<none>" : cause->second});
  }
  PrintRows(ctx.out, rows);
  return 0;
}

absl::Status UpdateTemplate(Context& ctx, StatefulSet& set) {
  return ctx.client.Update(api::ResourceFor("StatefulSet"), set).status();
}

int Undo(const Args& args, Context& ctx, const std::string& name) {
  int64_t to = 0;
  if (args.Has("to-revision") && !absl::SimpleAtoi(args.Get("to-revision"), &to)) {
    ctx.err << "error: invalid argument \"" << args.Get("to-revision")
            << "\" for \"--to-revision\" flag\n";
    return 1;
  }
  auto set = GetSet(ctx, name);
  if (!set.ok()) return PrintError(set.status(), ctx);
  auto history = History(ctx, *set);
  if (!history.ok()) return PrintError(history.status(), ctx);
  const ControllerRevision* target = nullptr;
  if (to == 0) {
    if (history->size() < 2) {
      ctx.err << "error: no rollout history found for statefulset \"" << name << "\"\n";
      return 1;
    }
    target = &(*history)[history->size() - 2];  // the one before the newest
  } else {
    for (const auto& r : *history) {
      if (r.revision() == to) target = &r;
    }
    if (target == nullptr) {
      ctx.err << "error: unable to find specified revision " << to << " in history\n";
      return 1;
    }
  }
  auto tmpl = revisions::TemplateOf(*target);
  if (!tmpl.ok()) return PrintError(tmpl.status(), ctx);
  if (tmpl->SerializeAsString() == set->spec().template_().SerializeAsString()) {
    ctx.out << SetWord(name) << " skipped rollback (current template already matches revision "
            << target->revision() << ")\n";
    return 0;
  }
  *set->mutable_spec()->mutable_template_() = *tmpl;
  absl::Status s = UpdateTemplate(ctx, *set);
  if (!s.ok()) return PrintError(s, ctx);
  ctx.out << SetWord(name) << " rolled back\n";
  return 0;
}

int Restart(Context& ctx, const std::string& name) {
  auto set = GetSet(ctx, name);
  if (!set.ok()) return PrintError(set.status(), ctx);
  (*set->mutable_spec()
        ->mutable_template_()
        ->mutable_metadata()
        ->mutable_annotations())["kubectl.kubernetes.io/restartedAt"] =
      absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::Now(), absl::UTCTimeZone());
  absl::Status s = UpdateTemplate(ctx, *set);
  if (!s.ok()) return PrintError(s, ctx);
  ctx.out << SetWord(name) << " restarted\n";
  return 0;
}

}  // namespace

int Rollout(const Args& args, Context& ctx) {
  static constexpr char kUsage[] =
      "error: usage: ordoctl rollout status|history|undo|restart sts/NAME\n";
  if (args.positional.size() < 3) {
    ctx.err << kUsage;
    return 1;
  }
  const std::string& sub = args.positional[1];
  if (sub != "status" && sub != "history" && sub != "undo" && sub != "restart") {
    ctx.err << kUsage;
    return 1;
  }
  std::string name = SetName(args, ctx);
  if (name.empty()) return 1;
  if (sub == "status") return Status(args, ctx, name);
  if (sub == "history") return HistoryCommand(args, ctx, name);
  if (sub == "undo") return Undo(args, ctx, name);
  return Restart(ctx, name);
}

}  // namespace ordo::ctl
