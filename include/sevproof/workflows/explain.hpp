// Why does a reported launch digest differ from the one expected? The digest is a hash, so the only
// way to name the wrong input is to search: every input that has changed real users' digests
// (spec workflows.md §3) is varied alone and in pairs, and each variant's digest is compared with
// the reported one. The first explanation is the smallest and most likely.
//
// Library entry point (for `sevproof explain`, and for `verify --measurement` / `id-block check`
// when the digest differs and the launch inputs are known):
//
//   workflows::believed_launch b{inputs, &ovmf_image, "OVMF.fd", append_text, initrd_given, signature_given};
//   auto r = workflows::explain(b, reported_digest_bytes, options);   // result<explanation_report>
//   if (r && r->explained) use r->explanations.front().sentence;      // "the guest was launched with ..."
//
// Speed: variants that change only VMSA pages start from a snapshot of the digest state before the
// VMSAs (firmware and metadata pages measured once per firmware/VMM/kernel-hashes setting), hash the
// two distinct VMSA pages once, and extend one PAGE_INFO per vCPU, so every vCPU count 1..max_vcpus
// of a setting costs one more PAGE_INFO hash each.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "sevproof/core/error.hpp"
#include "sevproof/core/hex.hpp"
#include "sevproof/measure/launch_digest.hpp"
#include "sevproof/measure/request.hpp"
#include "sevproof/measure/vcpu.hpp"
#include "sevproof/snp/report.hpp"

