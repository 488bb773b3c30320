// PrometheusQuery asks a real Prometheus (its HTTP API on 127.0.0.1:PORT) an
// instant query, for tests of what it scrapes. Stateless; safe from any
// thread.
#pragma once

#include <google/protobuf/struct.pb.h>

#include <string>
#include <vector>

namespace ordo::itest {

// The result vector of `promql` at the present moment: one element per
// series, each holding its labels ("metric") and [time, value] ("value");
// empty when Prometheus does not answer or the query fails.
std::vector<google::protobuf::Value> PrometheusQuery(int port, const std::string& promql);

// One series' value as Prometheus writes it ("2"); "" when it has none.
std::string SeriesValue(const google::protobuf::Value& series);

}  // namespace ordo::itest
