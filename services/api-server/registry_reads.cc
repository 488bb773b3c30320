// The Registry's reads: Get, List and the paged, pre-encoded ListBytes (every
// page of one list read at the first page's revision), the label and field
// filter they apply, and the per-event encoding cache that watch streams
// share. Writes are in registry.cc.
#include "absl/strings/str_cat.h"
#include "common/server/channel.h"
#include "common/status/status_macros.h"
#include "services/api-server/continue_token.h"
#include "services/api-server/object_access.h"
#include "services/api-server/registry.h"
#include "services/api-server/wire.h"

namespace ordo::apiserver {

bool Filter::Matches(const Message& obj) const {
  const auto& m = Meta(obj);
  if (!ns.empty() && m.namespace_() != ns) return false;
  if (!label_selector.Matches(m.labels())) return false;
  for (const auto& term : field_selector.terms()) {
    auto value = FieldValue(obj, term.path);
    if (!value.ok()) return false;
    if ((*value == term.value) == term.negated) return false;
  }
  return true;
}

absl::StatusOr<Filter> Registry::ParseFilter(const meta::v1::ListOptions& options) const {
  Filter filter;
  if (info().namespaced) filter.ns = options.namespace_();
  ORDO_ASSIGN_OR_RETURN(filter.label_selector,
                        labels::LabelSelector::Parse(options.label_selector()));
  ORDO_ASSIGN_OR_RETURN(filter.field_selector,
                        labels::FieldSelector::Parse(options.field_selector()));
  for (const auto& term : filter.field_selector.terms()) {
    ORDO_RETURN_IF_ERROR(CheckFieldPath(strategy_.prototype->GetDescriptor(), term.path));
  }
  return filter;
}

absl::StatusOr<MessagePtr> Registry::Get(const std::string& ns, const std::string& name) {
  std::string namespace_ = info().namespaced ? (ns.empty() ? "default" : ns) : "";
  auto kv = store_.Get(info().Key(namespace_, name));
  if (!kv.ok()) {
    if (kv.status().code() == absl::StatusCode::kNotFound) return NotFound(namespace_, name);
    return kv.status();
  }
  return Decode(**kv);
}

absl::StatusOr<ListResult> Registry::List(const meta::v1::ListOptions& options) {
  ORDO_ASSIGN_OR_RETURN(Filter filter, ParseFilter(options));
  ORDO_ASSIGN_OR_RETURN(store::ListResult listed, store_.List(info().Prefix(filter.ns)));
  ListResult result;
  result.revision = listed.revision;
  result.items.reserve(listed.kvs.size());
  for (const auto& kv : listed.kvs) {
    ORDO_ASSIGN_OR_RETURN(MessagePtr obj, Decode(*kv));
    if (filter.Matches(*obj)) result.items.push_back(std::move(obj));
  }
  return result;
}

std::shared_ptr<const std::string> Registry::EncodedWatchEvent(const store::Event& e,
                                                               const char* type) {
  // Enough for every watcher to pass an event before it is evicted; a late
  // watcher merely encodes it again.
  constexpr size_t kCapacity = 4096;
  auto key = std::make_pair(e.revision(), type);
  absl::MutexLock lock(&encoded_mu_);
  auto it = encoded_.find(key);
  if (it != encoded_.end()) return it->second;
  auto bytes =
      std::make_shared<const std::string>(wire::WatchEvent(type, e.kv->value, e.kv->mod_revision));
  encoded_.emplace(key, bytes);
  encoded_order_.push_back(key);
  if (encoded_order_.size() > kCapacity) {
    encoded_.erase(encoded_order_.front());
    encoded_order_.pop_front();
  }
  return bytes;
}

absl::StatusOr<std::string> Registry::ListBytes(const meta::v1::ListOptions& options) {
  ORDO_ASSIGN_OR_RETURN(Filter filter, ParseFilter(options));
  if (options.limit() < 0) {
    return absl::InvalidArgumentError(absl::StrCat("limit: Invalid value: ", options.limit(),
                                                   ": must be greater than or equal to 0"));
  }
  const std::string prefix = info().Prefix(filter.ns);
  std::string start;
  int64_t revision = 0;  // 0: now; then the first page's, for every page
  if (!options.continue_().empty()) {
    if (!options.resource_version().empty() && options.resource_version() != "0") {
      return absl::InvalidArgumentError(
          "specifying resource version is not allowed when using continue");
    }
    ORDO_ASSIGN_OR_RETURN(ContinueToken token, DecodeContinue(options.continue_()));
    start = prefix + token.start;
    revision = token.revision;
  }
  const size_t limit = options.limit();
  bool must_parse = !filter.label_selector.Empty() || !filter.field_selector.Empty();
  // What follows the page is counted only where it is a count of keys, as
  // Kubernetes sets remainingItemCount only for lists without selectors.
  const store::RestCount rest =
      must_parse || limit == 0 ? store::RestCount::kSkip : store::RestCount::kCount;
  std::optional<int64_t> remaining;
  // Read store pages at one revision until `limit` objects pass the filter.
  std::vector<store::KeyValuePtr> items;
  std::string next;  // where the next page starts; empty: nothing remains
  for (;;) {
    auto page = store_.ListAt(prefix, start, limit == 0 ? 0 : limit - items.size(), revision, rest);
    if (absl::IsOutOfRange(page.status()) && !options.continue_().empty()) {
      return absl::OutOfRangeError(
          "the provided continue parameter is too old to display a consistent list result; "
          "start a new list without it");
    }
    if (!page.ok()) return page.status();
    revision = page->revision;
    remaining = page->remaining;
    for (const auto& kv : page->kvs) {
      if (must_parse) {
        ORDO_ASSIGN_OR_RETURN(MessagePtr obj, Decode(*kv));
        if (!filter.Matches(*obj)) continue;
      }
      items.push_back(kv);
    }
    if (!page->more) break;
    start = page->kvs.back()->key + '\0';
    if (items.size() >= limit) {
      next = start;
      break;
    }
  }
  size_t size = 64;
  for (const auto& kv : items) size += kv->value.size() + 32;
  std::string out;
  out.reserve(size);
  wire::AppendListHead(out, info().ApiVersion(), info().kind + "List", revision);
  for (const auto& kv : items) wire::AppendListItem(out, kv->value, kv->mod_revision);
  if (!next.empty()) {
    wire::AppendListContinue(
        out, EncodeContinue({.revision = revision, .start = next.substr(prefix.size())}),
        remaining);
  }
  if (out.size() > static_cast<size_t>(server::kMaxMessageBytes)) {
    return absl::ResourceExhaustedError(
        absl::StrCat("the list of ", items.size(), " ", info().resource, " is ", out.size(),
                     " bytes, over the ", server::kMaxMessageBytes,
                     " a message may hold: list in pages (ListOptions.limit and continue)"));
  }
  return out;
}

}  // namespace ordo::apiserver