namespace sevproof::workflows {

// The launch the user believes happened: the measure inputs, with the texts the digests hide.
struct believed_launch {
  measure::launch_inputs inputs;              // mode, vCPUs, signature, VMM, features, FPU, kernel hashes, seed
  const measure::ovmf_image* ovmf = nullptr;  // the firmware given (required)
  std::string ovmf_name;                      // as the user named it (messages)
  std::optional<std::string> append;          // kernel command line text; nullopt: no --append
  bool initrd = false;                        // an initrd was given (with a kernel)
  bool signature_given = true;                // a vCPU type or signature was given (QEMU needs one)
};

struct ovmf_candidate {
  std::string path;
  measure::ovmf_image image;
};

struct explain_options {
  std::vector<ovmf_candidate> ovmf_candidates;  // other firmware to try (e.g. every image in a folder)
  std::uint64_t ovmf_unusable = 0;              // candidates the caller could not read or parse (counted as skipped)
  unsigned max_vcpus = 512;                     // vCPU counts tried: 1..max_vcpus
  std::uint64_t feature_bits = measure::searched_guest_features;  // SEV_FEATURES bits varied (every combination)
  // The CPU signature the report carries (CPUID_FAM/MOD/STEP, version 3 and later): the one a guest started with
  // the host CPU passed through (QEMU -cpu host, libvirt host-passthrough) has in its VMSA. Tried as a vCPU type.
  std::optional<std::uint32_t> host_signature;
  // When set, a candidate digest is the reported one when this says so, not when it equals it: legacy SEV and
  // SEV-ES guests show only LAUNCH_MEASURE, a MAC over the digest (sev validate passes the MAC check here).
  std::function<bool(bytes_view)> matches;
};

// The signature of the CPU that produced the report, when the report says (version 3 and later).
inline std::optional<std::uint32_t> report_cpu_signature(const snp::report& r) {
  if (!r.has_cpuid()) return std::nullopt;
  return measure::cpu_signature(static_cast<std::uint32_t>(r.uint_of("CPUID_FAM_ID")),
                                static_cast<std::uint32_t>(r.uint_of("CPUID_MOD_ID")),
                                static_cast<std::uint32_t>(r.uint_of("CPUID_STEP")));
}

// One input change, as the measure flag that would express it (flag name without dashes) and the
// value written as that flag accepts it; nullopt value: the input removed.
struct change {
  std::string flag;
  std::optional<std::string> value;
};

struct explanation {
  std::vector<change> changes;           // smallest first; empty: the believed launch already matches
  bytes digest;                          // the digest these changes give (equals the reported one)
  std::string sentence;                  // in words a user acts on
  std::vector<std::string> same_digest;  // other inputs that give the identical digest (merged here)
};

struct explanation_report {
  bool explained = false;
  std::string note;                       // what the user should know about the question itself (empty: nothing)
  std::vector<explanation> explanations;  // the first is the smallest and most likely
  std::vector<std::pair<std::string, std::uint64_t>> searched;  // per axis (flag name): values tried; "ovmf-skipped"
  std::uint64_t candidates = 0;                                 // launches whose digest was compared
  bytes believed_digest;       // what the believed launch gives (empty: it cannot be measured)
  std::string believed_error;  // why not, when it cannot
};

namespace detail_explain {

using measure::fpu_init;
using measure::guest_mode;
using measure::vmm_type;

enum axis : unsigned {
  ax_mode,
  ax_ovmf,
  ax_vmm,
  ax_kernel,
  ax_initrd,
  ax_append,
  ax_features,
  ax_vcpus,
  ax_type,
  ax_fpu,
  ax_count
};
inline constexpr const char* axis_flag[ax_count] = {"mode",   "ovmf",           "vmm-type", "kernel",    "initrd",
                                                    "append", "guest-features", "vcpus",    "vcpu-type", "fpu-init"};
// Most likely first (the order explanations of one size are listed in): spec workflows.md §3.
inline constexpr unsigned axis_rank[ax_count] = {9, 8, 5, 7, 4, 3, 0, 1, 2, 6};

// The inputs that decide the pages before the VMSAs.
struct base_config {
  guest_mode mode = guest_mode::snp;
  int ovmf = -1;  // -1: the believed firmware, else an index into the candidates
  vmm_type vmm = vmm_type::qemu;
  bool kernel = false, initrd = false;
  std::optional<std::string> append;
  unsigned diffs = 0;
  std::array<bool, ax_count> changed{};
};

struct vmsa_config {
  std::uint64_t features = 1;
  std::optional<std::uint32_t> signature;
  fpu_init fpu = fpu_init::modern;
  unsigned diffs = 0;
  std::array<bool, ax_count> changed{};
};

inline const char* mode_name(guest_mode m) {
  switch (m) {
    case guest_mode::snp:
      return "snp";
    case guest_mode::seves:
      return "seves";
    case guest_mode::sev:
      return "sev";
    case guest_mode::snp_ovmf_hash:
      return "snp:ovmf-hash";
    case guest_mode::snp_svsm:
      return "snp:svsm";
  }
  return "?";
}

// One QEMU name per distinct signature; the others that share it are aliases.
inline std::vector<std::pair<std::uint32_t, std::string>> distinct_signatures() {
  std::vector<std::pair<std::uint32_t, std::string>> out;
  for (const auto& t : measure::vcpu_types) {
    const auto sig = measure::cpu_signature(t.family, t.model, t.stepping);
    if (std::none_of(out.begin(), out.end(), [&](const auto& p) { return p.first == sig; }))
      out.emplace_back(sig, std::string(t.name));
  }
  return out;
}
inline std::string signature_name(std::uint32_t sig) {
  for (const auto& [s, n] : distinct_signatures())
    if (s == sig) return n;
  return hex::number(sig);
}
inline std::vector<std::string> signature_aliases(std::uint32_t sig) {
  std::vector<std::string> names;
  for (const auto& t : measure::vcpu_types)
    if (measure::cpu_signature(t.family, t.model, t.stepping) == sig) names.emplace_back(t.name);
  return names;
}

// Every combination of the `varied` bits (known bits but SNPActive) on top of the believed value's
// other bits, with SNPActive set (2^13 values by default), the believed value first.
inline std::vector<std::uint64_t> feature_values(std::uint64_t believed, std::uint64_t varied) {
  std::vector<unsigned> bits;
  for (const auto& b : measure::guest_feature_bits)
    if (b.bit != 0 && ((varied >> b.bit) & 1)) bits.push_back(b.bit);
  std::uint64_t fixed = (believed & ~varied) | 1;
  for (unsigned b : bits) fixed &= ~(std::uint64_t{1} << b);
  std::vector<std::uint64_t> out{believed};
  for (std::uint64_t m = 0; m < (std::uint64_t{1} << bits.size()); ++m) {
    std::uint64_t v = fixed;
    for (std::size_t i = 0; i < bits.size(); ++i)
      if ((m >> i) & 1) v |= std::uint64_t{1} << bits[i];
    if (v != believed) out.push_back(v);
  }
  return out;
}

// Command lines users end up with instead of the one they wrote (spec workflows.md §1 and §3).
inline std::vector<std::string> append_variants(const std::optional<std::string>& believed) {
  std::vector<std::string> v;
  if (believed) {
    const std::string& t = *believed;
    const auto first = t.find_first_not_of(" \t\r\n");
    const auto last = t.find_last_not_of(" \t\r\n");
    v.push_back(first == std::string::npos ? std::string() : t.substr(first, last - first + 1));
    v.push_back(t + "\n");
    if (!t.empty() && t.back() == '\n') v.push_back(t.substr(0, t.size() - 1));
    v.push_back(t + " ");
    v.push_back(" " + t);
    v.push_back(t + "\r");  // a CRLF file read with $(cat): the newline goes, the carriage return stays
    std::string collapsed;  // runs of spaces and tabs as one space (a line retyped or re-joined)
    for (const char c : t)
      if (c != ' ' && c != '\t')
        collapsed += c;
      else if (!collapsed.empty() && collapsed.back() != ' ')
        collapsed += ' ';
    while (!collapsed.empty() && collapsed.back() == ' ') collapsed.pop_back();
    v.push_back(collapsed);
    // One gap between words doubled (an empty shell variable in `-append "a $X b"`) or typed as a tab: each of
    // the first 16 gaps, one at a time.
    std::size_t gaps = 0;
    for (std::size_t i = 0; i < t.size() && gaps < 16; ++i)
      if ((t[i] == ' ' || t[i] == '\t') && i > 0 && t[i - 1] != ' ' && t[i - 1] != '\t') {
        ++gaps;
        v.push_back(t.substr(0, i) + "  " + t.substr(i + 1));
        v.push_back(t.substr(0, i) + "\t" + t.substr(i + 1));
        v.push_back(t.substr(0, i) + " " + t.substr(i + 1));
      }
    v.push_back("");
  }
  for (const char* root : {"/dev/vda", "/dev/vda1"}) {
    const std::string nova = std::string("root=") + root + " console=tty0 console=ttyS0 console=hvc0";
    v.push_back(nova);
    v.push_back(nova + " no_timer_check");
  }
  std::vector<std::string> unique;
  const auto believed_hash = measure::boot_hashes::cmdline_hash(believed.value_or(""));
  for (auto& s : v)
    if (measure::boot_hashes::cmdline_hash(s) != believed_hash &&
        std::find(unique.begin(), unique.end(), s) == unique.end())
      unique.push_back(std::move(s));
  return unique;
}

}  // namespace detail_explain

namespace detail_explain {

// The search itself: state shared by the enumeration and the digest evaluation.
class searcher {
 public:
  searcher(const believed_launch& b, bytes_view target, const explain_options& o)
      : b_(b), target_(target.begin(), target.end()), o_(o) {}

