// BackupClient is the backup controllers' edge to the api-server: objects of
// any kind, typed at run time (a backup reads every kind it selects, a
// restore creates whatever its backup holds). ApiBackupClient is the real one
// over GenericClient; FakeBackupClient (fake_backup_client.h) writes through
// testing::FakeObjectStore. The typed helpers below serve the controllers'
// own kinds.
// Thread-safety: every method may be called from many threads at once.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/api/generic_client.h"
#include "common/api/kinds.h"

namespace ordo::backup {

class BackupClient {
 public:
  virtual ~BackupClient() = default;
  // Every object of the kind, in `ns` when it is set.
  virtual absl::StatusOr<std::vector<api::MessagePtr>> List(const api::ResourceInfo& info,
                                                            const std::string& ns) = 0;
  // ALREADY_EXISTS when the name is taken.
  virtual absl::StatusOr<api::MessagePtr> Create(const api::ResourceInfo& info,
                                                 const google::protobuf::Message& obj) = 0;
  virtual absl::StatusOr<api::MessagePtr> Update(const api::ResourceInfo& info,
                                                 const google::protobuf::Message& obj) = 0;
  virtual absl::StatusOr<api::MessagePtr> UpdateStatus(const api::ResourceInfo& info,
                                                       const google::protobuf::Message& obj) = 0;
  // OK when it is already gone.
  virtual absl::Status Delete(const api::ResourceInfo& info, const std::string& ns,
                              const std::string& name) = 0;
};

class ApiBackupClient final : public BackupClient {
 public:
  ApiBackupClient(std::shared_ptr<grpc::Channel> channel, Clock& clock)
      : client_(std::move(channel), clock) {}
  absl::StatusOr<std::vector<api::MessagePtr>> List(const api::ResourceInfo& info,
                                                    const std::string& ns) override;
  absl::StatusOr<api::MessagePtr> Create(const api::ResourceInfo& info,
                                         const google::protobuf::Message& obj) override {
    return client_.Create(info, obj);
  }
  absl::StatusOr<api::MessagePtr> Update(const api::ResourceInfo& info,
                                         const google::protobuf::Message& obj) override {
    return client_.Update(info, obj);
  }
  absl::StatusOr<api::MessagePtr> UpdateStatus(const api::ResourceInfo& info,
                                               const google::protobuf::Message& obj) override {
    return client_.UpdateStatus(info, obj);
  }
  absl::Status Delete(const api::ResourceInfo& info, const std::string& ns,
                      const std::string& name) override;

 private:
  api::GenericClient client_;
};

// Typed calls for the kinds the controllers own.
template <api::Kind T>
absl::StatusOr<T> TypedResult(absl::StatusOr<api::MessagePtr> result) {
  if (!result.ok()) return result.status();
  T out;
  out.CopyFrom(**result);
  return out;
}
template <api::Kind T>
absl::StatusOr<T> Create(BackupClient& client, const T& obj) {
  return TypedResult<T>(client.Create(api::KindTraits<T>::Info(), obj));
}
template <api::Kind T>
absl::StatusOr<T> Update(BackupClient& client, const T& obj) {
  return TypedResult<T>(client.Update(api::KindTraits<T>::Info(), obj));
}
template <api::Kind T>
absl::StatusOr<T> UpdateStatus(BackupClient& client, const T& obj) {
  return TypedResult<T>(client.UpdateStatus(api::KindTraits<T>::Info(), obj));
}

}  // namespace ordo::backup
