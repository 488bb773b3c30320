#include "cli/ordoctl/run.h"

#include "absl/time/clock.h"
#include "cli/ordoctl/pod_io.h"
#include "ordo/core/v1/core.pb.h"

namespace ordo::ctl {

int Run(const Args& args, Context& ctx) {
  if (args.positional.size() < 2 || !args.Has("image")) {
    ctx.err << "error: usage: ordoctl run NAME --image=IMAGE [--restart=Never] [-i] [--tty] "
               "[--rm] [-- COMMAND...]\n";
    return 1;
  }
  const std::string& name = args.positional[1];
  std::vector<std::string> command(args.positional.begin() + 2, args.positional.end());
  bool interactive = args.Get("stdin") == "true";
  core::v1::Pod pod;
  pod.set_api_version("v1");
  pod.set_kind("Pod");
  pod.mutable_metadata()->set_name(name);
  pod.mutable_metadata()->set_namespace_(ctx.ns);
  (*pod.mutable_metadata()->mutable_labels())["run"] = name;
  pod.mutable_spec()->set_restart_policy(args.Get("restart", "Always"));
  pod.mutable_spec()->set_termination_grace_period_seconds(1);
  auto* c = pod.mutable_spec()->add_containers();
  c->set_name(name);
  c->set_image(args.Get("image"));
  if (interactive) {
    // The pod idles; the session runs inside it.
    c->add_command("sleep");
    c->add_command("86400");
  } else {
    for (const auto& word : command) c->add_command(word);
  }
  auto created = ctx.client.Create(api::ResourceFor("Pod"), pod);
  if (!created.ok()) return PrintError(created.status(), ctx);
  if (!interactive) {
    ctx.out << "pod/" << name << " created\n";
    return 0;
  }
  absl::Status running =
      WaitForObject(ctx, api::ResourceFor("Pod"), ctx.ns, name, absl::Now() + absl::Minutes(2),
                    [](const google::protobuf::Message* obj) {
                      if (obj == nullptr) return true;
                      core::v1::Pod p;
                      p.CopyFrom(*obj);
                      return p.status().phase() == "Running";
                    });
  int code = 1;
  if (!running.ok()) {
    ctx.err << "error: timed out waiting for pod/" << name << " to run\n";
  } else {
    ctx.err << "If you don't see a command prompt, try pressing enter.\n";
    Args exec = args;
    exec.positional = {"exec", name};
    if (command.empty()) command = {"sh"};
    exec.positional.insert(exec.positional.end(), command.begin(), command.end());
    exec.flags["stdin"] = "true";
    code = Exec(exec, ctx);
  }
  if (args.Get("rm") == "true") {
    Args del;
    del.positional = {"delete", "pod", name};
    del.flags["wait"] = "false";
    del.flags["grace-period"] = "0";
    del.flags["force"] = "true";
    std::ostringstream quiet_err;
    Context quiet{ctx.client, ctx.server, ctx.credentials, ctx.ns,
                  false,      ctx.out,    quiet_err,       ctx.in};
    Delete(del, quiet);
  }
  return code;
}

}  // namespace ordo::ctl