  // Singles first (and the belief itself); pairs only when no single change explains the digest.
  explanation_report run() {
    ovmf_measured_.assign(o_.ovmf_candidates.size(), false);
    measure_believed();
    const auto all = bases();
    for (const auto& [lo, hi] : {std::pair{0u, 1u}, std::pair{2u, 2u}}) {
      min_ = lo;
      max_ = hi;
      for (const auto& base : all)
        if (base.diffs <= max_) evaluate_base(base);
      if (!found_.empty()) break;
    }
    return finish();
  }

 private:
  const believed_launch& b_;
  bytes target_;
  bytes hit_;  // the digest of the candidate last found
  const explain_options& o_;
  explanation_report report_;
  std::vector<std::pair<unsigned, explanation>> found_;  // (diff count, explanation)
  std::vector<bool> ovmf_measured_;                      // per candidate: measured in at least one variant
  unsigned min_ = 0, max_ = 2;                           // this stage compares launches with min_..max_ changes
  std::map<int, measure::gctx> fw_state_;                // SNP firmware pages per firmware
  std::map<std::tuple<std::uint64_t, std::uint32_t, int, int, std::uint32_t>, measure::vmsa_digests> vmsa_cache_;

  [[nodiscard]] const measure::launch_inputs& in() const { return b_.inputs; }
  [[nodiscard]] bool same_as_believed(int ovmf) const {
    const auto& a = fw(ovmf).data;
    const auto& b = b_.ovmf->data;
    return !in().ovmf_seed && a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin());
  }
  void mark_measured(int ovmf) {
    if (ovmf >= 0) ovmf_measured_[static_cast<std::size_t>(ovmf)] = true;
  }
  [[nodiscard]] bool snp_target() const { return target_.size() == 48; }
  // Is this candidate digest the reported one? Kept for the explanation (with options::matches it is not target_).
  bool hits(bytes_view d) {
    const bool hit = o_.matches ? o_.matches(d) : std::equal(d.begin(), d.end(), target_.begin(), target_.end());
    if (hit) hit_.assign(d.begin(), d.end());
    return hit;
  }
  [[nodiscard]] const measure::ovmf_image& fw(int i) const {
    return i < 0 ? *b_.ovmf : o_.ovmf_candidates[static_cast<std::size_t>(i)].image;
  }

