// "Is this report genuinely signed by AMD hardware?" — the verification checks V001-V018.
//
// Building blocks, each adding its checks to a verdict, and one composer (verify_report), in the
// way Botan's x509_path_validate composes its PKIX:: checks:
//   check_product      V013        which product the inputs agree on
//   check_chain        V001-V008   pinned ARK -> ASK/ASVK -> VCEK/VLEK, validity at the time
//   check_revocation   V009-V011   the CRL, signed by the ARK and current; the ASK/ASVK not on it
//   check_binding      V012, V014, V015, V018   report <-> certificate (key type, TCB, chip)
//   check_signature    V016        ECDSA P-384 over the bytes as received
//   check_reserved     V017        must-be-zero fields
// Every check is run and reported; a missing input makes the dependent checks "skipped" with the
// reason, and the verdict is never "genuine" on a doubt.
#pragma once

#include <algorithm>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "sevproof/core/hex.hpp"
#include "sevproof/core/time.hpp"
#include "sevproof/core/verdict.hpp"
#include "sevproof/crypto/certificate.hpp"
#include "sevproof/crypto/crl.hpp"
#include "sevproof/crypto/hash.hpp"
#include "sevproof/kds/extensions.hpp"
#include "sevproof/snp/platform_info.hpp"
#include "sevproof/snp/report_reader.hpp"
#include "sevproof/snp/tcb.hpp"
#include "sevproof/verify/report_signature.hpp"
#include "sevproof/verify/trust.hpp"

namespace sevproof::verify {

enum class signer_kind : std::uint8_t { vcek, vlek };

struct evidence {
  snp::parsed_report report;
  std::optional<crypto::certificate> signer;  // the VCEK or VLEK
  std::vector<crypto::certificate> offered;   // ARK/ASK/ASVK candidates from files, tables, the build
  std::optional<crypto::crl> crl;
  // Subject CNs of the chain certificates the user gave (not the built-in ones): a user's ARK or
  // ASK of another product is refused rather than silently replaced by the built-in chain.
  std::vector<std::string> user_chain;
  // Why there is no signer when evidence was given that could have carried one (a certificate table with no
  // VCEK/VLEK entry): said in the skipped checks instead of "no VCEK or VLEK was given".
  std::string no_signer_why;
  // A certificate table that listed the signer under the other key's GUID (a VCEK under the VLEK GUID): said
  // with V012, where the certificate's own kind decides.
  std::string signer_note;
};

struct verify_options {
  std::int64_t now = utc::now();        // verification time (Unix seconds, UTC)
  std::optional<snp::product> product;  // the product the caller says this is
  bool require_crl = false;             // a missing or unusable CRL fails V009-V011
  ecdsa_verifier ecdsa;                 // V016 by another ECDSA implementation (the page's WebCrypto); empty: Botan
};

// Another RSASSA-PSS (SHA-384, MGF1 SHA-384, salt 48) implementation the caller trusts as much as Botan (the
// web page: the browser's WebCrypto). Given the issuer's SubjectPublicKeyInfo, the signed TBSCertificate
// bytes and the signature, it answers valid / not valid for exactly these inputs, or nothing: then Botan verifies.
using rsa_pss_verifier = std::function<std::optional<bool>(bytes_view spki_der, bytes_view tbs, bytes_view signature)>;

// Verified certificate links (issuer key, certificate) remembered by fingerprint, so a fleet of
// reports (batch, the page) pays the RSA work once per certificate. Only chain links are cached:
// each report's signature and bindings are always checked afresh. Thread-safe.
class link_cache {
 public:
  // A certificate file read before (a fleet's VCEK on every batch line): parsed once. Keyed by the
  // SHA-256 of the bytes as given, so only identical input is reused; at most `max_parsed` kept (the
  // whole set is dropped when full: memory stays flat over any number of distinct VCEKs).
  static constexpr std::size_t max_parsed = 512;
  result<crypto::certificate> parsed(bytes_view data) {
    const auto key = crypto::sha256_of(data);
    {
      std::lock_guard lock(m_);
      if (auto it = parsed_.find(key); it != parsed_.end()) return it->second;
    }
    auto c = crypto::certificate::load(data);
    if (!c) return c;
    std::lock_guard lock(m_);
    if (parsed_.size() >= max_parsed) parsed_.clear();
    parsed_.emplace(key, *c);
    return c;
  }

