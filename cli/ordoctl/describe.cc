// ordoctl describe and wait: an object in detail, and waiting on one.
#include <optional>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "cli/ordoctl/apply_merge.h"
#include "cli/ordoctl/commands.h"
#include "cli/ordoctl/describers.h"
#include "cli/ordoctl/jsonpath.h"
#include "cli/ordoctl/printer.h"
#include "common/api/object_meta.h"
#include "common/manifest/manifest.h"
#include "ordo/apps/v1/apps.pb.h"
#include "ordo/core/v1/core.pb.h"
#include "yaml-cpp/yaml.h"

namespace ordo::ctl {

using api::MetaOf;
using api::MutableMetaOf;
using google::protobuf::Message;
namespace {

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

// Any other kind: the identity block, the spec and status as indented YAML.
void DescribeGeneric(Context& ctx, const api::ResourceInfo& info, const Message& obj) {
  const auto& meta = MetaOf(obj);
  auto pairs = [](const google::protobuf::Map<std::string, std::string>& m) {
    return DescribePairs(m, "\n             ");
  };
  ctx.out << "Name:         " << meta.name() << "\n";
  if (info.namespaced) ctx.out << "Namespace:    " << meta.namespace_() << "\n";
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
  if (info.kind == "PersistentVolumeClaim") {
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
}

// The phases of the pods a set controls, for its "Pods Status".
PodPhaseCounts CountPods(Context& ctx, const apps::v1::StatefulSet& set) {
  PodPhaseCounts counts;
  meta::v1::ListOptions in_ns;
  in_ns.set_namespace_(set.metadata().namespace_());
  auto pods = ctx.client.List(api::ResourceFor("Pod"), in_ns);
  if (!pods.ok()) return counts;
  core::v1::PodList list;
  list.CopyFrom(**pods);
  for (const auto& pod : list.items()) {
    bool owned = false;
    for (const auto& ref : pod.metadata().owner_references()) {
      owned = owned || (ref.controller() && ref.uid() == set.metadata().uid());
    }
    if (!owned) continue;
    const std::string& phase = pod.status().phase();
    if (phase == "Running") ++counts.running;
    if (phase == "Pending" || phase.empty()) ++counts.waiting;
    if (phase == "Succeeded") ++counts.succeeded;
    if (phase == "Failed") ++counts.failed;
  }
  return counts;
}

}  // namespace

// kubectl describe's shape: the object's own sections (pods and
// StatefulSets as kubectl lays them out, other kinds generically), then the
// Events about it.
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
  if (info->kind == "Pod") {
    ctx.out << DescribePod(static_cast<const core::v1::Pod&>(obj));
  } else if (info->kind == "StatefulSet") {
    const auto& set = static_cast<const apps::v1::StatefulSet&>(obj);
    ctx.out << DescribeStatefulSet(set, CountPods(ctx, set));
  } else {
    DescribeGeneric(ctx, *info, obj);
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
  std::vector<std::string> words = KindAndName(args, 1);
  const api::ResourceInfo* info = words.size() == 2 ? api::FindResource(words[0]) : nullptr;
  std::string condition = args.Get("for");
  if (info == nullptr || condition.empty()) {
    ctx.err << "error: usage: ordoctl wait KIND/NAME --for=delete|condition=TYPE|"
               "jsonpath='{PATH}'=VALUE [--timeout 30s]\n";
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
  } else if (absl::StartsWith(condition, "jsonpath=")) {
    // kubectl's --for=jsonpath='{.status.readyReplicas}'=3: the template up to
    // its closing brace, then =VALUE (without one: the path yields anything).
    std::string expr = condition.substr(std::string("jsonpath=").size());
    size_t close = expr.rfind('}');
    if (expr.empty() || expr[0] != '{' || close == std::string::npos ||
        (close + 1 < expr.size() && expr[close + 1] != '=')) {
      ctx.err << "error: jsonpath wait format must be --for=jsonpath='{.status.readyReplicas}'=3\n";
      return 1;
    }
    std::string tmpl = expr.substr(0, close + 1);
    std::optional<std::string> want;
    if (close + 1 < expr.size()) want = expr.substr(close + 2);
    if (auto checked = JsonPath(tmpl, YAML::Node()); !checked.ok()) {
      ctx.err << "error: " << checked.status().message() << "\n";
      return 1;
    }
    done = [tmpl, want](const Message* obj) {
      if (obj == nullptr) return false;
      auto got = JsonPath(tmpl, YAML::Load(manifest::EncodeJson(*obj)));
      if (!got.ok()) return false;
      return want.has_value() ? *got == *want : !got->empty();
    };
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

}  // namespace ordo::ctl