  void measure_believed() {
    auto d = digest_of(in(), *b_.ovmf);
    if (d)
      report_.believed_digest = *d;
    else
      report_.believed_error = d.err().message;
  }
  static result<bytes> digest_of(const measure::launch_inputs& x, const measure::ovmf_image& f) {
    if (x.mode == guest_mode::snp) {
      auto d = measure::snp_launch_digest(f, x);
      if (!d) return d.err();
      return bytes(d->begin(), d->end());
    }
    auto d = measure::sev_launch_digest(f, x);
    if (!d) return d.err();
    return bytes(d->begin(), d->end());
  }

  std::vector<guest_mode> modes() const {
    if (snp_target()) return {guest_mode::snp};
    return {guest_mode::seves, guest_mode::sev};
  }

  // Every base (pre-VMSA) configuration with at most two changes; irrelevant axes keep the belief.
  std::vector<base_config> bases();
  void evaluate_base(const base_config& base);
  void evaluate_snp(const base_config& base, measure::launch_inputs x);
  void evaluate_seves(const base_config& base, const measure::launch_inputs& x);
  std::vector<vmsa_config> vmsa_configs(const base_config& base, unsigned budget) const;
  // One signature per QEMU model, then the report's own CPU when no model has it.
  std::vector<std::uint32_t> candidate_signatures() const {
    std::vector<std::uint32_t> out;
    for (const auto& [sig, name] : distinct_signatures()) out.push_back(sig);
    if (o_.host_signature && std::find(out.begin(), out.end(), *o_.host_signature) == out.end())
      out.push_back(*o_.host_signature);
    return out;
  }
  measure::launch_inputs inputs_for(const base_config& base) const;
  void record(const base_config& base, const vmsa_config* v, unsigned vcpus);
  explanation describe(const base_config& base, const vmsa_config* v, unsigned vcpus) const;
  std::string words(unsigned axis, const change& c, const base_config& base, std::vector<std::string>& same) const;
  std::vector<std::pair<std::string, std::uint64_t>> searched() const;
  explanation_report finish();
};

inline measure::launch_inputs searcher::inputs_for(const base_config& base) const {
  measure::launch_inputs x = in();
  x.mode = base.mode;
  x.vmm = base.vmm;
  if (base.ovmf >= 0) x.ovmf_seed.reset();
  if (!base.kernel) {
    x.kernel.reset();
  } else {
    if (!base.initrd) x.kernel->initrd = crypto::sha256_of({});
    x.kernel->cmdline = measure::boot_hashes::cmdline_hash(base.append.value_or(""));
  }
  return x;
}

inline std::vector<base_config> searcher::bases() {
  const auto& x = in();
  const bool had_kernel = x.kernel.has_value();
  std::vector<std::optional<std::string>> appends{b_.append};
  if (had_kernel)
    for (auto& a : append_variants(b_.append)) appends.emplace_back(std::move(a));
  std::vector<bool> same;
  for (int i = 0; i < static_cast<int>(o_.ovmf_candidates.size()); ++i) {
    same.push_back(same_as_believed(i));
    if (same.back()) mark_measured(i);  // tried: it is the believed firmware
  }
  std::vector<base_config> out;
  for (const auto mode : modes())
    for (int ovmf = -1; ovmf < static_cast<int>(o_.ovmf_candidates.size()); ++ovmf)
      for (const auto vmm : {vmm_type::qemu, vmm_type::ec2, vmm_type::gce, vmm_type::ec2_legacy})
        for (const bool kernel : {true, false})
          for (const bool initrd : {true, false})
            for (const auto& append : appends) {
              base_config c{mode, ovmf, vmm, kernel, initrd, append, 0, {}};
              if (ovmf >= 0 && same[static_cast<std::size_t>(ovmf)]) continue;  // the same firmware again
              if (kernel && !had_kernel) continue;                              // no kernel to add
              if ((!kernel || !b_.initrd) && initrd) continue;                  // nothing to remove, or irrelevant
              if (!kernel && append != b_.append) continue;                     // irrelevant without a kernel
              if (mode == guest_mode::sev && vmm != x.vmm) continue;            // SEV measures no VMSA
              c.changed[ax_mode] = mode != x.mode;
              c.changed[ax_ovmf] = ovmf >= 0;
              c.changed[ax_vmm] = vmm != x.vmm;
              c.changed[ax_kernel] = kernel != had_kernel;
              c.changed[ax_initrd] = kernel && b_.initrd && !initrd;
              c.changed[ax_append] = kernel && append != b_.append;
              c.diffs = static_cast<unsigned>(std::count(c.changed.begin(), c.changed.end(), true));
              if (c.diffs > 2) continue;
              out.push_back(std::move(c));
            }
  return out;
}

inline std::vector<vmsa_config> searcher::vmsa_configs(const base_config& base, unsigned budget) const {
  const auto& x = in();
  std::vector<std::uint64_t> features{x.guest_features};
  if (base.mode == guest_mode::snp && budget > 0) features = feature_values(x.guest_features, o_.feature_bits);
  std::vector<std::optional<std::uint32_t>> sigs{b_.signature_given ? std::optional(x.vcpu_signature) : std::nullopt};
  std::vector<fpu_init> fpus{x.fpu};
  const bool qemu = base.vmm == vmm_type::qemu;
  if (qemu && budget > 0) {
    for (const auto sig : candidate_signatures())
      if (!b_.signature_given || sig != x.vcpu_signature) sigs.emplace_back(sig);
    fpus.push_back(x.fpu == fpu_init::modern ? fpu_init::zero : fpu_init::modern);
  }
  std::vector<vmsa_config> out;
  for (const auto f : features)
    for (const auto& s : sigs)
      for (const auto fpu : fpus) {
        vmsa_config v{f, s, fpu, 0, {}};
        if (qemu && !s) continue;  // QEMU needs a vCPU signature
        v.changed[ax_features] = f != x.guest_features;
        v.changed[ax_type] = qemu && s && (!b_.signature_given || *s != x.vcpu_signature);
        v.changed[ax_fpu] = qemu && fpu != x.fpu;
        v.diffs = static_cast<unsigned>(std::count(v.changed.begin(), v.changed.end(), true));
        if (v.diffs <= budget) out.push_back(v);
      }
  return out;
}

inline void searcher::evaluate_base(const base_config& base) {
  auto x = inputs_for(base);
  const auto& f = fw(base.ovmf);
  if (base.mode == guest_mode::snp) {
    if ((!f.sev_metadata && !x.allow_missing_sev_metadata) || !f.ap_reset_eip() ||
        (x.kernel && !f.has_section(measure::section_type::kernel_hashes))) {
      return;
    }
    mark_measured(base.ovmf);
    evaluate_snp(base, std::move(x));
    return;
  }
  const bool es = base.mode == guest_mode::seves;
  if ((es && !f.ap_reset_eip()) || (x.kernel && f.hash_table_gpa().value_or(0) == 0)) {
    return;
  }
  mark_measured(base.ovmf);
  if (es) {
    evaluate_seves(base, x);
    return;
  }
  auto h = measure::sev_state_before_vmsas(f, x);
  if (!h || base.diffs < min_) return;
  ++report_.candidates;
  const auto d = h->finish();
  if (hits(d)) record(base, nullptr, 0);
}

inline void searcher::evaluate_snp(const base_config& base, measure::launch_inputs x) {
  auto fw_it = fw_state_.find(base.ovmf);
  if (fw_it == fw_state_.end())
    fw_it = fw_state_.emplace(base.ovmf, measure::snp_firmware_state(fw(base.ovmf), x)).first;
  measure::gctx start = fw_it->second;
  if (measure::snp_measure_sections(start, fw(base.ovmf), x)) return;
  const auto ap_eip = *fw(base.ovmf).ap_reset_eip();
  for (const auto& v : vmsa_configs(base, max_ - base.diffs)) {
    x.guest_features = v.features;
    x.vcpu_signature = v.signature.value_or(0);
    x.fpu = v.fpu;
    const auto key =
        std::tuple{v.features, x.vcpu_signature, static_cast<int>(v.fpu), static_cast<int>(base.vmm), ap_eip};
    auto it = vmsa_cache_.find(key);
    if (it == vmsa_cache_.end()) it = vmsa_cache_.emplace(key, measure::snp_vmsa_digests(ap_eip, x)).first;
    const unsigned fixed = base.diffs + v.diffs;  // changes besides the vCPU count
    const unsigned last = fixed + 1 <= max_ ? std::max(o_.max_vcpus, x.vcpus) : x.vcpus;
    measure::gctx g = start;
    auto check = [&](unsigned n, const measure::digest384& d) {
      const unsigned diffs = fixed + (n != x.vcpus ? 1u : 0u);
      if (diffs >= min_ && diffs <= max_) {
        ++report_.candidates;
        if (hits(d)) record(base, &v, n);
      }
      return true;
    };
    g.update_hashed(measure::page_type::vmsa, measure::vmsa_gpa, it->second.bsp);
    check(1, g.digest());
    g.update_repeated(measure::page_type::vmsa, measure::vmsa_gpa, it->second.ap, last - 1,
                      [&](unsigned i, const measure::digest384& d) { return check(i + 1, d); });
  }
}

inline void searcher::evaluate_seves(const base_config& base, const measure::launch_inputs& x0) {
  auto h = measure::sev_state_before_vmsas(fw(base.ovmf), x0);
  if (!h) return;
  const auto ap_eip = *fw(base.ovmf).ap_reset_eip();
  for (const auto& v : vmsa_configs(base, max_ - base.diffs)) {
    auto x = x0;
    x.vcpu_signature = v.signature.value_or(0);
    x.fpu = v.fpu;
    const auto pages = measure::seves_vmsa_pages(ap_eip, x);
    const unsigned fixed = base.diffs + v.diffs;
    const unsigned last = fixed + 1 <= max_ ? std::max(o_.max_vcpus, x.vcpus) : x.vcpus;
    auto g = h->fork();
    for (unsigned n = 1; n <= last; ++n) {
      g.update(pages[n == 1 ? 0 : 1]);
      const unsigned d = fixed + (n != x.vcpus ? 1u : 0u);
      if (d < min_ || d > max_) continue;
      ++report_.candidates;
      const auto digest = g.fork().finish();
      if (hits(digest)) record(base, &v, n);
    }
  }
}

inline void searcher::record(const base_config& base, const vmsa_config* v, unsigned vcpus) {
  unsigned diffs = base.diffs + (v ? v->diffs : 0) + (v && vcpus != in().vcpus ? 1 : 0);
  found_.emplace_back(diffs, describe(base, v, vcpus));
}

inline std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '\n')
      out += "\\n";
    else if (c == '\t')
      out += "\\t";
    else if (c == '"' || c == '\\')
      out += std::string("\\") + c;
    else
      out += c;
  }
  return out + "\"";
}

