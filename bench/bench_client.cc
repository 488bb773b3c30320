#include "bench/bench_client.h"

#include <grpcpp/grpcpp.h>

#include <thread>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "common/server/channel.h"
#include "common/status/grpc_status.h"
#include "etcd/kv.grpc.pb.h"
#include "ordo/core/v1/services.grpc.pb.h"

namespace ordo::bench {
namespace {

constexpr char kNamespace[] = "bench";

std::shared_ptr<grpc::Channel> Channel(const std::string& address, int index,
                                       std::shared_ptr<grpc::ChannelCredentials> credentials) {
  grpc::ChannelArguments args = ordo::server::ChannelArgs();
  args.SetInt("ordo.bench.channel", index);  // distinct args: a connection of its own
  if (credentials == nullptr) credentials = grpc::InsecureChannelCredentials();
  return grpc::CreateCustomChannel(address, credentials, args);
}

void Deadline(grpc::ClientContext& ctx, int seconds = 30) {
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(seconds));
}

core::v1::Pod MakePod(const std::string& name, const std::string& payload) {
  core::v1::Pod pod;
  pod.mutable_metadata()->set_name(name);
  pod.mutable_metadata()->set_namespace_(kNamespace);
  (*pod.mutable_metadata()->mutable_labels())["app"] = "bench";
  (*pod.mutable_metadata()->mutable_annotations())["payload"] = payload;
  auto* c = pod.mutable_spec()->add_containers();
  c->set_name("app");
  c->set_image("ordo-podapp:1");
  return pod;
}

std::string PayloadOf(const core::v1::Pod& pod) {
  auto it = pod.metadata().annotations().find("payload");
  return it == pod.metadata().annotations().end() ? "" : it->second;
}

class OrdoClient final : public BenchClient {
  struct Call {
    grpc::ClientContext ctx;
    core::v1::Pod request, response;
  };
  struct GetCall {
    grpc::ClientContext ctx;
    meta::v1::GetRequest request;
    core::v1::Pod response;
  };

 public:
  OrdoClient(const std::string& address, int index,
             std::shared_ptr<grpc::ChannelCredentials> credentials)
      : channel_(Channel(address, index, std::move(credentials))),
        pods_(core::v1::Pods::NewStub(channel_)) {}

  void CreateAsync(const std::string& name, const std::string& payload, Done done) override {
    auto call = std::make_shared<Call>();
    call->request = MakePod(name, payload);
    Deadline(call->ctx);
    pods_->async()->Create(&call->ctx, &call->request, &call->response,
                           [this, call, name, done = std::move(done)](grpc::Status s) {
                             if (s.ok())
                               versions_[name] = call->response.metadata().resource_version();
                             done(status::FromGrpcStatus(s));
                           });
  }

  void UpdateAsync(const std::string& name, const std::string& payload, Done done) override {
    auto call = std::make_shared<Call>();
    call->request = MakePod(name, payload);
    call->request.mutable_metadata()->set_resource_version(versions_[name]);
    Deadline(call->ctx);
    pods_->async()->Update(&call->ctx, &call->request, &call->response,
                           [this, call, name, done = std::move(done)](grpc::Status s) {
                             if (s.ok())
                               versions_[name] = call->response.metadata().resource_version();
                             done(status::FromGrpcStatus(s));
                           });
  }

  void GetAsync(const std::string& name, Done done) override {
    auto call = std::make_shared<GetCall>();
    call->request.set_namespace_(kNamespace);
    call->request.set_name(name);
    Deadline(call->ctx);
    pods_->async()->Get(
        &call->ctx, &call->request, &call->response,
        [call, done = std::move(done)](grpc::Status s) { done(status::FromGrpcStatus(s)); });
  }

  absl::Status Create(const std::string& name, const std::string& payload) override {
    grpc::ClientContext ctx;
    Deadline(ctx);
    core::v1::Pod out;
    grpc::Status s = pods_->Create(&ctx, MakePod(name, payload), &out);
    if (s.ok()) versions_[name] = out.metadata().resource_version();
    return status::FromGrpcStatus(s);
  }

