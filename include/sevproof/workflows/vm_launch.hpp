// The launch a VM definition describes, as QEMU arguments or a libvirt domain, so the VM is started
// with exactly the firmware, kernel, command line, vCPUs, policy, HOST_DATA and ID block the
// expected measurement was computed from. Properties as QEMU 10 (sev-snp-guest, sev-guest) and
// libvirt 11 (<launchSecurity type='sev-snp'>) name them.
#pragma once

#include <cctype>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "sevproof/core/base64.hpp"
#include "sevproof/core/text.hpp"
#include "sevproof/workflows/vm.hpp"

namespace sevproof::workflows::vm {

// Host-dependent settings the definition does not fix (the C-bit position is 51 and one physical
// address bit is lost on Milan, Genoa and Turin).
struct host_settings {
  unsigned cbitpos = 51, reduced_phys_bits = 1;
};

// The ID block and ID auth (base64), when the launch uses them: made by the caller (`vm id-block`).
struct id_material {
  std::string id_block, id_auth;
  bool author_key = false;
};

struct launch_args {
  std::vector<std::string> argv;   // QEMU arguments, without the program name
  std::vector<std::string> notes;  // what the definition fixes that no argument can (host settings)
};

namespace detail {

inline std::optional<error> launchable(const definition& d) {
  if (d.vmm_type != "QEMU")
    return error{d.source, "", std::nullopt,
                 d.where("launch.vmm_type") + ": " + d.vmm_type +
                     " guests are launched by their cloud, not by a QEMU command line"};
  if (d.mode != "sev" && d.vcpu_type.empty() && d.vcpu_sig.empty() && !d.vcpu_family)
    return error{d.source, "", std::nullopt, "launch.vcpu_type: needed to launch (QEMU's -cpu)"};
  return std::nullopt;
}

// A file as QEMU and libvirt are given it: absolute (libvirt's schema takes no relative <loader> or <kernel>, and
// QEMU would resolve a relative one from wherever it is started, not from the VM file).
inline std::string launch_path(const file_ref& f) {
  std::error_code ec;
  const auto p = std::filesystem::absolute(std::filesystem::path(f.resolved), ec);
  return ec ? f.resolved : p.lexically_normal().string();
}

inline std::string cpu_model(const definition& d) {
  if (!d.vcpu_type.empty()) return d.vcpu_type;
  std::uint32_t sig = 0;
  if (!d.vcpu_sig.empty())
    sig = static_cast<std::uint32_t>(parse_uint(d.vcpu_sig).value_or(0));
  else
    sig = measure::cpu_signature(static_cast<std::uint32_t>(*d.vcpu_family), static_cast<std::uint32_t>(*d.vcpu_model),
                                 static_cast<std::uint32_t>(*d.vcpu_stepping));
  // family = base + extended, model = extended << 4 | base, as CPUID 1 EAX encodes them
  const unsigned base_family = (sig >> 8) & 0xF, ext_family = (sig >> 20) & 0xFF;
  const unsigned family = base_family + (base_family == 0xF ? ext_family : 0);
  const unsigned model = ((sig >> 16) & 0xF) << 4 | ((sig >> 4) & 0xF), stepping = sig & 0xF;
  return "EPYC-v4,family=" + std::to_string(family) + ",model=" + std::to_string(model) +
         ",stepping=" + std::to_string(stepping);
}

inline std::string sev_object(const definition& d, const host_settings& h, const std::optional<id_material>& id) {
  const bool snp = d.mode == "snp";
  std::string o = std::string(snp ? "sev-snp-guest" : "sev-guest") + ",id=sev0,cbitpos=" + std::to_string(h.cbitpos) +
                  ",reduced-phys-bits=" + std::to_string(h.reduced_phys_bits);
  if (d.policy) o += ",policy=" + hex::number(*d.policy);
  if (d.kernel) o += ",kernel-hashes=on";
  if (!snp && d.fpu_init == "zero") o += ",legacy-vm-type=on";
  if (snp && id) {
    o += ",id-block=" + id->id_block + ",id-auth=" + id->id_auth;
    if (id->author_key) o += ",author-key-enabled=on";
  }
  if (d.host_data) o += ",host-data=" + base64::encode(*d.host_data);
  return o;
}

inline std::vector<std::string> notes(const definition& d, const std::optional<id_material>& id) {
  std::vector<std::string> n;
  if (d.mode == "snp") {
    const auto f = parse_uint(d.guest_features).value_or(1);
    n.push_back("guest_features " + d.guest_features + " (SEV_FEATURES) is chosen by the host kernel, not by QEMU: " +
                ((f & 0x20) ? "DebugSwap (0x20) needs kvm_amd debug_swap=1"
                            : "without DebugSwap (0x20) the host needs kvm_amd debug_swap=0"));
    if (d.id_block && !id)
      n.push_back(
          "the definition has an [id_block]: make it with `sevproof vm id-block` (or give --id-block/--id-auth)");
  }
  n.push_back("cbitpos and reduced-phys-bits are host properties (51 and 1 on Milan, Genoa and Turin)");
  return n;
}

}  // namespace detail

// QEMU: -accel kvm, the confidential-guest-support object, -cpu, -smp, -bios, direct boot.
inline result<launch_args> qemu_args(const definition& d, const host_settings& h = {},
                                     const std::optional<id_material>& id = std::nullopt) {
  if (auto e = detail::launchable(d)) return *e;
  launch_args a;
  a.argv = {
      "-accel", "kvm", "-machine", "q35,confidential-guest-support=sev0", "-object", detail::sev_object(d, h, id)};
  if (d.mode != "sev") {
    a.argv.insert(a.argv.end(), {"-cpu", detail::cpu_model(d), "-smp", std::to_string(d.vcpus.value_or(1))});
  }
  a.argv.insert(a.argv.end(), {"-bios", detail::launch_path(d.ovmf)});
  if (d.kernel) {
    a.argv.insert(a.argv.end(), {"-kernel", detail::launch_path(*d.kernel)});
    if (d.initrd) a.argv.insert(a.argv.end(), {"-initrd", detail::launch_path(*d.initrd)});
    if (d.append) a.argv.insert(a.argv.end(), {"-append", *d.append});
  }
  a.notes = detail::notes(d, id);
  return a;
}

namespace detail {

// Text for an XML element or attribute, read back by libvirt (libxml2) exactly as given: a carriage
// return and a tab are written as character references (a parser turns a literal CR, or CR LF, into
// LF, and normalises whitespace in attributes), so the guest gets the bytes that were measured.
// XML 1.0 cannot carry other control characters or invalid UTF-8: those are refused, naming `field`.
inline result<std::string> xml_text(const std::string& s, std::string_view field, const std::string& source) {
  std::string out;
  for (std::size_t i = 0; i < s.size();) {
    const auto q = utf8::decode(s, i);
    if (q.length == 0 ||
        (q.code_point < 0x20 && q.code_point != '\t' && q.code_point != '\n' && q.code_point != '\r') ||
        q.code_point == 0xFFFE || q.code_point == 0xFFFF) {
      std::string what = "a byte that is not UTF-8";
      if (q.length != 0) {
        what = hex::number(q.code_point, 4).substr(2);
        for (auto& c : what) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        what = "character U+" + what;
      }
      return error{source, "", std::nullopt,
                   std::string(field) + ": has " + what + " at byte " + std::to_string(i) +
                       ", which libvirt's domain XML cannot hold (XML 1.0 has no such character): launch it with "
                       "--for qemu"};
    }
    switch (q.code_point) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '\'':
        out += "&apos;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\r':
        out += "&#13;";
        break;
      case '\t':
        out += "&#9;";
        break;
      default:
        out.append(s, i, q.length);
    }
    i += q.length;
  }
  return out;
}

}  // namespace detail