// What one change means, in words a user acts on; `same` collects inputs with the identical digest.
inline std::string searcher::words(unsigned axis, const change& c, const base_config& base,
                                   std::vector<std::string>& same) const {
  const auto& x = in();
  const std::string v = c.value.value_or("");
  switch (axis) {
    case ax_features: {
      const auto f = parse_uint(v).value_or(0);
      std::string why;
      const auto flipped = f ^ x.guest_features;
      if (flipped & 0x20)
        why = ": the host's kvm_amd debug_swap is " + std::string(f & 0x20 ? "on" : "off") +
              " or QEMU has debug-swap=" + (f & 0x20 ? "on" : "off");
      else if (flipped & 0x200)
        why = ": QEMU's secure-tsc setting (SecureTSC) differs";
      return "the guest was launched with guest features " + v + " (" + measure::feature_names(f) + "), not " +
             hex::number(x.guest_features) + why;
    }
    case ax_vcpus:
      return "the guest had " + v + " vCPUs, not " + std::to_string(x.vcpus) +
             " (one VMSA page is measured per vCPU: QEMU -smp)";
    case ax_type: {
      if (c.flag == "vcpu-sig")
        return "the vCPU signature was " + v + ", the report's own CPU (CPUID_FAM/MOD/STEP), not " +
               (b_.signature_given ? signature_name(x.vcpu_signature) + " (" + hex::number(x.vcpu_signature) + ")"
                                   : std::string("unset")) +
               ": the guest ran with the host CPU passed through (QEMU -cpu host, libvirt host-passthrough)";
      const auto sig = *measure::vcpu_signature(v);
      for (const auto& a : signature_aliases(sig))
        if (a != v) same.push_back("vcpu-type " + a + " (the same signature " + hex::number(sig) + ")");
      return "the vCPU type was " + v + " (signature " + hex::number(sig) + "), not " +
             (b_.signature_given ? signature_name(x.vcpu_signature) + " (" + hex::number(x.vcpu_signature) + ")"
                                 : std::string("unset")) +
             ": QEMU's -cpu model, or the host CPU with host passthrough";
    }
    case ax_vmm:
      if (v == "ec2-legacy" && x.vmm == vmm_type::ec2)
        return "the guest was launched by an older EC2 host: its VMSAs have RDX 0, not 0x600 (EC2 as sev-snp-measure "
               "modelled it before 0.0.13): use --vmm-type ec2-legacy";
      if (v == "ec2" && x.vmm == vmm_type::ec2_legacy)
        return "the guest was launched on a current EC2 host (VMSA RDX 0x600, not 0): use --vmm-type ec2";
      return "the VMM was " + v + ", not " + std::string(measure::vmm_name(x.vmm)) +
             " (its VMSA and page rules differ)";
    case ax_fpu:
      return v == "zero" ? "the host left the VMSA's x87/SSE state zero (an older KVM without KVM_SEV_INIT2, or QEMU "
                           "legacy-vm-type=true): use --fpu-init zero"
                         : "the host initialised the VMSA's x87/SSE state (MXCSR 0x1f80, FCW 0x37f: KVM_SEV_INIT2): "
                           "use --fpu-init modern";
    case ax_append: {
      if (v.empty())
        same.push_back(b_.append ? "no --append at all (an absent command line hashes as an empty one)"
                                 : "--append= (empty)");
      std::string how;
      if (b_.append && v + "\n" == *b_.append)
        how = " (without the trailing newline)";
      else if (b_.append && v == *b_.append + "\n")
        how = " (with a trailing newline)";
      else if (b_.append && v == *b_.append + "\r")
        how = " (with a trailing carriage return: a file with CRLF line ends)";
      else if (v.find("console=hvc0") != std::string::npos)
        how = " (OpenStack Nova's default line: the image has no os_command_line)";
      else if (b_.append && !v.empty() && v != *b_.append)
        how = " (whitespace differs)";
      return "the kernel command line was " + quoted(v) + how + ", not " +
             (b_.append ? quoted(*b_.append) : std::string("absent"));
    }
    case ax_initrd:
      same.push_back("an empty initrd file (it hashes as no initrd)");
      return "no initrd was measured (the guest booted without -initrd)";
    case ax_kernel:
      return "no kernel hashes were measured: the guest booted without -kernel, or with kernel-hashes=off";
    case ax_ovmf:
      return "the firmware was " + v + ", not " + b_.ovmf_name;
    case ax_mode:
      return "the guest was launched as " +
             std::string(base.mode == guest_mode::sev     ? "SEV"
                         : base.mode == guest_mode::seves ? "SEV-ES"
                                                          : "SEV-SNP") +
             ", not " +
             std::string(x.mode == guest_mode::sev     ? "SEV"
                         : x.mode == guest_mode::seves ? "SEV-ES"
                                                       : "SEV-SNP");
    default:
      return c.flag + " " + v;
  }
}

