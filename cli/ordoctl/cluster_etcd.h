// `ordoctl cluster up --store etcd`: the etcd cluster a local ordo cluster's
// api-servers share. Three members of Debian's etcd (etcd-server), started as
// the cluster's other processes are (cluster_processes.h: etcd-N in DIR/run,
// DIR/logs), each with its data in DIR/etcd/etcd-N. Every client and peer
// connection is mutual TLS under etcd's own CA (DIR/pki/etcd, pki.h). Ports
// are chosen on the first up and kept in DIR/etcd/members, because a member's
// peer address is part of the cluster's membership: the next up restarts the
// same members from their data. Single-threaded, like the rest of ordoctl.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace ordo::ctl {

inline constexpr int kEtcdMembers = 3;

// Starts the members (new, or again from DIR/etcd), writes each one's
// metrics port to DIR/run/etcd-N.metrics.port (for Prometheus) and waits up
// to `timeout` until the cluster has a leader and answers a linearizable
// read over TLS. Returns the api-server flags that use it (--store etcd
// --etcd-servers ... and the client certificate).
absl::StatusOr<std::vector<std::string>> StartEtcd(const std::string& dir, absl::Duration timeout);

}  // namespace ordo::ctl
