// A structured fuzzer against a running cluster: requests to every method of
// every service the api-server lists (found by reflection, as a client with no
// .proto files would), each field filled at random from the method's request
// descriptor, a tenth of them raw random bytes. Whatever comes back, every
// component of the cluster must still be running afterwards, the api-server
// must still answer, and every object it stored must pass its kind's
// validation (a fuzzed write either was valid or changed nothing).
#include <google/protobuf/dynamic_message.h>
#include <grpcpp/generic/generic_stub.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <cmath>
#include <filesystem>
#include <limits>
#include <map>
#include <random>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/api/generic_client.h"
#include "common/api/resource_info.h"
#include "common/testing/reflection_client.h"
#include "integration-tests/harness/cluster_fixture.h"
#include "services/api-server/kind_strategy.h"

namespace ordo::itest {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::MethodDescriptor;
using google::protobuf::Reflection;

// Fills messages with random values, biased towards the edges a parser or a
// validator trips on. Not synchronised.
class RandomFill {
 public:
  explicit RandomFill(uint64_t seed) : rng_(seed) {}

  void Fill(Message& m, int depth) {
    const Descriptor* d = m.GetDescriptor();
    for (int i = 0; i < d->field_count(); ++i) {
      const FieldDescriptor* f = d->field(i);
      if (Chance(0.4)) continue;  // unset
      if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE && depth >= kMaxDepth) continue;
      int count = f->is_repeated() ? Below(4) : 1;
      for (int k = 0; k < count; ++k) Set(m, f, depth);
    }
  }

  std::string Bytes(size_t max) {
    std::string s(static_cast<size_t>(Below(static_cast<int>(max) + 1)), '\0');
    for (char& c : s) c = static_cast<char>(Below(256));
    return s;
  }

  bool Chance(double p) { return std::uniform_real_distribution<double>(0, 1)(rng_) < p; }
  int Below(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }

 private:
  static constexpr int kMaxDepth = 6;

  std::string String() {
    static const char* const kWords[] = {"",
                                         "default",
                                         "kube-system",
                                         "web",
                                         "web-0",
                                         "nginx",
                                         "a",
                                         "-",
                                         "..",
                                         "a.b",
                                         "UPPER",
                                         "0",
                                         "-1",
                                         "10.96.0.1",
                                         "100m",
                                         "1Gi",
                                         "apps/v1",
                                         "v1",
                                         "Pod",
                                         "TCP",
                                         "None",
                                         "*",
                                         "node-1",
                                         "system:masters",
                                         "2024-01-02T15:04:05Z",
                                         "ReadWriteOnce",
                                         "Always",
                                         "OrderedReady"};
    switch (Below(5)) {
      case 0:
        return kWords[Below(static_cast<int>(std::size(kWords)))];
      case 1: {  // printable ASCII with the odd control character: valid UTF-8
        std::string s(static_cast<size_t>(Below(40)), ' ');
        for (char& c : s) c = static_cast<char>(Chance(0.05) ? 1 + Below(31) : 32 + Below(95));
        return s;
      }
      case 2:
        return std::string(Chance(0.1) ? 100'000 : 1 + Below(300),
                           static_cast<char>('a' + Below(26)));
      case 3:
        return absl::StrCat(kWords[Below(static_cast<int>(std::size(kWords)))], "-", Below(1000));
      default:
        return "é😀\u200b";  // multi-byte and zero-width
    }
  }
  int64_t Int() {
    static const int64_t kEdges[] = {0,
                                     1,
                                     -1,
                                     2,
                                     100,
                                     65535,
                                     65536,
                                     std::numeric_limits<int32_t>::max(),
                                     std::numeric_limits<int32_t>::min(),
                                     std::numeric_limits<int64_t>::max(),
                                     std::numeric_limits<int64_t>::min()};
    return Chance(0.5) ? kEdges[Below(static_cast<int>(std::size(kEdges)))]
                       : static_cast<int64_t>(rng_());
  }
  double Double() {
    static const double kEdges[] = {
        0, -1, 0.5, 1e308, -1e308, std::numeric_limits<double>::infinity(), std::nan("")};
    return kEdges[Below(static_cast<int>(std::size(kEdges)))];
  }

