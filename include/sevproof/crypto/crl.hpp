// Certificate revocation lists (AMD KDS: one per product and key type, signed by the ARK).
#pragma once

#include <memory>
#include <string>

#include "sevproof/core/bytes.hpp"
#include "sevproof/core/error.hpp"
#include "sevproof/crypto/botan.hpp"
#include "sevproof/crypto/certificate.hpp"

namespace sevproof::crypto {

class crl {
 public:
  // DER or PEM ("X509 CRL"), or DER as bare base64 or hex text.
  static result<crl> load(bytes_view data) {
    bytes der(data.begin(), data.end());
    if (auto text = detail::der_from_text(data); text && !detail::looks_like_pem(data)) der = std::move(*text);
    if (detail::looks_like_pem(data)) {
      auto blocks = detail::pem_blocks(data, "X509 CRL", "CRL");
      if (!blocks) return blocks.err();
      der = blocks->front();
    }
    if (der.empty() || der[0] != 0x30) return error{"CRL", "DER", 0, "does not start with a SEQUENCE"};
    if (auto e = detail::bytes_after_der(der, "CRL")) return *e;
    try {
      return crl(std::make_shared<const Botan::X509_CRL>(der));
    } catch (const std::exception& e) {
      return error{"CRL", "DER", std::nullopt, std::string("is malformed: ") + utf8::printable(e.what())};
    }
  }

  [[nodiscard]] std::string issuer_cn() const {
    auto v = c_->issuer_dn().get_attribute("CN");
    return v.empty() ? std::string() : utf8::printable(v.front());
  }
  [[nodiscard]] std::int64_t this_update() const { return detail::to_unix(c_->this_update()); }
  [[nodiscard]] std::int64_t next_update() const { return detail::to_unix(c_->next_update()); }
  [[nodiscard]] std::size_t entries() const { return c_->get_revoked().size(); }

  [[nodiscard]] signature_check signed_by(const certificate& issuer) const {
    return detail::x509_signed_by(*c_, issuer, "CRL signature");
  }

  [[nodiscard]] bool revokes(const certificate& c) const { return c_->is_revoked(c.botan()); }

 private:
  explicit crl(std::shared_ptr<const Botan::X509_CRL> c) : c_(std::move(c)) {}
  std::shared_ptr<const Botan::X509_CRL> c_;
};

}  // namespace sevproof::crypto
