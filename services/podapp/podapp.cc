#include "services/podapp/podapp.h"

#include <fcntl.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"

namespace ordo::podapp {
namespace {

bool Exists(const std::string& path) { return access(path.c_str(), F_OK) == 0; }

Response WriteData(const Config& config, const std::string& body) {
  std::string path = config.data_dir + "/data.txt";
  std::string tmp = path + ".tmp";
  int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return {500, "cannot open " + tmp + "\n"};
  bool ok =
      write(fd, body.data(), body.size()) == static_cast<ssize_t>(body.size()) && fsync(fd) == 0;
  close(fd);
  if (!ok || rename(tmp.c_str(), path.c_str()) != 0) return {500, "cannot write " + path + "\n"};
  return {200, "stored\n"};
}

}  // namespace

Response Handle(const Config& config, const std::string& method, const std::string& target,
                const std::string& body) {
  std::pair<std::string, std::string> parts = absl::StrSplit(target, absl::MaxSplits('?', 1));
  const std::string& path = parts.first;
  if (path == "/" || path == "/hostname") return {200, config.hostname + "\n"};
  if (path == "/healthz") return {200, "ok\n"};
  if (path == "/readyz") {
    if (Exists(config.unready_file)) return {503, "not ready: " + config.unready_file + "\n"};
    return {200, "ok\n"};
  }
  if (path == "/data") {
    if (config.data_dir.empty()) return {404, "no --data-dir\n"};
    if (method == "PUT" || method == "POST") return WriteData(config, body);
    std::ifstream in(config.data_dir + "/data.txt");
    if (!in) return {404, "no data\n"};
    std::stringstream content;
    content << in.rdbuf();
    return {200, content.str()};
  }
  if (path == "/exit") {
    int code = 0;
    for (absl::string_view kv : absl::StrSplit(parts.second, '&')) {
      if (absl::ConsumePrefix(&kv, "code=") && !absl::SimpleAtoi(kv, &code)) {
        return {400, "code must be an integer\n"};
      }
    }
    Response r{200, "exiting with " + std::to_string(code) + "\n"};
    r.exit_code = code;
    return r;
  }
  return {404, "not found: " + path + "\n"};
}

}  // namespace ordo::podapp
