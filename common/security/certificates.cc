#include "common/security/certificates.h"

#include <arpa/inet.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace ordo::security {
namespace {

template <auto Free>
struct Deleter {
  template <typename T>
  void operator()(T* p) const {
    Free(p);
  }
};
using BioPtr = std::unique_ptr<BIO, Deleter<BIO_free_all>>;
using KeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY_free>>;
using CertPtr = std::unique_ptr<X509, Deleter<X509_free>>;
using BignumPtr = std::unique_ptr<BIGNUM, Deleter<BN_free>>;
using StorePtr = std::unique_ptr<X509_STORE, Deleter<X509_STORE_free>>;
using StoreCtxPtr = std::unique_ptr<X509_STORE_CTX, Deleter<X509_STORE_CTX_free>>;
using NamesPtr = std::unique_ptr<GENERAL_NAMES, Deleter<GENERAL_NAMES_free>>;

// OpenSSL's last error, for a message.
std::string OpenSslError() {
  unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return "unknown error";
  char buf[256];
  ERR_error_string_n(code, buf, sizeof(buf));
  return buf;
}

absl::Status Failed(absl::string_view what) {
  return absl::InternalError(absl::StrCat(what, ": ", OpenSslError()));
}

BioPtr ReadBio(absl::string_view text) {
  return BioPtr(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
}

std::string BioText(BIO* bio) {
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(n));
}

absl::StatusOr<CertPtr> ReadCert(absl::string_view pem) {
  BioPtr bio = ReadBio(pem);
  CertPtr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (cert == nullptr) {
    ERR_clear_error();
    return absl::InvalidArgumentError("no PEM certificate could be read");
  }
  return cert;
}

absl::StatusOr<KeyPtr> ReadKey(absl::string_view pem) {
  BioPtr bio = ReadBio(pem);
  KeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (key == nullptr) {
    ERR_clear_error();
    return absl::InvalidArgumentError("no PEM private key could be read");
  }
  return key;
}

absl::StatusOr<std::string> KeyPem(EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr)) {
    return Failed("writing a key");
  }
  return BioText(bio.get());
}

absl::StatusOr<std::string> CertPem(X509* cert) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!PEM_write_bio_X509(bio.get(), cert)) return Failed("writing a certificate");
  return BioText(bio.get());
}

absl::StatusOr<KeyPtr> NewKey() {
  KeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  if (key == nullptr) return Failed("generating a P-256 key");
  return key;
}

absl::Status SetName(X509_NAME* name, const Subject& subject) {
  for (const std::string& o : subject.organizations) {
    if (!X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8,
                                    reinterpret_cast<const unsigned char*>(o.c_str()), -1, -1, 0)) {
      return Failed("setting O");
    }
  }
  if (!X509_NAME_add_entry_by_txt(
          name, "CN", MBSTRING_UTF8,
          reinterpret_cast<const unsigned char*>(subject.common_name.c_str()), -1, -1, 0)) {
    return Failed("setting CN");
  }
  return absl::OkStatus();
}

absl::Status AddExtension(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  if (ext == nullptr) return Failed(absl::StrCat("extension ", OBJ_nid2sn(nid), "=", value));
  int ok = X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
  return ok ? absl::OkStatus() : Failed("adding an extension");
}

// A certificate with every field but the signature: a random 128-bit serial,
// the validity, the subject and the public key.
absl::StatusOr<CertPtr> NewCert(EVP_PKEY* key, const Subject& subject, absl::Time not_before,
                                absl::Time not_after) {
  CertPtr cert(X509_new());
  if (cert == nullptr || !X509_set_version(cert.get(), 2)) return Failed("a new certificate");
  BignumPtr serial(BN_new());
  if (!BN_rand(serial.get(), 127, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) ||
      BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert.get())) == nullptr) {
    return Failed("a serial number");
  }
  if (ASN1_TIME_set(X509_getm_notBefore(cert.get()), absl::ToTimeT(not_before)) == nullptr ||
      ASN1_TIME_set(X509_getm_notAfter(cert.get()), absl::ToTimeT(not_after)) == nullptr) {
    return Failed("the validity");
  }
  if (absl::Status s = SetName(X509_get_subject_name(cert.get()), subject); !s.ok()) return s;
  if (!X509_set_pubkey(cert.get(), key)) return Failed("the public key");
  return cert;
}