inline explanation searcher::describe(const base_config& base, const vmsa_config* v, unsigned vcpus) const {
  std::vector<std::pair<unsigned, change>> list;
  auto add = [&](unsigned a, std::optional<std::string> value) {
    list.emplace_back(a, change{axis_flag[a], std::move(value)});
  };
  if (base.changed[ax_mode]) add(ax_mode, mode_name(base.mode));
  if (base.changed[ax_ovmf]) add(ax_ovmf, o_.ovmf_candidates[static_cast<std::size_t>(base.ovmf)].path);
  if (base.changed[ax_vmm]) add(ax_vmm, std::string(measure::vmm_name(base.vmm)));
  if (base.changed[ax_kernel]) add(ax_kernel, std::nullopt);
  if (base.changed[ax_initrd]) add(ax_initrd, std::nullopt);
  if (base.changed[ax_append]) add(ax_append, base.append.value_or(""));
  if (v && v->changed[ax_features]) add(ax_features, hex::number(v->features));
  if (v && vcpus != in().vcpus) add(ax_vcpus, std::to_string(vcpus));
  if (v && v->changed[ax_type]) {
    if (measure::vcpu_signature(signature_name(*v->signature)))
      add(ax_type, signature_name(*v->signature));
    else  // no QEMU model has it (the report's own CPU): the signature itself
      list.emplace_back(ax_type, change{"vcpu-sig", hex::number(*v->signature)});
  }
  if (v && v->changed[ax_fpu]) add(ax_fpu, v->fpu == fpu_init::zero ? "zero" : "modern");
  std::sort(list.begin(), list.end(),
            [](const auto& a, const auto& b) { return axis_rank[a.first] < axis_rank[b.first]; });
  explanation e;
  e.digest = hit_;
  for (const auto& [a, c] : list) {
    const auto w = words(a, c, base, e.same_digest);
    e.sentence += (e.sentence.empty() ? "" : "; and ") + w;
    e.changes.push_back(c);
  }
  if (list.empty()) e.sentence = "the believed launch already gives this digest";
  return e;
}

