// A report pasted as text (hex or base64, with line breaks), as `report show` and the web page's
// paste box take it. Inputs that are not text are not kept: the binary forms have their own target.
#include "../target.hpp"
#include "sevproof/format/report_json.hpp"
#include "sevproof/snp/report_reader.hpp"

using namespace sevproof;

SEVPROOF_FUZZ_TARGET(report_text) {
  const bytes_view in(data, size);
  if (size == snp::report_size || !snp::detail::is_text(in)) return -1;
  if (auto r = snp::read_report(in)) (void)format::report_json(*r).dump();
  const std::string text = fuzz::text_of(in);
  (void)hex::decode(text);
  (void)base64::decode(text);
  return 0;
}
