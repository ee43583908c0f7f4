// Gathers verification evidence from what users hold: a VCEK/VLEK file, an extended-report
// certificate table, chain files (KDS cert_chain, snpguest's ark/ask files), a CRL, and chain
// certificates built into the program. The CLI and the web page share this; each refusal names
// its input. Which chain certificate is trusted is decided later, by the pins.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "sevproof/core/error.hpp"
#include "sevproof/crypto/certificate.hpp"
#include "sevproof/crypto/crl.hpp"
#include "sevproof/snp/cert_table.hpp"
#include "sevproof/verify/verify_report.hpp"

namespace sevproof::verify {

class evidence_builder {
 public:
  explicit evidence_builder(snp::parsed_report report) : ev_{std::move(report), std::nullopt, {}, std::nullopt} {}

  // The VCEK or VLEK (DER or PEM). A second signer is refused: which one would be meant?
  std::optional<error> signer(bytes_view data, std::string_view source) {
    auto c = crypto::certificate::load(data);
    if (!c) return named(c.err(), source);
    if (ev_.signer) return error{std::string(source), "", std::nullopt, "a second VCEK/VLEK was given; give one"};
    ev_.signer = c.value();
    return std::nullopt;
  }

  // One or more chain certificates (DER, or PEM with any number of certificates).
  std::optional<error> chain(bytes_view data, std::string_view source) {
    auto cs = crypto::certificate::load_all(data);
    if (!cs) return named(cs.err(), source);
    for (auto& c : *cs) ev_.offered.push_back(c);
    return std::nullopt;
  }

  // A file that may hold the signer or chain certificates (snpguest writes vcek.pem beside ark.pem).
  std::optional<error> any_certificates(bytes_view data, std::string_view source, bool is_leaf) {
    return is_leaf && !ev_.signer ? signer(data, source) : chain(data, source);
  }

  // GHCB extended-report table: VCEK/VLEK becomes the signer, ARK/ASK are offered, a CRL is used.
  std::optional<error> cert_table(bytes_view data, std::string_view source) {
    auto t = snp::parse_cert_table(data);
    if (!t) return named(t.err(), source);
    for (const auto& e : *t) {
      const std::string what = std::string(source) + " " + std::string(snp::role_name(e.role)) + " entry";
      if (e.role == snp::cert_role::unknown) continue;  // e.g. go-sev-guest's private extra entry
      if (e.role == snp::cert_role::crl) {
        if (auto err = crl(e.data, what)) return err;
        continue;
      }
      auto c = crypto::certificate::from_der(e.data);
      if (!c) return named(c.err(), what);
      if ((e.role == snp::cert_role::vcek || e.role == snp::cert_role::vlek) && !ev_.signer) ev_.signer = c.value();
      else ev_.offered.push_back(c.value());
    }
    return std::nullopt;
  }

  std::optional<error> crl(bytes_view data, std::string_view source) {
    auto c = crypto::crl::load(data);
    if (!c) return named(c.err(), source);
    ev_.crl = c.value();
    return std::nullopt;
  }

  // Certificates built into the program (PEM text). Unreadable ones are skipped: the pins decide.
  void builtin(std::string_view pem) {
    if (auto cs = crypto::certificate::load_all(bytes_view(reinterpret_cast<const byte*>(pem.data()), pem.size())))
      for (auto& c : *cs) ev_.offered.push_back(c);
  }

  [[nodiscard]] const evidence& peek() const { return ev_; }
  evidence take() { return std::move(ev_); }

 private:
  static error named(error e, std::string_view source) {
    e.message += " (in " + std::string(source) + ")";
    return e;
  }
  evidence ev_;
};

}  // namespace sevproof::verify
