// FakeBackupClient: BackupClient over testing::FakeObjectStore, so what the
// controllers write is in the listers the test and the controllers read.
// Run-time kinds are matched to the store's typed calls by ResourceInfo. A
// velero.io object is created with no status, as the api-server does.
// Thread-safe (the store is).
#pragma once

#include <string_view>

#include "common/testing/fake_object_store.h"
#include "services/controller-manager/backup/backup_client.h"

namespace ordo::backup {

class FakeBackupClient final : public BackupClient {
 public:
  explicit FakeBackupClient(testing::FakeObjectStore& store) : store_(store) {}

  absl::StatusOr<std::vector<api::MessagePtr>> List(const api::ResourceInfo& info,
                                                    const std::string& ns) override {
    std::vector<api::MessagePtr> items;
    Dispatch(info, [&]<typename T>() -> absl::Status {
      for (const auto& obj : store_.Lister<T>().List()) {
        if (!ns.empty() && obj->metadata().namespace_() != ns) continue;
        items.push_back(std::make_unique<T>(*obj));
      }
      return absl::OkStatus();
    }).IgnoreError();
    return items;
  }
  absl::StatusOr<api::MessagePtr> Create(const api::ResourceInfo& info,
                                         const google::protobuf::Message& obj) override {
    return Write(info, [&]<typename T>() -> absl::StatusOr<T> {
      absl::StatusOr<T> created = store_.Create<T>(static_cast<const T&>(obj));
      // The store starts phased kinds Pending; the api-server starts velero.io
      // objects with no status at all, which their controllers read as New.
      if constexpr (api::KindTraits<T>::kHasStatus) {
        if (created.ok() && std::string_view(api::KindTraits<T>::kGroup) == "velero.io") {
          created->clear_status();
          return store_.Put(*created);
        }
      }
      return created;
    });
  }
  absl::StatusOr<api::MessagePtr> Update(const api::ResourceInfo& info,
                                         const google::protobuf::Message& obj) override {
    return Write(info, [&]<typename T>() { return store_.Update<T>(static_cast<const T&>(obj)); });
  }
  absl::StatusOr<api::MessagePtr> UpdateStatus(const api::ResourceInfo& info,
                                               const google::protobuf::Message& obj) override {
    return Write(info, [&]<typename T>() -> absl::StatusOr<T> {
      if constexpr (api::KindTraits<T>::kHasStatus) {
        return store_.UpdateStatus<T>(static_cast<const T&>(obj));
      } else {
        return absl::UnimplementedError("no status subresource");
      }
    });
  }
  absl::Status Delete(const api::ResourceInfo& info, const std::string& ns,
                      const std::string& name) override {
    return Dispatch(info, [&]<typename T>() {
      absl::Status s = store_.Delete<T>(ns, name);
      return absl::IsNotFound(s) ? absl::OkStatus() : s;
    });
  }

 private:
  template <typename Fn>
  absl::Status Dispatch(const api::ResourceInfo& info, Fn&& fn) {
    absl::Status result = absl::NotFoundError("no such kind " + info.kind);
    api::ForEachKind([&]<typename T>() {
      if (info.kind == api::KindTraits<T>::kKind) result = fn.template operator()<T>();
    });
    return result;
  }
  template <typename Fn>
  absl::StatusOr<api::MessagePtr> Write(const api::ResourceInfo& info, Fn&& fn) {
    api::MessagePtr out;
    absl::Status status = Dispatch(info, [&]<typename T>() -> absl::Status {
      absl::StatusOr<T> written = fn.template operator()<T>();
      if (!written.ok()) return written.status();
      out = std::make_unique<T>(*std::move(written));
      return absl::OkStatus();
    });
    if (!status.ok()) return status;
    return out;
  }

  testing::FakeObjectStore& store_;
};

}  // namespace ordo::backup
