// Option text as users type it (CLI flags, the web form's fields): expectations through
// validate::apply_option (numbers, hex fields, TCB lists, allow/deny, versions), times (`--now`),
// numbers (`--offset`), and the measurement request (`measure --mode ... --vcpu-type ...`).
// Input: lines NAME=VALUE; a name starting "measure." sets a request field. A refusal must be an
// option_error (the CLI's exit 2) or an error result, never another exception.
#include "../target.hpp"
#include "sevproof/core/number.hpp"
#include "sevproof/core/time.hpp"
#include "sevproof/measure/request.hpp"
#include "sevproof/validate/option_text.hpp"

using namespace sevproof;

namespace {

void set_request(measure::request& q, const std::string& field, const std::string& value) {
  if (field == "mode")
    q.mode = value;
  else if (field == "vcpus")
    q.vcpus = static_cast<long long>(parse_uint(value, 1u << 20).value_or(0));
  else if (field == "vcpu-type")
    q.vcpu_type = value;
  else if (field == "vcpu-sig")
    q.vcpu_sig = value;
  else if (field == "vcpu-family")
    q.vcpu_family = static_cast<long long>(parse_uint(value, 1u << 20).value_or(0));
  else if (field == "vcpu-model")
    q.vcpu_model = static_cast<long long>(parse_uint(value, 1u << 20).value_or(0));
  else if (field == "vcpu-stepping")
    q.vcpu_stepping = static_cast<long long>(parse_uint(value, 1u << 20).value_or(0));
  else if (field == "vmm-type")
    q.vmm_type = value;
  else if (field == "guest-features")
    q.guest_features = value;
  else if (field == "snp-ovmf-hash")
    q.snp_ovmf_hash = value;
  else if (field == "fpu-init")
    q.fpu_init = value;
  else if (field == "kernel")
    q.kernel = true;
  else if (field == "initrd")
    q.initrd = true;
  else if (field == "append")
    q.append = true;
}

}  // namespace

SEVPROOF_FUZZ_TARGET(options) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  validate::options o;
  measure::request q;
  bool measured = false;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const auto nl = text.find('\n', pos);
    const std::string line = text.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
    pos = nl == std::string::npos ? text.size() : nl + 1;
    const auto eq = line.find('=');
    const std::string name = line.substr(0, eq), value = eq == std::string::npos ? "" : line.substr(eq + 1);
    (void)parse_uint(value);
    (void)utc::parse(value);
    if (name.rfind("measure.", 0) == 0) {
      set_request(q, name.substr(8), value);
      measured = true;
      continue;
    }
    try {
      validate::apply_option(o, name, value);
    } catch (const validate::option_error&) {
    }
  }
  if (measured) (void)measure::to_inputs(q);
  return 0;
}
