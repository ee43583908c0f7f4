// OpenStack Nova's memory-encryption decision, replayed offline: from a flavor and an image (and what the
// compute node knows) to the model Nova resolves, whether it refuses to boot the pair and why, and the launch
// it asks libvirt for (policy, kernel hashes, command line, vCPUs).
//
// Facts: shared/spec/workflows.md §1 (Nova's hardware.py get_mem_encryption_constraint and the SEV config
// classes, driver.py _set_guest_for_inst_kernel and _guest_configure_sev_mem_encryption, config.py's launch
// security policies), and YAOOK's stricter recommendations. Nova stops at its first refusal; so does this.
// Every finding has a stable code (docs/openstack.md lists them); codes are never reused or renumbered.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sevproof/core/text.hpp"
#include "sevproof/core/error.hpp"
#include "sevproof/core/hex.hpp"
#include "sevproof/measure/vcpu.hpp"
#include "sevproof/pipeline/measure_launch.hpp"
#include "sevproof/workflows/openstack_input.hpp"
#include "sevproof/workflows/vm_write.hpp"

namespace sevproof::workflows::openstack {

inline constexpr int schema_version = 1;

enum class model { amd_sev, amd_sev_es, amd_sev_snp };

inline std::string_view model_name(model m) {
  switch (m) {
    case model::amd_sev:
      return "amd-sev";
    case model::amd_sev_es:
      return "amd-sev-es";
    case model::amd_sev_snp:
      return "amd-sev-snp";
  }
  return "?";
}

inline std::optional<model> model_from_name(std::string_view s) {
  if (s == "amd-sev") return model::amd_sev;
  if (s == "amd-sev-es") return model::amd_sev_es;
  if (s == "amd-sev-snp") return model::amd_sev_snp;
  return std::nullopt;
}

// The short names of --require: sev, sev-es, sev-snp (the model names are accepted too).
inline std::optional<model> model_from_short_name(std::string_view s) {
  if (s == "sev") return model::amd_sev;
  if (s == "sev-es") return model::amd_sev_es;
  if (s == "sev-snp") return model::amd_sev_snp;
  return model_from_name(s);
}

enum class severity { error, warning, info };

inline std::string_view severity_name(severity s) {
  return s == severity::error ? "error" : s == severity::warning ? "warning" : "info";
}

struct finding_info {
  std::string_view code;
  severity level;
  std::string_view title;
};

// The codes, in the order they can appear. docs/openstack.md documents this table (a test keeps them in step).
namespace codes {
inline constexpr finding_info not_encrypted{"O001", severity::info,
                                            "not encrypted: neither side asks for memory encryption"};
inline constexpr finding_info model_alone{"O002", severity::warning,
                                          "a memory-encryption model without mem_encryption changes nothing"};
inline constexpr finding_info odd_boolean{"O003", severity::warning, "a boolean in a spelling Nova reads as false"};
inline constexpr finding_info encryption_conflict{"O004", severity::error,
                                                  "flavor and image disagree on mem_encryption (FlavorImageConflict)"};
inline constexpr finding_info model_conflict{"O005", severity::error,
                                             "flavor and image disagree on mem_encryption_model (FlavorImageConflict)"};
inline constexpr finding_info unknown_model{"O006", severity::error, "unknown memory-encryption model (Invalid)"};
inline constexpr finding_info default_model{"O007", severity::info, "no model named: Nova uses amd-sev"};
inline constexpr finding_info not_uefi{"O008", severity::error,
                                       "image firmware type is not uefi (FlavorImageConflict)"};
inline constexpr finding_info not_q35{"O009", severity::error, "machine type without q35 (InvalidMachineType)"};
inline constexpr finding_info machine_unknown{"O010", severity::warning,
                                              "machine type set nowhere: the compute node decides"};
inline constexpr finding_info not_stateless{"O011", severity::error,
                                            "amd-sev-snp without stateless firmware (StatelessFirmwareRequired)"};
inline constexpr finding_info firmware_only{"O012", severity::info,
                                            "no kernel_id (or \"nokernel\"): only the firmware is measured"};
inline constexpr finding_info sev_kernel_unmeasured{
    "O013", severity::warning, "SEV/SEV-ES direct boot: kernel, initrd and command line are not measured"};
inline constexpr finding_info cmdline_without_kernel{"O014", severity::warning,
                                                     "os_command_line without kernel_id is ignored"};
inline constexpr finding_info ramdisk_without_kernel{"O015", severity::warning,
                                                     "ramdisk_id without kernel_id is ignored"};
inline constexpr finding_info empty_cmdline{"O016", severity::warning,
                                            "empty os_command_line: Nova uses its default command line"};
inline constexpr finding_info tcg{"O017", severity::warning,
                                  "virt_type=qemu (TCG): no_timer_check appended, no real SEV"};
inline constexpr finding_info vcpu_model_node{"O018", severity::info, "vCPU model: the compute node decides"};
inline constexpr finding_info vcpu_model_unknown{"O019", severity::warning,
                                                 "cpu_model is not a vCPU type sevproof can measure"};
inline constexpr finding_info node_cpu_invalid{
    "O024", severity::error, "cpu_model without cpu_mode=custom: nova-compute does not start (Invalid)"};
inline constexpr finding_info invalid_image_field{"O025", severity::error,
                                                  "image property Nova cannot read as its type (InvalidRequest)"};
inline constexpr finding_info root_device_from_image{"O026", severity::info,
                                                     "root device of the default command line set by the image"};
inline constexpr finding_info custom_without_model{
    "O027", severity::error, "cpu_mode=custom without cpu_model: nova-compute does not start (Invalid)"};
inline constexpr finding_info yaook_machine{"O020", severity::warning, "YAOOK: set hw_machine_type=q35 on the image"};
inline constexpr finding_info yaook_encryption{"O021", severity::warning,
                                               "YAOOK: set hw_mem_encryption=true on the image"};
inline constexpr finding_info yaook_model{"O022", severity::warning, "YAOOK: set hw_mem_encryption_model on the image"};
inline constexpr finding_info yaook_guest{"O023", severity::info,
                                          "YAOOK: guests need UEFI boot and Linux 5.19 or later"};
inline constexpr finding_info require_mismatch{"O030", severity::error, "resolved model is not the required one"};
}  // namespace codes

inline constexpr const finding_info* all_codes[] = {&codes::not_encrypted,
                                                    &codes::model_alone,
                                                    &codes::odd_boolean,
                                                    &codes::encryption_conflict,
                                                    &codes::model_conflict,
                                                    &codes::unknown_model,
                                                    &codes::default_model,
                                                    &codes::not_uefi,
                                                    &codes::not_q35,
                                                    &codes::machine_unknown,
                                                    &codes::not_stateless,
                                                    &codes::firmware_only,
                                                    &codes::sev_kernel_unmeasured,
                                                    &codes::cmdline_without_kernel,
                                                    &codes::ramdisk_without_kernel,
                                                    &codes::empty_cmdline,
                                                    &codes::tcg,
                                                    &codes::vcpu_model_node,
                                                    &codes::vcpu_model_unknown,
                                                    &codes::node_cpu_invalid,
                                                    &codes::invalid_image_field,
                                                    &codes::root_device_from_image,
                                                    &codes::custom_without_model,
                                                    &codes::yaook_machine,
                                                    &codes::yaook_encryption,
                                                    &codes::yaook_model,
                                                    &codes::yaook_guest,
                                                    &codes::require_mismatch};

struct finding {
  std::string code;
  severity level;
  std::string message;
};

// What Nova asks libvirt for (driver.py and config.py).
inline constexpr std::uint32_t sev_policy = 0x0033;      // NODBG | NOKS | DOMAIN | SEV
inline constexpr std::uint32_t sev_es_policy = 0x0037;   // ... | ES
inline constexpr std::uint32_t snp_policy = 0x00030000;  // SMT | reserved bit 17
inline constexpr std::string_view nova_console = "console=tty0 console=ttyS0 console=hvc0";

struct launch_shape {
  model resolved = model::amd_sev;
  std::uint32_t policy = 0;
  bool kernel_hashes = false;
  std::optional<std::string> cmdline;  // set exactly when the image has a kernel_id
  unsigned vcpus = 0;
  std::optional<std::string> kernel_id, ramdisk_id, vcpu_type, machine_type;
};

struct check_options {
  node_facts node;
  std::string root_device;  // empty: Nova's own choice (the image's disk bus or root_device_name; /dev/vda)
  std::optional<model> require;
};

struct check_result {
  std::optional<model> resolved;  // null: not encrypted, or refused before a model was settled
  bool refused = false;           // Nova would refuse to boot the pair
  bool encrypted = false;         // flavor or image asks for memory encryption
  std::vector<finding> findings;
  std::optional<launch_shape> launch;
  std::optional<model> required;
  std::string flavor_name, image_name, image_id;

