// X.509 for the cluster's mutual TLS, on OpenSSL's libcrypto: making a
// cluster CA, issuing component certificates signed by it, reading a
// certificate's subject, SANs and validity, and verifying one against the CA.
// Keys are ECDSA P-256 (a quicker handshake than RSA, and what Go's and
// kubeadm's tooling accept). Identities follow Kubernetes: the subject's CN is
// the user name and each O a group.
// Stateless functions; safe from any thread.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace ordo::security {

struct Subject {
  std::string common_name;                 // CN: the user
  std::vector<std::string> organizations;  // O: the groups
};

// What a certificate is for (its extended key usage).
enum class Usage { kServer, kClient, kServerAndClient };

struct CertificateRequest {
  Subject subject;
  Usage usage = Usage::kClient;
  // Subject alternative names a server is reached by.
  std::vector<std::string> dns_names;
  std::vector<std::string> ip_addresses;
  absl::Time not_before;
  absl::Time not_after;
};

// A private key and its certificate, both PEM.
struct KeyPair {
  std::string key_pem;
  std::string cert_pem;
};

// A self-signed CA certificate for `common_name`, valid from `not_before`
// (a minute is taken off for clocks that lag) until `not_after`.
absl::StatusOr<KeyPair> CreateCertificateAuthority(const std::string& common_name,
                                                   absl::Time not_before, absl::Time not_after);

// A certificate for `request` with a fresh key, signed by `ca`.
absl::StatusOr<KeyPair> IssueCertificate(const KeyPair& ca, const CertificateRequest& request);

struct CertificateInfo {
  Subject subject;
  std::string issuer;  // the issuer's CN
  std::string serial;  // hex
  std::vector<std::string> dns_names;
  std::vector<std::string> ip_addresses;
  absl::Time not_before;
  absl::Time not_after;
  bool is_ca = false;
};

// Reads the first certificate of a PEM text. INVALID_ARGUMENT when there is
// none or it does not parse.
absl::StatusOr<CertificateInfo> ParseCertificate(absl::string_view pem);

// Whether `cert_pem` was signed by `ca_pem` and is valid at `now`. An expired
// or not-yet-valid certificate is FAILED_PRECONDITION naming the date (`client
// certificate "admin" expired at 2026-11-30T10:00:00Z`); any other failure is
// UNAUTHENTICATED with OpenSSL's reason.
absl::Status VerifyCertificate(absl::string_view cert_pem, absl::string_view ca_pem,
                               absl::Time now);

// Whether `key_pem` is the private key of `cert_pem` (INVALID_ARGUMENT if not).
absl::Status CheckKeyMatches(absl::string_view key_pem, absl::string_view cert_pem);

}  // namespace ordo::security
