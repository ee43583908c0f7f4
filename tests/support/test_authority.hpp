// A test-only certificate authority shaped like AMD's: its own ARK, ASK, ASVK (RSA, PSS SHA-384),
// a VCEK and a VLEK (P-384) with AMD's extensions, and reports signed by them. Tests use it to
// drive every verification and validation check to fail on purpose.
#pragma once

#include <array>
#include <functional>

#include "sevproof/core/bytes.hpp"
#include "sevproof/crypto/certificate_builder.hpp"
#include "sevproof/kds/extensions.hpp"
#include "sevproof/snp/report_reader.hpp"
#include "sevproof/verify/trust.hpp"
#include "sevproof/verify/verify_report.hpp"

namespace test_ca {

using namespace sevproof;

inline bytes der_uint(std::uint8_t v) { return v < 0x80 ? bytes{0x02, 0x01, v} : bytes{0x02, 0x02, 0x00, v}; }
inline bytes der_ia5(const std::string& s) {
  bytes b{0x16, static_cast<byte>(s.size())};
  b.insert(b.end(), s.begin(), s.end());
  return b;
}

constexpr std::int64_t year(int y) { return utc::days_from_civil(y, 1, 1) * 86400; }

struct authority {
  crypto::private_key ark_key = crypto::private_key::generate_rsa(2048);
  crypto::private_key ask_key = crypto::private_key::generate_rsa(2048);
  crypto::private_key asvk_key = crypto::private_key::generate_rsa(2048);
  crypto::private_key vcek_key = crypto::private_key::generate_ecdsa_p384();
  crypto::private_key vlek_key = crypto::private_key::generate_ecdsa_p384();
  std::array<byte, 64> chip = chip_id_bytes();
  std::uint64_t tcb = 0x7308000000000003ull;  // Milan layout: bootloader 3, tee 0, snp 8, microcode 0x73

  crypto::certificate ark = make_ca("ARK-Milan", "ARK-Milan", ark_key, ark_key, year(2020), year(2045));
  crypto::certificate ask = make_ca("SEV-Milan", "ARK-Milan", ask_key, ark_key, year(2021), year(2040));
  crypto::certificate asvk = make_ca("SEV-VLEK-Milan", "ARK-Milan", asvk_key, ark_key, year(2021), year(2040));
  crypto::certificate vcek = make_vcek(vcek_key, ask_key, tcb, chip_id_bytes(), year(2025), year(2030));
  crypto::certificate vlek = make_vlek(vlek_key, asvk_key, year(2025), year(2030));

  static std::array<byte, 64> chip_id_bytes() {
    std::array<byte, 64> c{};
    for (std::size_t i = 0; i < c.size(); ++i) c[i] = static_cast<byte>(0xC0 + i);
    return c;
  }

  static crypto::certificate make_ca(const std::string& cn, const std::string& issuer, const crypto::private_key& key,
                                     const crypto::private_key& signer, std::int64_t from, std::int64_t to) {
    return crypto::issue_certificate({cn, issuer, 0x10000, from, to, {}, true}, key.spki_der(), signer);
  }

  static crypto::certificate make_vcek(const crypto::private_key& key, const crypto::private_key& signer,
                                       std::uint64_t tcb, const std::array<byte, 64>& chip, std::int64_t from,
                                       std::int64_t to, const std::string& product = "Milan-B0",
                                       const std::string& issuer = "SEV-Milan") {
    auto byte_at = [&](int i) { return static_cast<std::uint8_t>(tcb >> (8 * i)); };
    std::vector<crypto::raw_extension> ext = {{kds::oid::struct_version, der_uint(0)},
                                              {kds::oid::product_name, der_ia5(product)},
                                              {kds::oid::bl_spl, der_uint(byte_at(0))},
                                              {kds::oid::tee_spl, der_uint(byte_at(1))},
                                              {kds::oid::spl_4, der_uint(0)},
                                              {kds::oid::spl_5, der_uint(0)},
                                              {kds::oid::spl_6, der_uint(0)},
                                              {kds::oid::spl_7, der_uint(0)},
                                              {kds::oid::snp_spl, der_uint(byte_at(6))},
                                              {kds::oid::ucode_spl, der_uint(byte_at(7))},
                                              {kds::oid::hw_id, bytes(chip.begin(), chip.end())}};
    return crypto::issue_certificate({"SEV-VCEK", issuer, 0, from, to, ext}, key.spki_der(), signer);
  }

