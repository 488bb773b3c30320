#include "services/api-server/request_metrics.h"

#include <map>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/api/generic_client.h"
#include "prometheus/counter.h"
#include "prometheus/histogram.h"

namespace ordo::apiserver {
namespace {

using grpc::experimental::InterceptionHookPoints;

// Service ("ordo.core.v1.Pods") -> the kind it serves.
const absl::flat_hash_map<std::string, const api::ResourceInfo*>& KindsByService() {
  static const auto* map = [] {
    auto* m = new absl::flat_hash_map<std::string, const api::ResourceInfo*>();
    for (const auto& info : api::AllResources()) (*m)[api::GenericClient::ServiceOf(info)] = &info;
    return m;
  }();
  return *map;
}

struct Families {
  explicit Families(prometheus::Registry& r)
      : total(prometheus::BuildCounter()
                  .Name("apiserver_request_total")
                  .Help("Requests answered, by verb, group, resource, subresource and the "
                        "HTTP code kube-apiserver would have answered.")
                  .Register(r)),
        duration(prometheus::BuildHistogram()
                     .Name("apiserver_request_duration_seconds")
                     .Help("Seconds from a request's arrival to its answer, by verb, group, "
                           "resource and subresource.")
                     .Register(r)) {}
  prometheus::Family<prometheus::Counter>& total;
  prometheus::Family<prometheus::Histogram>& duration;
};

const prometheus::Histogram::BucketBoundaries& Buckets() {
  static const auto* buckets = new prometheus::Histogram::BucketBoundaries{
      0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1.0, 1.25, 1.5, 2,
      3,     4,     5,    6,   8,   10,  15,  20,  30,  45,   60};
  return *buckets;
}

// One method's series, looked up once: the duration histogram and the
// counter of each code seen (Family::Add hashes labels under a lock; a hot
// path should not).
class MethodSeries {
 public:
  MethodSeries(Families& families, const std::string& method)
      : families_(families), kind_(DescribeMethod(method)) {
    duration_ = &families_.duration.Add(Labels(), Buckets());
  }
  void Record(grpc::StatusCode status, absl::Duration took) {
    duration_->Observe(absl::ToDoubleSeconds(took));
    const int code = HttpCodeOf(status, kind_.verb);
    prometheus::Counter* counter = nullptr;
    {
      absl::ReaderMutexLock lock(&mu_);
      if (auto it = by_code_.find(code); it != by_code_.end()) counter = it->second;
    }
    if (counter == nullptr) {
      auto labels = Labels();
      labels["code"] = absl::StrCat(code);
      absl::MutexLock lock(&mu_);
      counter = &families_.total.Add(labels);
      by_code_[code] = counter;
    }
    counter->Increment();
  }

 private:
  std::map<std::string, std::string> Labels() const {
    return {{"verb", kind_.verb},
            {"group", kind_.group},
            {"resource", kind_.resource},
            {"subresource", kind_.subresource}};
  }

  Families& families_;
  const RequestKind kind_;
  prometheus::Histogram* duration_;
  absl::Mutex mu_;
  absl::flat_hash_map<int, prometheus::Counter*> by_code_ ABSL_GUARDED_BY(mu_);
};

class Interceptor final : public grpc::experimental::Interceptor {
 public:
  explicit Interceptor(MethodSeries* series) : series_(series), start_(absl::Now()) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
      series_->Record(methods->GetSendStatus().error_code(), absl::Now() - start_);
    }
    methods->Proceed();
  }

 private:
  MethodSeries* series_;
  absl::Time start_;
};

class Factory final : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit Factory(std::shared_ptr<prometheus::Registry> registry)
      : registry_(std::move(registry)), families_(*registry_) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    return new Interceptor(SeriesOf(info->method()));
  }

 private:
  MethodSeries* SeriesOf(const char* method) {
    {
      absl::ReaderMutexLock lock(&mu_);
      if (auto it = series_.find(method); it != series_.end()) return it->second.get();
    }
    absl::MutexLock lock(&mu_);
    auto& slot = series_[method];
    if (slot == nullptr) slot = std::make_unique<MethodSeries>(families_, method);
    return slot.get();
  }

  std::shared_ptr<prometheus::Registry> registry_;
  Families families_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, std::unique_ptr<MethodSeries>> series_ ABSL_GUARDED_BY(mu_);
};

}  // namespace

RequestKind DescribeMethod(const std::string& method) {
  // "/package.Service/Method"
  std::vector<std::string> parts = absl::StrSplit(method, '/', absl::SkipEmpty());
  if (parts.size() != 2) return {.verb = "unknown", .resource = method};
  const std::string& service = parts[0];
  const std::string& call = parts[1];
  RequestKind kind;
  auto found = KindsByService().find(service);
  if (found != KindsByService().end()) {
    kind.group = found->second->group;
    kind.resource = found->second->resource;
  } else {
    // Not a kind's service (pod I/O, maintenance, health, reviews): its name.
    std::vector<std::string> words = absl::StrSplit(service, '.');
    kind.resource = absl::AsciiStrToLower(words.back());
  }
  static const auto* verbs =
      new absl::flat_hash_map<std::string, std::pair<std::string, std::string>>{
          {"Create", {"create", ""}},
          {"Get", {"get", ""}},
          {"List", {"list", ""}},
          {"Watch", {"watch", ""}},
          {"Update", {"update", ""}},
          {"UpdateStatus", {"update", "status"}},
          {"Patch", {"patch", ""}},
          {"Delete", {"delete", ""}},
          {"GetScale", {"get", "scale"}},
          {"UpdateScale", {"update", "scale"}},
          {"Evict", {"create", "eviction"}},
          {"Bind", {"create", "binding"}},
          {"Exec", {"create", "exec"}},
          {"Logs", {"get", "log"}}};
  auto verb = verbs->find(call);
  if (verb != verbs->end()) {
    kind.verb = verb->second.first;
    kind.subresource = verb->second.second;
  } else {
    kind.verb = absl::AsciiStrToLower(call);
  }
  return kind;
}

int HttpCodeOf(grpc::StatusCode code, const std::string& verb) {
  switch (code) {
    case grpc::StatusCode::OK:
      return verb == "create" ? 201 : 200;
    case grpc::StatusCode::INVALID_ARGUMENT:
      return 422;
    case grpc::StatusCode::NOT_FOUND:
      return 404;
    case grpc::StatusCode::ALREADY_EXISTS:
    case grpc::StatusCode::ABORTED:
    case grpc::StatusCode::FAILED_PRECONDITION:
      return 409;
    case grpc::StatusCode::PERMISSION_DENIED:
      return 403;
    case grpc::StatusCode::UNAUTHENTICATED:
      return 401;
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return 429;
    case grpc::StatusCode::OUT_OF_RANGE:
      return 410;  // a watch or continue token older than the window: Gone
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return 504;
    case grpc::StatusCode::UNAVAILABLE:
      return 503;
    case grpc::StatusCode::UNIMPLEMENTED:
      return 405;
    case grpc::StatusCode::CANCELLED:
      return 499;
    default:
      return 500;
  }
}

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> RequestMetricsInterceptor(
    std::shared_ptr<prometheus::Registry> registry) {
  return std::make_unique<Factory>(std::move(registry));
}

}  // namespace ordo::apiserver
