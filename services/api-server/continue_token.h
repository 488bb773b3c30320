// The continue token of a paged list, Kubernetes' shape: base64 (URL-safe) of
// {"v":"meta.k8s.io/v1","rv":<revision of the first page>,"start":"<next key
// after the resource's prefix>"}. Every page of one list is read at `rv`; a
// token a client mangled is INVALID_ARGUMENT naming the continue parameter.
// Stateless.
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace ordo::apiserver {

struct ContinueToken {
  int64_t revision = 0;
  std::string start;  // relative to the resource's key prefix
};

std::string EncodeContinue(const ContinueToken& token);
absl::StatusOr<ContinueToken> DecodeContinue(absl::string_view encoded);

}  // namespace ordo::apiserver