inline std::vector<std::pair<std::string, std::uint64_t>> searcher::searched() const {
  const auto& x = in();
  const auto ms = modes();
  const bool vmsas = std::any_of(ms.begin(), ms.end(), [](auto m) { return m != guest_mode::sev; });
  const bool snp = snp_target();
  std::uint64_t types = 0;
  for (const auto sig : candidate_signatures()) types += !b_.signature_given || sig != x.vcpu_signature;
  std::uint64_t skipped = o_.ovmf_unusable;
  for (bool m : ovmf_measured_) skipped += !m;
  const auto modes_tried =
      static_cast<std::uint64_t>(std::count_if(ms.begin(), ms.end(), [&](auto m) { return m != x.mode; }));
  return {{"guest-features", snp ? feature_values(x.guest_features, o_.feature_bits).size() - 1 : 0},
          {"vcpus", vmsas ? std::max(o_.max_vcpus, x.vcpus) - 1 : 0},
          {"vcpu-type", vmsas ? types : 0},
          {"append", x.kernel ? append_variants(b_.append).size() : 0},
          {"initrd", x.kernel && b_.initrd ? 1 : 0},
          {"vmm-type", vmsas ? 3 : 0},  // the other three of QEMU, ec2, gce and ec2-legacy
          {"fpu-init", vmsas ? 1 : 0},
          {"kernel", x.kernel ? 1 : 0},
          {"ovmf", o_.ovmf_candidates.size() + o_.ovmf_unusable},
          {"ovmf-skipped", skipped},
          {"mode", modes_tried}};
}

