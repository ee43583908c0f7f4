// `--offset N` cuts a report out of another container; `--product` says which product a v2 report
// comes from (the TCB layout), as a hint or not. Input: offset (u16 LE), product selector, flags,
// then the file.
#include "../target.hpp"
#include "sevproof/format/report_json.hpp"
#include "sevproof/snp/report_reader.hpp"

using namespace sevproof;

SEVPROOF_FUZZ_TARGET(report_offset) {
  fuzz::reader r(data, size);
  snp::read_options opt;
  opt.offset = r.u16();
  const auto sel = r.u8(), flags = r.u8();
  static constexpr snp::product products[] = {snp::product::milan, snp::product::genoa, snp::product::turin};
  if (sel < 3) opt.given_product = products[sel];
  opt.product_is_hint = (flags & 1) != 0;
  opt.reserved = (flags & 2) != 0 ? snp::mbz_policy::error : snp::mbz_policy::warn;
  if (auto rep = snp::read_report(r.rest(), opt)) (void)format::report_json(*rep).dump();
  return 0;
}
