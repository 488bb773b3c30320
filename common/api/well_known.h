// Kubernetes' (and ordo's) well-known names that several components agree
// on — taints, annotations — and the questions every controller asks: is
// this pod Ready, does it use this claim, what is this node's Ready
// condition. Stateless.
#pragma once

#include <string>

#include "ordo/core/v1/core.pb.h"

namespace ordo::api {

// Taints of the node lifecycle (reference §3.1, §3.4).
inline constexpr char kUnreachableTaint[] = "node.kubernetes.io/unreachable";
inline constexpr char kNotReadyTaint[] = "node.kubernetes.io/not-ready";
inline constexpr char kOutOfServiceTaint[] = "node.kubernetes.io/out-of-service";

// Storage annotations: the node the scheduler chose for a WaitForFirstConsumer
// claim, the default StorageClass, and the node a shared ReadWriteOnce volume
// is attached to (ordo's stand-in for a VolumeAttachment).
inline constexpr char kSelectedNodeAnnotation[] = "volume.kubernetes.io/selected-node";
inline constexpr char kDefaultClassAnnotation[] = "storageclass.kubernetes.io/is-default-class";
inline constexpr char kAttachedNodeAnnotation[] = "ordo.io/attached-node";

// Volume snapshots: the default VolumeSnapshotClass of a driver, the node a
// VolumeSnapshotContent is given to (it holds the data and takes the copy),
// the directory the copy goes to, and how the copy was made consistent
// ("hooks", "frozen", or "none" when no running pod used the claim).
inline constexpr char kDefaultSnapshotClassAnnotation[] =
    "snapshot.storage.kubernetes.io/is-default-class";
inline constexpr char kSnapshotNodeAnnotation[] = "ordo.io/snapshot-node";
inline constexpr char kSnapshotDirAnnotation[] = "ordo.io/snapshot-dir";
inline constexpr char kSnapshotConsistencyAnnotation[] = "ordo.io/snapshot-consistency";

// The pod's Ready condition is True.
inline bool IsPodReady(const core::v1::Pod& pod) {
  for (const auto& c : pod.status().conditions()) {
    if (c.type() == "Ready") return c.status() == "True";
  }
  return false;
}

// Whether one of the pod's volumes is claim `claim` (of the pod's namespace).
inline bool PodUsesClaim(const core::v1::Pod& pod, const std::string& claim) {
  for (const auto& v : pod.spec().volumes()) {
    if (v.has_persistent_volume_claim() && v.persistent_volume_claim().claim_name() == claim) {
      return true;
    }
  }
  return false;
}

// The node's Ready condition: "True", "False", or "Unknown" (also when absent).
inline std::string NodeReadyStatus(const core::v1::Node& node) {
  for (const auto& c : node.status().conditions()) {
    if (c.type() == "Ready") return c.status();
  }
  return "Unknown";
}

}  // namespace ordo::api
