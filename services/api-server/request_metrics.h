// The api-server's request metrics, under kube-apiserver's names:
// apiserver_request_total{verb,group,resource,subresource,code} and
// apiserver_request_duration_seconds (same labels but code, kube-apiserver's
// buckets), recorded by a gRPC server interceptor around every call. A
// method maps to Kubernetes' words ("/ordo.apps.v1.StatefulSets/UpdateStatus"
// is verb update, group apps, resource statefulsets, subresource status);
// the code is the HTTP status kube-apiserver would answer (201 for a
// create, 404, 409, 422, ...), so existing dashboards and alerts fit.
// Thread-safe.
#pragma once

#include <grpcpp/support/server_interceptor.h>
#include <grpcpp/support/status.h>

#include <memory>
#include <string>

#include "prometheus/registry.h"

namespace ordo::apiserver {

struct RequestKind {
  std::string verb;
  std::string group;
  std::string resource;
  std::string subresource;
};

// What a full gRPC method name means in Kubernetes' terms.
RequestKind DescribeMethod(const std::string& method);

// The HTTP status kube-apiserver answers for a call of `verb` that ended
// with `code`.
int HttpCodeOf(grpc::StatusCode code, const std::string& verb);

// Records every call into `registry`.
std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> RequestMetricsInterceptor(
    std::shared_ptr<prometheus::Registry> registry);

}  // namespace ordo::apiserver
