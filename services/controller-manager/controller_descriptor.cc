#include "services/controller-manager/controller_descriptor.h"

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace ordo::controller {

absl::StatusOr<std::vector<ControllerDescriptor>> EnabledControllers(
    const std::string& flag, const std::vector<ControllerDescriptor>& all) {
  std::vector<std::string> names;
  for (const auto& d : all) names.push_back(d.name);
  // name -> explicitly on (true) or off (false)
  absl::flat_hash_map<std::string, bool> explicit_choice;
  bool star = false;
  for (absl::string_view item : absl::StrSplit(flag, ',', absl::SkipWhitespace())) {
    item = absl::StripAsciiWhitespace(item);
    if (item == "*") {
      star = true;
      continue;
    }
    bool off = absl::ConsumePrefix(&item, "-");
    if (std::find(names.begin(), names.end(), item) == names.end()) {
      return absl::InvalidArgumentError(absl::StrCat("--controllers: unknown controller \"", item,
                                                     "\"; known: ", absl::StrJoin(names, ", ")));
    }
    explicit_choice[item] = !off;
  }
  std::vector<ControllerDescriptor> enabled;
  for (const auto& d : all) {
    auto choice = explicit_choice.find(d.name);
    bool on = choice != explicit_choice.end() ? choice->second : star && d.enabled_by_default;
    if (on) enabled.push_back(d);
  }
  return enabled;
}

}  // namespace ordo::controller
