#include "common/quantity/quantity.h"

#include <gtest/gtest.h>

#include "common/testing/status_matchers.h"

namespace ordo::quantity {
namespace {

TEST(QuantityTest, ParsesCpuInMillicores) {
  EXPECT_EQ(*ParseMilli("500m"), 500);
  EXPECT_EQ(*ParseMilli("2"), 2000);
  EXPECT_EQ(*ParseMilli("0.1"), 100);
  EXPECT_EQ(*ParseMilli("1.5"), 1500);
  EXPECT_EQ(*ParseMilli("100u"), 1);  // rounded up, as Kubernetes does
}

TEST(QuantityTest, ParsesMemoryInBytes) {
  EXPECT_EQ(*ParseValue("1Gi"), int64_t{1} << 30);
  EXPECT_EQ(*ParseValue("128Mi"), int64_t{128} << 20);
  EXPECT_EQ(*ParseValue("1k"), 1000);
  EXPECT_EQ(*ParseValue("1e3"), 1000);
  EXPECT_EQ(*ParseValue("500m"), 1);
}

TEST(QuantityTest, RefusesNonsenseAndClampsHugeValues) {
  EXPECT_FALSE(ParseValue("").ok());
  EXPECT_FALSE(ParseValue("Gi").ok());
  EXPECT_FALSE(ParseValue("three").ok());
  EXPECT_FALSE(ParseValue("-1").ok());
  EXPECT_EQ(*ParseValue("100E"), std::numeric_limits<int64_t>::max());
}

TEST(QuantityTest, TheGrammarIsKubernetes) {
  for (const char* good : {"1", "+1", "-2", "1.5", ".5", "2.", "500m", "1Ki", "3Ei", "1E", "2n",
                           "1e3", "5E-2", "7e+1"}) {
    EXPECT_TRUE(IsWellFormed(good)) << good;
  }
  for (const char* bad : {"", ".", "-", "Gi", "1K", "1ki", "1e3Ki", "1Gi ", " 1", "1e", "2e",
                          "1.2.3", "0x10", "inf", "nan", "1 Gi", "--1"}) {
    EXPECT_FALSE(IsWellFormed(bad)) << bad;
  }
  EXPECT_FALSE(ParseValue("1e3Ki").ok());
}

TEST(QuantityTest, FormatsCpu) {
  EXPECT_EQ(FormatMilliCpu(2000), "2");
  EXPECT_EQ(FormatMilliCpu(250), "250m");
}

}  // namespace
}  // namespace ordo::quantity
