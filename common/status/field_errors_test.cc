#include "common/status/field_errors.h"

#include <gtest/gtest.h>

namespace ordo::status {
namespace {

TEST(FieldErrorsTest, PrintsAsKubernetes) {
  FieldPath spec("spec");
  EXPECT_EQ(Invalid(spec.Child("replicas"), "-1", "must be greater than or equal to 0").ToString(),
            "spec.replicas: Invalid value: -1: must be greater than or equal to 0");
  EXPECT_EQ(Required(spec.Child("selector")).ToString(), "spec.selector: Required value");
  EXPECT_EQ(NotSupported(spec.Child("persistentVolumeClaimRetentionPolicy").Child("whenDeleted"),
                         "Foo", {"Retain", "Delete"})
                .ToString(),
            "spec.persistentVolumeClaimRetentionPolicy.whenDeleted: Unsupported value: \"Foo\": "
            "supported values: \"Retain\", \"Delete\"");
  EXPECT_EQ(spec.Child("containers").Index(2).Child("name").str(), "spec.containers[2].name");
}

TEST(FieldErrorsTest, OneErrorIsBareAndManyAreBracketed) {
  FieldPath spec("spec");
  absl::Status one = InvalidError("Pod", "p", {Required(spec.Child("containers"))});
  EXPECT_EQ(one.message(), "Pod \"p\" is invalid: spec.containers: Required value");
  absl::Status two =
      InvalidError("Pod", "p", {Required(spec.Child("containers")), Required(spec.Child("x"))});
  EXPECT_EQ(two.message(),
            "Pod \"p\" is invalid: [spec.containers: Required value, spec.x: Required value]");
  EXPECT_EQ(FieldViolations(two).size(), 2u);
}

}  // namespace
}  // namespace ordo::status