absl::StatusOr<absl::Time> TimeOf(const ASN1_TIME* t) {
  struct tm tm = {};
  if (!ASN1_TIME_to_tm(t, &tm)) return absl::InvalidArgumentError("a malformed validity time");
  return absl::FromTimeT(timegm(&tm));
}

std::vector<std::string> Entries(X509_NAME* name, int nid) {
  std::vector<std::string> out;
  for (int i = X509_NAME_get_index_by_NID(name, nid, -1); i >= 0;
       i = X509_NAME_get_index_by_NID(name, nid, i)) {
    ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i));
    unsigned char* utf8 = nullptr;
    int n = ASN1_STRING_to_UTF8(&utf8, data);
    if (n < 0) continue;
    out.emplace_back(reinterpret_cast<char*>(utf8), static_cast<size_t>(n));
    OPENSSL_free(utf8);
  }
  return out;
}

std::string Rfc3339(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", t, absl::UTCTimeZone());
}

}  // namespace

absl::StatusOr<KeyPair> CreateCertificateAuthority(const std::string& common_name,
                                                   absl::Time not_before, absl::Time not_after) {
  auto key = NewKey();
  if (!key.ok()) return key.status();
  auto cert =
      NewCert(key->get(), {.common_name = common_name}, not_before - absl::Minutes(1), not_after);
  if (!cert.ok()) return cert.status();
  X509* c = cert->get();
  if (!X509_set_issuer_name(c, X509_get_subject_name(c))) return Failed("the issuer");
  for (auto [nid, value] :
       {std::pair{NID_basic_constraints, "critical,CA:TRUE"},
        std::pair{NID_key_usage, "critical,digitalSignature,keyCertSign,cRLSign"},
        std::pair{NID_subject_key_identifier, "hash"}}) {
    if (absl::Status s = AddExtension(c, c, nid, value); !s.ok()) return s;
  }
  if (!X509_sign(c, key->get(), EVP_sha256())) return Failed("signing the CA");
  auto key_pem = KeyPem(key->get());
  auto cert_pem = CertPem(c);
  if (!key_pem.ok()) return key_pem.status();
  if (!cert_pem.ok()) return cert_pem.status();
  return KeyPair{*std::move(key_pem), *std::move(cert_pem)};
}

absl::StatusOr<KeyPair> IssueCertificate(const KeyPair& ca, const CertificateRequest& request) {
  if (request.subject.common_name.empty()) {
    return absl::InvalidArgumentError("subject.commonName: Required value");
  }
  auto ca_cert = ReadCert(ca.cert_pem);
  if (!ca_cert.ok()) return ca_cert.status();
  auto ca_key = ReadKey(ca.key_pem);
  if (!ca_key.ok()) return ca_key.status();
  auto key = NewKey();
  if (!key.ok()) return key.status();
  auto cert = NewCert(key->get(), request.subject, request.not_before, request.not_after);
  if (!cert.ok()) return cert.status();
  X509* c = cert->get();
  if (!X509_set_issuer_name(c, X509_get_subject_name(ca_cert->get()))) return Failed("the issuer");
  const char* usage = request.usage == Usage::kServer   ? "serverAuth"
                      : request.usage == Usage::kClient ? "clientAuth"
                                                        : "serverAuth,clientAuth";
  std::vector<std::pair<int, std::string>> extensions = {
      {NID_basic_constraints, "critical,CA:FALSE"},
      {NID_key_usage, "critical,digitalSignature,keyEncipherment"},
      {NID_ext_key_usage, usage},
      {NID_authority_key_identifier, "keyid:always"},
  };
  std::vector<std::string> sans;
  for (const std::string& d : request.dns_names) sans.push_back("DNS:" + d);
  for (const std::string& ip : request.ip_addresses) sans.push_back("IP:" + ip);
  if (!sans.empty()) extensions.emplace_back(NID_subject_alt_name, absl::StrJoin(sans, ","));
  for (const auto& [nid, value] : extensions) {
    if (absl::Status s = AddExtension(c, ca_cert->get(), nid, value); !s.ok()) return s;
  }
  if (!X509_sign(c, ca_key->get(), EVP_sha256())) return Failed("signing a certificate");
  auto key_pem = KeyPem(key->get());
  auto cert_pem = CertPem(c);
  if (!key_pem.ok()) return key_pem.status();
  if (!cert_pem.ok()) return cert_pem.status();
  return KeyPair{*std::move(key_pem), *std::move(cert_pem)};
}

