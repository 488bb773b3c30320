// The TLS flags of every ordo server, with kube-apiserver's and kubelet's
// names: --tls-cert-file, --tls-private-key-file, --client-ca-file, and
// --tls-reload-interval (how often the files are re-read, so a renewed
// certificate is served without a restart). Linked into a binary only when it
// calls ServerCredentialsFromFlags. Call after flags are parsed.
#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>

#include "absl/status/statusor.h"

namespace ordo::security {

// Null (plaintext, logged as such by StartGrpcServer) when none of the three
// files is given; an error naming the flags when only some are.
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> ServerCredentialsFromFlags(
    std::shared_ptr<grpc::AuthMetadataProcessor> authenticator,
    bool client_certificate_optional = false);

}  // namespace ordo::security