  absl::Status Update(const std::string& name, const std::string& payload) override {
    core::v1::Pod pod = MakePod(name, payload);
    pod.mutable_metadata()->set_resource_version(versions_[name]);
    grpc::ClientContext ctx;
    Deadline(ctx);
    core::v1::Pod out;
    grpc::Status s = pods_->Update(&ctx, pod, &out);
    if (s.ok()) versions_[name] = out.metadata().resource_version();
    return status::FromGrpcStatus(s);
  }

  absl::Status Get(const std::string& name) override {
    grpc::ClientContext ctx;
    Deadline(ctx);
    meta::v1::GetRequest req;
    req.set_namespace_(kNamespace);
    req.set_name(name);
    core::v1::Pod out;
    grpc::Status s = pods_->Get(&ctx, req, &out);
    if (s.ok()) versions_[name] = out.metadata().resource_version();
    return status::FromGrpcStatus(s);
  }

  absl::StatusOr<int> List() override {
    grpc::ClientContext ctx;
    Deadline(ctx, 120);
    meta::v1::ListOptions opts;
    opts.set_namespace_(kNamespace);
    core::v1::PodList out;
    grpc::Status s = pods_->List(&ctx, opts, &out);
    if (!s.ok()) return status::FromGrpcStatus(s);
    return out.items_size();
  }

  absl::Status ReadModifyWrite(const std::string& name, const std::string& payload) override {
    if (absl::Status s = Get(name); !s.ok()) return s;
    return Update(name, payload);
  }

  std::unique_ptr<WatchHandle> Watch(std::function<void(const std::string&)> on_event) override {
    // A callback-API reader: no thread of its own per stream.
    class Handle final : public WatchHandle,
                         public grpc::ClientReadReactor<core::v1::PodWatchEvent> {
     public:
      Handle(core::v1::Pods::Stub* stub, std::function<void(const std::string&)> on_event)
          : on_event_(std::move(on_event)) {
        // Start from now: list for the revision, watch after it.
        grpc::ClientContext list_ctx;
        core::v1::PodList list;
        meta::v1::ListOptions none;
        none.set_namespace_(kNamespace);
        none.set_field_selector("metadata.name=-none-");
        (void)stub->List(&list_ctx, none, &list);
        options_.set_namespace_(kNamespace);
        options_.set_resource_version(list.metadata().resource_version());
        stub->async()->Watch(&ctx_, &options_, this);
        StartRead(&event_);
        StartCall();
      }
      ~Handle() override {
        ctx_.TryCancel();
        done_.WaitForNotification();
      }
      void OnReadDone(bool ok) override {
        if (!ok) return;
        on_event_(PayloadOf(event_.object()));
        StartRead(&event_);
      }
      void OnDone(const grpc::Status&) override { done_.Notify(); }

     private:
      std::function<void(const std::string&)> on_event_;
      grpc::ClientContext ctx_;
      meta::v1::ListOptions options_;
      core::v1::PodWatchEvent event_;
      absl::Notification done_;
    };
    return std::make_unique<Handle>(pods_.get(), std::move(on_event));
  }

 private:
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<core::v1::Pods::Stub> pods_;
  absl::flat_hash_map<std::string, std::string> versions_;
};

class EtcdClient final : public BenchClient {
 public:
  EtcdClient(const std::string& address, int index, bool serializable_reads)
      : serializable_reads_(serializable_reads),
        channel_(Channel(address, index, nullptr)),
        kv_(etcdserverpb::KV::NewStub(channel_)),
        watch_(etcdserverpb::Watch::NewStub(channel_)) {}

  static std::string Key(const std::string& name) {
    return absl::StrCat("/registry/pods/", kNamespace, "/", name);
  }

  void CreateAsync(const std::string& name, const std::string& payload, Done done) override {
    WriteAsync(name, payload, /*create=*/true, std::move(done));
  }

