// authorization.k8s.io's reviews as a gRPC service (ordo.authorization.v1.
// AccessReviews): SelfSubjectAccessReview (may I?) for every authenticated
// user, SubjectAccessReview (may they?) for those allowed to create
// subjectaccessreviews. Answered from the gate's authorizer; nothing is
// stored. `ordoctl auth can-i` asks it. The service holds `gate`, which must
// outlive it; thread-safe.
#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>

#include "services/api-server/access_gate.h"

namespace ordo::apiserver {

std::unique_ptr<grpc::Service> NewAccessReviewService(const AccessGate& gate);

}  // namespace ordo::apiserver
