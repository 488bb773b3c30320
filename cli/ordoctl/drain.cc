#include "cli/ordoctl/drain.h"

#include <grpcpp/grpcpp.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "common/api/object_meta.h"
#include "common/server/channel.h"
#include "common/status/grpc_status.h"
#include "ordo/core/v1/services.grpc.pb.h"

namespace ordo::ctl {
absl::StatusOr<bool> EditNode(Context& ctx, const std::string& name,
                              const std::function<absl::StatusOr<bool>(core::v1::Node&)>& edit) {
  const api::ResourceInfo& nodes = api::ResourceFor("Node");
  for (int attempt = 0;; ++attempt) {
    auto got = ctx.client.Get(nodes, "", name);
    if (!got.ok()) return got.status();
    core::v1::Node node;
    node.CopyFrom(**got);
    auto changed = edit(node);
    if (!changed.ok() || !*changed) return changed;
    absl::Status s = ctx.client.Update(nodes, node).status();
    if (s.ok()) return true;
    if (!absl::IsAborted(s) || attempt >= 3) return s;  // else written meanwhile: read again
  }
}

namespace {

// Sets spec.unschedulable; false when it already had that value.
absl::StatusOr<bool> SetUnschedulable(Context& ctx, const std::string& name, bool value) {
  return EditNode(ctx, name, [value](core::v1::Node& node) -> absl::StatusOr<bool> {
    if (node.spec().unschedulable() == value) return false;
    node.mutable_spec()->set_unschedulable(value);
    return true;
  });
}

}  // namespace

int Cordon(const Args& args, Context& ctx, bool unschedulable) {
  if (args.positional.size() != 2) {
    ctx.err << "error: usage: ordoctl " << args.positional[0] << " NODE\n";
    return 1;
  }
  const std::string& name = args.positional[1];
  auto changed = SetUnschedulable(ctx, name, unschedulable);
  if (!changed.ok()) return PrintError(changed.status(), ctx);
  ctx.out << "node/" << name << (*changed ? "" : " already")
          << (unschedulable ? " cordoned" : " uncordoned") << "\n";
  return 0;
}

int Drain(const Args& args, Context& ctx) {
  if (args.positional.size() != 2) {
    ctx.err << "error: usage: ordoctl drain NODE [--ignore-daemonsets] [--delete-emptydir-data] "
               "[--force] [--timeout 0]\n";
    return 1;
  }
  const std::string& name = args.positional[1];
  absl::Duration timeout = absl::ZeroDuration();
  if (args.Has("timeout") && !absl::ParseDuration(args.Get("timeout"), &timeout)) {
    ctx.err << "error: invalid argument \"" << args.Get("timeout") << "\" for \"--timeout\" flag\n";
    return 1;
  }
  absl::Time deadline =
      timeout == absl::ZeroDuration() ? absl::InfiniteFuture() : absl::Now() + timeout;
  auto changed = SetUnschedulable(ctx, name, true);
  if (!changed.ok()) return PrintError(changed.status(), ctx);
  ctx.out << "node/" << name << (*changed ? "" : " already") << " cordoned\n";

  meta::v1::ListOptions on_node;
  on_node.set_field_selector("spec.nodeName=" + name);
  auto listed = ctx.client.List(api::ResourceFor("Pod"), on_node);
  if (!listed.ok()) return PrintError(listed.status(), ctx);
  core::v1::PodList pods;
  pods.CopyFrom(**listed);
  std::vector<core::v1::Pod> to_evict;
  std::vector<std::string> unmanaged, local;
  for (const auto& pod : pods.items()) {
    const std::string& phase = pod.status().phase();
    if (phase == "Succeeded" || phase == "Failed") continue;
    std::string ref = pod.metadata().namespace_() + "/" + pod.metadata().name();
    bool managed = false;
    for (const auto& o : pod.metadata().owner_references()) managed = managed || o.controller();
    bool has_empty_dir = false;
    for (const auto& v : pod.spec().volumes()) has_empty_dir = has_empty_dir || v.has_empty_dir();
    if (!managed && args.Get("force") != "true") unmanaged.push_back(ref);
    if (has_empty_dir && args.Get("delete-emptydir-data") != "true") local.push_back(ref);
    to_evict.push_back(pod);
  }
  if (!unmanaged.empty() || !local.empty()) {
    ctx.err << "error: unable to drain node \"" << name << "\" due to error: ";
    std::vector<std::string> why;
    if (!unmanaged.empty()) {
      why.push_back("cannot delete Pods that declare no controller (use --force to override): " +
                    absl::StrJoin(unmanaged, ", "));
    }
    if (!local.empty()) {
      why.push_back(
          "cannot delete Pods with local storage (use --delete-emptydir-data to "
          "override): " +
          absl::StrJoin(local, ", "));
    }
    ctx.err << absl::StrJoin(why, ", ") << "\n";
    return 1;
  }
  auto channel = Dial(ctx, ctx.server);
  auto stub = core::v1::Pods::NewStub(channel);
  for (const auto& pod : to_evict) {
    ctx.out << "evicting pod " << pod.metadata().namespace_() << "/" << pod.metadata().name()
            << "\n"
            << std::flush;
    for (;;) {
      policy::v1::Eviction eviction;
      eviction.mutable_metadata()->set_name(pod.metadata().name());
      eviction.mutable_metadata()->set_namespace_(pod.metadata().namespace_());
      if (args.Has("grace-period")) {
        int64_t grace = 0;
        if (absl::SimpleAtoi(args.Get("grace-period"), &grace) && grace >= 0) {
          eviction.mutable_delete_options()->set_grace_period_seconds(grace);
        }
      }
      grpc::ClientContext call;
      call.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
      core::v1::Pod out;
      absl::Status s = status::FromGrpcStatus(stub->Evict(&call, eviction, &out));
      if (s.ok() || absl::IsNotFound(s)) break;
      if (absl::IsResourceExhausted(s) && absl::Now() + absl::Seconds(5) < deadline) {
        // kubectl's words: the budget says not now; try again in 5 s.
        ctx.err << "error when evicting pods/\"" << pod.metadata().name() << "\" -n \""
                << pod.metadata().namespace_() << "\" (will retry after 5s): " << s.message()
                << "\n";
        absl::SleepFor(absl::Seconds(5));  // kubectl's retry interval, at a terminal
        continue;
      }
      if (absl::IsResourceExhausted(s)) {
        ctx.err << "error: drain did not complete within " << absl::FormatDuration(timeout) << "\n";
        return 1;
      }
      return PrintError(s, ctx);
    }
    // Wait for the pod to be gone (its node confirms the deletion).
    const std::string uid = pod.metadata().uid();
    absl::Status gone =
        WaitForObject(ctx, api::ResourceFor("Pod"), pod.metadata().namespace_(),
                      pod.metadata().name(), deadline, [&](const google::protobuf::Message* obj) {
                        return obj == nullptr || api::MetaOf(*obj).uid() != uid;
                      });
    if (!gone.ok()) {
      ctx.err << "error: pod " << pod.metadata().name() << " was not gone in time\n";
      return 1;
    }
    ctx.out << "pod/" << pod.metadata().name() << " evicted\n" << std::flush;
  }
  ctx.out << "node/" << name << " drained\n";
  return 0;
}

}  // namespace ordo::ctl
