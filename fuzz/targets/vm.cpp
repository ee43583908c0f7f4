// `sevproof vm ... VM` (and the page's VM file): a VM definition, native TOML or JSON or a SNPGuard
// file, through workflows::vm::parse. A refusal must be text JSON can carry (it goes into --json);
// what is accepted must be a launch the measurement pipeline takes, and what `vm init` writes for it
// (to_toml) must read back to the same definition (the same file, comment lines aside).
#include "../target.hpp"
#include "sevproof/pipeline/measure_launch.hpp"
#include "sevproof/workflows/vm.hpp"
#include "sevproof/workflows/vm_write.hpp"

using namespace sevproof;
namespace vmw = sevproof::workflows::vm;

namespace {
std::string values_of(const std::string& toml) {  // the lines that are not comments
  std::string out;
  std::size_t at = 0;
  while (at < toml.size()) {
    const auto end = std::min(toml.find('\n', at), toml.size());
    if (toml[at] != '#') out.append(toml, at, end - at + 1);
    at = end + 1;
  }
  return out;
}
}  // namespace

SEVPROOF_FUZZ_TARGET(vm) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto d = vmw::parse(text, "fuzz.toml");
  if (!d) {
    fuzz::json_safe("vm", d.err().to_string());
    return 0;
  }
  if (auto in = pipeline::check_request(vmw::to_request(*d)); !in)
    fuzz::fail("vm", "an accepted definition is a launch the pipeline refuses: " + in.err().to_string());
  const std::string written = vmw::to_toml(*d);
  auto again = vmw::parse(written, "round-trip.toml");
  if (!again) fuzz::fail("vm", "its own to_toml is refused: " + again.err().to_string() + "\n" + written);
  // Comment lines may differ (a converted SNPGuard file says what it required); values may not.
  if (values_of(vmw::to_toml(*again)) != values_of(written))
    fuzz::fail("vm", "to_toml does not read back to the same definition:\n" + written + "\n-- read back as --\n" +
                         vmw::to_toml(*again));
  return 0;
}
