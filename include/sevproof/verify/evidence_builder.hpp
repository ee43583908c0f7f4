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
#include "sevproof/kds/roles.hpp"
#include "sevproof/snp/cert_table.hpp"
#include "sevproof/verify/verify_report.hpp"

namespace sevproof::verify {

// The role a chain option names (--ark; --ask or --asvk).
enum class ca_slot : std::uint8_t { ark, ask };

class evidence_builder {
 public:
  // `cache` (optional): a VCEK/VLEK file seen before is taken from it instead of parsed again.
  explicit evidence_builder(snp::parsed_report report, link_cache* cache = nullptr)
      : ev_{std::move(report), std::nullopt, {}, std::nullopt, {}, {}, {}}, cache_(cache) {}

  // The VCEK or VLEK (DER or PEM). A second, different signer is refused: which one would be meant?
  // An ARK, ASK or ASVK given here is named as such.
  std::optional<error> signer(bytes_view data, std::string_view source) {
    auto c = cache_ != nullptr ? cache_->parsed(data) : crypto::certificate::load(data);
    if (!c) return named(c.err(), source);
    if (auto what = ca_name(*c); !what.empty())
      return error{std::string(source), "", std::nullopt,
                   "is " + what + ", not a VCEK or VLEK: give chain certificates with --ark/--ask/--chain/--certs"};
    return take_signer(*c, source);
  }

  // One or more certificates (DER, or PEM with any number of certificates). A VCEK or VLEK among
  // them (KDS bundles and Azure's chain.pem hold VCEK + ASK + ARK) becomes the signer.
  std::optional<error> chain(bytes_view data, std::string_view source) {
    auto cs = crypto::certificate::load_all(data);
    if (!cs) return named(cs.err(), source);
    for (auto& c : *cs) {
      if (ca_name(c).empty()) {
        if (auto err = take_signer(c, source)) return err;
        continue;
      }
      ev_.user_chain.push_back(c.subject_cn());
      ev_.offered.push_back(c);
    }
    return std::nullopt;
  }

  // --ark or --ask/--asvk: chain certificates of that role. A VCEK/VLEK, or the other CA, given there is
  // refused naming what it is (the files were swapped: it would otherwise be used, or dropped, unseen).
  std::optional<error> chain_as(bytes_view data, std::string_view source, ca_slot slot) {
    auto cs = crypto::certificate::load_all(data);
    if (!cs) return named(cs.err(), source);
    for (const auto& c : *cs) {
      const auto k = kds::kind_of(c);
      const bool ark = k == kds::cert_kind::ark, leaf = k == kds::cert_kind::vcek || k == kds::cert_kind::vlek;
      const bool ask = k == kds::cert_kind::ask || k == kds::cert_kind::asvk;
      const char* want = slot == ca_slot::ark ? "an ARK" : "an ASK or ASVK";
      if (leaf || (slot == ca_slot::ark && ask) || (slot == ca_slot::ask && ark))
        return error{std::string(source), "", std::nullopt,
                     "is " + kds::describe(c) + ", not " + want +
                         (leaf ? std::string(": give it with ") + (k == kds::cert_kind::vcek ? "--vcek" : "--vlek")
                               : std::string(": the files are swapped"))};
    }
    return chain(data, source);
  }

  // A file that may hold the signer or chain certificates (snpguest writes vcek.pem beside ark.pem).
  std::optional<error> any_certificates(bytes_view data, std::string_view source, bool is_leaf) {
    return is_leaf && !ev_.signer ? signer(data, source) : chain(data, source);
  }

  // GHCB extended-report table: VCEK/VLEK becomes the signer, ARK/ASK are offered, a CRL is used.
  std::optional<error> cert_table(bytes_view data, std::string_view source) {
    auto t = snp::parse_cert_table(data);
    if (!t) return named(t.err(), source);
    std::string unknown;
    bool leaf = false;
    for (const auto& e : *t) {
      if (e.role == snp::cert_role::unknown) unknown += (unknown.empty() ? "" : ", ") + e.id.to_string();
      leaf = leaf || e.role == snp::cert_role::vcek || e.role == snp::cert_role::vlek;
    }
    if (!leaf && !ev_.signer)
      ev_.no_signer_why =
          std::string(source) + " has no VCEK or VLEK entry (" + std::to_string(t->size()) + " entries" +
          (unknown.empty()
               ? std::string()
               : "; GUIDs not AMD's: " + unknown + " (AMD's VCEK GUID is " + snp::guid_vcek.to_string() + ")") +
          ")";
    for (const auto& e : *t) {
      const std::string what = std::string(source) + " " + std::string(snp::role_name(e.role)) + " entry";
      if (e.role == snp::cert_role::unknown) continue;  // e.g. go-sev-guest's private extra entry
      if (e.role == snp::cert_role::crl) {
        if (auto err = crl(e.data, what)) return err;
        continue;
      }
      // AMD's GHCB table carries DER; hosts that fill it from KDS files put PEM there too (Veraison's TSM
      // auxblob): the entry is read like any certificate file
      auto c = crypto::certificate::load(e.data);
      if (!c) return named(c.err(), what);
      if ((e.role == snp::cert_role::vcek || e.role == snp::cert_role::vlek) && !ev_.signer) {
        ev_.signer = c.value();
        const auto k = kds::kind_of(*c);
        const bool vcek_slot = e.role == snp::cert_role::vcek;
        if ((vcek_slot && k == kds::cert_kind::vlek) || (!vcek_slot && k == kds::cert_kind::vcek))
          ev_.signer_note = " (" + std::string(source) + " lists " + kds::describe(*c) + " under the " +
                            (vcek_slot ? "VCEK" : "VLEK") + " GUID; the certificate's own kind counts)";
      } else {
        ev_.user_chain.push_back(c->subject_cn());
        ev_.offered.push_back(c.value());
      }
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

  // Certificates built into the program, already parsed (pipeline::builtin_chain()).
  void builtin_certificates(const std::vector<crypto::certificate>& certs) {
    ev_.offered.insert(ev_.offered.end(), certs.begin(), certs.end());
  }

  [[nodiscard]] const evidence& peek() const { return ev_; }
  evidence take() { return std::move(ev_); }

 private:
  // "the ARK of Milan (ARK-Milan)" for a CA certificate, "" for a leaf (kds::kind_of decides which).
  static std::string ca_name(const crypto::certificate& c) {
    return kds::is_leaf(kds::kind_of(c)) ? std::string() : kds::describe(c);
  }

  std::optional<error> take_signer(const crypto::certificate& c, std::string_view source) {
    if (ev_.signer) {
      if (ev_.signer->fingerprint() == c.fingerprint()) return std::nullopt;  // the same VCEK twice
      return error{std::string(source), "", std::nullopt, "a second, different VCEK/VLEK was given; give one"};
    }
    ev_.signer = c;
    return std::nullopt;
  }

  static error named(error e, std::string_view source) {
    e.message += " (in " + std::string(source) + ")";
    return e;
  }
  evidence ev_;
  link_cache* cache_ = nullptr;
};

}  // namespace sevproof::verify