  // Exit code 0: launchable as resolved, and the required model when one is required.
  [[nodiscard]] bool launchable() const { return !refused && (!required || resolved == required); }
};

// Nova's boolean reading (oslo strutils.bool_from_string, not strict): these spellings are true, the
// false ones false, and anything else is also false (which is why the caller reports it).
inline bool nova_true(std::string_view v) {
  return v == "1" || v == "t" || v == "true" || v == "on" || v == "y" || v == "yes";
}
inline bool nova_false(std::string_view v) {
  return v == "0" || v == "f" || v == "false" || v == "off" || v == "n" || v == "no";
}

namespace detail {

// The length of the whitespace character at the start of `s` as Python's str.strip() removes it (str.isspace:
// ASCII \t-\r and \x1c-\x1f, space, U+0085, U+00A0, U+1680, U+2000-200A, U+2028, U+2029, U+202F, U+205F, U+3000),
// 0 when there is none. UTF-8.
inline std::size_t python_space_at(std::string_view s) {
  if (s.empty()) return 0;
  const auto c = static_cast<unsigned char>(s[0]);
  if ((c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20)) return 1;
  const auto u = [&](std::size_t i) { return i < s.size() ? static_cast<unsigned char>(s[i]) : 0u; };
  if (c == 0xC2 && (u(1) == 0x85 || u(1) == 0xA0)) return 2;
  if (c == 0xE1 && u(1) == 0x9A && u(2) == 0x80) return 3;  // U+1680
  if (c == 0xE2 && u(1) == 0x80 && (u(2) <= 0x8A || u(2) == 0xA8 || u(2) == 0xA9 || u(2) == 0xAF) && u(2) >= 0x80)
    return 3;                                               // U+2000-200A, U+2028, U+2029, U+202F
  if (c == 0xE2 && u(1) == 0x81 && u(2) == 0x9F) return 3;  // U+205F
  if (c == 0xE3 && u(1) == 0x80 && u(2) == 0x80) return 3;  // U+3000
  return 0;
}
// The same at the end of `s`.
inline std::size_t python_space_before_end(std::string_view s) {
  for (std::size_t n = 1; n <= 3 && n <= s.size(); ++n)
    if (python_space_at(s.substr(s.size() - n)) == n) return n;
  return 0;
}

// A value as Nova's bool_from_string reads it: strip() (Python's whitespace, Unicode included), then lower().
inline std::string lower_trimmed(std::string_view v) {
  while (const auto n = python_space_at(v)) v.remove_prefix(n);
  while (const auto n = python_space_before_end(v)) v.remove_suffix(n);
  std::string s(v);
  for (auto& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

inline const std::string* get(const property_map& m, std::string_view key) {
  auto it = m.find(std::string(key));
  return it == m.end() ? nullptr : &it->second;
}

inline void add(check_result& r, const finding_info& f, std::string message) {
  r.findings.push_back({std::string(f.code), f.level, std::move(message)});
}

// A value for a message, control characters and invalid UTF-8 shown as \xNN (names and IDs are not trusted
// with a terminal, and the message goes into JSON).
inline std::string printable(std::string_view s) { return utf8::printable(s); }

inline std::string in_quotes(std::string_view s) { return "'" + printable(s) + "'"; }

// A boolean property as Nova reads it; reports spellings that are neither true nor false.
inline std::optional<bool> read_bool(check_result& r, const property_map& m, std::string_view key,
                                     std::string_view side) {
  const auto* v = get(m, key);
  if (!v) return std::nullopt;
  const auto s = lower_trimmed(*v);
  if (nova_true(s)) return true;
  if (!nova_false(s))
    add(r, codes::odd_boolean,
        std::string(side) + " " + std::string(key) + "=" + in_quotes(*v) +
            " is read as false by Nova (true is one of 1, t, true, on, y, yes, in any case)");
  return false;
}

struct sides {
  std::string flavor, image;  // "flavor NAME", "image NAME (ID)"
};

inline sides side_names(const flavor& f, const image& im) {
  std::string image_label = "image " + (im.name.empty() ? std::string("(unnamed)") : in_quotes(im.name));
  if (!im.id.empty()) image_label += " (" + printable(im.id) + ")";
  return {"flavor " + (f.name.empty() ? std::string("(unnamed)") : in_quotes(f.name)), image_label};
}

// Before any rule: Nova reads the image's properties as typed fields (ImageMetaProps), and an enum property
// holding another value fails the request (InvalidRequest, HTTP 400) whatever the flavor asks. Returns false then.
inline bool replay_image_fields(check_result& r, const image& im, const sides& s) {
  if (const auto* m = get(im.props, "hw_mem_encryption_model"); m && !model_from_name(*m)) {
    add(r, codes::unknown_model,
        s.image + " hw_mem_encryption_model=" + in_quotes(*m) +
            " is not a model Nova knows (amd-sev, amd-sev-es, amd-sev-snp): Nova reads image properties as typed "
            "fields and refuses the image whatever the flavor asks; remove the property to name no model");
    r.refused = true;
    return false;
  }
  static constexpr std::array<std::string_view, 9> buses{"fdc",    "ide", "sata", "scsi", "usb",
                                                         "virtio", "xen", "lxc",  "uml"};
  static constexpr std::array<std::string_view, 2> firmware{"uefi", "bios"};
  const auto refuse = [&](std::string_view key, const std::string& value, const std::string& valid) {
    add(r, codes::invalid_image_field,
        s.image + " " + std::string(key) + "=" + in_quotes(value) + " is not one of " + valid +
            " (case matters): Nova reads image properties as typed fields and refuses the image whatever the "
            "flavor asks");
    r.refused = true;
    return false;
  };
  if (const auto* fw = get(im.props, "hw_firmware_type");
      fw && std::find(firmware.begin(), firmware.end(), *fw) == firmware.end())
    return refuse("hw_firmware_type", *fw, "uefi, bios");
  for (std::string_view key : {"hw_disk_bus", "hw_cdrom_bus"})
    if (const auto* b = get(im.props, key); b && std::find(buses.begin(), buses.end(), *b) == buses.end())
      return refuse(key, *b, "fdc, ide, sata, scsi, usb, virtio, xen, lxc, uml");
  // A valid bus that QEMU/KVM guests do not have: the compute node refuses the root disk on it
  // (blockinfo.is_disk_bus_valid_for_virt: UnsupportedHardware).
  if (const auto* b = get(im.props, im.disk_format == "iso" ? "hw_cdrom_bus" : "hw_disk_bus");
      b && (*b == "xen" || *b == "lxc" || *b == "uml")) {
    add(r, codes::invalid_image_field,
        s.image + " " + (im.disk_format == "iso" ? "hw_cdrom_bus=" : "hw_disk_bus=") + in_quotes(*b) +
            " is a bus QEMU/KVM guests do not have: the compute node refuses the root disk (UnsupportedHardware)");
    r.refused = true;
    return false;
  }
  return true;
}

// Does either side ask for memory encryption (no findings: for the notes when the image was refused first)?
inline bool asks_encryption(const flavor& f, const image& im) {
  const auto* fe = get(f.specs, "hw:mem_encryption");
  const auto* ie = get(im.props, "hw_mem_encryption");
  return (fe && nova_true(lower_trimmed(*fe))) || (ie && nova_true(lower_trimmed(*ie)));
}

// Rules 1 and 2: is encryption requested, and do the sides agree? Returns false when the replay stops.
inline bool replay_request(check_result& r, const flavor& f, const image& im, const sides& s) {
  const auto fe = read_bool(r, f.specs, "hw:mem_encryption", s.flavor);
  const auto ie = read_bool(r, im.props, "hw_mem_encryption", s.image);
  if (!fe.value_or(false) && !ie.value_or(false)) {
    add(r, codes::not_encrypted,
        "neither " + s.flavor + " hw:mem_encryption nor " + s.image +
            " hw_mem_encryption is true: Nova boots an unencrypted guest");
    const auto* fm = get(f.specs, "hw:mem_encryption_model");
    const auto* imm = get(im.props, "hw_mem_encryption_model");
    if (fm || imm)
      add(r, codes::model_alone,
          (fm ? s.flavor + " hw:mem_encryption_model=" + in_quotes(*fm)
              : s.image + " hw_mem_encryption_model=" + in_quotes(*imm)) +
              " is set, but without mem_encryption=true it asks for nothing");
    return false;
  }
  r.encrypted = true;
  if (fe && ie && *fe != *ie) {
    add(r, codes::encryption_conflict,
        s.flavor + " hw:mem_encryption=" + in_quotes(*get(f.specs, "hw:mem_encryption")) + " conflicts with " +
            s.image + " hw_mem_encryption=" + in_quotes(*get(im.props, "hw_mem_encryption")));
    r.refused = true;
    return false;
  }
  return true;
}

// Rules 3 and 4: the model. Returns nullopt when the replay stops.
inline std::optional<model> replay_model(check_result& r, const flavor& f, const image& im, const sides& s) {
  const auto* fm = get(f.specs, "hw:mem_encryption_model");
  const auto* imm = get(im.props, "hw_mem_encryption_model");
  // An image's model is valid here (replay_image_fields); a flavor's extra spec is a string, and an empty one names
  // no model.
  if (fm && imm && *fm != *imm) {
    add(r, codes::model_conflict,
        s.flavor + " hw:mem_encryption_model=" + in_quotes(*fm) + " conflicts with " + s.image +
            " hw_mem_encryption_model=" + in_quotes(*imm));
    r.refused = true;
    return std::nullopt;
  }
  // Nova takes the image's when both are given (they are equal here); an empty flavor value names no model.
  const std::string* given = imm ? imm : fm && !fm->empty() ? fm : nullptr;
  if (!given) {
    add(r, codes::default_model,
        "neither " + s.flavor + " hw:mem_encryption_model nor " + s.image +
            " hw_mem_encryption_model names a model: Nova uses amd-sev");
    return model::amd_sev;
  }
  auto m = model_from_name(*given);
  if (!m) {  // only a flavor's can be unknown here: an image's was refused first (replay_image_fields)
    add(r, codes::unknown_model,
        s.flavor + " hw:mem_encryption_model=" + in_quotes(*given) +
            " is not a model Nova knows (amd-sev, amd-sev-es, amd-sev-snp)");
    r.refused = true;
  }
  return m;
}

// Rules 5 to 7: firmware type, machine type, stateless firmware. Returns false when Nova refuses.
inline bool replay_constraints(check_result& r, model m, const image& im, const node_facts& node, const sides& s,
                               std::optional<std::string>& machine_type) {
  const auto* fw = get(im.props, "hw_firmware_type");
  if (!fw || *fw != "uefi") {
    add(r, codes::not_uefi,
        s.image + " hw_firmware_type is " + (fw ? in_quotes(*fw) : std::string("not set")) +
            "; memory encryption needs 'uefi'");
    r.refused = true;
    return false;
  }
  const auto* mt = get(im.props, "hw_machine_type");
  machine_type = mt ? std::optional<std::string>(*mt) : node.machine_type;
  if (!machine_type) {
    add(r, codes::machine_unknown,
        s.image +
            " has no hw_machine_type and --node gives no machine_type: the API "
            "accepts, the compute node's [libvirt] hw_machine_type decides (Nova's x86_64 "
            "default 'pc' is refused)");
  } else if (machine_type->find("q35") == std::string::npos) {
    add(r, codes::not_q35,
        std::string(mt ? s.image + " hw_machine_type=" : "the node's machine_type=") + in_quotes(*machine_type) +
            " has no q35 in it; memory encryption needs a q35 machine");
    r.refused = true;
    return false;
  }
  if (m == model::amd_sev_snp) {
    // Stateless is read only with uefi firmware, which rule 5 has already required.
    const auto stateless = read_bool(r, im.props, "hw_firmware_stateless", s.image);
    if (!stateless.value_or(false)) {
      add(r, codes::not_stateless,
          s.image + " hw_firmware_stateless is " +
              (stateless ? in_quotes(*get(im.props, "hw_firmware_stateless")) : std::string("not set")) +
              "; amd-sev-snp needs it true");
      r.refused = true;
      return false;
    }
  }
  return true;
}

// The root disk's device as Nova names it in its default command line (blockinfo.get_root_info): the image's
// root_device_name; else the first disk of the root bus: the CD-ROM bus for an ISO image (hw_cdrom_bus, or sata on
// q35, which encryption requires), else hw_disk_bus (virtio by default). `from`: why, when the image decided.
inline std::string nova_root_device(const image& im, std::string& from) {
  if (const auto* name = get(im.props, "root_device_name"); name && !name->empty()) {
    from = "root_device_name=" + in_quotes(*name);
    return name->rfind("/dev/", 0) == 0 ? *name : "/dev/" + *name;
  }
  const bool iso = im.disk_format == "iso";
  const auto* given = get(im.props, iso ? "hw_cdrom_bus" : "hw_disk_bus");
  const std::string bus = given ? *given : iso ? "sata" : "virtio";
  if (iso || given)
    from = iso ? "disk_format 'iso' (a CD-ROM on the " + bus + " bus" + (given ? ", hw_cdrom_bus" : "") + ")"
               : "hw_disk_bus=" + in_quotes(bus);
  const std::string prefix = bus == "ide" ? "hd" : bus == "virtio" ? "vd" : bus == "fdc" ? "fd" : "sd";
  return "/dev/" + prefix + "a";
}

// The command line Nova gives a directly booted kernel (driver.py _set_guest_for_inst_kernel).
inline std::string nova_cmdline(const image& im, const check_options& o) {
  const auto* given = get(im.props, "os_command_line");
  if (given && !given->empty()) return *given;
  std::string from;
  const std::string root = o.root_device.empty() ? nova_root_device(im, from) : o.root_device;
  std::string line = "root=" + root + " " + std::string(nova_console);
  if (o.node.virt_type == "qemu") line += " no_timer_check";
  return line;
}

// The kernel Nova boots directly: the image's kernel_id, unless that is "nokernel", which tells Nova to boot no
// kernel and no ramdisk (compute/api.py, _handle_kernel_and_ramdisk).
inline constexpr std::string_view no_kernel_id = "nokernel";
// An empty kernel_id is none as well: the driver boots a kernel only `if instance.kernel_id`.
inline const std::string* booted_kernel(const image& im) {
  const auto* k = get(im.props, "kernel_id");
  return k && !k->empty() && *k != no_kernel_id ? k : nullptr;
}

inline void note_boot(check_result& r, const launch_shape& l, const image& im, const sides& s,
                      const std::string& root_device_given) {
  const auto* kernel = booted_kernel(im);
  const auto* cmd = get(im.props, "os_command_line");
  if (!kernel) {
    const auto* kid = get(im.props, "kernel_id");
    const std::string why =
        !kid           ? " has no kernel_id"
        : kid->empty() ? " has an empty kernel_id, which Nova's libvirt driver takes as none (its API may also "
                         "refuse to look up an image with no id)"
                       : " has kernel_id \"nokernel\", which tells Nova to boot no kernel and no ramdisk";
    add(r, codes::firmware_only,
        s.image + why +
            ": the guest boots from its disk, only the firmware is measured (not the kernel, initrd, command line or "
            "disk)");
    const std::string without = !kid           ? "without kernel_id"
                                : kid->empty() ? "with an empty kernel_id"
                                               : "with kernel_id \"nokernel\"";
    if (cmd)
      add(r, codes::cmdline_without_kernel, s.image + " os_command_line=" + in_quotes(*cmd) + " is ignored " + without);
    if (const auto* rd = get(im.props, "ramdisk_id"))
      add(r, codes::ramdisk_without_kernel, s.image + " ramdisk_id " + printable(*rd) + " is ignored " + without);
    return;
  }
  if (cmd && cmd->empty())
    add(r, codes::empty_cmdline, s.image + " os_command_line is empty: Nova uses \"" + *l.cmdline + "\"");
  if (std::string from; (!cmd || cmd->empty()) && root_device_given.empty()) {
    const auto root = nova_root_device(im, from);
    if (!from.empty())
      add(r, codes::root_device_from_image,
          s.image + " " + from + " makes the root device " + root +
              " in Nova's default command line (a compute node's [libvirt] disk_prefix would change it; "
              "--root-device overrides)");
  }
  if (l.resolved != model::amd_sev_snp)
    add(r, codes::sev_kernel_unmeasured,
        std::string(model_name(l.resolved)) + " boots kernel_id " + printable(*kernel) +
            " directly, but Nova asks no kernel hashes for SEV/SEV-ES: only the "
            "firmware is measured");
}

inline void note_node(check_result& r, model m, const node_facts& node) {
  if (node.virt_type == "qemu")
    add(r, codes::tcg,
        "the node's virt_type=qemu is TCG emulation: Nova appends no_timer_check to its default "
        "command line, and no real SEV guest runs without kvm");
  // nova-compute checks its CPU settings when it starts (LibvirtDriver._check_cpu_compatibility): cpu_models
  // with any cpu_mode but custom (unset included) is Invalid, and the service does not start.
  if (node.cpu_model && node.cpu_mode != "custom") {
    add(r, codes::node_cpu_invalid,
        "the node's cpu_model=" + in_quotes(*node.cpu_model) + " with " +
            (node.cpu_mode ? "cpu_mode=" + *node.cpu_mode : std::string("no cpu_mode")) +
            ": nova-compute refuses to start (\"The cpu_models option is not required when cpu_mode!=custom\"); "
            "give cpu_mode=custom if that is the node's setting");
    r.refused = true;
    return;
  }
  if (node.cpu_mode == "custom" && !node.cpu_model) {
    add(r, codes::custom_without_model,
        "the node's cpu_mode=custom without cpu_model: nova-compute refuses to start (\"The cpu_models option is "
        "required when cpu_mode=custom\"); give the node's cpu_model");
    r.refused = true;
    return;
  }
  if (m == model::amd_sev) return;  // no VMSA is measured for SEV: the vCPU type does not matter
  if (!node.cpu_model) {
    add(r, codes::vcpu_model_node,
        node.cpu_mode == "host-passthrough"
            ? std::string("cpu_mode=host-passthrough: the VMSA carries the host CPU's own family, model and stepping: "
                          "measure with its signature (--vcpu-sig; explain tries a report's own CPUID)")
            : "--node gives no cpu_model: the compute node's [libvirt] cpu_mode" +
                  (node.cpu_mode ? "=" + *node.cpu_mode : std::string()) +
                  " (and cpu_models) decide the vCPU type the VMSA carries");
    return;
  }
  if (!measure::canonical_vcpu_type(*node.cpu_model))
    add(r, codes::vcpu_model_unknown,
        "the node's cpu_model=" + in_quotes(*node.cpu_model) +
            " is not a vCPU type sevproof knows; the VMSA signature must be given by hand");
}

inline void note_yaook(check_result& r, const image& im, const sides& s) {
  const auto* mt = get(im.props, "hw_machine_type");
  if (!mt)
    add(r, codes::yaook_machine,
        s.image + " has no hw_machine_type: YAOOK recommends hw_machine_type=q35 on the image");
  const auto* e = get(im.props, "hw_mem_encryption");
  if (!e || !nova_true(lower_trimmed(*e)))
    add(r, codes::yaook_encryption,
        s.image +
            " does not set hw_mem_encryption=true: YAOOK recommends it on the image "
            "too, so a flavor that disagrees is refused instead of ignored");
  if (!get(im.props, "hw_mem_encryption_model"))
    add(r, codes::yaook_model,
        s.image +
            " names no hw_mem_encryption_model: YAOOK recommends it on the image too, "
            "so a flavor asking for another model is refused");
  add(r, codes::yaook_guest, "the guest must boot with UEFI and run Linux 5.19 or later (YAOOK)");
}

inline launch_shape shape(model m, const flavor& f, const image& im, const check_options& o,
                          std::optional<std::string> machine_type) {
  launch_shape l;
  l.resolved = m;
  l.policy = m == model::amd_sev_snp ? snp_policy : m == model::amd_sev_es ? sev_es_policy : sev_policy;
  l.vcpus = f.vcpus;
  if (const auto* k = booted_kernel(im)) {
    l.kernel_id = *k;
    l.cmdline = nova_cmdline(im, o);
    if (const auto* rd = get(im.props, "ramdisk_id")) l.ramdisk_id = *rd;
  }
  l.kernel_hashes = m == model::amd_sev_snp && l.kernel_id.has_value();
  // Nova reads cpu_models without regard to case and gives libvirt its spelling (_get_cpu_model_mapping).
  if (o.node.cpu_model && o.node.cpu_mode == "custom") {
    const auto known = measure::canonical_vcpu_type(*o.node.cpu_model);
    l.vcpu_type = known ? std::string(*known) : *o.node.cpu_model;
  }
  l.machine_type = std::move(machine_type);
  return l;
}

}  // namespace detail

// Nova's decision for this flavor and image, in Nova's order, then what it asks libvirt for.
inline check_result check(const flavor& f, const image& im, const check_options& o = {}) {
  check_result r;
  r.required = o.require;
  r.flavor_name = f.name;
  r.image_name = im.name;
  r.image_id = im.id;
  const auto s = detail::side_names(f, im);
  if (!detail::replay_image_fields(r, im, s)) {
    r.encrypted = detail::asks_encryption(f, im);
  } else if (detail::replay_request(r, f, im, s)) {
    if (auto m = detail::replay_model(r, f, im, s)) {
      std::optional<std::string> machine_type;
      if (detail::replay_constraints(r, *m, im, o.node, s, machine_type)) {
        r.launch = detail::shape(*m, f, im, o, machine_type);
        detail::note_boot(r, *r.launch, im, s, o.root_device);
        detail::note_node(r, *m, o.node);
        if (r.refused) r.launch.reset();  // the node's settings stop it: there is no launch to describe
      }
      r.resolved = m;
    }
  }
  if (r.encrypted) detail::note_yaook(r, im, s);
  if (o.require && !r.refused && r.resolved != o.require)
    detail::add(r, codes::require_mismatch,
                "Nova resolves " + std::string(r.resolved ? model_name(*r.resolved) : "no encryption") + ", but " +
                    std::string(model_name(*o.require)) + " is required");
  return r;
}

// The --json rendering (schemas/openstack-check.schema.json).
inline nlohmann::ordered_json to_json(const check_result& r) {
  using oj = nlohmann::ordered_json;
  auto opt = [](const std::optional<std::string>& v) { return v ? oj(*v) : oj(nullptr); };
  oj findings = oj::array();
  for (const auto& f : r.findings)
    findings.push_back({{"code", f.code}, {"severity", std::string(severity_name(f.level))}, {"message", f.message}});
  oj launch = nullptr;
  if (r.launch) {
    const auto& l = *r.launch;
    const bool snp = l.resolved == model::amd_sev_snp;
    launch = {{"policy", hex::number(l.policy, snp ? 8 : 4)},
              {"kernel_hashes", l.kernel_hashes},
              {"cmdline", opt(l.cmdline)},
              {"vcpus", l.vcpus},
              {"launch_security", snp ? "sev-snp" : "sev"},
              {"kernel_id", opt(l.kernel_id)},
              {"ramdisk_id", opt(l.ramdisk_id)},
              {"vcpu_type", opt(l.vcpu_type)},
              {"machine_type", opt(l.machine_type)}};
  }
  return {{"schema_version", schema_version},
          {"model", r.resolved ? oj(std::string(model_name(*r.resolved))) : oj(nullptr)},
          {"refused", r.refused},
          {"findings", findings},
          {"launch", launch}};
}

// The verdict in one line, as `sevproof openstack check` ends its text (and the page shows it).
inline std::string verdict_line(const check_result& r) {
  const std::string got = r.resolved ? std::string(model_name(*r.resolved)) : "no encryption";
  if (r.refused) return "REFUSED: Nova would not boot this flavor with this image";
  if (!r.launchable())
    return "NOT AS REQUIRED: Nova would boot it with " + got + ", not " + std::string(model_name(*r.required));
  if (!r.resolved) return "NOT ENCRYPTED: Nova boots it as an ordinary guest";
  return "LAUNCHABLE as " + got;
}

// For the page (and any caller holding the two texts): parse both documents and check them. Errors name
// the document ("flavor" or "image") and the problem.
inline result<check_result> check_documents(std::string_view flavor_json, std::string_view image_json,
                                            const check_options& o = {}) {
  auto f = parse_flavor(flavor_json);
  if (!f) return f.err();
  auto im = parse_image(image_json);
  if (!im) return im.err();
  return check(*f, *im, o);
}

// The options as people type them (CLI flags, page fields): --node texts, --require, --root-device.
// Errors have field "usage" and a message that names the option.
inline result<check_options> make_options(const std::vector<std::string>& node, std::string_view require,
                                          std::string_view root_device = "") {
  check_options o;
  for (const auto& n : node) {
    auto facts = parse_node_facts(n, o.node);
    if (!facts) return error{"--node", "usage", std::nullopt, facts.err().to_string()};
    o.node = *facts;
  }
  // empty: not given (Nova's own choice from the image); given, a device path
  if (!root_device.empty() && !detail::plain_word(root_device))
    return error{"--root-device", "usage", std::nullopt,
                 "--root-device '" + detail::printable(root_device) + "': give a device path such as /dev/vda"};
  o.root_device = std::string(root_device);
  if (!require.empty()) {
    o.require = model_from_short_name(require);
    if (!o.require)
      return error{"--require", "usage", std::nullopt,
                   "--require " + detail::printable(require) + ": use sev, sev-es or sev-snp"};
  }
  return o;
}

// For the page: the two documents and the option texts in, the --json object out. Errors name the input.
inline result<nlohmann::ordered_json> check_texts(std::string_view flavor_json, std::string_view image_json,
                                                  std::string_view node = "", std::string_view require = "",
                                                  std::string_view root_device = "") {
  auto o = make_options(node.empty() ? std::vector<std::string>{} : std::vector<std::string>{std::string(node)},
                        require, root_device);
  if (!o) return o.err();
  auto r = check_documents(flavor_json, image_json, *o);
  if (!r) return r.err();
  return to_json(*r);
}

// ---- the VM definition for this launch (/work/coord/vm-file-format.md, format 1) ----

struct pinned_file {
  std::string path;    // as it should appear in the file (relative paths resolve against the file's folder)
  std::string sha256;  // 64 hex digits
};

struct vm_file_inputs {
  pinned_file ovmf;
  std::optional<pinned_file> kernel, initrd;  // the files behind the image's kernel_id and ramdisk_id
};

namespace detail {

inline bool valid_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    const std::size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    std::uint32_t cp = n == 1 ? c : n == 2 ? (c & 0x1Fu) : n == 3 ? (c & 0x0Fu) : (c & 0x07u);
    for (std::size_t k = 1; k < n; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc >> 6) != 0x2) return false;
      cp = (cp << 6) | (cc & 0x3Fu);
    }
    static constexpr std::uint32_t min_for[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < min_for[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += n;
  }
  return true;
}

// A TOML basic string: quotes, backslashes and control characters escaped; the text must be UTF-8.
// One TOML string writer for every VM file sevproof writes (non-ASCII as escapes: our TOML reader is ASCII-only).
inline std::string toml_string(std::string_view s) { return vm::toml_string(s); }

inline std::string toml_pin(const pinned_file& f) {
  return "{ path = " + toml_string(f.path) + ", sha256 = " + toml_string(f.sha256) + " }";
}

inline error vm_usage(const std::string& m) { return error{"--emit-vm", "usage", std::nullopt, m}; }

// Which files the launch needs: the kernel and initrd exactly when SNP measures them.
inline std::optional<error> check_vm_inputs(const launch_shape& l, const vm_file_inputs& in) {
  std::vector<const pinned_file*> files{&in.ovmf};
  if (in.kernel) files.push_back(&*in.kernel);
  if (in.initrd) files.push_back(&*in.initrd);
  for (const auto* f : files) {
    if (f->path.empty()) return vm_usage("a file path is empty");
    const bool hex_digits = std::all_of(f->sha256.begin(), f->sha256.end(), [](char c) { return hex::nibble(c) >= 0; });
    if (f->sha256.size() != 64 || !hex_digits) return vm_usage(f->path + ": sha256 must be 64 hex digits");
    if (!valid_utf8(f->path)) return vm_usage(f->path + ": the path is not UTF-8, which TOML cannot hold");
  }
  if (!l.kernel_hashes) {
    if (in.kernel || in.initrd)
      return vm_usage(
          l.kernel_id
              ? std::string(model_name(l.resolved)) +
                    " does not measure the kernel (Nova asks no kernel "
                    "hashes for SEV/SEV-ES): drop --kernel and --initrd"
              : "the image boots no kernel directly (no kernel_id, or \"nokernel\"): drop --kernel and --initrd");
    return std::nullopt;
  }
  if (!in.kernel) {
    const auto id = printable(*l.kernel_id);
    return vm_usage("the image boots kernel_id " + id + " directly and SNP measures it: give --kernel (the file " +
                    "`openstack image save --file vmlinuz " + id + "` writes)");
  }
  if (l.ramdisk_id && !in.initrd) {
    const auto id = printable(*l.ramdisk_id);
    return vm_usage("the image has ramdisk_id " + id + ", measured with the kernel: give --initrd (`openstack image " +
                    "save --file initrd.img " + id + "`)");
  }
  if (!l.ramdisk_id && in.initrd)
    return vm_usage("the image has no ramdisk_id: Nova boots no initrd, so --initrd would change the digest");
  return std::nullopt;
}

// The VM file's launch.mode for the model Nova resolved.
inline std::string_view vm_mode(const launch_shape& l) {
  return l.resolved == model::amd_sev_snp ? "snp" : l.resolved == model::amd_sev_es ? "seves" : "sev";
}

inline std::string vm_vcpu_lines(const launch_shape& l) {
  if (l.resolved == model::amd_sev) return "# SEV measures no VMSA: the vCPU type does not enter the digest\n";
  if (!l.vcpu_type)
    return "# vcpu_type: the compute node decides ([libvirt] cpu_mode / cpu_models); set vcpu_type or vcpu_sig\n"
           "# to what the node gives the guest before measuring\n";
  if (!measure::vcpu_signature(*l.vcpu_type))
    return "# vcpu_type = " + toml_string(*l.vcpu_type) +
           " (the node's cpu_model) is unknown to sevproof: set vcpu_sig\n";
  return "vcpu_type = " + toml_string(*l.vcpu_type) + "   # the node's cpu_model\n";
}

inline std::string vm_boot_lines(const launch_shape& l, const vm_file_inputs& in) {
  if (!l.kernel_id)
    return "# The image boots no kernel directly (no kernel_id, or \"nokernel\"): only the firmware is measured (the\n"
           "# kernel, initrd, command line and disk the guest boots from its disk are not).\n";
  if (!l.kernel_hashes)
    return "# The image boots kernel_id " + toml_string(*l.kernel_id) +
           " directly, but Nova asks no kernel hashes for\n"
           "# SEV/SEV-ES: only the firmware is measured (not the kernel, initrd or command line " +
           toml_string(*l.cmdline) + ").\n";
  std::string s = "# The image's kernel_id " + toml_string(*l.kernel_id) + ", booted directly with kernel hashes:\n";
  s += "kernel = " + toml_pin(*in.kernel) + "\n";
  if (in.initrd) s += "initrd = " + toml_pin(*in.initrd) + "   # ramdisk_id " + toml_string(*l.ramdisk_id) + "\n";
  s += "append = " + toml_string(*l.cmdline) + "   # Nova's command line\n";
  return s;
}

}  // namespace detail

// The VM definition (TOML, format 1) for the launch this check resolved. Errors (field "usage") when there
// is no launch or the files given do not fit it.
inline result<std::string> vm_file_text(const check_result& r, const vm_file_inputs& in) {
  if (!r.launch)
    return detail::vm_usage(r.refused
                                ? "Nova would refuse this flavor and image: there is no launch to describe"
                                : "the flavor and image ask for no memory encryption: there is nothing to measure");
  const auto& l = *r.launch;
  if (auto e = detail::check_vm_inputs(l, in)) return *e;
  for (const auto* s : {&r.flavor_name, &r.image_name, &r.image_id})
    if (!detail::valid_utf8(*s)) return detail::vm_usage("a flavor or image name is not UTF-8");
  const bool snp = l.resolved == model::amd_sev_snp;
  std::string t;
  t += "# sevproof VM definition, written by `sevproof openstack check --emit-vm`: the launch OpenStack Nova asks\n";
  t += "# libvirt for, from flavor " + detail::toml_string(r.flavor_name) + " and image " +
       detail::toml_string(r.image_name) + " (id " + detail::toml_string(r.image_id) + ").\n";
  t += "format = 1\n\n[launch]\n";
  t += "mode = \"" + std::string(detail::vm_mode(l)) + "\"   # " + std::string(model_name(l.resolved)) + "\n";
  t += "# Nova names no firmware (libvirt picks one from QEMU's firmware descriptors): this is the file given.\n";
  t += "ovmf = " + detail::toml_pin(in.ovmf) + "\n";
  t += detail::vm_boot_lines(l, in);
  t += "vcpus = " + std::to_string(l.vcpus) + "   # the flavor's vcpus\n";
  t += detail::vm_vcpu_lines(l);
  t += "vmm_type = \"QEMU\"\n";
  if (snp)
    t += "# Nova sets no guest features: this is the host kernel's usual SEV_FEATURES (0x21 when kvm_amd\n"
         "# debug_swap is on).\nguest_features = 0x1\n";
  t += "policy = " + hex::number(l.policy) + "   # Nova's " + std::string(model_name(l.resolved)) + " policy\n";
  return t;
}

// Can the files make this launch? The firmware's bytes and the kernel and initrd pins, measured as `vm measure`
// would measure the file vm_file_text writes (a stand-in vCPU type where the node decides it: the type does not
// decide whether the firmware can measure the launch). The measurement's `failure` is none when they can.
inline pipeline::measurement measure_vm_files(const launch_shape& l, const vm_file_inputs& in, bytes ovmf) {
  measure::request rq;
  rq.mode = detail::vm_mode(l);
  rq.vcpus = l.vcpus;
  if (rq.mode != "sev") rq.vcpu_type = "EPYC-v4";
  rq.kernel = in.kernel.has_value();
  rq.initrd = in.initrd.has_value();
  rq.append = in.kernel.has_value() && l.cmdline.has_value();
  const auto digest = [](const pinned_file& f) {
    crypto::sha256_digest d{};
    const auto b = hex::decode(f.sha256).value_or(bytes{});
    std::copy_n(b.begin(), std::min(b.size(), d.size()), d.begin());
    return d;
  };
  pipeline::launch_files lf;
  lf.ovmf_name = in.ovmf.path;
  lf.ovmf = std::move(ovmf);
  if (in.kernel) lf.kernel = digest(*in.kernel);
  if (in.initrd) lf.initrd = digest(*in.initrd);
  if (rq.append) lf.append = l.cmdline;
  return pipeline::measure_launch(rq, lf);
}

}  // namespace sevproof::workflows::openstack
