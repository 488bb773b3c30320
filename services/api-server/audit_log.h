// The api-server's audit log: one JSON line per write (create, update,
// delete, and the subresources that write: status, binding, eviction, scale)
// and per refused call, with the fields of Kubernetes' audit.k8s.io/v1 Event
// at level Metadata (auditID, stage, verb, user, sourceIPs, objectRef,
// responseStatus.code as HTTP, timestamps), so tools that read
// kube-apiserver's audit files read ordo's. FileAuditLog appends to a file
// and rotates it by size, as kube-apiserver's --audit-log-maxsize and
// --audit-log-maxbackup do (FILE.1 the newest backup). Record() is
// thread-safe; it writes without fsync (an audit line is evidence, not
// state: the write it describes is already durable).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/security/authenticator.h"
#include "services/api-server/authorization/request_attributes.h"

namespace ordo::apiserver {

struct AuditEvent {
  std::string audit_id;
  security::UserInfo user;
  // Set when the user acted as another (impersonation).
  std::optional<security::UserInfo> impersonated;
  std::string source_ip;
  authorization::RequestAttributes request;
  std::string api_version;  // of the resource: "v1", "apps/v1"
  int code = 0;             // HTTP, as Kubernetes reports it
  absl::Time received;
  absl::Time completed;
};

// Kubernetes' audit Event JSON for `event` (one line, no newline).
std::string AuditJson(const AuditEvent& event);

// The HTTP status Kubernetes answers for a gRPC code (OK: 200, 201 for a
// create; NOT_FOUND 404; ALREADY_EXISTS and ABORTED 409; INVALID_ARGUMENT 422;
// PERMISSION_DENIED and FAILED_PRECONDITION 403; UNAUTHENTICATED 401;
// RESOURCE_EXHAUSTED 429; UNAVAILABLE 503; others 500).
int HttpCode(int grpc_code, const std::string& verb);

class AuditSink {
 public:
  virtual ~AuditSink() = default;
  virtual void Record(const AuditEvent& event) = 0;
};

class FileAuditLog : public AuditSink {
 public:
  // Appends to `path`; past `max_bytes` it becomes path.1 (path.1 becomes
  // path.2, ... up to `max_backups`, the oldest dropped) and a new file starts.
  static absl::StatusOr<std::unique_ptr<FileAuditLog>> Open(const std::string& path,
                                                            int64_t max_bytes, int max_backups);
  ~FileAuditLog() override;

  void Record(const AuditEvent& event) override;

 private:
  FileAuditLog(std::string path, int64_t max_bytes, int max_backups)
      : path_(std::move(path)), max_bytes_(max_bytes), max_backups_(max_backups) {}
  absl::Status Reopen() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void Rotate() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const std::string path_;
  const int64_t max_bytes_;
  const int max_backups_;
  absl::Mutex mu_;
  int fd_ ABSL_GUARDED_BY(mu_) = -1;
  int64_t size_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace ordo::apiserver
