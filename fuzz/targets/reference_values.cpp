// `verify --reference-values FILE` (and a VM file's [expect] table): reference values as TOML or
// JSON through validate::read_reference_values. A refusal must be an option_error naming the source;
// what is accepted must survive the round trip through to_toml and to_json unchanged.
#include "../target.hpp"
#include "sevproof/validate/reference_values.hpp"

using namespace sevproof;

SEVPROOF_FUZZ_TARGET(reference_values) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  validate::options o;
  try {
    o = validate::read_reference_values(text, "fuzz.toml");
  } catch (const validate::option_error&) {
    return 0;
  }
  const auto j = validate::to_json(o);
  const std::string toml = validate::to_toml(o), json = j.dump();
  try {
    if (validate::to_json(validate::read_reference_values(toml, "round-trip.toml")) != j)
      fuzz::fail("reference_values", "to_toml does not read back to the same values:\n" + toml);
    if (validate::to_json(validate::read_reference_values(json, "round-trip.json")) != j)
      fuzz::fail("reference_values", "to_json does not read back to the same values: " + json);
  } catch (const validate::option_error& e) {
    fuzz::fail("reference_values", std::string("its own output is refused: ") + e.what());
  }
  return 0;
}
