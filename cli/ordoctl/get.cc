// ordoctl get: tables (--no-headers), -o yaml|json|name|wide|jsonpath=, and -w,
// which goes on printing each change in the same format.
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "cli/ordoctl/commands.h"
#include "cli/ordoctl/jsonpath.h"
#include "cli/ordoctl/printer.h"
#include "common/api/object_meta.h"
#include "common/manifest/manifest.h"
#include "yaml-cpp/yaml.h"

namespace ordo::ctl {

using api::MetaOf;
using api::MutableMetaOf;
using google::protobuf::Message;

namespace {

// Prints `objects` as `output` (a valid format) asks: `as_list` wraps them
// in a List (yaml, json, jsonpath), as kubectl does for all but one object
// asked for by name. False after printing an error.
bool PrintObjects(Context& ctx, const api::ResourceInfo& info,
                  const std::vector<api::MessagePtr>& objects, const std::string& output,
                  bool as_list, const TableOptions& table) {
  if (output == "yaml" || output == "json") {
    if (!as_list) {
      for (const auto& obj : objects) {
        ctx.out << (output == "yaml" ? manifest::EncodeYaml(*obj) : manifest::EncodeJson(*obj));
      }
      return true;
    }
    if (output == "yaml") {
      ctx.out << "apiVersion: v1\nitems:\n";
      for (const auto& obj : objects) {
        std::string yaml = manifest::EncodeYaml(*obj);
        std::vector<std::string> lines = absl::StrSplit(yaml, '\n', absl::SkipEmpty());
        for (size_t i = 0; i < lines.size(); ++i)
          ctx.out << (i == 0 ? "- " : "  ") << lines[i] << "\n";
      }
      ctx.out << "kind: List\nmetadata:\n  resourceVersion: \"\"\n";
    } else {
      std::vector<std::string> items;
      for (const auto& obj : objects) items.push_back(manifest::EncodeJson(*obj));
      ctx.out << "{\n \"apiVersion\": \"v1\",\n \"kind\": \"List\",\n \"items\": [\n"
              << absl::StrJoin(items, ",\n") << "]\n}\n";
    }
    return true;
  }
  if (absl::StartsWith(output, "jsonpath=")) {
    auto node_of = [](const Message& obj) { return YAML::Load(manifest::EncodeJson(obj)); };
    std::vector<YAML::Node> roots;
    if (as_list) {
      YAML::Node root;
      root["apiVersion"] = "v1";
      root["kind"] = "List";
      root["items"] = YAML::Node(YAML::NodeType::Sequence);
      for (const auto& obj : objects) root["items"].push_back(node_of(*obj));
      roots.push_back(root);
    } else {
      for (const auto& obj : objects) roots.push_back(node_of(*obj));
    }
    for (const auto& root : roots) {
      auto printed = JsonPath(output.substr(strlen("jsonpath=")), root);
      if (!printed.ok()) {
        ctx.err << "error: " << printed.status().message() << "\n";
        return false;
      }
      ctx.out << *printed;
    }
    return true;
  }
  if (output == "name") {
    for (const auto& obj : objects) ctx.out << TypedName(info, MetaOf(*obj).name()) << "\n";
    return true;
  }
  std::vector<const Message*> rows;
  for (const auto& obj : objects) rows.push_back(obj.get());
  PrintTable(ctx.out, info, rows, table);
  return true;
}

}  // namespace

int Get(const Args& args, Context& ctx) {
  if (args.positional.size() < 2) {
    ctx.err << "error: you must specify the type of resource to get. Use \"ordoctl "
               "api-resources\" for a complete list of supported resources.\n";
    return 1;
  }
  // `get pv,pvc,sc`: each kind in turn, a blank line between tables, as kubectl.
  if (args.positional[1].find(',') != std::string::npos) {
    if (args.positional.size() > 2) {
      ctx.err << "error: names cannot be given with several kinds\n";
      return 1;
    }
    int code = 0;
    bool first = true;
    for (absl::string_view kind : absl::StrSplit(args.positional[1], ',', absl::SkipEmpty())) {
      Args one = args;
      one.positional[1] = std::string(kind);
      if (!first) ctx.out << "\n";
      first = false;
      code = std::max(code, Get(one, ctx));
    }
    return code;
  }
  const api::ResourceInfo* info = api::FindResource(args.positional[1]);
  if (info == nullptr) {
    ctx.err << "error: the server doesn't have a resource type \"" << args.positional[1] << "\"\n";
    return 1;
  }
  std::string ns = info->namespaced && !ctx.all_namespaces ? ctx.ns : "";
  // kubectl's --chunk-size: objects per List page (0: one unpaged List).
  int64_t chunk_size = api::kDefaultPageSize;
  if (args.Has("chunk-size") &&
      (!absl::SimpleAtoi(args.Get("chunk-size"), &chunk_size) || chunk_size < 0)) {
    ctx.err << "error: invalid argument \"" << args.Get("chunk-size")
            << "\" for \"--chunk-size\" flag: must be a number >= 0\n";
    return 1;
  }
  std::vector<api::MessagePtr> objects;
  int64_t seen_version = 0;  // -w follows changes after this
  if (args.positional.size() > 2) {
    for (size_t i = 2; i < args.positional.size(); ++i) {
      auto got = ctx.client.Get(*info, ns, args.positional[i]);
      if (!got.ok()) return PrintError(got.status(), ctx);
      objects.push_back(*std::move(got));
    }
  } else {
    meta::v1::ListOptions options;
    options.set_namespace_(ns);
    options.set_label_selector(args.Get("selector"));
    options.set_field_selector(args.Get("field-selector"));
    // -o name needs nothing but names: each page is printed as it comes, so
    // ordoctl holds one page rather than the whole list (kubectl, too, prints
    // chunk by chunk), and each object is decoded as PartialObjectMetadata,
    // its spec and status skipped. Other formats align or wrap the whole list.
    const bool names_as_they_come = args.Get("output") == "name";
    auto on_page = [&](Message& page) {
      if (seen_version == 0) {
        (void)absl::SimpleAtoi(api::ListMetaOf(page).resource_version(), &seen_version);
      }
      for (api::MessagePtr& item : api::TakeItems(page)) {
        if (names_as_they_come) {
          ctx.out << TypedName(*info, MetaOf(*item).name()) << "\n";
        } else {
          objects.push_back(std::move(item));
        }
      }
      return absl::OkStatus();
    };
    absl::Status listed = names_as_they_come
                              ? ctx.client.ListMetadataPages(*info, options, chunk_size, on_page)
                              : ctx.client.ListPages(*info, options, chunk_size, on_page);
    if (!listed.ok()) return PrintError(listed, ctx);
  }
  std::string output = args.Get("output");
  if (!output.empty() && output != "wide" && output != "yaml" && output != "json" &&
      output != "name" && !absl::StartsWith(output, "jsonpath=")) {
    ctx.err << "error: unable to match a printer suitable for the output format \"" << output
            << "\", allowed formats are: json,jsonpath,name,wide,yaml\n";
    return 1;
  }
  // Objects from a list or a watch carry no apiVersion/kind of their own.
  auto stamp_type = [info](google::protobuf::Message& obj) {
    auto* r = obj.GetReflection();
    r->SetString(&obj, obj.GetDescriptor()->FindFieldByName("api_version"), info->ApiVersion());
    r->SetString(&obj, obj.GetDescriptor()->FindFieldByName("kind"), info->kind);
  };
  for (auto& obj : objects) stamp_type(*obj);
  bool watch = args.Get("watch") == "true";
  TableOptions table{.wide = output == "wide",
                     .with_namespace = ctx.all_namespaces && info->namespaced,
                     .no_headers = args.Get("no-headers") == "true",
                     .now = absl::Now()};
  if (objects.empty() && (output.empty() || output == "wide")) {
    if (info->namespaced && !ctx.all_namespaces) {
      ctx.err << "No resources found in " << ns << " namespace.\n";
    } else {
      ctx.err << "No resources found\n";
    }
  } else {
    // kubectl's shape: one object asked for by name as itself, else a List.
    bool single = objects.size() == 1 && args.positional.size() == 3;
    if (!PrintObjects(ctx, *info, objects, output, !single, table)) return 1;
  }
  if (!watch) return 0;
  ctx.out << std::flush;  // what was listed shows before the first change
  // -w: then every change, printed as the output asks, until interrupted. A
  // table prints one row each, without the header again.
  meta::v1::ListOptions options;
  options.set_namespace_(ns);
  options.set_label_selector(args.Get("selector"));
  if (args.positional.size() == 3) {
    options.set_field_selector(absl::StrCat("metadata.name=", args.positional[2]));
  }
  for (const auto& obj : objects) {
    int64_t v = 0;
    (void)absl::SimpleAtoi(MetaOf(*obj).resource_version(), &v);
    seen_version = std::max(seen_version, v);
  }
  options.set_resource_version(absl::StrCat(seen_version));
  table.no_headers = true;
  bool printed = true;
  absl::Status ended = ctx.client.Watch(
      *info, options, absl::InfiniteFuture(), [&](const std::string&, api::MessagePtr obj) {
        table.now = absl::Now();
        if (output == "yaml") ctx.out << "---\n";  // one YAML stream, as kubectl
        stamp_type(*obj);
        std::vector<api::MessagePtr> changed;
        changed.push_back(std::move(obj));
        printed = PrintObjects(ctx, *info, changed, output, /*as_list=*/false, table);
        ctx.out << std::flush;
        return printed;
      });
  if (!printed) return 1;
  return ended.ok() ? 0 : PrintError(ended, ctx);
}

}  // namespace ordo::ctl
