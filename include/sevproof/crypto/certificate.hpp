// X.509 certificates and CRLs through Botan: parse (DER or PEM), read names, times, keys and
// extensions, and check one signature against an issuer's key.
//
// Path policy (which issuer is trusted, which time, which extensions must match) is not here: it
// belongs to sevproof::verify. This header only answers "what does the certificate say?" and
// "does this issuer's key verify that signature?".
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sevproof/core/base64.hpp"
#include "sevproof/core/bytes.hpp"
#include "sevproof/core/der.hpp"
#include "sevproof/core/error.hpp"
#include "sevproof/core/hex.hpp"
#include "sevproof/core/text.hpp"
#include "sevproof/core/time.hpp"
#include "sevproof/crypto/botan.hpp"
#include "sevproof/crypto/hash.hpp"

namespace sevproof::crypto {

// Outcome of one signature check; `detail` explains a failure in one sentence.
struct signature_check {
  bool valid = false;
  std::string detail;
};

namespace detail {

inline bool looks_like_pem(bytes_view data) {
  static constexpr std::string_view tag = "-----BEGIN ";
  std::string_view text(reinterpret_cast<const char*>(data.data()), data.size());
  return text.find(tag) != std::string_view::npos;
}

// PEM carried in a JSON string (Azure's THIM/IMDS answer: {"vcekCert": "-----BEGIN CERTIFICATE-----\\nMIIF…"})
// keeps JSON's escapes; base64 has no backslash, so undoing \\n, \\r and \\/ cannot change a real block.
inline std::string json_unescaped(std::string_view block) {
  std::string out;
  out.reserve(block.size());
  for (std::size_t i = 0; i < block.size(); ++i) {
    if (block[i] == '\\' && i + 1 < block.size() &&
        (block[i + 1] == 'n' || block[i + 1] == 'r' || block[i + 1] == '/')) {
      if (block[i + 1] != 'r') out += block[i + 1] == 'n' ? '\n' : '/';
      ++i;
      continue;
    }
    out += block[i];
  }
  return out;
}

// A DER certificate or CRL pasted as bare base64 or hex text (as JSON documents and KDS answers carry them): the
// decoded bytes when the text is one of those and decodes to a DER SEQUENCE, else nothing (the caller reports on
// the bytes as given).
inline std::optional<bytes> der_from_text(bytes_view data) {
  if (data.size() < 4) return std::nullopt;
  for (byte c : data)
    if (c >= 0x7F || (c < 0x20 && c != '\n' && c != '\r' && c != '\t')) return std::nullopt;
  const std::string_view text(reinterpret_cast<const char*>(data.data()), data.size());
  for (auto decoded : {hex::decode(text), base64::decode(text), base64::decode_url(text)})
    if (decoded && decoded->size() > 2 && (*decoded)[0] == 0x30) return decoded;
  return std::nullopt;
}

// Splits PEM text into the base64 blocks labelled `label`, decoded. Other blocks are skipped.
inline result<std::vector<bytes>> pem_blocks(bytes_view data, std::string_view label, std::string_view what) {
  std::string_view text(reinterpret_cast<const char*>(data.data()), data.size());
  const std::string begin = "-----BEGIN " + std::string(label) + "-----";
  const std::string end = "-----END " + std::string(label) + "-----";
  std::vector<bytes> out;
  std::size_t pos = 0;
  while ((pos = text.find(begin, pos)) != std::string_view::npos) {
    std::size_t stop = text.find(end, pos);
    if (stop == std::string_view::npos)
      return error{std::string(what), "PEM", pos, "has '" + begin + "' without a matching END line"};
    std::string block = json_unescaped(text.substr(pos, stop + end.size() - pos));
    try {
      auto der = Botan::PEM_Code::decode_check_label(block, std::string(label));
      out.emplace_back(der.begin(), der.end());
    } catch (const std::exception& e) {
      return error{std::string(what), "PEM", pos,
                   std::string("block is not valid base64: ") + utf8::printable(e.what())};
    }
    pos = stop + end.size();
  }
  if (out.empty()) return error{std::string(what), "PEM", std::nullopt, "contains no '" + begin + "' block"};
  return out;
}

// Seconds since 1970 of a certificate or CRL time. Botan's time_since_epoch() throws for years
// before 1970, which a hostile file may carry (found by the crl fuzz target): the date is computed
// here from its fields instead. An absent time (a CRL without nextUpdate) is the epoch, so anything
// that needs it to lie in the future fails closed.
inline std::int64_t to_unix(const Botan::X509_Time& t) {
  if (!t.time_is_set()) return 0;
  unsigned y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;  // "YYYY/MM/DD HH:MM:SS UTC"
  if (std::sscanf(t.readable_string().c_str(), "%u/%u/%u %u:%u:%u", &y, &mo, &d, &h, &mi, &s) != 6) return 0;
  return utc::days_from_civil(y, mo, d) * 86400 + std::int64_t{h} * 3600 + std::int64_t{mi} * 60 + s;
}

// Bytes after a certificate's or CRL's DER are refused (the file is not the object it claims to be), except
// zeros: GHCB certificate tables pad their entries with them. `what` names the object ("certificate", "CRL").
inline std::optional<error> bytes_after_der(bytes_view der, const char* what) {
  const auto t = der::read_next(der);
  if (!t || t->rest.empty() || all_zero(t->rest)) return std::nullopt;
  return error{what, "DER", der.size() - t->rest.size(),
               "is followed by " + std::to_string(t->rest.size()) + " more bytes that are not part of it"};
}

}  // namespace detail

class certificate {
 public:
  // Parses one DER certificate. Hostile input yields an error, never an exception.
  static result<certificate> from_der(bytes_view der) {
    if (der.empty()) return error{"certificate", "", std::nullopt, "is empty"};
    if (der[0] != 0x30)
      return error{"certificate", "DER", 0,
                   "starts with byte 0x" + hex::encode(der.first(1)) + "; expected 0x30 (SEQUENCE)"};
    if (auto e = detail::bytes_after_der(der, "certificate")) return *e;
    try {
      auto c = std::make_shared<const Botan::X509_Certificate>(std::vector<byte>(der.begin(), der.end()));
      return certificate(std::move(c));
    } catch (const std::exception& e) {
      return error{"certificate", "DER", std::nullopt, std::string("is malformed: ") + utf8::printable(e.what())};
    }
  }

