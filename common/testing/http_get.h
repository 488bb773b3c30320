// HttpGet: the whole response (status line, headers, body) of a plain
// HTTP/1.0 GET to 127.0.0.1:PORT, or "" when nothing answers. For tests of
// the HTTP endpoints ordo serves (/metrics). Stateless; safe from any thread.
#pragma once

#include <string>

namespace ordo::testing {

std::string HttpGet(int port, const std::string& path);

}  // namespace ordo::testing