absl::StatusOr<CertificateInfo> ParseCertificate(absl::string_view pem) {
  auto cert = ReadCert(pem);
  if (!cert.ok()) return cert.status();
  X509* c = cert->get();
  CertificateInfo info;
  X509_NAME* subject = X509_get_subject_name(c);
  std::vector<std::string> cn = Entries(subject, NID_commonName);
  if (!cn.empty()) info.subject.common_name = cn.front();
  info.subject.organizations = Entries(subject, NID_organizationName);
  std::vector<std::string> issuer = Entries(X509_get_issuer_name(c), NID_commonName);
  if (!issuer.empty()) info.issuer = issuer.front();
  BignumPtr serial(ASN1_INTEGER_to_BN(X509_get0_serialNumber(c), nullptr));
  if (serial != nullptr) {
    char* hex = BN_bn2hex(serial.get());
    info.serial = hex;
    OPENSSL_free(hex);
  }
  auto not_before = TimeOf(X509_get0_notBefore(c));
  auto not_after = TimeOf(X509_get0_notAfter(c));
  if (!not_before.ok()) return not_before.status();
  if (!not_after.ok()) return not_after.status();
  info.not_before = *not_before;
  info.not_after = *not_after;
  info.is_ca = X509_check_ca(c) != 0;
  NamesPtr names(
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(c, NID_subject_alt_name, nullptr, nullptr)));
  for (int i = 0; names != nullptr && i < sk_GENERAL_NAME_num(names.get()); ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(names.get(), i);
    if (name->type == GEN_DNS) {
      const ASN1_IA5STRING* dns = name->d.dNSName;
      info.dns_names.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(dns)),
                                  static_cast<size_t>(ASN1_STRING_length(dns)));
    } else if (name->type == GEN_IPADD) {
      const ASN1_OCTET_STRING* ip = name->d.iPAddress;
      int len = ASN1_STRING_length(ip);
      char text[INET6_ADDRSTRLEN] = {};
      int family = len == 4 ? AF_INET : len == 16 ? AF_INET6 : 0;
      if (family != 0 && inet_ntop(family, ASN1_STRING_get0_data(ip), text, sizeof(text))) {
        info.ip_addresses.emplace_back(text);
      }
    }
  }
  return info;
}

absl::Status VerifyCertificate(absl::string_view cert_pem, absl::string_view ca_pem,
                               absl::Time now) {
  auto cert = ReadCert(cert_pem);
  if (!cert.ok()) return cert.status();
  auto ca = ReadCert(ca_pem);
  if (!ca.ok()) return absl::InvalidArgumentError(absl::StrCat("the CA: ", ca.status().message()));
  StorePtr store(X509_STORE_new());
  StoreCtxPtr ctx(X509_STORE_CTX_new());
  if (!X509_STORE_add_cert(store.get(), ca->get()) ||
      !X509_STORE_CTX_init(ctx.get(), store.get(), cert->get(), nullptr)) {
    return Failed("setting up verification");
  }
  X509_STORE_CTX_set_time(ctx.get(), 0, absl::ToTimeT(now));
  if (X509_verify_cert(ctx.get()) == 1) return absl::OkStatus();
  int error = X509_STORE_CTX_get_error(ctx.get());
  ERR_clear_error();
  auto info = ParseCertificate(cert_pem);
  std::string who =
      info.ok() ? absl::StrCat("certificate \"", info->subject.common_name, "\"") : "certificate";
  if (error == X509_V_ERR_CERT_HAS_EXPIRED && info.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat(who, " expired at ", Rfc3339(info->not_after)));
  }
  if (error == X509_V_ERR_CERT_NOT_YET_VALID && info.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat(who, " is not valid before ", Rfc3339(info->not_before)));
  }
  return absl::UnauthenticatedError(
      absl::StrCat(who, " is not trusted: ", X509_verify_cert_error_string(error)));
}

absl::Status CheckKeyMatches(absl::string_view key_pem, absl::string_view cert_pem) {
  auto cert = ReadCert(cert_pem);
  if (!cert.ok()) return cert.status();
  auto key = ReadKey(key_pem);
  if (!key.ok()) return key.status();
  if (X509_check_private_key(cert->get(), key->get()) != 1) {
    ERR_clear_error();
    return absl::InvalidArgumentError("the private key does not match the certificate");
  }
  return absl::OkStatus();
}

}  // namespace ordo::security
