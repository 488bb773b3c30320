#include "cli/ordoctl/patch.h"

#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"

namespace ordo::ctl {
namespace {

bool IsNullValue(const YAML::Node& n) { return !n.IsDefined() || n.IsNull(); }

// A list every item of which is a map with a scalar `name`.
bool NamedList(const YAML::Node& list) {
  if (!list.IsSequence() || list.size() == 0) return false;
  for (const auto& item : list) {
    if (!item.IsMap() || !item["name"] || !item["name"].IsScalar()) return false;
  }
  return true;
}

YAML::Node Merge(const YAML::Node& target, const YAML::Node& patch, bool strategic);

YAML::Node MergeNamedLists(const YAML::Node& target, const YAML::Node& patch) {
  YAML::Node out(YAML::NodeType::Sequence);
  std::vector<std::string> deleted;
  for (const auto& p : patch) {
    if (p["$patch"] && p["$patch"].Scalar() == "delete") deleted.push_back(p["name"].Scalar());
  }
  std::vector<bool> used(patch.size(), false);
  for (const auto& t : target) {
    std::string name = t["name"].Scalar();
    if (std::find(deleted.begin(), deleted.end(), name) != deleted.end()) continue;
    YAML::Node merged = YAML::Clone(t);
    for (size_t i = 0; i < patch.size(); ++i) {
      if (patch[i]["name"].Scalar() == name && !patch[i]["$patch"]) {
        merged = Merge(merged, patch[i], true);
        used[i] = true;
      }
    }
    out.push_back(merged);
  }
  for (size_t i = 0; i < patch.size(); ++i) {
    if (!used[i] && !patch[i]["$patch"]) out.push_back(Merge(YAML::Node(), patch[i], true));
  }
  return out;
}

YAML::Node Merge(const YAML::Node& target, const YAML::Node& patch, bool strategic) {
  if (!patch.IsMap()) return YAML::Clone(patch);
  if (strategic && patch["$patch"] && patch["$patch"].Scalar() == "replace") {
    YAML::Node replaced = YAML::Clone(patch);
    replaced.remove("$patch");
    return replaced;
  }
  YAML::Node out = target.IsMap() ? YAML::Clone(target) : YAML::Node(YAML::NodeType::Map);
  for (const auto& kv : patch) {
    std::string key = kv.first.Scalar();
    if (strategic && key == "$patch") continue;
    const YAML::Node& value = kv.second;
    if (IsNullValue(value)) {
      out.remove(key);
    } else if (strategic && value.IsSequence() && NamedList(value) && out[key] &&
               NamedList(out[key])) {
      out[key] = MergeNamedLists(out[key], value);
    } else {
      out[key] = Merge(out[key] ? out[key] : YAML::Node(), value, strategic);
    }
  }
  return out;
}

// A JSON pointer's tokens: "/a/b~1c" -> {"a", "b/c"}.
absl::StatusOr<std::vector<std::string>> Tokens(const std::string& pointer) {
  if (pointer.empty()) return std::vector<std::string>{};
  if (pointer[0] != '/') {
    return absl::InvalidArgumentError(
        absl::StrCat("path \"", pointer, "\": a JSON pointer starts with /"));
  }
  std::vector<std::string> out;
  for (absl::string_view t : absl::StrSplit(pointer.substr(1), '/')) {
    out.push_back(absl::StrReplaceAll(t, {{"~1", "/"}, {"~0", "~"}}));
  }
  return out;
}

// The container (map or list) holding the pointer's last token.
absl::StatusOr<YAML::Node> Parent(YAML::Node root, const std::vector<std::string>& tokens,
                                  const std::string& path) {
  // reset(), not operator=: assigning one yaml-cpp node to another
  // overwrites the first's content in the tree.
  YAML::Node node;
  node.reset(root);
  for (size_t i = 0; i + 1 < tokens.size(); ++i) {
    const std::string& t = tokens[i];
    if (node.IsMap() && node[t]) {
      node.reset(node[t]);
      continue;
    }
    size_t index = 0;
    if (node.IsSequence() && absl::SimpleAtoi(t, &index) && index < node.size()) {
      node.reset(node[index]);
      continue;
    }
    return absl::InvalidArgumentError(absl::StrCat("path \"", path, "\" does not exist"));
  }
  return node;
}

absl::StatusOr<YAML::Node> Get(YAML::Node root, const std::string& path) {
  auto tokens = Tokens(path);
  if (!tokens.ok()) return tokens.status();
  if (tokens->empty()) return root;
  auto parent = Parent(root, *tokens, path);
  if (!parent.ok()) return parent.status();
  const std::string& last = tokens->back();
  size_t index = 0;
  if (parent->IsMap() && (*parent)[last]) return (*parent)[last];
  if (parent->IsSequence() && absl::SimpleAtoi(last, &index) && index < parent->size()) {
    return (*parent)[index];
  }
  return absl::InvalidArgumentError(absl::StrCat("path \"", path, "\" does not exist"));
}

absl::Status Remove(YAML::Node root, const std::string& path) {
  auto tokens = Tokens(path);
  if (!tokens.ok()) return tokens.status();
  if (tokens->empty()) return absl::InvalidArgumentError("cannot remove the whole document");
  auto parent = Parent(root, *tokens, path);
  if (!parent.ok()) return parent.status();
  const std::string& last = tokens->back();
  size_t index = 0;
  if (parent->IsMap() && (*parent)[last]) {
    parent->remove(last);
    return absl::OkStatus();
  }
  if (parent->IsSequence() && absl::SimpleAtoi(last, &index) && index < parent->size()) {
    YAML::Node rebuilt(YAML::NodeType::Sequence);
    for (size_t i = 0; i < parent->size(); ++i) {
      if (i != index) rebuilt.push_back((*parent)[i]);
    }
    *parent = rebuilt;
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError(absl::StrCat("path \"", path, "\" does not exist"));
}

// add (insert into lists) or replace (the target must exist).
absl::Status Put(YAML::Node root, const std::string& path, const YAML::Node& value, bool insert) {
  auto tokens = Tokens(path);
  if (!tokens.ok()) return tokens.status();
  if (tokens->empty()) return absl::InvalidArgumentError("cannot replace the whole document");
  auto parent = Parent(root, *tokens, path);
  if (!parent.ok()) return parent.status();
  const std::string& last = tokens->back();
  if (parent->IsMap()) {
    if (!insert && !(*parent)[last]) {
      return absl::InvalidArgumentError(absl::StrCat("path \"", path, "\" does not exist"));
    }
    (*parent)[last] = YAML::Clone(value);
    return absl::OkStatus();
  }
  if (!parent->IsSequence()) {
    return absl::InvalidArgumentError(absl::StrCat("path \"", path, "\" does not exist"));
  }
  size_t index = parent->size();
  if (last != "-" && (!absl::SimpleAtoi(last, &index) || index > parent->size() ||
                      (!insert && index == parent->size()))) {
    return absl::InvalidArgumentError(absl::StrCat("path \"", path, "\": no such list index"));
  }
  if (!insert) {
    (*parent)[index] = YAML::Clone(value);
    return absl::OkStatus();
  }
  YAML::Node rebuilt(YAML::NodeType::Sequence);
  for (size_t i = 0; i <= parent->size(); ++i) {
    if (i == index) rebuilt.push_back(YAML::Clone(value));
    if (i < parent->size()) rebuilt.push_back((*parent)[i]);
  }
  *parent = rebuilt;
  return absl::OkStatus();
}

}  // namespace

YAML::Node MergePatch(const YAML::Node& target, const YAML::Node& patch) {
  return Merge(target, patch, false);
}

YAML::Node StrategicMergePatch(const YAML::Node& target, const YAML::Node& patch) {
  return Merge(target, patch, true);
}

absl::StatusOr<YAML::Node> JsonPatch(const YAML::Node& target, const YAML::Node& operations) {
  if (!operations.IsSequence()) {
    return absl::InvalidArgumentError("a json patch is a list of operations");
  }
  YAML::Node doc = YAML::Clone(target);
  for (const auto& op : operations) {
    if (!op.IsMap() || !op["op"] || !op["path"]) {
      return absl::InvalidArgumentError("each json patch operation needs \"op\" and \"path\"");
    }
    std::string kind = op["op"].Scalar();
    std::string path = op["path"].Scalar();
    absl::Status s;
    if (kind == "add" || kind == "replace") {
      if (!op["value"]) {
        return absl::InvalidArgumentError(absl::StrCat(kind, " ", path, ": \"value\" is missing"));
      }
      s = Put(doc, path, op["value"], kind == "add");
    } else if (kind == "remove") {
      s = Remove(doc, path);
    } else if (kind == "move" || kind == "copy") {
      if (!op["from"]) {
        return absl::InvalidArgumentError(absl::StrCat(kind, " ", path, ": \"from\" is missing"));
      }
      auto from = Get(doc, op["from"].Scalar());
      if (!from.ok()) return from.status();
      YAML::Node value = YAML::Clone(*from);
      if (kind == "move") s = Remove(doc, op["from"].Scalar());
      if (s.ok()) s = Put(doc, path, value, true);
    } else if (kind == "test") {
      auto at = Get(doc, path);
      if (!at.ok()) return at.status();
      if (YAML::Dump(*at) != YAML::Dump(op["value"])) {
        return absl::InvalidArgumentError(absl::StrCat("test ", path, ": the value differs"));
      }
    } else {
      return absl::InvalidArgumentError(absl::StrCat("unknown json patch operation \"", kind,
                                                     "\": want add, remove, replace, move, "
                                                     "copy or test"));
    }
    if (!s.ok()) return s;
  }
  return doc;
}

absl::StatusOr<YAML::Node> ApplyPatch(const YAML::Node& target, const std::string& type,
                                      const std::string& patch) {
  YAML::Node parsed;
  try {
    parsed = YAML::Load(patch);
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError(absl::StrCat("the patch is not valid JSON or YAML: ", e.msg));
  }
  if (type == "json") return JsonPatch(target, parsed);
  if (!parsed.IsMap()) return absl::InvalidArgumentError("a merge patch must be an object");
  if (type == "merge") return MergePatch(target, parsed);
  if (type == "strategic") return StrategicMergePatch(target, parsed);
  return absl::InvalidArgumentError(
      absl::StrCat("--type: \"", type, "\" is not one of \"json\", \"merge\" or \"strategic\""));
}

}  // namespace ordo::ctl
