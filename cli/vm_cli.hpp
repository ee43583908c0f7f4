// Shared by the `sevproof vm` subcommands (cmd_vm.cpp, cmd_vm_verify.cpp): loading a VM file from
// disk and reading the files it names, each checked against its pin.
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "commands.hpp"
#include "sevproof/workflows/vm.hpp"
#include "sevproof/workflows/vm_launch.hpp"

namespace sevproof::cli {

// The bytes and digests of the files a definition names, every one matching its pin.
struct vm_files {
  workflows::vm::launch_files launch;
  std::optional<bytes> id_key, author_key;
};

// Parses the VM file; every file it names must exist. On failure prints why and sets `code` (3).
// `prog` begins each message ("sevproof explain" when explain reads a VM file).
std::optional<workflows::vm::definition> load_vm(const std::string& path, int& code,
                                                 const std::string& prog = "sevproof vm");

// Reads the firmware and keys, hashes kernel and initrd (streaming), checks every pin. Without
// `launch` only the key files are read (the launch files are not needed for a recorded digest).
std::optional<vm_files> read_vm_files(const workflows::vm::definition& d, int& code, bool launch = true,
                                      const std::string& prog = "sevproof vm");

// Signs the ID block for launch digest `ld` with the definition's keys.
result<workflows::vm::id_material> make_id_material(const workflows::vm::definition& d, const bytes& ld,
                                                    const vm_files& files);

// Registers `vm verify` (cmd_vm_verify.cpp).
void add_vm_verify(CLI::App& vm, std::vector<std::pair<CLI::App*, runner>>& subs);

}  // namespace sevproof::cli
