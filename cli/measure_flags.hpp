// The measurement flags (sev-snp-measure's) and the computation behind them, shared by
// `sevproof measure` and `sevproof id-block` (which can take them instead of --measurement).
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <optional>
#include <string>

#include "sevproof/core/bytes.hpp"
#include "sevproof/measure/launch_digest.hpp"

namespace sevproof::cli {

struct measure_cli {
  std::string mode, vcpu_type, vcpu_sig, vmm_type = "QEMU", ovmf, kernel, initrd, append, guest_features = "0x1",
                                         output_format = "hex", snp_ovmf_hash, fpu = "modern", svsm, vars_size,
                                         vars_file;
  std::optional<long long> vcpus, vcpu_family, vcpu_model, vcpu_stepping;
  std::string command = "measure";  // the subcommand, for messages
  const CLI::Option* append_option = nullptr;
  // --append was given, also as --append= or --append '' (an explicitly empty command line).
  bool append_set = false;  // set by callers that fill the struct themselves (`vm measure`)
  [[nodiscard]] bool append_given() const {
    return append_set || (append_option != nullptr && append_option->count() > 0);
  }
  bool verbose = false, dump_vmsa = false, json = false, allow_no_metadata = false;
  // Already read by the caller (`vm measure`: checked against the VM file's pins), used instead of
  // reading --ovmf and hashing --kernel/--initrd again.
  std::optional<bytes> ovmf_data;
  std::optional<crypto::sha256_digest> kernel_sha256, initrd_sha256;
};

// Registers the flags on `app`. `required`: --mode and --ovmf must be given.
void add_measure_flags(CLI::App& app, const std::shared_ptr<measure_cli>& o, bool required);

// The launch inputs and the parsed firmware, as `measure` reads them (kernel and initrd hashed).
struct prepared_launch {
  measure::launch_inputs inputs;
  measure::ovmf_image fw;
};
// On refusal prints the reason and sets `exit_code` (2 usage, 3 input). `t`: -v lines.
std::optional<prepared_launch> prepare_launch(const measure_cli& o, measure::trace* t, int& exit_code);

// Computes the digest; on refusal prints the reason and sets `exit_code` (1 refused, 2 usage, 3 input).
std::optional<bytes> compute_measurement(const measure_cli& o, measure::trace* t, int& exit_code);

// Computes and prints the digest as `sevproof measure` does (hex/base64, -v, --json); the exit code.
int print_measurement(const measure_cli& o);

}  // namespace sevproof::cli
