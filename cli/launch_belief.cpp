// The believed launch from the measure flags or a VM file (launch_belief.hpp).
#include "launch_belief.hpp"

#include <iostream>

#include "io.hpp"
#include "vm_cli.hpp"

namespace sevproof::cli {

std::string measure_flag_set::first_given() const {
  for (const auto* o : options)
    if (o->count() > 0) return o->get_name();
  return {};
}

measure_flag_set add_launch_flags(CLI::App& app, const std::shared_ptr<measure_cli>& m, const std::string& group) {
  const auto before = app.get_options().size();
  add_measure_flags(app, m, false);
  measure_flag_set set;
  const auto all = app.get_options();
  for (auto i = before; i < all.size(); ++i) {
    if (!group.empty()) all[i]->group(group);
    set.options.push_back(all[i]);
  }
  return set;
}

std::optional<workflows::launch_belief> belief_from_flags(const measure_cli& m, int& code) {
  if (m.mode == "snp:ovmf-hash" || m.mode == "snp:svsm") {
    std::cerr << "sevproof " << m.command << ": --mode " << m.mode
              << ": explain compares snp, seves and sev launches\n";
    code = usage;
    return std::nullopt;
  }
  auto launch = prepare_launch(m, nullptr, code);
  if (!launch) return std::nullopt;
  workflows::launch_belief b{
      launch->inputs, std::move(launch->fw), m.ovmf,
      std::nullopt,   !m.initrd.empty(),     !m.vcpu_type.empty() || !m.vcpu_sig.empty() || m.vcpu_family.has_value()};
  if (m.append_given()) b.append = m.append;
  // A 32-byte digest may be SEV-ES even when --mode sev was given: its vCPU count is then the one tried.
  if (m.mode == "sev" && m.vcpus && *m.vcpus > 0) b.inputs.vcpus = static_cast<unsigned>(*m.vcpus);
  return b;
}

std::optional<workflows::launch_belief> belief_from_vm(const std::string& path, const std::string& prog, int& code) {
  auto d = load_vm(path, code, prog + ": --vm");
  if (!d) return std::nullopt;
  auto files = read_vm_files(*d, code, true, prog + ": --vm");
  if (!files) return std::nullopt;
  auto b = workflows::belief_of(*d, std::move(files->launch));
  if (!b) {
    std::cerr << prog << ": --vm " << path << ": " << b.err().to_string() << "\n";
    code = bad_input;
    return std::nullopt;
  }
  return std::move(b).value();
}

}  // namespace sevproof::cli