  void Set(Message& m, const FieldDescriptor* f, int depth) {
    const Reflection* r = m.GetReflection();
    const bool rep = f->is_repeated();
    switch (f->cpp_type()) {
      case FieldDescriptor::CPPTYPE_MESSAGE:
        Fill(rep ? *r->AddMessage(&m, f) : *r->MutableMessage(&m, f), depth + 1);
        return;
      case FieldDescriptor::CPPTYPE_STRING: {
        std::string v = f->type() == FieldDescriptor::TYPE_BYTES ? Bytes(64) : String();
        return rep ? r->AddString(&m, f, std::move(v)) : r->SetString(&m, f, std::move(v));
      }
      case FieldDescriptor::CPPTYPE_INT64:
        return rep ? r->AddInt64(&m, f, Int()) : r->SetInt64(&m, f, Int());
      case FieldDescriptor::CPPTYPE_UINT64:
        return rep ? r->AddUInt64(&m, f, Int()) : r->SetUInt64(&m, f, Int());
      case FieldDescriptor::CPPTYPE_INT32:
        return rep ? r->AddInt32(&m, f, static_cast<int32_t>(Int()))
                   : r->SetInt32(&m, f, static_cast<int32_t>(Int()));
      case FieldDescriptor::CPPTYPE_UINT32:
        return rep ? r->AddUInt32(&m, f, static_cast<uint32_t>(Int()))
                   : r->SetUInt32(&m, f, static_cast<uint32_t>(Int()));
      case FieldDescriptor::CPPTYPE_BOOL:
        return rep ? r->AddBool(&m, f, Chance(0.5)) : r->SetBool(&m, f, Chance(0.5));
      case FieldDescriptor::CPPTYPE_DOUBLE:
        return rep ? r->AddDouble(&m, f, Double()) : r->SetDouble(&m, f, Double());
      case FieldDescriptor::CPPTYPE_FLOAT:
        return rep ? r->AddFloat(&m, f, static_cast<float>(Double()))
                   : r->SetFloat(&m, f, static_cast<float>(Double()));
      case FieldDescriptor::CPPTYPE_ENUM: {
        // proto3 enums are open: an unknown number must be handled too.
        int v = Chance(0.8) ? f->enum_type()->value(Below(f->enum_type()->value_count()))->number()
                            : static_cast<int>(Int());
        if (f->enum_type()->file()->syntax() != google::protobuf::FileDescriptor::SYNTAX_PROTO3 &&
            f->enum_type()->FindValueByNumber(v) == nullptr) {
          v = f->enum_type()->value(0)->number();
        }
        return rep ? r->AddEnumValue(&m, f, v) : r->SetEnumValue(&m, f, v);
      }
    }
  }

  std::mt19937_64 rng_;
};

grpc::ByteBuffer ToBuffer(const std::string& bytes) {
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

// One call of `path` with `request`, unary or streaming (one request sent, the
// responses read until the stream ends or the deadline passes); its status.
grpc::StatusCode Call(grpc::GenericStub& stub, const MethodDescriptor& method,
                      const std::string& path, const std::string& request) {
  grpc::ClientContext ctx;
  grpc::CompletionQueue cq;
  grpc::Status status;
  void* tag = nullptr;
  bool ok = false;
  grpc::ByteBuffer buffer = ToBuffer(request);
  if (!method.client_streaming() && !method.server_streaming()) {
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    auto call = stub.PrepareUnaryCall(&ctx, path, buffer, &cq);
    call->StartCall();
    grpc::ByteBuffer response;
    call->Finish(&response, &status, reinterpret_cast<void*>(1));
    cq.Next(&tag, &ok);
    return status.error_code();
  }
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(300));
  auto call = stub.PrepareCall(&ctx, path, &cq);
  auto step = [&](auto&& op) {
    op(reinterpret_cast<void*>(1));
    return cq.Next(&tag, &ok) && ok;
  };
  if (step([&](void* t) { call->StartCall(t); }) &&
      step([&](void* t) { call->Write(buffer, t); }) &&
      step([&](void* t) { call->WritesDone(t); })) {
    grpc::ByteBuffer response;
    for (int i = 0; i < 1000 && step([&](void* t) { call->Read(&response, t); }); ++i) {
    }
  }
  call->Finish(&status, reinterpret_cast<void*>(2));
  while (cq.Next(&tag, &ok) && tag != reinterpret_cast<void*>(2)) {
  }
  return status.error_code();
}

