#include "services/controller-manager/statefulset/revisions.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/api/deterministic.h"
#include "common/revisions/pod_template_patch.h"
#include "services/controller-manager/statefulset/pod_identity.h"

namespace ordo::statefulset {
namespace {

using api::DeterministicBytes;

// FNV-1, 32 bit (Go's hash/fnv New32), as Kubernetes' revision hash uses.
uint32_t Fnv1(const std::string& bytes, uint32_t hash = 2166136261u) {
  for (unsigned char c : bytes) {
    hash *= 16777619u;
    hash ^= c;
  }
  return hash;
}

// apimachinery's rand.SafeEncodeString: no vowels, no look-alike characters.
std::string SafeEncode(const std::string& s) {
  static constexpr char kAlphabet[] = "bcdfghjklmnpqrstvwxz2456789";
  std::string out;
  for (unsigned char c : s) out.push_back(kAlphabet[c % (sizeof kAlphabet - 1)]);
  return out;
}

}  // namespace

std::string HashRevision(const google::protobuf::Struct& data, int32_t collision_count) {
  uint32_t hash = Fnv1(absl::StrCat(collision_count), Fnv1(DeterministicBytes(data)));
  return SafeEncode(absl::StrCat(hash));
}

ControllerRevision NewRevision(const apps::v1::StatefulSet& set, int64_t number,
                               int32_t collision_count) {
  ControllerRevision rev;
  rev.set_api_version("apps/v1");
  rev.set_kind("ControllerRevision");
  *rev.mutable_data() = revisions::PodTemplatePatch(set.spec().template_());
  rev.set_revision(number);
  std::string hash = HashRevision(rev.data(), collision_count);
  auto* meta = rev.mutable_metadata();
  std::string prefix = set.metadata().name().substr(0, 223);
  meta->set_name(absl::StrCat(prefix, "-", hash));
  meta->set_namespace_(set.metadata().namespace_());
  *meta->mutable_labels() = set.spec().template_().metadata().labels();
  (*meta->mutable_labels())[kRevisionHashLabel] = hash;
  *meta->mutable_annotations() = set.metadata().annotations();
  meta->mutable_annotations()->erase("kubectl.kubernetes.io/last-applied-configuration");
  *meta->add_owner_references() = ControllerRefOf(set);
  return rev;
}

bool EqualRevision(const ControllerRevision& a, const ControllerRevision& b) {
  const auto& la = a.metadata().labels();
  const auto& lb = b.metadata().labels();
  auto ha = la.find(kRevisionHashLabel);
  auto hb = lb.find(kRevisionHashLabel);
  if (ha != la.end() && hb != lb.end() && ha->second != hb->second) return false;
  return DeterministicBytes(a.data()) == DeterministicBytes(b.data());
}

void SortRevisions(std::vector<std::shared_ptr<const ControllerRevision>>& revisions) {
  std::stable_sort(revisions.begin(), revisions.end(), [](const auto& a, const auto& b) {
    if (a->revision() != b->revision()) return a->revision() < b->revision();
    const auto& ta = a->metadata().creation_timestamp();
    const auto& tb = b->metadata().creation_timestamp();
    if (ta.seconds() != tb.seconds()) return ta.seconds() < tb.seconds();
    return a->metadata().name() < b->metadata().name();
  });
}

}  // namespace ordo::statefulset
