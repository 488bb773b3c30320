// The headers nearly every ordo translation unit parses: the standard
// library's containers, Abseil, gRPC, protobuf, spdlog and the API's most used
// messages. CMake precompiles this file once (target ordo_pch, cmake/ordo.cmake)
// and every ordo library and program compiles with it: common/api/generic_client.cc
// takes 11.8 s of CPU instead of 17.3 s (parsing headers was 55 % of a
// file's compile, g++ -ftime-report; loading the 365 MB PCH costs some back).
// Nothing may depend on it: every file still includes what it uses
// (make check-headers compiles each header alone, without it).
#pragma once

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "ordo/apps/v1/apps.pb.h"
#include "ordo/core/v1/core.pb.h"
#include "ordo/core/v1/services.grpc.pb.h"
#include "ordo/meta/v1/meta.pb.h"
#include "spdlog/spdlog.h"
