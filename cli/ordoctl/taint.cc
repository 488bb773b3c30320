#include "cli/ordoctl/taint.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "cli/ordoctl/drain.h"
#include "common/clock/timestamp.h"
#include "common/naming/naming.h"

namespace ordo::ctl {
namespace {

bool ValidEffect(absl::string_view effect) {
  return effect == "NoSchedule" || effect == "PreferNoSchedule" || effect == "NoExecute";
}

absl::Status InvalidSpec(const std::string& spec, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("invalid taint spec: ", spec, ", ", why));
}

}  // namespace

absl::StatusOr<TaintChange> ParseTaintChange(const std::string& spec) {
  TaintChange change;
  absl::string_view rest(spec.data(), spec.size());
  change.remove = absl::ConsumeSuffix(&rest, "-");
  size_t colon = rest.rfind(':');
  absl::string_view key_value = rest;
  if (colon != absl::string_view::npos) {
    absl::string_view effect = rest.substr(colon + 1);
    if (!ValidEffect(effect)) {
      return InvalidSpec(spec, absl::StrCat("unsupported taint effect \"", effect,
                                            "\": must be NoSchedule, PreferNoSchedule or "
                                            "NoExecute"));
    }
    change.taint.set_effect(std::string(effect));
    key_value = rest.substr(0, colon);
  } else if (!change.remove) {
    return InvalidSpec(spec, "an effect is required (KEY[=VALUE]:EFFECT)");
  }
  size_t eq = key_value.find('=');
  absl::string_view key = key_value.substr(0, eq);
  if (eq != absl::string_view::npos) {
    if (change.remove) return InvalidSpec(spec, "a taint to remove takes no value");
    absl::string_view value = key_value.substr(eq + 1);
    if (auto problems = naming::IsValidLabelValue(value); !problems.empty()) {
      return InvalidSpec(spec, absl::StrCat("value: ", absl::StrJoin(problems, "; ")));
    }
    change.taint.set_value(std::string(value));
  }
  if (auto problems = naming::IsQualifiedName(key); !problems.empty()) {
    return InvalidSpec(spec, absl::StrCat("key: ", absl::StrJoin(problems, "; ")));
  }
  change.taint.set_key(std::string(key));
  return change;
}

absl::StatusOr<bool> ApplyTaintChanges(core::v1::Node& node,
                                       const std::vector<TaintChange>& changes, bool overwrite,
                                       absl::Time now) {
  core::v1::NodeSpec spec = node.spec();  // changed as a copy: an error leaves the node alone
  bool changed = false;
  for (const auto& change : changes) {
    auto* taints = spec.mutable_taints();
    const core::v1::Taint& want = change.taint;
    if (change.remove) {
      int before = taints->size();
      for (int i = taints->size() - 1; i >= 0; --i) {
        const auto& t = taints->Get(i);
        if (t.key() == want.key() && (want.effect().empty() || t.effect() == want.effect())) {
          taints->DeleteSubrange(i, 1);
        }
      }
      if (taints->size() == before) {
        return absl::NotFoundError(absl::StrCat("taint \"", want.key(),
                                                want.effect().empty() ? "" : ":", want.effect(),
                                                "\" not found"));
      }
      changed = true;
      continue;
    }
    core::v1::Taint* same = nullptr;
    for (auto& t : *taints) {
      if (t.key() == want.key() && t.effect() == want.effect()) same = &t;
    }
    if (same != nullptr && same->value() == want.value()) continue;
    if (same != nullptr && !overwrite) {
      return absl::AlreadyExistsError(
          absl::StrCat("node ", node.metadata().name(), " already has ", want.key(),
                       " taint(s) with same effect(s) and --overwrite is false"));
    }
    core::v1::Taint* t = same != nullptr ? same : taints->Add();
    *t = want;
    if (want.effect() == "NoExecute") SetTimestamp(t->mutable_time_added(), now);
    changed = true;
  }
  *node.mutable_spec() = std::move(spec);
  return changed;
}

int Taint(const Args& args, Context& ctx) {
  // nodes NODE SPEC... or node/NODE SPEC...
  std::vector<std::string> words(args.positional.begin() + 1, args.positional.end());
  if (!words.empty() && words[0].find('/') != std::string::npos) {
    std::vector<std::string> kind_name = absl::StrSplit(words[0], absl::MaxSplits('/', 1));
    words.erase(words.begin());
    words.insert(words.begin(), kind_name.begin(), kind_name.end());
  }
  if (words.size() < 3 || (words[0] != "nodes" && words[0] != "node" && words[0] != "no")) {
    ctx.err << "error: usage: ordoctl taint nodes NODE KEY[=VALUE]:EFFECT[-]... [--overwrite]\n";
    return 1;
  }
  const std::string& name = words[1];
  std::vector<TaintChange> changes;
  bool removes_only = true;
  for (size_t i = 2; i < words.size(); ++i) {
    auto change = ParseTaintChange(words[i]);
    if (!change.ok()) {
      ctx.err << "error: " << change.status().message() << "\n";
      return 1;
    }
    removes_only = removes_only && change->remove;
    changes.push_back(*std::move(change));
  }
  absl::Status refused;  // the changes' own error, as opposed to the server's
  auto changed = EditNode(ctx, name, [&](core::v1::Node& node) {
    auto applied = ApplyTaintChanges(node, changes, args.Get("overwrite") == "true", absl::Now());
    refused = applied.status();
    return applied;
  });
  if (!refused.ok()) {
    ctx.err << "error: " << refused.message() << "\n";
    return 1;
  }
  if (!changed.ok()) return PrintError(changed.status(), ctx);
  ctx.out << "node/" << name << (*changed ? "" : " not")
          << (removes_only ? " untainted" : " tainted") << "\n";
  return 0;
}

}  // namespace ordo::ctl