class FuzzTest : public ClusterFixture {};

TEST_F(FuzzTest, RandomRequestsToEveryMethodLeaveTheClusterRunningAndItsObjectsValid) {
  testing::ReflectionClient reflection(channel_);
  auto services = reflection.ListServices();
  ASSERT_TRUE(services.ok()) << services.status();
  std::vector<const MethodDescriptor*> methods;
  for (const std::string& name : *services) {
    if (name == "grpc.reflection.v1alpha.ServerReflection") continue;  // gRPC's, not ours
    auto service = reflection.DescribeService(name);
    ASSERT_TRUE(service.ok()) << service.status();
    for (int i = 0; i < (*service)->method_count(); ++i) methods.push_back((*service)->method(i));
  }
  ASSERT_GT(methods.size(), 100u);

  google::protobuf::DynamicMessageFactory factory;
  grpc::GenericStub stub(channel_);
  RandomFill random(20261202);
  std::map<std::string, int> outcomes;  // status code name -> count
  constexpr int kRequests = 1000;
  for (int i = 0; i < kRequests; ++i) {
    const MethodDescriptor& method = *methods[random.Below(static_cast<int>(methods.size()))];
    std::string path = absl::StrCat("/", method.service()->full_name(), "/", method.name());
    std::string request;
    if (random.Chance(0.1)) {
      request = random.Bytes(200);
    } else {
      std::unique_ptr<Message> m(factory.GetPrototype(method.input_type())->New());
      random.Fill(*m, 0);
      request = m->SerializeAsString();
    }
    grpc::StatusCode code = Call(stub, method, path, request);
    ++outcomes[absl::StrCat(static_cast<int>(code))];
    ASSERT_NE(code, grpc::StatusCode::UNAVAILABLE) << path << ": the api-server went away";
  }
  std::vector<std::string> tally;
  for (const auto& [code, n] : outcomes) tally.push_back(absl::StrCat("code ", code, ": ", n));
  std::cout << "outcomes of " << kRequests << " requests: " << absl::StrJoin(tally, ", ") << "\n";
  EXPECT_GT(outcomes["0"], 0) << "no request got through: the fuzzer reaches nothing";
  EXPECT_GT(outcomes["3"], 0) << "nothing was refused as invalid";

  // Every component still runs.
  for (const auto& entry : std::filesystem::directory_iterator(dir_.Join("run"))) {
    if (entry.path().extension() != ".pid") continue;
    pid_t pid = 0;
    ASSERT_TRUE(absl::SimpleAtoi(ReadLine(entry.path().string()), &pid)) << entry.path();
    EXPECT_EQ(kill(pid, 0), 0) << entry.path().stem() << " is gone";
  }
  // Every stored object is one its kind's validation accepts.
  api::GenericClient client(channel_, SystemClock());
  int checked = 0;
  for (const auto& info : api::AllResources()) {
    auto list = client.List(info, {});
    ASSERT_TRUE(list.ok()) << info.resource << ": " << list.status();
    const auto& strategy = apiserver::StrategyFor(info.kind);
    for (const auto& obj : api::TakeItems(**list)) {
      ++checked;
      if (!strategy.validate) continue;
      for (const auto& err : strategy.validate(*obj)) {
        ADD_FAILURE() << info.resource << " " << obj->ShortDebugString().substr(0, 300)
                      << " is stored but invalid: " << err.ToString();
      }
    }
  }
  EXPECT_GT(checked, 0);
  CommandResult get = Ordoctl({"get", "pods", "-A"});
  EXPECT_EQ(get.exit_code, 0) << get.err;
}

}  // namespace
}  // namespace ordo::itest
