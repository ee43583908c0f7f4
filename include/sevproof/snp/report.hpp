// A parsed SNP attestation report: the 1184 bytes as received, plus constexpr accessors that read
// fields through the layout table (never through a packed struct).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "sevproof/core/bytes.hpp"
#include "sevproof/core/error.hpp"
#include "sevproof/core/layout.hpp"
#include "sevproof/snp/report_layout.hpp"

namespace sevproof::snp {

// A report field's name, checked against the layout table at compile time ({fmt}-style: the
// consteval constructor fails to compile for a name the table lacks), so `r.uint_of("GUEST_SVM")`
// is a build error, not a run-time "internal error". Names known only at run time (a loop over the
// table, "CURRENT" + "_MAJOR") go through field_name::at_run_time, which is checked when used.
class field_name {
 public:
  consteval field_name(const char* s) : name_(s) {  // NOLINT(google-explicit-constructor): literals convert
    bool known = false;
    for (const auto& f : report_fields.fields) known = known || f.name == name_;
    if (!known) throw "sevproof: no such report field";  // not a constant expression: a compile error
  }
  static constexpr field_name at_run_time(std::string_view s) { return field_name(s, 0); }
  [[nodiscard]] constexpr std::string_view str() const { return name_; }

 private:
  constexpr field_name(std::string_view s, int) : name_(s) {}
  std::string_view name_;
};

class report {
 public:
  using storage = std::array<byte, report_size>;

  // Wraps bytes without checking them; parse_report() is the checked entry point.
  constexpr explicit report(const storage& raw) : raw_(raw) {}

  [[nodiscard]] constexpr bytes_view raw() const { return {raw_.data(), raw_.size()}; }
  // The bytes the signature covers, exactly as received (never re-serialized).
  [[nodiscard]] constexpr bytes_view signed_bytes() const { return raw().first(signed_size); }

  [[nodiscard]] constexpr std::uint32_t version() const { return load_le<std::uint32_t>(raw(), 0); }

  // The field named `name` as it exists in this report's version.
  [[nodiscard]] constexpr const layout::field& field(field_name name) const {
    return layout::find(report_fields, name.str(), version_for_layout());
  }
  [[nodiscard]] constexpr bytes_view bytes_of(field_name name) const {
    const auto& f = field(name);
    return subview(raw(), f.offset, f.size);
  }
  [[nodiscard]] constexpr std::uint64_t uint_of(field_name name) const {
    const auto& f = field(name);
    switch (f.size) {
      case 1:
        return raw_[f.offset];
      case 2:
        return load_le<std::uint16_t>(raw(), f.offset);
      case 4:
        return load_le<std::uint32_t>(raw(), f.offset);
      case 8:
        return load_le<std::uint64_t>(raw(), f.offset);
      default:
        throw out_of_bounds("sevproof: field is not an integer");
    }
  }

  [[nodiscard]] constexpr std::uint32_t guest_svn() const { return static_cast<std::uint32_t>(uint_of("GUEST_SVN")); }
  [[nodiscard]] constexpr std::uint64_t policy() const { return uint_of("POLICY"); }
  [[nodiscard]] constexpr std::uint32_t vmpl() const { return static_cast<std::uint32_t>(uint_of("VMPL")); }
  [[nodiscard]] constexpr std::uint32_t signature_algo() const {
    return static_cast<std::uint32_t>(uint_of("SIGNATURE_ALGO"));
  }
  [[nodiscard]] constexpr std::uint64_t platform_info() const { return uint_of("PLATFORM_INFO"); }
  [[nodiscard]] constexpr std::uint32_t key_info() const { return static_cast<std::uint32_t>(uint_of("KEY_INFO")); }
  [[nodiscard]] constexpr std::uint64_t current_tcb() const { return uint_of("CURRENT_TCB"); }
  [[nodiscard]] constexpr std::uint64_t reported_tcb() const { return uint_of("REPORTED_TCB"); }
  [[nodiscard]] constexpr std::uint64_t committed_tcb() const { return uint_of("COMMITTED_TCB"); }
  [[nodiscard]] constexpr std::uint64_t launch_tcb() const { return uint_of("LAUNCH_TCB"); }
  [[nodiscard]] constexpr bytes_view report_data() const { return bytes_of("REPORT_DATA"); }
  [[nodiscard]] constexpr bytes_view measurement() const { return bytes_of("MEASUREMENT"); }
  [[nodiscard]] constexpr bytes_view host_data() const { return bytes_of("HOST_DATA"); }
  [[nodiscard]] constexpr bytes_view chip_id() const { return bytes_of("CHIP_ID"); }
  [[nodiscard]] constexpr bool has_cpuid() const { return version() >= 3; }

  // The layout version this report is read with: 4 has the version 3 layout (CPUID fields, no
  // mitigation vectors; go-sev-guest and virtee/sev agree). Versions above the newest known one
  // are read with the newest layout (parse_report refuses them anyway).
  [[nodiscard]] constexpr unsigned version_for_layout() const {
    const auto v = version();
    return v >= 5 ? 5u : v == 4 ? 3u : v <= 2 ? 2u : static_cast<unsigned>(v);
  }

 private:
  storage raw_;
};

// Checks size and version and returns the report. Wrappers (MSG_REPORT_RSP, hex, base64) are
// unwrapped by sevproof::snp::read_report_file; this function takes exactly the raw 1184 bytes.
inline result<report> parse_report(bytes_view data) {
  if (data.size() != report_size)
    return error{"report", "size", std::nullopt,
                 "is " + std::to_string(data.size()) + " bytes; an ATTESTATION_REPORT is exactly 1184 (0x4a0) bytes"};
  report::storage s{};
  for (std::size_t i = 0; i < report_size; ++i) s[i] = data[i];
  report r(s);
  const auto v = r.version();
  bool supported = false;
  for (unsigned sv : supported_versions) supported |= (v == sv);
  if (!supported) return error{"report", "VERSION", 0x000, "is " + std::to_string(v) + "; supported: 2, 3, 4, 5"};
  if (r.vmpl() > 3 && r.vmpl() != host_requested_vmpl)
    return error{
        "report", "VMPL", 0x030,
        "is " + std::to_string(r.vmpl()) + "; a guest's VMPL is 0-3, and 0xFFFFFFFF marks a report the host requested"};
  if (r.signature_algo() != 1)
    return error{
        "report", "SIGNATURE_ALGO", 0x034,
        "is " + std::to_string(r.signature_algo()) + "; the only defined value is 1 (ECDSA P-384 with SHA-384)"};
  return r;
}

}  // namespace sevproof::snp