  // DER or PEM (the first CERTIFICATE block), or DER as bare base64 or hex text.
  static result<certificate> load(bytes_view data) {
    if (!detail::looks_like_pem(data)) {
      if (const auto der = detail::der_from_text(data)) return from_der(*der);
      return from_der(data);
    }
    auto blocks = detail::pem_blocks(data, "CERTIFICATE", "certificate");
    if (!blocks) return blocks.err();
    return from_der(blocks->front());
  }

  // Every certificate in a PEM bundle (e.g. KDS cert_chain: ASK then ARK), or the one DER cert.
  static result<std::vector<certificate>> load_all(bytes_view data) {
    std::vector<certificate> out;
    if (!detail::looks_like_pem(data)) {
      const auto der = detail::der_from_text(data);
      auto c = from_der(der ? bytes_view(*der) : data);
      if (!c) return c.err();
      out.push_back(std::move(c).value());
      return out;
    }
    auto blocks = detail::pem_blocks(data, "CERTIFICATE", "certificate bundle");
    if (!blocks) return blocks.err();
    for (std::size_t i = 0; i < blocks->size(); ++i) {
      auto c = from_der((*blocks)[i]);
      if (!c) {
        error e = c.err();
        e.field = "certificate #" + std::to_string(i + 1) + " in bundle";
        return e;
      }
      out.push_back(std::move(c).value());
    }
    return out;
  }

  [[nodiscard]] std::string subject_cn() const { return first_attr(c_->subject_dn(), "CN"); }
  [[nodiscard]] std::string issuer_cn() const { return first_attr(c_->issuer_dn(), "CN"); }
  [[nodiscard]] bytes serial() const { return c_->serial_number(); }
  [[nodiscard]] std::int64_t not_before() const { return detail::to_unix(c_->not_before()); }
  [[nodiscard]] std::int64_t not_after() const { return detail::to_unix(c_->not_after()); }
  [[nodiscard]] const bytes& der() const { return f_->der; }
  [[nodiscard]] bytes spki_der() const { return c_->subject_public_key_info(); }
  [[nodiscard]] std::string key_algorithm() const { return c_->subject_public_key_algo().oid().to_formatted_string(); }
  [[nodiscard]] bool is_self_issued() const { return c_->is_self_signed(); }
  [[nodiscard]] bool is_ca() const { return c_->is_CA_cert(); }
  // The first CRL Distribution Point URL ("" when none): AMD names the KDS CRL that covers the key.
  [[nodiscard]] std::string crl_url() const {
    try {
      const auto points = c_->crl_distribution_points();
      return points.empty() ? std::string() : points.front();
    } catch (const std::exception&) {
      return {};
    }
  }
  // SHA-256 of the whole certificate (DER): the identity of this certificate, not only its key.
  [[nodiscard]] std::string fingerprint() const;

