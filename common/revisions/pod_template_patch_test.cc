// The revision data of a StatefulSet: the pod template as a replace patch,
// and back; data that is not such a patch is an error naming the revision.
#include "common/revisions/pod_template_patch.h"

#include <gtest/gtest.h>

namespace ordo::revisions {
namespace {

core::v1::PodTemplateSpec Template() {
  core::v1::PodTemplateSpec tmpl;
  (*tmpl.mutable_metadata()->mutable_labels())["app"] = "nginx";
  auto* c = tmpl.mutable_spec()->add_containers();
  c->set_name("nginx");
  c->set_image("nginx:1");
  c->add_args("--port");
  c->add_args("80");
  tmpl.mutable_spec()->set_termination_grace_period_seconds(30);
  return tmpl;
}

TEST(PodTemplatePatchTest, IsAReplacePatchThatRoundTrips) {
  apps::v1::ControllerRevision rev;
  *rev.mutable_data() = PodTemplatePatch(Template());
  const auto& tmpl = rev.data().fields().at("spec").struct_value().fields().at("template");
  EXPECT_EQ(tmpl.struct_value().fields().at("$patch").string_value(), "replace");
  EXPECT_EQ(tmpl.struct_value()
                .fields()
                .at("metadata")
                .struct_value()
                .fields()
                .at("labels")
                .struct_value()
                .fields()
                .at("app")
                .string_value(),
            "nginx");
  auto back = TemplateOf(rev);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->SerializeAsString(), Template().SerializeAsString());
}

TEST(PodTemplatePatchTest, DataThatIsNotAPatchIsAnErrorNamingTheRevision) {
  apps::v1::ControllerRevision rev;
  rev.mutable_metadata()->set_name("web-x");
  EXPECT_EQ(TemplateOf(rev).status().message(), "controllerrevision web-x: data has no spec");
  auto& spec = *(*rev.mutable_data()->mutable_fields())["spec"].mutable_struct_value();
  EXPECT_EQ(TemplateOf(rev).status().message(),
            "controllerrevision web-x: data has no spec.template");
  auto& tmpl = *(*spec.mutable_fields())["template"].mutable_struct_value();
  (*tmpl.mutable_fields())["spec"].set_string_value("not an object");
  auto bad = TemplateOf(rev);
  EXPECT_TRUE(absl::IsInvalidArgument(bad.status()));
  EXPECT_NE(bad.status().message().find("controllerrevision web-x: spec.template: "),
            std::string::npos)
      << bad.status();
}

}  // namespace
}  // namespace ordo::revisions