  crypto::certificate make_vlek(const crypto::private_key& key, const crypto::private_key& signer, std::int64_t from,
                                std::int64_t to) const {
    auto byte_at = [&](int i) { return static_cast<std::uint8_t>(tcb >> (8 * i)); };
    std::vector<crypto::raw_extension> ext = {
        {kds::oid::struct_version, der_uint(0)},           {kds::oid::product_name, der_ia5("Milan")},
        {kds::oid::bl_spl, der_uint(byte_at(0))},          {kds::oid::tee_spl, der_uint(byte_at(1))},
        {kds::oid::snp_spl, der_uint(byte_at(6))},         {kds::oid::ucode_spl, der_uint(byte_at(7))},
        {kds::oid::csp_id, der_ia5("CN=test-csp.example")}};
    return crypto::issue_certificate({"SEV-VLEK", "SEV-VLEK-Milan", 0, from, to, ext}, key.spki_der(), signer);
  }

  [[nodiscard]] verify::trust_anchors trust() const {
    verify::trust_anchors t;
    t.pins.push_back({snp::product::milan, verify::ca_role::ark, verify::spki_fingerprint(ark)});
    t.pins.push_back({snp::product::milan, verify::ca_role::ask, verify::spki_fingerprint(ask)});
    t.pins.push_back({snp::product::milan, verify::ca_role::asvk, verify::spki_fingerprint(asvk)});
    return t;
  }

  // A v3 Milan report (CPUID 19h/01h/1), signed by the VCEK (or the VLEK), after `edit` ran on it.
  [[nodiscard]] bytes report(bool by_vlek = false, const std::function<void(bytes&)>& edit = {}) const {
    bytes r(0x4A0, 0);
    store_le<std::uint32_t>(r, 0x000, 3);
    store_le<std::uint64_t>(r, 0x008, 0x30000);
    store_le<std::uint32_t>(r, 0x034, 1);
    r[0x040] = 0x01;  // PLATFORM_INFO: SMT_EN
    for (std::size_t off : {0x038u, 0x180u, 0x1E0u, 0x1F0u}) store_le<std::uint64_t>(r, off, tcb);
    store_le<std::uint32_t>(r, 0x048, by_vlek ? 0x4u : 0x0u);
    for (std::size_t i = 0; i < 48; ++i) r[0x090 + i] = static_cast<byte>(i);  // MEASUREMENT
    for (std::size_t i = 0; i < 32; ++i) r[0x160 + i] = 0xFF;                  // REPORT_ID_MA: none
    r[0x188] = 0x19, r[0x189] = 0x01, r[0x18A] = 0x01;                         // Milan CPUID
    if (!by_vlek) std::copy(chip.begin(), chip.end(), r.begin() + 0x1A0);
    r[0x1E8] = 20, r[0x1E9] = 55, r[0x1EA] = 1, r[0x1EC] = 20, r[0x1ED] = 55, r[0x1EE] = 1;  // firmware 1.55.20
    if (edit) edit(r);
    sign(r, by_vlek ? vlek_key : vcek_key);
    return r;
  }

  static void sign(bytes& r, const crypto::private_key& key) {
    const auto sig = key.sign_ecdsa_p384(bytes_view(r).first(0x2A0));
    std::fill(r.begin() + 0x2A0, r.end(), byte{0});
    for (std::size_t i = 0; i < 48; ++i) {
      r[0x2A0 + i] = sig[47 - i];  // r, little-endian
      r[0x2E8 + i] = sig[95 - i];  // s, little-endian
    }
  }
};

inline const authority& get() {
  static const authority a;
  return a;
}

inline snp::parsed_report parse(const bytes& r) { return snp::read_report(r).value(); }

}  // namespace test_ca
