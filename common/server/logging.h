// Logging every ordo service shares: spdlog to stderr, as text
// ("2026-12-01T07:15:52.123 I [api-server] message") or as one JSON object
// per line for shipping ({"ts":"...","level":"info","logger":"api-server",
// "msg":"..."}), at a level from --log-level or klog's --v.
// Thread-safety: configure from main() before other threads log.
#pragma once

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "spdlog/logger.h"

namespace ordo::server {

enum class LogFormat { kText, kJson };

struct LogOptions {
  std::string level = "info";  // trace|debug|info|warn|error
  int verbosity = 0;           // klog's --v: 2 or more is debug, 4 or more trace
  LogFormat format = LogFormat::kText;
};

// Sets `logger`'s pattern and level. INVALID_ARGUMENT names a bad level.
absl::Status ConfigureLogger(spdlog::logger& logger, const LogOptions& options);

// Parses "text" or "json"; INVALID_ARGUMENT names the flag otherwise.
absl::Status ParseLogFormat(const std::string& text, LogFormat* format);

}  // namespace ordo::server
