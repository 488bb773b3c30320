#include "services/podapp/podapp.h"

#include <fcntl.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace ordo::podapp {
namespace {

bool Exists(const std::string& path) { return access(path.c_str(), F_OK) == 0; }

// Replaces `path` with `content`, durably (write, fsync, rename).
bool Replace(const std::string& path, const std::string& content) {
  std::string tmp = path + ".tmp";
  int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return false;
  bool ok = write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size()) &&
            fsync(fd) == 0;
  close(fd);
  return ok && rename(tmp.c_str(), path.c_str()) == 0;
}

// The number of writes data.txt holds (0 before the first).
int64_t Sequence(const Config& config) {
  std::ifstream in(config.data_dir + "/data.seq");
  int64_t seq = 0;
  std::string text;
  if (std::getline(in, text) && absl::SimpleAtoi(text, &seq)) return seq;
  return 0;
}

// Stores `data` as the data's `seq`th write: the data first, so a crash
// between the two leaves the sequence behind (a follower then asks again).
bool Store(const Config& config, const std::string& data, int64_t seq) {
  return Replace(config.data_dir + "/data.txt", data) &&
         Replace(config.data_dir + "/data.seq", std::to_string(seq) + "\n");
}

Response WriteData(const Config& config, const std::string& body) {
  if (!config.replicate_from.empty()) {
    return {409, "read-only: a follower of " + config.replicate_from + "; write to the primary\n"};
  }
  if (!Store(config, body, Sequence(config) + 1)) {
    return {500, "cannot write " + config.data_dir + "/data.txt\n"};
  }
  return {200, "stored\n"};
}

std::string ReadData(const Config& config) {
  std::ifstream in(config.data_dir + "/data.txt");
  std::stringstream content;
  content << in.rdbuf();
  return content.str();
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
    if (!Exists(config.data_dir + "/data.txt")) return {404, "no data\n"};
    return {200, ReadData(config)};
  }
  if (path == "/changes") {
    if (config.data_dir.empty()) return {404, "no --data-dir\n"};
    int64_t after = 0;
    for (absl::string_view kv : absl::StrSplit(parts.second, '&')) {
      if (absl::ConsumePrefix(&kv, "after=") && !absl::SimpleAtoi(kv, &after)) {
        return {400, "after must be an integer\n"};
      }
    }
    // The sequence is read before the data: the data sent is at least that new.
    int64_t seq = Sequence(config);
    if (seq <= after) return {204, ""};
    return {200, std::to_string(seq) + "\n" + ReadData(config)};
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

bool IsPrimaryOf(const std::string& hostname, const std::string& replicate_from) {
  absl::string_view host = replicate_from;
  absl::ConsumePrefix(&host, "http://");
  host = host.substr(0, host.find_first_of(".:/"));
  return !hostname.empty() && host == hostname;
}

absl::StatusOr<bool> FollowOnce(const Config& config, const Fetch& fetch) {
  int64_t mine = Sequence(config);
  auto answer = fetch("/changes?after=" + std::to_string(mine));
  if (!answer.ok()) return answer.status();
  if (answer->code == 204) return false;
  size_t newline = answer->body.find('\n');
  int64_t seq = 0;
  if (answer->code != 200 || newline == std::string::npos ||
      !absl::SimpleAtoi(absl::string_view(answer->body).substr(0, newline), &seq)) {
    return absl::DataLossError("the primary's change feed answered " +
                               std::to_string(answer->code) + ": " + answer->body);
  }
  if (seq <= mine) return false;
  if (!Store(config, answer->body.substr(newline + 1), seq)) {
    return absl::InternalError("cannot write " + config.data_dir + "/data.txt");
  }
  return true;
}

}  // namespace ordo::podapp