  // The contents of extnValue (inside its OCTET STRING) for `oid` (dotted form), if present.
  [[nodiscard]] std::optional<bytes> extension_value(std::string_view oid) const {
    for (const auto& [o, value] : f_->extensions)
      if (o == oid) return value;
    return std::nullopt;
  }

  // Does `issuer`'s public key verify this certificate's signature? (RSA-PSS for AMD's chain.)
  [[nodiscard]] signature_check signed_by(const certificate& issuer) const;

  // The question this certificate's signature asks when it is RSASSA-PSS with SHA-384, MGF1 SHA-384, a
  // 48-byte salt and trailer 1 (AMD's chain): the signed TBSCertificate bytes and the signature, for another
  // implementation to answer (the web page's WebCrypto); nullopt for any other algorithm or parameters.
  struct pss_sha384_question {
    bytes tbs, signature;
  };
  [[nodiscard]] std::optional<pss_sha384_question> pss_sha384() const;

  [[nodiscard]] const Botan::X509_Certificate& botan() const { return *c_; }

 private:
  // What every check asks of a certificate, worked out once when it is read (a fleet's VCEK is asked
  // for its fingerprint and its AMD extensions many times per report); immutable, shared by copies.
  struct facts {
    bytes der;                                              // Botan's encoding of what it read
    std::string fingerprint;                                // SHA-256 of der, hex
    std::vector<std::pair<std::string, bytes>> extensions;  // dotted OID -> extnValue contents
  };
  explicit certificate(std::shared_ptr<const Botan::X509_Certificate> c) : c_(std::move(c)) {
    auto f = std::make_shared<facts>();
    f->der = c_->BER_encode();
    f->fingerprint = hex::encode(crypto::sha256_of(f->der));
    for (const auto& [o, value] : c_->v3_extensions().extensions_raw())
      f->extensions.emplace_back(o.to_string(), bytes(value.first.begin(), value.first.end()));
    f_ = std::move(f);
  }

  static std::string first_attr(const Botan::X509_DN& dn, const char* name) {
    auto v = dn.get_attribute(name);
    return v.empty() ? std::string() : utf8::printable(v.front());  // hostile bytes, printed and put in JSON
  }

  std::shared_ptr<const Botan::X509_Certificate> c_;
  std::shared_ptr<const facts> f_;
};

namespace detail {

// Does `issuer`'s key verify the signature on a signed X.509 object (certificate or CRL)?
// `what` names the signature in the sentence ("signature", "CRL signature").
inline signature_check x509_signed_by(const Botan::X509_Object& object, const certificate& issuer,
                                      const std::string& what) {
  try {
    auto key = issuer.botan().subject_public_key();
    auto [status, alg] = object.verify_signature(*key);
    if (status == Botan::Certificate_Status_Code::VERIFIED) return {true, what + " (" + alg + ") verifies"};
    return {false, what + " does not verify with " + issuer.subject_cn() + "'s key: " + Botan::to_string(status)};
  } catch (const std::exception& e) {
    return {false, what + " could not be checked: " + utf8::printable(e.what())};
  }
}

}  // namespace detail

inline std::string certificate::fingerprint() const { return f_->fingerprint; }

inline signature_check certificate::signed_by(const certificate& issuer) const {
  return detail::x509_signed_by(*c_, issuer, "signature");
}

inline std::optional<certificate::pss_sha384_question> certificate::pss_sha384() const {
  try {
    const auto& alg = c_->signature_algorithm();
    if (alg.oid() != Botan::OID::from_string("1.2.840.113549.1.1.10")) return std::nullopt;  // id-RSASSA-PSS
    const Botan::PSS_Params p(alg.parameters());
    if (p.hash_function() != "SHA-384" || p.mgf_function() != "MGF1" ||
        p.mgf_hash_algid().oid().to_formatted_string() != "SHA-384" || p.salt_length() != 48 || p.trailer_field() != 1)
      return std::nullopt;
    const auto& tbs = c_->tbs_data();
    const auto& sig = c_->signature();
    return pss_sha384_question{bytes(tbs.begin(), tbs.end()), bytes(sig.begin(), sig.end())};
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace sevproof::crypto