// libvirt: a domain with <os> (loader, kernel, initrd, cmdline), <vcpu>, <cpu> and
// <launchSecurity>; `name` and `memory_mib` are placeholders the definition does not fix.
inline result<std::string> libvirt_domain(const definition& d, const std::string& name, unsigned memory_mib = 2048,
                                          const host_settings& h = {},
                                          const std::optional<id_material>& id = std::nullopt) {
  if (auto e = detail::launchable(d)) return *e;
  if (memory_mib == 0)
    return error{"--memory", "", std::nullopt, "0 MiB: a guest needs memory (libvirt refuses a domain without it)"};
  const bool snp = d.mode == "snp";
  std::string text[6];
  const std::pair<std::string, std::string_view> fields[6] = {
      {name, "the domain name"},
      {detail::launch_path(d.ovmf), "launch.ovmf"},
      {d.kernel ? detail::launch_path(*d.kernel) : "", "launch.kernel"},
      {d.initrd ? detail::launch_path(*d.initrd) : "", "launch.initrd"},
      {d.append.value_or(""), "launch.append"},
      {d.mode != "sev" ? detail::cpu_model(d) : "", "launch.vcpu_type"}};
  for (std::size_t i = 0; i < 6; ++i) {
    auto t = detail::xml_text(fields[i].first, fields[i].second, d.source);
    if (!t) return t.err();
    text[i] = *t;
  }
  std::string x = "<domain type='kvm'>\n  <name>" + text[0] + "</name>\n  <memory unit='MiB'>" +
                  std::to_string(memory_mib) + "</memory>\n  <vcpu>" + std::to_string(d.vcpus.value_or(1)) +
                  "</vcpu>\n  <os>\n    <type arch='x86_64' machine='q35'>hvm</type>\n"
                  "    <loader type='rom' stateless='yes'>" +
                  text[1] + "</loader>\n";
  if (d.kernel) {
    x += "    <kernel>" + text[2] + "</kernel>\n";
    if (d.initrd) x += "    <initrd>" + text[3] + "</initrd>\n";
    if (d.append) x += "    <cmdline>" + text[4] + "</cmdline>\n";
  }
  x += "  </os>\n";
  if (d.mode != "sev") {
    const auto& model = fields[5].first;
    if (model.find(',') != std::string::npos)
      return error{
          d.source, "", std::nullopt,
          std::string(d.vcpu_sig.empty() ? "launch.vcpu_family/vcpu_model/vcpu_stepping" : "launch.vcpu_sig") +
              ": libvirt needs a CPU model name, not a bare signature: set launch.vcpu_type (e.g. EPYC-Milan)"};
    x += "  <cpu mode='custom' match='exact' check='none'>\n    <model fallback='forbid'>" + text[5] +
         "</model>\n  </cpu>\n";
  }
  x += "  <launchSecurity type='" + std::string(snp ? "sev-snp" : "sev") + "'";
  if (snp) x += std::string(" authorKey='") + (id && id->author_key ? "yes" : "no") + "' vcek='yes'";
  x += std::string(" kernelHashes='") + (d.kernel ? "yes" : "no") + "'>\n";
  x += "    <cbitpos>" + std::to_string(h.cbitpos) + "</cbitpos>\n    <reducedPhysBits>" +
       std::to_string(h.reduced_phys_bits) + "</reducedPhysBits>\n";
  if (d.policy) x += "    <policy>" + hex::number(*d.policy, snp ? 8 : 4) + "</policy>\n";
  if (snp && id) x += "    <idBlock>" + id->id_block + "</idBlock>\n    <idAuth>" + id->id_auth + "</idAuth>\n";
  if (d.host_data) x += "    <hostData>" + base64::encode(*d.host_data) + "</hostData>\n";
  x += "  </launchSecurity>\n";
  if (!snp && d.fpu_init == "zero")
    x += "  <!-- launch.fpu_init = \"zero\": QEMU gets it from legacy-vm-type=on (the older KVM_SEV_INIT), which this "
         "domain XML has no element for; a launch through libvirt on a recent host starts with the modern FPU state "
         "and will not match. Launch it with QEMU and the arguments sevproof vm launch-args prints for qemu. -->\n";
  x += "</domain>\n";
  return x;
}

}  // namespace sevproof::workflows::vm
