// ordo-podapp is the test workload shipped with ordo (the role Kubernetes'
// agnhost plays): an HTTP server that answers its hostname, reports readiness
// that a file toggles, reads and writes a data file under a volume path, and
// exits with a chosen code on request. This header is its request handler,
// kept apart from the socket loop so it can be tested directly. Stateless
// apart from the files it reads and writes; call from one thread.
#pragma once

#include <optional>
#include <string>

namespace ordo::podapp {

struct Config {
  std::string hostname;
  // While this file exists, /readyz answers 503.
  std::string unready_file = "/tmp/podapp-unready";
  // Where /data reads and writes data.txt; empty disables /data.
  std::string data_dir;
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
// PUT|POST /data (body)   -> writes the data file (fsync'd), answers "stored"
// GET|POST /exit?code=N   -> answers, then the app exits with N
Response Handle(const Config& config, const std::string& method, const std::string& target,
                const std::string& body);

}  // namespace ordo::podapp
