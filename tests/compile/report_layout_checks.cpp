// Compile-time tests: this translation unit only contains static_asserts. If it compiles, the
// layout tables match AMD's spec and the accessors work in constant expressions.
#include <array>

#include "sevproof/core/bytes.hpp"
#include "sevproof/core/layout.hpp"
#include "sevproof/snp/report.hpp"
#include "sevproof/snp/report_layout.hpp"
#include "sevproof/sevproof.hpp"  // the umbrella header keeps compiling

namespace {
using namespace sevproof;

// A v3 report built entirely at compile time.
constexpr snp::report make_report() {
  snp::report::storage s{};
  store_le<std::uint32_t>(s, 0x000, 3);                      // VERSION
  store_le<std::uint64_t>(s, 0x008, 0x30000);                // POLICY
  store_le<std::uint32_t>(s, 0x030, 1);                      // VMPL
  store_le<std::uint32_t>(s, 0x034, 1);                      // SIGNATURE_ALGO
  store_le<std::uint64_t>(s, 0x180, 0x7308000000000003ull);  // REPORTED_TCB
  s[0x188] = 0x19;                                           // CPUID_FAM_ID
  s[0x189] = 0x01;                                           // CPUID_MOD_ID
  s[0x090] = 0xAB;                                           // MEASUREMENT[0]
  s[0x0BF] = 0xCD;                                           // MEASUREMENT[47]
  return snp::report(s);
}
constexpr auto rep = make_report();

static_assert(rep.version() == 3);
static_assert(rep.policy() == 0x30000);
static_assert(rep.vmpl() == 1);
static_assert(rep.signature_algo() == 1);
static_assert(rep.reported_tcb() == 0x7308000000000003ull);
static_assert(rep.uint_of("CPUID_FAM_ID") == 0x19);
static_assert(rep.measurement().size() == 48);
static_assert(rep.measurement()[0] == 0xAB && rep.measurement()[47] == 0xCD);
static_assert(rep.signed_bytes().size() == 0x2A0);
static_assert(rep.field("CPUID_MOD_ID").offset == 0x189);

// Layout tables reject gaps and overlaps: a deliberately broken table must fail `tiles`.
constexpr layout::field gap_fields[] = {{"A", 0, 4, layout::kind::u32}, {"B", 8, 4, layout::kind::u32}};
static_assert(!layout::tiles(layout::make_table("broken", 12, gap_fields)));
constexpr layout::field overlap_fields[] = {{"A", 0, 8, layout::kind::u64}, {"B", 4, 4, layout::kind::u32}};
static_assert(!layout::tiles(layout::make_table("broken", 8, overlap_fields)));
constexpr layout::field short_fields[] = {{"A", 0, 4, layout::kind::u32}};
static_assert(!layout::tiles(layout::make_table("broken", 8, short_fields)));
constexpr layout::field good_fields[] = {{"A", 0, 4, layout::kind::u32}, {"B", 4, 4, layout::kind::u32}};
static_assert(layout::tiles(layout::make_table("good", 8, good_fields)));

// Little-endian loads in constant expressions.
constexpr std::array<byte, 4> le{0x78, 0x56, 0x34, 0x12};
static_assert(load_le<std::uint32_t>(le, 0) == 0x12345678u);
static_assert(load_le<std::uint16_t>(le, 2) == 0x1234u);
}  // namespace
