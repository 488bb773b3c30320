#include "services/api-server/audit_log.h"

#include <fcntl.h>
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <grpcpp/support/status.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>

#include "absl/strings/str_cat.h"

namespace ordo::apiserver {
namespace {

using google::protobuf::Struct;
using google::protobuf::Value;

std::string MicroTime(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E6SZ", t, absl::UTCTimeZone());
}

Value String(const std::string& s) {
  Value v;
  v.set_string_value(s);
  return v;
}

}  // namespace

int HttpCode(int grpc_code, const std::string& verb) {
  switch (static_cast<grpc::StatusCode>(grpc_code)) {
    case grpc::StatusCode::OK:
      return verb == "create" ? 201 : 200;
    case grpc::StatusCode::NOT_FOUND:
      return 404;
    case grpc::StatusCode::ALREADY_EXISTS:
    case grpc::StatusCode::ABORTED:
      return 409;
    case grpc::StatusCode::INVALID_ARGUMENT:
      return 422;
    case grpc::StatusCode::PERMISSION_DENIED:
    case grpc::StatusCode::FAILED_PRECONDITION:
      return 403;
    case grpc::StatusCode::UNAUTHENTICATED:
      return 401;
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return 429;
    case grpc::StatusCode::UNAVAILABLE:
      return 503;
    default:
      return 500;
  }
}

std::string AuditJson(const AuditEvent& e) {
  Struct event;
  auto& f = *event.mutable_fields();
  f["kind"] = String("Event");
  f["apiVersion"] = String("audit.k8s.io/v1");
  f["level"] = String("Metadata");
  f["auditID"] = String(e.audit_id);
  f["stage"] = String("ResponseComplete");
  f["verb"] = String(e.request.verb);
  auto user_info = [](const security::UserInfo& u) {
    Struct user;
    (*user.mutable_fields())["username"] = String(u.name);
    if (!u.uid.empty()) (*user.mutable_fields())["uid"] = String(u.uid);
    Value groups;
    for (const auto& g : u.groups) *groups.mutable_list_value()->add_values() = String(g);
    (*user.mutable_fields())["groups"] = groups;
    return user;
  };
  *f["user"].mutable_struct_value() = user_info(e.user);
  if (e.impersonated.has_value()) {
    *f["impersonatedUser"].mutable_struct_value() = user_info(*e.impersonated);
  }
  if (!e.source_ip.empty()) {
    *f["sourceIPs"].mutable_list_value()->add_values() = String(e.source_ip);
  }
  Struct ref;
  auto& r = *ref.mutable_fields();
  r["resource"] = String(e.request.resource);
  if (!e.request.ns.empty()) r["namespace"] = String(e.request.ns);
  if (!e.request.name.empty()) r["name"] = String(e.request.name);
  r["apiGroup"] = String(e.request.api_group);
  r["apiVersion"] = String(e.api_version);
  if (!e.request.subresource.empty()) r["subresource"] = String(e.request.subresource);
  *f["objectRef"].mutable_struct_value() = ref;
  Struct status;
  (*status.mutable_fields())["code"].set_number_value(e.code);
  *f["responseStatus"].mutable_struct_value() = status;
  f["requestReceivedTimestamp"] = String(MicroTime(e.received));
  f["stageTimestamp"] = String(MicroTime(e.completed));
  std::string out;
  (void)google::protobuf::util::MessageToJsonString(event, &out);
  return out;
}

absl::StatusOr<std::unique_ptr<FileAuditLog>> FileAuditLog::Open(const std::string& path,
                                                                 int64_t max_bytes,
                                                                 int max_backups) {
  std::unique_ptr<FileAuditLog> log(new FileAuditLog(path, max_bytes, max_backups));
  absl::MutexLock lock(&log->mu_);
  if (absl::Status s = log->Reopen(); !s.ok()) return s;
  return log;
}

FileAuditLog::~FileAuditLog() {
  absl::MutexLock lock(&mu_);
  if (fd_ >= 0) close(fd_);
}

absl::Status FileAuditLog::Reopen() {
  if (fd_ >= 0) close(fd_);
  fd_ = open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd_ < 0) return absl::UnavailableError(absl::StrCat("--audit-log-path: cannot open ", path_));
  struct stat st;
  size_ = fstat(fd_, &st) == 0 ? st.st_size : 0;
  return absl::OkStatus();
}

void FileAuditLog::Rotate() {
  if (max_backups_ <= 0) {
    std::remove(path_.c_str());
  } else {
    std::remove(absl::StrCat(path_, ".", max_backups_).c_str());
    for (int i = max_backups_ - 1; i >= 1; --i) {
      std::rename(absl::StrCat(path_, ".", i).c_str(), absl::StrCat(path_, ".", i + 1).c_str());
    }
    std::rename(path_.c_str(), absl::StrCat(path_, ".1").c_str());
  }
  if (absl::Status s = Reopen(); !s.ok()) spdlog::error("audit log: {}", s.ToString());
}

void FileAuditLog::Record(const AuditEvent& event) {
  std::string line = AuditJson(event) + "\n";
  absl::MutexLock lock(&mu_);
  if (max_bytes_ > 0 && size_ > 0 && size_ + static_cast<int64_t>(line.size()) > max_bytes_) {
    Rotate();
  }
  if (fd_ < 0) return;
  ssize_t n = write(fd_, line.data(), line.size());
  if (n != static_cast<ssize_t>(line.size())) {
    spdlog::error("audit log: writing {} failed", path_);
    return;
  }
  size_ += n;
}

}  // namespace ordo::apiserver
