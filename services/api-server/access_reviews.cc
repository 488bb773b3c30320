#include "services/api-server/access_reviews.h"

#include "common/status/grpc_status.h"
#include "ordo/authorization/v1/authorization.grpc.pb.h"

namespace ordo::apiserver {
namespace {

using authorization::Authorizer;
using authorization::RequestAttributes;

grpc::ServerUnaryReactor* FinishNow(grpc::CallbackServerContext* ctx, const grpc::Status& status) {
  auto* reactor = ctx->DefaultReactor();
  reactor->Finish(status);
  return reactor;
}

// authorization.k8s.io: SelfSubjectAccessReview (may I?) for every
// authenticated user, SubjectAccessReview (may they?) for those allowed to
// create subjectaccessreviews. Answered from the authorizer; nothing stored.
class AccessReviewService final : public authorization::v1::AccessReviews::CallbackService {
 public:
  explicit AccessReviewService(const AccessGate& gate) : gate_(gate) {}

  grpc::ServerUnaryReactor* CreateSelfSubjectAccessReview(
      grpc::CallbackServerContext* ctx, const authorization::v1::SelfSubjectAccessReview* req,
      authorization::v1::SelfSubjectAccessReview* resp) override {
    *resp = *req;
    auto acting = gate_.Acting(*ctx);
    if (!acting.ok()) return FinishNow(ctx, status::ToGrpcStatus(acting.status()));
    security::UserInfo user = acting->value_or(security::UserInfo{.name = "system:anonymous"});
    return Answer(ctx, user, req->spec().resource_attributes(), resp->mutable_status());
  }

  grpc::ServerUnaryReactor* CreateSubjectAccessReview(
      grpc::CallbackServerContext* ctx, const authorization::v1::SubjectAccessReview* req,
      authorization::v1::SubjectAccessReview* resp) override {
    if (auto s = gate_.Admit(*ctx,
                             {.verb = "create",
                              .api_group = "authorization.k8s.io",
                              .resource = "subjectaccessreviews"},
                             "authorization.k8s.io/v1");
        !s.ok()) {
      return FinishNow(ctx, s);
    }
    if (req->spec().user().empty() && req->spec().groups().empty()) {
      return FinishNow(ctx, grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                                         "SubjectAccessReview.authorization.k8s.io is invalid: "
                                         "spec.user: Invalid value: \"\": at least one of user or "
                                         "group must be specified"));
    }
    *resp = *req;
    security::UserInfo user{.name = req->spec().user(), .uid = req->spec().uid()};
    user.groups.assign(req->spec().groups().begin(), req->spec().groups().end());
    return Answer(ctx, user, req->spec().resource_attributes(), resp->mutable_status());
  }

 private:
  grpc::ServerUnaryReactor* Answer(grpc::CallbackServerContext* ctx, const security::UserInfo& user,
                                   const authorization::v1::ResourceAttributes& a,
                                   authorization::v1::SubjectAccessReviewStatus* status) {
    if (a.verb().empty() || a.resource().empty()) {
      return FinishNow(ctx,
                       grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                                    "spec.resourceAttributes: verb and resource are required"));
    }
    RequestAttributes request{.verb = a.verb(),
                              .api_group = a.group(),
                              .resource = a.resource(),
                              .subresource = a.subresource(),
                              .ns = a.namespace_(),
                              .name = a.name()};
    const Authorizer* authorizer = gate_.authorizer();
    bool allowed = authorizer == nullptr || authorizer->Allows(user, request);
    status->set_allowed(allowed);
    if (!allowed) status->set_reason(authorization::ForbiddenMessage(user, request));
    return FinishNow(ctx, grpc::Status::OK);
  }

  const AccessGate& gate_;
};

}  // namespace

std::unique_ptr<grpc::Service> NewAccessReviewService(const AccessGate& gate) {
  return std::make_unique<AccessReviewService>(gate);
}

}  // namespace ordo::apiserver
