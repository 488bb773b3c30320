#include "common/security/certificates.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/testing/status_matchers.h"

using ::ordo::testing::StatusIs;

namespace ordo::security {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

const absl::Time kNow = absl::FromUnixSeconds(1'800'000'000);

KeyPair Ca(const std::string& name = "ordo-ca") {
  auto ca = CreateCertificateAuthority(name, kNow, kNow + absl::Hours(24));
  EXPECT_TRUE(ca.ok()) << ca.status();
  return *ca;
}

CertificateRequest Request(absl::Time not_after = kNow + absl::Hours(1)) {
  return {.subject = {"jane", {"dev", "ops"}},
          .usage = Usage::kServerAndClient,
          .dns_names = {"api-server", "localhost"},
          .ip_addresses = {"127.0.0.1", "172.28.0.10", "::1"},
          .not_before = kNow - absl::Minutes(1),
          .not_after = not_after};
}

TEST(CertificatesTest, AnIssuedCertificateReadsBackAsRequested) {
  KeyPair ca = Ca();
  auto cert = IssueCertificate(ca, Request());
  ASSERT_TRUE(cert.ok()) << cert.status();
  auto info = ParseCertificate(cert->cert_pem);
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->subject.common_name, "jane");
  EXPECT_THAT(info->subject.organizations, ElementsAre("dev", "ops"));
  EXPECT_EQ(info->issuer, "ordo-ca");
  EXPECT_THAT(info->dns_names, ElementsAre("api-server", "localhost"));
  EXPECT_THAT(info->ip_addresses, ElementsAre("127.0.0.1", "172.28.0.10", "::1"));
  EXPECT_EQ(info->not_after, kNow + absl::Hours(1));
  EXPECT_FALSE(info->is_ca);
  EXPECT_FALSE(info->serial.empty());
  EXPECT_TRUE(CheckKeyMatches(cert->key_pem, cert->cert_pem).ok());
  EXPECT_TRUE(VerifyCertificate(cert->cert_pem, ca.cert_pem, kNow).ok());
}

TEST(CertificatesTest, TheCaIsACa) {
  KeyPair ca = Ca();
  auto info = ParseCertificate(ca.cert_pem);
  ASSERT_TRUE(info.ok());
  EXPECT_TRUE(info->is_ca);
  EXPECT_EQ(info->subject.common_name, "ordo-ca");
  EXPECT_EQ(info->issuer, "ordo-ca");
}

TEST(CertificatesTest, EachCertificateHasItsOwnKeyAndSerial) {
  KeyPair ca = Ca();
  auto a = IssueCertificate(ca, Request());
  auto b = IssueCertificate(ca, Request());
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(a->key_pem, b->key_pem);
  EXPECT_NE(ParseCertificate(a->cert_pem)->serial, ParseCertificate(b->cert_pem)->serial);
  EXPECT_THAT(CheckKeyMatches(a->key_pem, b->cert_pem),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("does not match")));
}

TEST(CertificatesTest, AnotherCasCertificateIsNotTrusted) {
  auto cert = IssueCertificate(Ca("other-ca"), Request());
  ASSERT_TRUE(cert.ok());
  EXPECT_THAT(VerifyCertificate(cert->cert_pem, Ca().cert_pem, kNow),
              StatusIs(absl::StatusCode::kUnauthenticated,
                       HasSubstr("certificate \"jane\" is not trusted")));
}

TEST(CertificatesTest, AnExpiredCertificateNamesItsExpiry) {
  KeyPair ca = Ca();
  auto cert = IssueCertificate(ca, Request(kNow + absl::Minutes(5)));
  ASSERT_TRUE(cert.ok());
  EXPECT_TRUE(VerifyCertificate(cert->cert_pem, ca.cert_pem, kNow + absl::Minutes(4)).ok());
  EXPECT_THAT(VerifyCertificate(cert->cert_pem, ca.cert_pem, kNow + absl::Minutes(6)),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       "certificate \"jane\" expired at 2027-01-15T08:05:00Z"));
  EXPECT_THAT(VerifyCertificate(cert->cert_pem, ca.cert_pem, kNow - absl::Hours(1)),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("is not valid before")));
}

TEST(CertificatesTest, GarbageIsRefusedNotCrashedOn) {
  EXPECT_THAT(ParseCertificate(""), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ParseCertificate("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"),
              StatusIs(absl::StatusCode::kInvalidArgument));
  KeyPair ca = Ca();
  EXPECT_THAT(IssueCertificate({"nonsense", ca.cert_pem}, Request()),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("private key")));
  CertificateRequest no_name = Request();
  no_name.subject.common_name.clear();
  EXPECT_THAT(IssueCertificate(ca, no_name),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("commonName")));
  CertificateRequest bad_ip = Request();
  bad_ip.ip_addresses = {"not-an-ip"};
  EXPECT_FALSE(IssueCertificate(ca, bad_ip).ok());
}

}  // namespace
}  // namespace ordo::security
