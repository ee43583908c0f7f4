// Issuing certificates and CRLs shaped like AMD's (RSA-PSS SHA-384 signatures, serial 0 leaves,
// raw AMD extensions). sevproof verifies AMD's; this exists so tests can build an authority of
// their own and drive every verification check to fail on purpose.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "sevproof/crypto/botan.hpp"
#include "sevproof/crypto/certificate.hpp"
#include "sevproof/crypto/crl.hpp"
#include "sevproof/crypto/keys.hpp"

namespace sevproof::crypto {

struct raw_extension {
  std::string oid;
  bytes value;  // extnValue contents, as they should appear inside the OCTET STRING
};

struct certificate_spec {
  std::string subject_cn, issuer_cn;
  std::uint64_t serial = 0;
  std::int64_t not_before = 0, not_after = 0;  // Unix seconds
  std::vector<raw_extension> extensions;
  bool ca = false;  // adds basicConstraints CA:TRUE and keyUsage keyCertSign|cRLSign, as AMD's ARK/ASK carry
};

namespace detail {

class opaque_extension final : public Botan::Certificate_Extension {
 public:
  opaque_extension(Botan::OID oid, bytes value) : oid_(std::move(oid)), value_(std::move(value)) {}
  Botan::OID oid_of() const override { return oid_; }
  std::string oid_name() const override { return ""; }
  std::unique_ptr<Botan::Certificate_Extension> copy() const override {
    return std::make_unique<opaque_extension>(oid_, value_);
  }

 private:
  std::vector<uint8_t> encode_inner() const override { return value_; }
  void decode_inner(const std::vector<uint8_t>& v) override { value_ = v; }
  Botan::OID oid_;
  bytes value_;
};

inline Botan::X509_DN amd_dn(const std::string& cn) {
  Botan::X509_DN dn;
  dn.add_attribute("X520.OrganizationalUnit", "Engineering");
  dn.add_attribute("X520.Country", "US");
  dn.add_attribute("X520.Locality", "Santa Clara");
  dn.add_attribute("X520.State", "CA");
  dn.add_attribute("X520.Organization", "Advanced Micro Devices");
  dn.add_attribute("X520.CommonName", cn);
  return dn;
}

inline std::string padding_for(const private_key& signer) {
  return signer.algorithm() == "RSA" ? "PSS(SHA-384,MGF1,48)" : "SHA-384";
}

}  // namespace detail

// Issues `subject_public` (SPKI DER) a certificate signed by `issuer_key`.
inline certificate issue_certificate(const certificate_spec& spec, const bytes& subject_spki,
                                     const private_key& issuer_key) {
  Botan::AutoSeeded_RNG rng;
  Botan::PK_Signer signer(issuer_key.botan(), rng, detail::padding_for(issuer_key), Botan::Signature_Format::Standard);
  Botan::Extensions ext;
  if (spec.ca) {
    ext.add(std::make_unique<Botan::Cert_Extension::Basic_Constraints>(true), true);
    ext.add(std::make_unique<Botan::Cert_Extension::Key_Usage>(
                Botan::Key_Constraints(Botan::Key_Constraints::KeyCertSign | Botan::Key_Constraints::CrlSign)),
            true);
  }
  for (const auto& e : spec.extensions)
    ext.add(std::make_unique<detail::opaque_extension>(Botan::OID::from_string(e.oid), e.value), false);
  const auto tp = [](std::int64_t t) {
    return Botan::X509_Time(std::chrono::system_clock::time_point(std::chrono::seconds(t)));
  };
  auto c = Botan::X509_CA::make_cert(signer, rng, Botan::BigInt(spec.serial), signer.algorithm_identifier(),
                                     subject_spki, tp(spec.not_before), tp(spec.not_after),
                                     detail::amd_dn(spec.issuer_cn), detail::amd_dn(spec.subject_cn), ext);
  return certificate::from_der(c.BER_encode()).value();
}

// A CRL from `issuer` listing `revoked`, valid from `this_update` for `lifetime` seconds.
inline crl issue_crl(const certificate& issuer, const private_key& issuer_key, const std::vector<certificate>& revoked,
                     std::int64_t this_update, std::int64_t lifetime) {
  Botan::AutoSeeded_RNG rng;
  Botan::X509_CA ca(issuer.botan(), issuer_key.botan(), "SHA-384", issuer_key.algorithm() == "RSA" ? "PSS" : "", rng);
  const auto t = std::chrono::system_clock::time_point(std::chrono::seconds(this_update));
  auto empty = ca.new_crl(rng, t, std::chrono::seconds(lifetime));
  std::vector<Botan::CRL_Entry> entries;
  for (const auto& c : revoked) entries.emplace_back(c.botan(), Botan::CRL_Code::KeyCompromise);
  auto out = entries.empty() ? empty : ca.update_crl(empty, entries, rng, t, std::chrono::seconds(lifetime));
  return crl::load(out.BER_encode()).value();
}

}  // namespace sevproof::crypto