  void UpdateAsync(const std::string& name, const std::string& payload, Done done) override {
    WriteAsync(name, payload, /*create=*/false, std::move(done));
  }

  void GetAsync(const std::string& name, Done done) override {
    struct RangeCall {
      grpc::ClientContext ctx;
      etcdserverpb::RangeRequest request;
      etcdserverpb::RangeResponse response;
    };
    auto call = std::make_shared<RangeCall>();
    call->request.set_key(Key(name));
    call->request.set_serializable(serializable_reads_);
    Deadline(call->ctx);
    kv_->async()->Range(&call->ctx, &call->request, &call->response,
                        [this, call, name, done = std::move(done)](grpc::Status s) {
                          if (s.ok() && call->response.kvs_size() > 0) {
                            core::v1::Pod pod;
                            pod.ParseFromString(call->response.kvs(0).value());
                            revisions_[name] = call->response.kvs(0).mod_revision();
                          }
                          done(status::FromGrpcStatus(s));
                        });
  }

  absl::Status Create(const std::string& name, const std::string& payload) override {
    return Write(name, payload, /*create=*/true);
  }

  absl::Status Update(const std::string& name, const std::string& payload) override {
    return Write(name, payload, /*create=*/false);
  }

  absl::Status Get(const std::string& name) override {
    etcdserverpb::RangeRequest req;
    req.set_key(Key(name));
    req.set_serializable(serializable_reads_);
    etcdserverpb::RangeResponse resp;
    grpc::ClientContext ctx;
    Deadline(ctx);
    grpc::Status s = kv_->Range(&ctx, req, &resp);
    if (!s.ok()) return status::FromGrpcStatus(s);
    if (resp.kvs_size() == 0) return absl::NotFoundError(name);
    core::v1::Pod pod;
    pod.ParseFromString(resp.kvs(0).value());  // as an api-server would decode it
    revisions_[name] = resp.kvs(0).mod_revision();
    return absl::OkStatus();
  }

  absl::StatusOr<int> List() override {
    std::string prefix = absl::StrCat("/registry/pods/", kNamespace, "/");
    std::string end = prefix;
    end.back()++;
    etcdserverpb::RangeRequest req;
    req.set_key(prefix);
    req.set_range_end(end);
    etcdserverpb::RangeResponse resp;
    grpc::ClientContext ctx;
    Deadline(ctx, 120);
    grpc::Status s = kv_->Range(&ctx, req, &resp);
    if (!s.ok()) return status::FromGrpcStatus(s);
    core::v1::Pod pod;
    for (const auto& kv : resp.kvs()) pod.ParseFromString(kv.value());
    return resp.kvs_size();
  }

  absl::Status ReadModifyWrite(const std::string& name, const std::string& payload) override {
    if (absl::Status s = Get(name); !s.ok()) return s;
    return Update(name, payload);
  }

  std::unique_ptr<WatchHandle> Watch(std::function<void(const std::string&)> on_event) override {
    class Handle final : public WatchHandle {
     public:
      Handle(etcdserverpb::Watch::Stub* stub, std::function<void(const std::string&)> on_event) {
        stream_ = stub->Watch(&ctx_);
        etcdserverpb::WatchRequest req;
        std::string prefix = absl::StrCat("/registry/pods/", kNamespace, "/");
        std::string end = prefix;
        end.back()++;
        req.mutable_create_request()->set_key(prefix);
        req.mutable_create_request()->set_range_end(end);
        stream_->Write(req);
        etcdserverpb::WatchResponse created;
        stream_->Read(&created);  // the "created" response: the watch is live
        thread_ = std::thread([this, on_event = std::move(on_event)] {
          etcdserverpb::WatchResponse resp;
          core::v1::Pod pod;
          while (stream_->Read(&resp)) {
            for (const auto& e : resp.events()) {
              pod.ParseFromString(e.kv().value());
              on_event(PayloadOf(pod));
            }
          }
        });
      }
      ~Handle() override {
        ctx_.TryCancel();
        thread_.join();
      }

     private:
      grpc::ClientContext ctx_;
      std::unique_ptr<
          grpc::ClientReaderWriter<etcdserverpb::WatchRequest, etcdserverpb::WatchResponse>>
          stream_;
      std::thread thread_;
    };
    return std::make_unique<Handle>(watch_.get(), std::move(on_event));
  }

