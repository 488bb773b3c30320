// ResourceClient<T> is the typed client of kind T's gRPC service: every call
// has a deadline, and a call that fails with UNAVAILABLE (the server is away
// or restarting) is retried with exponential back-off on the injected Clock.
// Errors come back as absl::Status with the server's details (a BadRequest's
// field violations survive). Safe to call from many threads at once.
#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>

#include "absl/status/statusor.h"
#include "common/api/kinds.h"
#include "common/clock/clock.h"
#include "common/status/grpc_status.h"
#include "ordo/meta/v1/meta.pb.h"

namespace ordo::api {

struct ClientOptions {
  absl::Duration deadline = absl::Seconds(10);
  int max_attempts = 5;
  absl::Duration initial_backoff = absl::Milliseconds(50);
};

// Runs `call` (returning grpc::Status) until it succeeds, fails with something
// other than UNAVAILABLE, or has been tried options.max_attempts times,
// doubling the pause between attempts on `clock`.
template <typename Call>
absl::Status RetryUnavailable(const ClientOptions& options, Clock& clock, Call call) {
  absl::Duration backoff = options.initial_backoff;
  for (int attempt = 1;; ++attempt) {
    grpc::ClientContext ctx;
    ctx.set_deadline(absl::ToChronoTime(absl::Now() + options.deadline));
    grpc::Status s = call(ctx);
    if (s.ok()) return absl::OkStatus();
    if (s.error_code() != grpc::StatusCode::UNAVAILABLE || attempt >= options.max_attempts) {
      return status::FromGrpcStatus(s);
    }
    clock.SleepFor(backoff);
    backoff *= 2;
  }
}

// The client of kind T (any kind of kinds.h): ResourceClient<core::v1::Pod>.
template <Kind T>
class ResourceClient {
  using Svc = typename KindTraits<T>::Service;
  using TList = typename KindTraits<T>::List;

 public:
  ResourceClient(std::shared_ptr<grpc::Channel> channel, Clock& clock, ClientOptions options = {})
      : stub_(Svc::NewStub(std::move(channel))), clock_(clock), options_(options) {}

  absl::StatusOr<T> Create(const T& obj) { return Call<T>(&Svc::Stub::Create, obj); }

  absl::StatusOr<T> Get(const std::string& ns, const std::string& name) {
    meta::v1::GetRequest req;
    req.set_namespace_(ns);
    req.set_name(name);
    return Call<T>(&Svc::Stub::Get, req);
  }

  absl::StatusOr<TList> List(const meta::v1::ListOptions& options) {
    return Call<TList>(&Svc::Stub::List, options);
  }

  absl::StatusOr<T> Update(const T& obj) { return Call<T>(&Svc::Stub::Update, obj); }

  absl::StatusOr<T> UpdateStatus(const T& obj) requires KindTraits<T>::kHasStatus {
    return Call<T>(&Svc::Stub::UpdateStatus, obj);
  }

  absl::StatusOr<T> Delete(const meta::v1::DeleteRequest& request) {
    return Call<T>(&Svc::Stub::Delete, request);
  }

  typename Svc::Stub& stub() { return *stub_; }

 private:
  template <typename Resp, typename Req, typename Method>
  absl::StatusOr<Resp> Call(Method method, const Req& request) {
    Resp response;
    absl::Status s = RetryUnavailable(options_, clock_, [&](grpc::ClientContext& ctx) {
      response.Clear();
      return ((*stub_).*method)(&ctx, request, &response);
    });
    if (!s.ok()) return s;
    return response;
  }

  std::unique_ptr<typename Svc::Stub> stub_;
  Clock& clock_;
  const ClientOptions options_;
};

}  // namespace ordo::api