  crypto::signature_check signed_by(const crypto::certificate& subject, const crypto::certificate& issuer) {
    const std::string key = subject.fingerprint() + "/" + spki_fingerprint(issuer);
    rsa_pss_verifier other;
    {
      std::lock_guard lock(m_);
      if (auto it = links_.find(key); it != links_.end()) {
        ++hits_;
        return it->second;
      }
      other = rsa_pss_;
    }
    auto s = answered(other, subject, issuer);
    if (!s) s = subject.signed_by(issuer);
    std::lock_guard lock(m_);
    links_.emplace(key, *s);
    return *s;
  }
  // Links not yet cached are put to `other` first (AMD's RSA-PSS only); unanswered ones Botan verifies.
  void answer_rsa_pss_with(rsa_pss_verifier other) {
    std::lock_guard lock(m_);
    rsa_pss_ = std::move(other);
  }
  [[nodiscard]] std::size_t hits() const {
    std::lock_guard lock(m_);
    return hits_;
  }

 private:
  static std::optional<crypto::signature_check> answered(const rsa_pss_verifier& other,
                                                         const crypto::certificate& subject,
                                                         const crypto::certificate& issuer) {
    if (!other) return std::nullopt;
    const auto q = subject.pss_sha384();
    if (!q) return std::nullopt;
    const auto valid = other(issuer.spki_der(), q->tbs, q->signature);
    if (!valid) return std::nullopt;
    if (*valid) return crypto::signature_check{true, "signature (RSA-PSS SHA-384) verifies (WebCrypto)"};
    return crypto::signature_check{
        false, "signature does not verify with " + issuer.subject_cn() + "'s key (RSA-PSS SHA-384, WebCrypto)"};
  }

