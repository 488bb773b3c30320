// ordo-podapp is the test workload shipped with ordo (the role Kubernetes'
// agnhost plays): an HTTP server that answers its hostname, reports readiness
// that a file toggles, reads and writes a data file under a volume path, and
// exits with a chosen code on request; and replicates its data, the way a
// StatefulSet's database does: ordinal 0 takes writes, the others follow it
// through its stable DNS name (--replicate-from) by polling a change feed.
// This header is its request handler and the follower's step, kept apart
// from the sockets so they can be tested directly. Stateless apart from the
// files they read and write (each replaced by rename, so a reader sees a
// whole one); Handle from one thread, FollowOnce from another.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "absl/status/statusor.h"

namespace ordo::podapp {

struct Config {
  std::string hostname;
  // While this file exists, /readyz answers 503.
  std::string unready_file = "/tmp/podapp-unready";
  // Where /data reads and writes data.txt (and data.seq, the number of
  // writes it holds); empty disables /data.
  std::string data_dir;
  // A follower's primary ("http://web-0.nginx:80"): writes are refused, and
  // FollowOnce copies the primary's data.
  std::string replicate_from;
};

struct Response {
  int code = 200;
  std::string body;
  // Set when the app should exit with this code after answering.
  std::optional<int> exit_code;
};

// GET /, /hostname        -> the hostname
// GET /healthz            -> ok
// GET /readyz             -> ok, or 503 while the unready file exists
// GET /data               -> the data file's contents (404 if none)
// PUT|POST /data (body)   -> writes the data file (fsync'd), answers "stored";
//                            409 on a follower
// GET /changes?after=N    -> 204 when the data holds N writes or fewer, else
//                            200 with "SEQ\n" and the data (the change feed)
// GET|POST /exit?code=N   -> answers, then the app exits with N
Response Handle(const Config& config, const std::string& method, const std::string& target,
                const std::string& body);

// Whether `hostname` is the host `replicate_from` names ("db-0" of
// "http://db-0.db:80"): that pod is the primary.
bool IsPrimaryOf(const std::string& hostname, const std::string& replicate_from);

// GET `path` on the primary: its code and body, or why it could not be asked.
using Fetch = std::function<absl::StatusOr<Response>(const std::string& path)>;

// A follower's step: asks the primary for changes after the local sequence
// and stores what comes. True when something new was stored.
absl::StatusOr<bool> FollowOnce(const Config& config, const Fetch& fetch);

}  // namespace ordo::podapp
