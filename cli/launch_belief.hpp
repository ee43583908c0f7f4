// The launch a user believes happened, read from the command line for explaining a measurement:
// the measure flags (with which of them were given) or a VM definition file. Shared by `explain`,
// `verify` (its optional launch inputs), `vm verify` and `id-block check`.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "measure_flags.hpp"
#include "sevproof/workflows/explain_mismatch.hpp"

namespace sevproof::cli {

// The measure flags registered on one command, to tell whether (and which) were given.
struct measure_flag_set {
  std::vector<const CLI::Option*> options;
  // The first flag given ("--mode"), or empty when none was.
  [[nodiscard]] std::string first_given() const;
};

// Registers the measure flags (not required) in `group` (empty: measure_flags.hpp's own group).
measure_flag_set add_launch_flags(CLI::App& app, const std::shared_ptr<measure_cli>& m, const std::string& group);

// The belief from the measure flags (kernel and initrd hashed); on refusal prints why and sets `code`.
std::optional<workflows::launch_belief> belief_from_flags(const measure_cli& m, int& code);

// The belief from a VM definition file (files read and checked against their pins); same contract.
std::optional<workflows::launch_belief> belief_from_vm(const std::string& path, const std::string& prog, int& code);

}  // namespace sevproof::cli