 private:
  // Put the serialized pod if the key is absent (create) or still at the
  // revision this client knows (update): what an api-server asks of etcd.
  etcdserverpb::TxnRequest WriteTxn(const std::string& name, const std::string& payload,
                                    bool create) {
    etcdserverpb::TxnRequest txn;
    auto* cmp = txn.add_compare();
    cmp->set_key(Key(name));
    if (create) {
      cmp->set_target(etcdserverpb::Compare::CREATE);
      cmp->set_create_revision(0);
    } else {
      cmp->set_target(etcdserverpb::Compare::MOD);
      cmp->set_mod_revision(revisions_[name]);
    }
    auto* put = txn.add_success()->mutable_request_put();
    put->set_key(Key(name));
    put->set_value(MakePod(name, payload).SerializeAsString());
    return txn;
  }

  void WriteAsync(const std::string& name, const std::string& payload, bool create, Done done) {
    struct TxnCall {
      grpc::ClientContext ctx;
      etcdserverpb::TxnRequest request;
      etcdserverpb::TxnResponse response;
    };
    auto call = std::make_shared<TxnCall>();
    call->request = WriteTxn(name, payload, create);
    Deadline(call->ctx);
    kv_->async()->Txn(
        &call->ctx, &call->request, &call->response,
        [this, call, name, create, done = std::move(done)](grpc::Status s) {
          if (!s.ok()) return done(status::FromGrpcStatus(s));
          if (!call->response.succeeded()) {
            return done(create ? absl::AlreadyExistsError(name) : absl::AbortedError(name));
          }
          revisions_[name] = call->response.header().revision();
          done(absl::OkStatus());
        });
  }

  absl::Status Write(const std::string& name, const std::string& payload, bool create) {
    etcdserverpb::TxnRequest txn = WriteTxn(name, payload, create);
    etcdserverpb::TxnResponse resp;
    grpc::ClientContext ctx;
    Deadline(ctx);
    grpc::Status s = kv_->Txn(&ctx, txn, &resp);
    if (!s.ok()) return status::FromGrpcStatus(s);
    if (!resp.succeeded()) {
      return create ? absl::AlreadyExistsError(name) : absl::AbortedError(name);
    }
    revisions_[name] = resp.header().revision();
    return absl::OkStatus();
  }

  const bool serializable_reads_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<etcdserverpb::KV::Stub> kv_;
  std::unique_ptr<etcdserverpb::Watch::Stub> watch_;
  absl::flat_hash_map<std::string, int64_t> revisions_;
};

}  // namespace

std::unique_ptr<BenchClient> NewBenchClient(const std::string& target, const std::string& address,
                                            int channel_index,
                                            std::shared_ptr<grpc::ChannelCredentials> credentials,
                                            bool serializable_reads) {
  if (target == "etcd") {
    return std::make_unique<EtcdClient>(address, channel_index, serializable_reads);
  }
  return std::make_unique<OrdoClient>(address, channel_index, std::move(credentials));
}

absl::Status PrepareTarget(const std::string& target, const std::string& address,
                           std::shared_ptr<grpc::ChannelCredentials> credentials) {
  if (target != "ordo") return absl::OkStatus();
  auto stub = core::v1::Namespaces::NewStub(Channel(address, -1, std::move(credentials)));
  core::v1::Namespace ns;
  ns.mutable_metadata()->set_name(kNamespace);
  core::v1::Namespace out;
  grpc::ClientContext ctx;
  Deadline(ctx);
  grpc::Status s = stub->Create(&ctx, ns, &out);
  if (s.ok() || s.error_code() == grpc::StatusCode::ALREADY_EXISTS) return absl::OkStatus();
  return status::FromGrpcStatus(s);
}

}  // namespace ordo::bench