  mutable std::mutex m_;
  std::map<std::string, crypto::signature_check> links_;
  std::map<crypto::sha256_digest, crypto::certificate> parsed_;
  std::size_t hits_ = 0;
  rsa_pss_verifier rsa_pss_;
};

namespace detail {

inline signer_kind kind_of(const crypto::certificate& c) {
  return (c.subject_cn() == "SEV-VLEK" || c.issuer_cn().rfind("SEV-VLEK-", 0) == 0) ? signer_kind::vlek
                                                                                    : signer_kind::vcek;
}

// "SEV-Milan" / "SEV-VLEK-Genoa" / "ARK-Turin" -> product
inline std::optional<snp::product> product_from_issuer(const std::string& cn) {
  for (std::string_view prefix : {"SEV-VLEK-", "SEV-", "ARK-"})
    if (cn.rfind(prefix, 0) == 0) return snp::product_from_name(std::string_view(cn).substr(prefix.size()));
  return std::nullopt;
}

// "Milan-B0" -> milan, "Genoa" -> genoa
inline std::optional<snp::product> product_from_extension(const std::string& name) {
  return snp::product_from_name(std::string_view(name).substr(0, name.find('-')));
}

inline std::string tcb_text(const snp::tcb_version& t) {
  std::string s = t.fmc ? "fmc " + std::to_string(*t.fmc) + ", " : "";
  return s + "bootloader " + std::to_string(t.bootloader) + ", tee " + std::to_string(t.tee) + ", snp " +
         std::to_string(t.snp) + ", microcode " + std::to_string(t.microcode);
}

inline std::string cert_tcb_text(const kds::amd_extensions& e) {
  auto v = [](const std::optional<std::uint8_t>& x) { return x ? std::to_string(*x) : std::string("absent"); };
  std::string s = e.fmc ? "fmc " + v(e.fmc) + ", " : "";
  return s + "bootloader " + v(e.bl) + ", tee " + v(e.tee) + ", snp " + v(e.snp) + ", microcode " + v(e.ucode);
}

inline std::string short_hex(bytes_view b) {
  auto h = hex::encode(b);
  return h.size() > 16 ? h.substr(0, 16) + "…" : h;
}

inline void check_validity(verdict& v, const checks::check_info& info, const crypto::certificate* c, const char* role,
                           std::int64_t now) {
  if (c == nullptr) {
    v.add(info, status::skipped, std::string("no ") + role + " to check");
    return;
  }
  const std::string window = utc::format(c->not_before()) + " to " + utc::format(c->not_after());
  if (now < c->not_before())
    v.add(info, status::fail,
          std::string(role) + " is not yet valid at " + utc::format(now) + " (valid " + window + ")");
  else if (now > c->not_after())
    v.add(info, status::fail,
          std::string(role) + " expired at " + utc::format(c->not_after()) + " (verification time " + utc::format(now) +
              "); to check historical evidence pass a time inside " + window);
  else
    v.add(info, status::pass, std::string(role) + " valid " + window);
}

inline crypto::signature_check linked(const crypto::certificate& subject, const crypto::certificate& issuer,
                                      link_cache* cache) {
  return cache ? cache->signed_by(subject, issuer) : subject.signed_by(issuer);
}

}  // namespace detail

// "VCEK", "VLEK", or "none" when no signer certificate was given.
inline const char* signer_name(const evidence& ev) {
  if (!ev.signer) return "none";
  return detail::kind_of(*ev.signer) == signer_kind::vlek ? "VLEK" : "VCEK";
}

// ---- V013: which product ----
inline std::optional<snp::product> check_product(const evidence& ev, const verify_options& opt, verdict& v) {
  struct source {
    const char* what;
    std::optional<snp::product> p;
  };
  std::vector<source> sources;
  if (opt.product) sources.push_back({"given product", opt.product});
  if (ev.report.prod_source == snp::product_source::cpuid && ev.report.prod)
    sources.push_back({"report CPUID", ev.report.prod});
  sources.push_back({"certificate issuer", detail::product_from_issuer(ev.signer->issuer_cn())});
  if (auto ext = kds::read_amd_extensions(*ev.signer); ext && ext->product_name)
    sources.push_back({"certificate productName", detail::product_from_extension(*ext->product_name)});
  std::optional<snp::product> prod;
  for (const auto& s : sources)
    if (s.p) {
      prod = s.p;
      break;
    }
  std::string said;
  bool agree = prod.has_value();
  for (const auto& s : sources) {
    said += (said.empty() ? "" : ", ") + std::string(s.what) + " " +
            (s.p ? std::string(snp::product_name(*s.p)) : "unknown");
    if (s.p && prod && *s.p != *prod) agree = false;
  }
  if (!prod)
    v.add(checks::product_consistent, status::fail, "cannot tell the product (" + said + ")");
  else if (!agree)
    v.add(checks::product_consistent, status::fail, "the product differs between inputs: " + said);
  else
    v.add(checks::product_consistent, status::pass, std::string(snp::product_name(*prod)) + " (" + said + ")");
  return prod;
}

struct chain_result {
  const crypto::certificate* ark = nullptr;
  const crypto::certificate* inter = nullptr;  // ASK (VCEK chain) or ASVK (VLEK chain)
};

namespace detail {

// A chain certificate the user gave for another product than the one verified (e.g. --ark of Genoa
// for a Milan report): named, so it is refused rather than silently replaced by the built-in one.
inline std::string foreign_user_cert(const evidence& ev, snp::product prod, ca_role role) {
  const std::string prefix = role == ca_role::ark ? "ARK-" : role == ca_role::asvk ? "SEV-VLEK-" : "SEV-";
  for (const auto& cn : ev.user_chain) {
    if (cn.rfind(prefix, 0) != 0 || (role == ca_role::ask && cn.rfind("SEV-VLEK-", 0) == 0)) continue;
    auto p = snp::product_from_name(std::string_view(cn).substr(prefix.size()));
    if (p && *p != prod) {
      // a v2 report carries no product: say where the product verified came from
      const auto src = ev.report.prod_source;
      const std::string name(snp::product_name(prod));
      const std::string verified = src == snp::product_source::cpuid         ? "the report is " + name
                                   : src == snp::product_source::given       ? "the product given is " + name
                                   : src == snp::product_source::certificate ? "the VCEK/VLEK is " + name + "'s"
                                                                             : "the product verified is " + name;
      return cn + " was given, a certificate of " + std::string(snp::product_name(*p)) + ", but " + verified +
             ": give the " + name + " chain";
    }
  }
  return {};
}

// The other intermediate the user gave (an ASVK for a VCEK-signed report, an ASK for a VLEK-signed one) is not on
// this report's chain: said beside the intermediate used, so a wrong chain file does not pass unnoticed.
inline std::string unused_intermediate(const evidence& ev, ca_role role) {
  if (role == ca_role::ark) return {};
  for (const auto& cn : ev.user_chain) {
    const bool asvk = cn.rfind("SEV-VLEK-", 0) == 0, ask = !asvk && cn.rfind("SEV-", 0) == 0;
    if ((role == ca_role::ask && asvk) || (role == ca_role::asvk && ask))
      return "; the " + cn + " given is not used: it signs " + (asvk ? "VLEKs" : "VCEKs") +
             ", and this report's signer is a " + (asvk ? "VCEK" : "VLEK");
  }
  return {};
}

inline const crypto::certificate* pick_pinned(const evidence& ev, const std::vector<std::string>& fingerprints,
                                              const trust_anchors& trust, std::optional<snp::product> prod,
                                              ca_role role, const checks::check_info& info, verdict& v) {
  if (!prod) {
    v.add(info, status::skipped, "product unknown, so no pinned key to compare with");
    return nullptr;
  }
  const auto pin = trust.pin_for(*prod, role);
  const std::string want = std::string(ca_role_name(role)) + " of " + std::string(snp::product_name(*prod));
  if (!pin) {
    v.add(info, status::fail, "no pinned key for the " + want);
    return nullptr;
  }
  if (auto foreign = foreign_user_cert(ev, *prod, role); !foreign.empty()) {
    v.add(info, status::fail, foreign);
    return nullptr;
  }
  // A certificate that claims to be the one we need but carries another key (an older ASK, a foreign one): refused
  // loudly when no pinned one is there, and said when the pinned one (given or built in) is used in its place.
  const std::string claim = (role == ca_role::ark ? "ARK-" : (role == ca_role::asvk ? "SEV-VLEK-" : "SEV-")) +
                            std::string(snp::product_name(*prod));
  std::string other_key;  // the SPKI SHA-256 prefix of such a certificate
  for (std::size_t i = 0; i < ev.offered.size() && other_key.empty(); ++i)
    if (ev.offered[i].subject_cn() == claim && fingerprints[i] != *pin) other_key = fingerprints[i].substr(0, 16);
  for (std::size_t i = 0; i < ev.offered.size(); ++i) {
    const auto& c = ev.offered[i];
    const auto& fp = fingerprints[i];
    if (fp == *pin) {
      v.add(info, status::pass,
            c.subject_cn() + " key is the pinned " + want + " (SPKI SHA-256 " + fp.substr(0, 16) + "…)" +
                unused_intermediate(ev, role) +
                (other_key.empty() ? ""
                                   : "; a " + claim + " with another key (SPKI SHA-256 " + other_key +
                                         "…) was given and not used: it is not the pinned " + want));
      return &c;
    }
  }
  v.add(info, status::fail,
        other_key.empty() ? "no " + want + " among the inputs (give --certs DIR or a chain file)"
                          : claim + " was given but its key (SPKI SHA-256 " + other_key + "…) is not the pinned " +
                                want + " (" + pin->substr(0, 16) + "…)");
  return nullptr;
}

}  // namespace detail

// ---- V001-V008: the pinned chain and its validity ----
inline chain_result check_chain(const evidence& ev, const trust_anchors& trust, std::optional<snp::product> prod,
                                const verify_options& opt, verdict& v, link_cache* cache = nullptr) {
  const signer_kind kind = detail::kind_of(*ev.signer);
  const ca_role inter_role = kind == signer_kind::vlek ? ca_role::asvk : ca_role::ask;
  const char* inter_name = kind == signer_kind::vlek ? "ASVK" : "ASK";
  std::vector<std::string> fingerprints;  // each offered key fingerprinted once for both searches
  fingerprints.reserve(ev.offered.size());
  for (const auto& c : ev.offered) fingerprints.push_back(spki_fingerprint(c));

  chain_result ch;
  ch.ark = detail::pick_pinned(ev, fingerprints, trust, prod, ca_role::ark, checks::ark_pinned, v);
  if (ch.ark) {
    auto s = detail::linked(*ch.ark, *ch.ark, cache);
    v.add(checks::ark_self_signed, s.valid ? status::pass : status::fail, s.detail);
  } else {
    v.add(checks::ark_self_signed, status::skipped, "no pinned ARK");
  }
  ch.inter = detail::pick_pinned(ev, fingerprints, trust, prod, inter_role, checks::ask_pinned, v);
  if (ch.inter && ch.ark) {
    auto s = detail::linked(*ch.inter, *ch.ark, cache);
    v.add(checks::ask_signed, s.valid ? status::pass : status::fail, ch.inter->subject_cn() + ": " + s.detail);
  } else {
    v.add(checks::ask_signed, status::skipped, std::string("no pinned ARK and ") + inter_name);
  }
  if (ch.inter) {
    auto s = detail::linked(*ev.signer, *ch.inter, cache);
    v.add(checks::leaf_signed, s.valid ? status::pass : status::fail, std::string(signer_name(ev)) + ": " + s.detail);
  } else {
    v.add(checks::leaf_signed, status::skipped, std::string("no pinned ") + inter_name);
  }
  detail::check_validity(v, checks::ark_validity, ch.ark, "ARK", opt.now);
  detail::check_validity(v, checks::ask_validity, ch.inter, inter_name, opt.now);
  detail::check_validity(v, checks::leaf_validity, &*ev.signer, signer_name(ev), opt.now);
  return ch;
}

// ---- V009-V011: revocation. The CRL must be signed by the product's ARK and current; V011 is only
// judged from a CRL that passed both. Which CRL covers which key: the ASK's (VCEK chain) is
// /vcek/v1/{product}/crl, the ASVK's (VLEK chain) /vlek/v1/{product}/crl (each certificate's CRL
// Distribution Point names it; the CRLs themselves do not say). ----
inline void check_revocation(const evidence& ev, const chain_result& ch, const verify_options& opt, verdict& v) {
  const status missing = opt.require_crl ? status::fail : status::skipped;
  const std::string covering = ch.inter && !ch.inter->crl_url().empty() ? " (" + ch.inter->crl_url() + ")" : "";
  if (!ev.crl) {
    const std::string why = opt.require_crl ? "no CRL given, and a CRL is required" + covering
                                            : "no CRL given (optional; `sevproof kds-urls` prints where to fetch it)";
    for (const auto* c : {&checks::crl_signed, &checks::crl_current, &checks::ask_not_revoked}) v.add(*c, missing, why);
    return;
  }
  if (!ch.ark) {
    for (const auto* c : {&checks::crl_signed, &checks::crl_current, &checks::ask_not_revoked})
      v.add(*c, missing, "no pinned ARK to check the CRL against");
    return;
  }
  const auto& crl = *ev.crl;
  auto s = crl.signed_by(*ch.ark);
  if (s.valid && crl.issuer_cn() != ch.ark->subject_cn())
    s = {false, "CRL issuer is " + crl.issuer_cn() + ", not " + ch.ark->subject_cn()};
  if (!s.valid && crl.issuer_cn() != ch.ark->subject_cn())
    s.detail = "the CRL is issued by " + crl.issuer_cn() + ", not by " + ch.ark->subject_cn() +
               " (another product's CRL?): " + s.detail;
  v.add(checks::crl_signed, s.valid ? status::pass : status::fail, s.detail);
  const std::string window = utc::format(crl.this_update()) + " to " + utc::format(crl.next_update());
  const bool current = opt.now >= crl.this_update() && opt.now <= crl.next_update();
  v.add(checks::crl_current, current ? status::pass : status::fail,
        current ? "CRL covers " + window
                : "CRL covers " + window + ", not the verification time " + utc::format(opt.now));
  const char* inter_name = detail::kind_of(*ev.signer) == signer_kind::vlek ? "ASVK" : "ASK";
  if (!ch.inter)
    v.add(checks::ask_not_revoked, missing, std::string("no pinned ") + inter_name);
  else if (!s.valid || !current)
    v.add(checks::ask_not_revoked, opt.require_crl ? status::fail : status::skipped,
          std::string("not judged: the CRL ") + (!s.valid ? "did not verify (V009)" : "is not current (V010)"));
  else if (crl.revokes(*ch.inter))
    v.add(checks::ask_not_revoked, status::fail, ch.inter->subject_cn() + " is revoked by the CRL");
  else
    v.add(checks::ask_not_revoked, status::pass,
          ch.inter->subject_cn() + " is not on the CRL (" + std::to_string(crl.entries()) + " entries)" + covering);
}

// ---- V012, V014, V015, V018: what binds the report to the certificate ----
inline void check_binding(const evidence& ev, std::optional<snp::product> prod, verdict& v) {
  using namespace detail;
  const snp::report& rep = ev.report.report;
  const signer_kind kind = kind_of(*ev.signer);
  const char* leaf_name = signer_name(ev);
  const auto ki = rep.key_info();
  const auto sk = snp::signing_key_of(ki);
  if (bits::find(snp::key_info_bits, "MASK_CHIP_KEY").get(ki))
    v.add(checks::signer_type, status::fail, "KEY_INFO has MASK_CHIP_KEY set: the firmware did not sign this report");
  else if (sk == 7)
    v.add(checks::signer_type, status::fail, "KEY_INFO says the report is unsigned (SIGNING_KEY 7)");
  else if ((sk == 0 && kind == signer_kind::vcek) || (sk == 1 && kind == signer_kind::vlek))
    v.add(checks::signer_type, status::pass,
          std::string("KEY_INFO names the ") + leaf_name + ", the certificate is a " + leaf_name + ev.signer_note);
  else
    v.add(checks::signer_type, status::fail,
          "KEY_INFO names the " + std::string(snp::signing_key_name(sk)) + " but the certificate is a " + leaf_name +
              ev.signer_note);

  const auto layout = prod ? snp::layout_of(*prod) : ev.report.layout;
  const auto reported = snp::decode_tcb(rep.reported_tcb(), layout);
  const auto current = snp::decode_tcb(rep.current_tcb(), layout);
  {
    std::string above;
    auto cmp = [&](const char* n, std::optional<std::uint8_t> r, std::optional<std::uint8_t> c) {
      if (r && c && *r > *c)
        above += (above.empty() ? "" : ", ") + std::string(n) + " " + std::to_string(*r) + " > " + std::to_string(*c);
    };
    cmp("fmc", reported.fmc, current.fmc);
    cmp("bootloader", reported.bootloader, current.bootloader);
    cmp("tee", reported.tee, current.tee);
    cmp("snp", reported.snp, current.snp);
    cmp("microcode", reported.microcode, current.microcode);
    v.add(checks::tcb_not_above_current, above.empty() ? status::pass : status::fail,
          above.empty()
              ? "REPORTED_TCB (" + tcb_text(reported) + ") is not above CURRENT_TCB (" + tcb_text(current) + ")"
              : "REPORTED_TCB is above CURRENT_TCB (" + above +
                    "): the report contradicts itself (a key may not certify a newer TCB than the one running)");
  }
  auto ext = kds::read_amd_extensions(*ev.signer);
  if (!ext) {
    v.add(checks::tcb_matches, status::fail, ext.err().to_string());
    v.add(checks::chip_matches, status::fail, ext.err().to_string());
    return;
  }
  const auto& e = *ext;
  const auto reserved = rep.reported_tcb() & snp::tcb_reserved_mask(layout);
  bool same =
      e.bl == reported.bootloader && e.tee == reported.tee && e.snp == reported.snp && e.ucode == reported.microcode;
  if (layout == snp::tcb_layout::turin) same = same && e.fmc == reported.fmc;
  const std::string both = "certificate " + cert_tcb_text(e) + "; report REPORTED_TCB " + tcb_text(reported);
  if (reserved)
    v.add(checks::tcb_matches, status::fail,
          "REPORTED_TCB has non-zero reserved bytes (" + hex::number(reserved, 16) + "): no certificate encodes them");
  else
    v.add(checks::tcb_matches, same ? status::pass : status::fail,
          same ? "REPORTED_TCB = certificate TCB (" + tcb_text(reported) + ")" : "TCB differs: " + both);

  const auto chip = rep.chip_id();
  if (kind == signer_kind::vlek) {
    v.add(checks::chip_matches, status::skipped,
          "a VLEK is not bound to a chip (no hwID); issued to " +
              (e.csp_id ? *e.csp_id : std::string("an unnamed provider")));
  } else if (all_zero(chip)) {
    v.add(checks::chip_matches, status::warn,
          "CHIP_ID is all zero (the host set MASK_CHIP_ID): the report cannot be tied to the VCEK's chip");
  } else if (!e.hwid) {
    v.add(checks::chip_matches, status::fail, "the VCEK has no hwID extension");
  } else if (e.hwid->size() == 8) {
    const bool ok = equal_bytes(*e.hwid, chip.first(8)) && all_zero(chip.subspan(8));
    v.add(checks::chip_matches, ok ? status::pass : status::fail,
          ok ? "CHIP_ID = 8-byte Turin hwID " + hex::encode(*e.hwid)
             : "CHIP_ID " + short_hex(chip) + " is not the 8-byte hwID " + hex::encode(*e.hwid) +
                   " followed by 56 zero bytes");
  } else {
    const bool ok = equal_bytes(*e.hwid, chip);
    v.add(checks::chip_matches, ok ? status::pass : status::fail,
          ok ? "CHIP_ID = hwID " + short_hex(chip)
             : "CHIP_ID " + short_hex(chip) + " differs from the VCEK's hwID " + short_hex(*e.hwid));
  }
}

// ---- V016: the signature over the received bytes ----
inline void check_signature(const evidence& ev, std::optional<snp::product> prod, verdict& v,
                            const ecdsa_verifier& ecdsa = {}) {
  using namespace detail;
  const snp::report& rep = ev.report.report;
  auto sig = report_signed_by(rep, *ev.signer, ecdsa);
  if (sig.valid) {
    v.add(checks::report_signature, status::pass, sig.detail + " with the " + signer_name(ev));
    return;
  }
  const auto reported = snp::decode_tcb(rep.reported_tcb(), prod ? snp::layout_of(*prod) : ev.report.layout);
  auto ext = kds::read_amd_extensions(*ev.signer);
  std::string why = sig.detail;
  if (ext && ext->hwid && kind_of(*ev.signer) == signer_kind::vcek) {
    const std::string cert_chip = short_hex(*ext->hwid), report_chip = short_hex(rep.chip_id());
    const std::string cert_tcb = cert_tcb_text(*ext), report_tcb = tcb_text(reported);
    if (cert_chip == report_chip && cert_tcb == report_tcb)
      why += "; the VCEK is this report's (chip " + cert_chip + ", TCB " + cert_tcb +
             "), so the signed bytes or the signature were changed after signing";
    else
      why += "; the VCEK is for chip " + cert_chip + " at TCB " + cert_tcb + ", the report comes from chip " +
             report_chip + " at REPORTED_TCB " + report_tcb;
  } else if (ext)
    why += "; the certificate encodes TCB " + cert_tcb_text(*ext) + ", the report carries REPORTED_TCB " +
           tcb_text(reported);
  v.add(checks::report_signature, status::fail, why);
}

// ---- V017: reserved fields (a warning: --strict makes them input errors when reading) ----
inline void check_reserved(const evidence& ev, verdict& v) {
  std::string reserved;
  for (const auto& w : ev.report.warnings) reserved += (reserved.empty() ? "" : "; ") + w.to_string();
  v.add(checks::reserved_zero, reserved.empty() ? status::pass : status::warn,
        reserved.empty() ? "all reserved fields are zero" : reserved);
}

// ---- V019: an Azure HCL report's runtime data is the data its REPORT_DATA vouches for ----
// The HCL puts a hash of the runtime data (the vTPM attestation key and claims) in REPORT_DATA; the runtime data
// itself lies outside the signed report, so a changed byte there is only caught by this comparison.
inline void check_hcl_runtime(const evidence& ev, verdict& v) {
  using detail::short_hex;
  const auto& pr = ev.report;
  if (pr.source != snp::container::azure_hcl || !pr.hcl_runtime) return;
  const auto& rt = *pr.hcl_runtime;
  if (rt.problem) {
    // a file that ends before the runtime data cannot show it: nothing is vouched for that could be misread
    const bool cut_short = rt.problem->field == "runtime data header";
    v.add(checks::hcl_runtime_bound, cut_short ? status::warn : status::fail,
          rt.problem->to_string() + (cut_short ? "; the runtime data was not checked" : ""));
    return;
  }
  // REPORT_DATA_HASH_TYPE (HCL's 1, 2, 3) names the hash; its digest is the first bytes of REPORT_DATA
  const auto hash = [&rt]() -> std::pair<const char*, bytes> {
    const auto as_bytes = [](const auto& d) { return bytes(d.begin(), d.end()); };
    switch (rt.hash_type) {
      case 1:
        return {"SHA-256", as_bytes(crypto::sha256_of(rt.data))};
      case 2:
        return {"SHA-384", as_bytes(crypto::sha384_of(rt.data))};
      case 3:
        return {"SHA-512", as_bytes(crypto::sha512_of(rt.data))};
      default:
        return {nullptr, {}};
    }
  }();
  const auto& [name, digest] = hash;
  if (!name) {
    v.add(checks::hcl_runtime_bound, status::fail,
          "Azure HCL report: REPORT_DATA_HASH_TYPE at 0x4CC is " + std::to_string(rt.hash_type) +
              " (1 SHA-256, 2 SHA-384, 3 SHA-512 are defined): the runtime data cannot be bound to REPORT_DATA");
    return;
  }
  const auto rd = pr.report.report_data().first(digest.size());
  const bool ok = std::equal(digest.begin(), digest.end(), rd.begin());
  v.add(checks::hcl_runtime_bound, ok ? status::pass : status::fail,
        ok ? std::string(name) + " of the " + std::to_string(rt.data.size()) +
                 " bytes of runtime data at 0x4D4 = REPORT_DATA[0:" + std::to_string(digest.size()) + "]"
           : std::string(name) + " of the " + std::to_string(rt.data.size()) + " bytes of runtime data at 0x4D4 is " +
                 short_hex(digest) + ", REPORT_DATA[0:" + std::to_string(digest.size()) + "] is " + short_hex(rd) +
                 ": the runtime data (vTPM key and claims) is not the data the report vouches for");
}

// The composer: every V check, sorted by code.
inline verdict verify_report(const evidence& ev, const trust_anchors& trust, const verify_options& opt,
                             link_cache* cache = nullptr) {
  verdict v;
  if (!ev.signer) {
    for (const auto* c :
         {&checks::ark_pinned, &checks::ark_self_signed, &checks::ask_pinned, &checks::ask_signed, &checks::leaf_signed,
          &checks::ark_validity, &checks::ask_validity, &checks::leaf_validity, &checks::crl_signed,
          &checks::crl_current, &checks::ask_not_revoked, &checks::signer_type, &checks::product_consistent,
          &checks::tcb_matches, &checks::chip_matches, &checks::tcb_not_above_current})
      v.add(*c, status::skipped, ev.no_signer_why.empty() ? "no VCEK or VLEK was given" : ev.no_signer_why);
    v.add(checks::report_signature, status::skipped,
          (ev.no_signer_why.empty() ? std::string("no VCEK or VLEK was given") : ev.no_signer_why) +
              ": the report cannot be verified (fetch the VCEK with the URL `sevproof kds-urls` prints)");
  } else {
    const auto prod = check_product(ev, opt, v);
    const auto ch = check_chain(ev, trust, prod, opt, v, cache);
    check_revocation(ev, ch, opt, v);
    check_binding(ev, prod, v);
    check_signature(ev, prod, v, opt.ecdsa);
  }
  check_reserved(ev, v);
  check_hcl_runtime(ev, v);
  std::stable_sort(v.checks.begin(), v.checks.end(), [](const auto& a, const auto& b) { return a.code < b.code; });
  return v;
}

// The product a verification settles on: given, else the report's CPUID, else the signer's issuer.
inline std::optional<snp::product> decided_product(const evidence& ev, const verify_options& opt) {
  if (opt.product) return opt.product;
  if (ev.report.prod_source == snp::product_source::cpuid && ev.report.prod) return ev.report.prod;
  if (ev.signer) return detail::product_from_issuer(ev.signer->issuer_cn());
  return ev.report.prod;
}

// A v2 report learns its product (and TCB layout) from the certificate that verified it.
inline void adopt_product(snp::parsed_report& pr, std::optional<snp::product> p) {
  if (!p || pr.prod_source != snp::product_source::assumed) return;
  pr.prod = p;
  pr.prod_source = snp::product_source::certificate;
  pr.layout = snp::layout_of(*p);
  pr.notes.clear();
}

}  // namespace sevproof::verify
