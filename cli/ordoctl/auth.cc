// ordoctl auth can-i VERB RESOURCE[/NAME] [--subresource S]: kubectl's
// question to the api-server (a SelfSubjectAccessReview), answered "yes"
// (exit 0) or "no" (exit 1); with ordoctl's global --as, about that user.
#include "absl/strings/str_split.h"
#include "cli/ordoctl/commands.h"
#include "common/api/resource_info.h"
#include "common/status/grpc_status.h"
#include "ordo/authorization/v1/authorization.grpc.pb.h"

namespace ordo::ctl {

int Auth(const Args& args, Context& ctx) {
  if (args.positional.size() != 4 || args.positional[1] != "can-i") {
    ctx.err << "error: usage: ordoctl auth can-i VERB RESOURCE[/NAME] [--subresource S] "
               "[-n NS | -A]\n";
    return 1;
  }
  const std::string& verb = args.positional[2];
  std::vector<std::string> parts = absl::StrSplit(args.positional[3], absl::MaxSplits('/', 1));
  std::string resource = parts[0];
  std::string subresource = args.Get("subresource");
  authorization::v1::ResourceAttributes attributes;
  attributes.set_verb(verb);
  attributes.set_subresource(subresource);
  if (parts.size() == 2) attributes.set_name(parts[1]);
  if (resource == "*") {
    attributes.set_resource("*");
    attributes.set_group("*");
  } else if (const api::ResourceInfo* info = api::FindResource(resource)) {
    attributes.set_resource(info->resource);
    attributes.set_group(info->group);
    if (info->namespaced && !ctx.all_namespaces) attributes.set_namespace_(ctx.ns);
  } else {
    ctx.err << "error: the server doesn't have a resource type \"" << resource << "\"\n";
    return 1;
  }
  // A self review; with --as the channel impersonates that user, so it is
  // about them (kubectl's way), and the server checks we may impersonate.
  auto stub = authorization::v1::AccessReviews::NewStub(Dial(ctx, ctx.server));
  grpc::ClientContext call;
  call.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
  authorization::v1::SelfSubjectAccessReview review;
  *review.mutable_spec()->mutable_resource_attributes() = attributes;
  authorization::v1::SelfSubjectAccessReview answer;
  grpc::Status s = stub->CreateSelfSubjectAccessReview(&call, review, &answer);
  const authorization::v1::SubjectAccessReviewStatus& status = answer.status();
  if (!s.ok()) return PrintError(status::FromGrpcStatus(s), ctx);
  ctx.out << (status.allowed() ? "yes" : "no") << "\n";
  return status.allowed() ? 0 : 1;
}

}  // namespace ordo::ctl