inline explanation_report searcher::finish() {
  std::stable_sort(found_.begin(), found_.end(), [](const auto& a, const auto& b) {
    if (a.first != b.first) return a.first < b.first;
    auto rank = [](const explanation& e) {
      unsigned r = 0;
      for (const auto& c : e.changes)
        for (unsigned i = 0; i < ax_count; ++i)
          if (c.flag == axis_flag[i]) r += axis_rank[i];
      return r;
    };
    return rank(a.second) < rank(b.second);
  });
  for (const auto& [n, e] : found_) {
    if (n > found_.front().first) break;
    report_.explanations.push_back(e);
  }
  report_.explained = !report_.explanations.empty();
  report_.searched = searched();
  return std::move(report_);
}

}  // namespace detail_explain

// The answer in one line, as `sevproof explain` prints it above the explanations (the page shows it too).
inline std::string headline(const explanation_report& r) {
  if (r.explained && r.explanations.front().changes.empty())
    return "The believed launch already gives the reported digest: nothing to explain.";
  if (r.explained) {
    const auto n = r.explanations.front().changes.size();
    return "EXPLAINED (" + std::to_string(n) + (n == 1 ? " input differs):" : " inputs differ):");
  }
  return "NOT EXPLAINED: no single input change and no pair of changes gives the reported digest.";
}

// Searches the inputs of `believed` (each axis alone, and every pair) for the smallest change that
// gives `reported` (48 bytes: SNP; 32: SEV or SEV-ES). Refuses (error) a digest of another length or
// a believed launch without firmware; a launch the believed inputs cannot measure is still searched.
inline result<explanation_report> explain(const believed_launch& believed, bytes_view reported,
                                          const explain_options& options = {}) {
  if (believed.ovmf == nullptr) return error{"explain", "ovmf", std::nullopt, "the believed launch names no firmware"};
  if (reported.size() != 48 && reported.size() != 32)
    return error{
        "explain", "measurement", std::nullopt,
        std::to_string(reported.size()) + " bytes; a launch digest is 48 bytes (SNP) or 32 bytes (SEV, SEV-ES)"};
  const auto m = believed.inputs.mode;
  if (m != measure::guest_mode::snp && m != measure::guest_mode::seves && m != measure::guest_mode::sev)
    return error{"explain", "mode", std::nullopt, "only snp, seves and sev launches are explained"};
  if (options.max_vcpus == 0 || options.max_vcpus > 4096)
    return error{"explain", "max_vcpus", std::nullopt, "must be 1..4096"};
  auto r = detail_explain::searcher(believed, reported, options).run();
  if (reported.size() == 48 && m != measure::guest_mode::snp)
    r.note =
        "a 48-byte value with an SEV or SEV-ES belief was searched as an SNP digest; if it came from QEMU's "
        "query-sev-launch-measure (or virsh domlaunchsecinfo), it is the LAUNCH_MEASURE HMAC (32 bytes) and "
        "MNONCE (16 bytes), not a digest: check it with `sevproof sev validate` and the TIK";
  return r;
}

}  // namespace sevproof::workflows
