// A MEASUREMENT that differs from the expected one, explained: the launch the user believes happened
// (from the measure inputs or a VM definition), the search of workflows::explain run when an
// appraisal's measurement check (P018) failed, and the answer in words and as JSON. Shared by
// `sevproof explain --vm`, `sevproof verify` (with the launch inputs), `sevproof vm verify` and the
// page, so they all say the same thing.
//
//   auto belief = workflows::belief_of(definition, files);          // or a launch_belief filled by hand
//   auto why = workflows::explain_measurement(appraisal, belief->view());
//   if (why) lines = workflows::explanation_lines(*why);             // nullopt: P018 did not fail
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "sevproof/core/check_codes.hpp"
#include "sevproof/pipeline/appraise.hpp"
#include "sevproof/workflows/explain.hpp"
#include "sevproof/workflows/vm.hpp"

namespace sevproof::workflows {

// A believed launch that owns its firmware (believed_launch only points at one).
struct launch_belief {
  measure::launch_inputs inputs;
  measure::ovmf_image fw;
  std::string ovmf_name;              // as the user named it (messages)
  std::optional<std::string> append;  // nullopt: no command line given
  bool initrd = false;                // an initrd was given
  bool signature_given = true;        // a vCPU type or signature was given

  [[nodiscard]] believed_launch view() const { return {inputs, &fw, ovmf_name, append, initrd, signature_given}; }
};

// The launch a VM definition describes (every file checked against its pin; errors name the key).
inline result<launch_belief> belief_of(const vm::definition& d, vm::launch_files files) {
  auto l = vm::launch_of(d, std::move(files));
  if (!l) return l.err();
  launch_belief b{std::move(l->inputs), std::move(l->fw),
                  d.ovmf.path,          d.append,
                  d.initrd.has_value(), !d.vcpu_type.empty() || !d.vcpu_sig.empty() || d.vcpu_family.has_value()};
  // A 32-byte digest may be SEV-ES even when the file says sev: its vCPU count is then the one tried.
  if (d.mode == "sev" && d.vcpus && *d.vcpus > 0) b.inputs.vcpus = static_cast<unsigned>(*d.vcpus);
  return b;
}

// True when the appraisal read a report and its measurement check (P018) failed.
inline bool measurement_failed(const pipeline::appraisal& a) {
  if (!a.report) return false;
  for (const auto& c : a.checks.checks)
    if (c.code == checks::measurement.code) return c.result == status::fail;
  return false;
}

// Which input of `believed`, changed, gives the report's MEASUREMENT; nullopt when the measurement
// check did not fail (nothing to explain). An error: the belief cannot be searched (its mode).
inline std::optional<result<explanation_report>> explain_measurement(const pipeline::appraisal& a,
                                                                     const believed_launch& believed,
                                                                     const explain_options& options = {}) {
  if (!measurement_failed(a)) return std::nullopt;
  auto with_host = options;  // the report's own CPU is a vCPU type to try (host CPU passthrough)
  if (!with_host.host_signature) with_host.host_signature = report_cpu_signature(a.report->report);
  return explain(believed, a.report->report.measurement(), with_host);
}

// "guest-features 8191, vcpus 511, ..." (the axes searched, with the values tried; zero counts left out).
inline std::string searched_text(const explanation_report& r) {
  std::string axes;
  for (const auto& [axis, n] : r.searched)
    if (n) axes += (axes.empty() ? "" : ", ") + axis + " " + std::to_string(n);
  return axes;
}

// A value as a shell word: bare when safe, '...' with spaces or quotes, $'...' with a newline or tab.
inline std::string shell_word(const std::string& v) {
  if (!v.empty() && v.find_first_of(" \t\n'\"\\$`;&|<>()*?!#~") == std::string::npos) return v;
  const bool escape = v.find_first_of("\n\t") != std::string::npos;
  std::string out = escape ? "$'" : "'";
  for (const char c : v) {
    if (escape && (c == '\n' || c == '\t' || c == '\\' || c == '\''))
      out += c == '\n' ? "\\n" : c == '\t' ? "\\t" : std::string("\\") + c;
    else if (!escape && c == '\'')
      out += "'\\''";
    else
      out += c;
  }
  return out + "'";
}

// " --guest-features=0x21 --initrd (remove)": the changes as measure flags a user can paste.
inline std::string change_flags(const explanation& e) {
  std::string flags;
  for (const auto& c : e.changes) flags += " --" + c.flag + (c.value ? "=" + shell_word(*c.value) : " (remove)");
  return flags;
}

// The answer in words: per explanation its sentence and the flags, else what was searched.
inline std::vector<std::string> explanation_lines(const result<explanation_report>& r) {
  if (!r) return {"the launch inputs cannot be searched: " + r.err().message};
  if (!r->explained)
    return {"no single change and no pair of changes to the given launch gives the reported digest (searched: " +
                searched_text(*r) + "; " + std::to_string(r->candidates) + " candidate launches)",
            "the firmware build, a kernel or initrd file, or an input outside these axes differs: try `sevproof "
            "explain` with --ovmf-candidates DIR"};
  if (r->explanations.front().changes.empty())
    return {"the given launch gives the reported digest: the expected measurement is not this launch's"};
  std::vector<std::string> lines;
  for (const auto& e : r->explanations) {
    lines.push_back((lines.empty() ? "" : "or: ") + e.sentence);
    lines.push_back("  measure with:" + change_flags(e));
    for (const auto& s : e.same_digest) lines.push_back("  (the same digest: " + s + ")");
  }
  return lines;
}

// As JSON (schemas/explain.schema.json without schema_version; the verdict's check "explanation").
inline nlohmann::ordered_json explanation_json(const explanation_report& r) {
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const auto& e : r.explanations) {
    nlohmann::ordered_json changes = nlohmann::ordered_json::object();
    for (const auto& c : e.changes)
      changes[c.flag] = c.value ? nlohmann::ordered_json(*c.value) : nlohmann::ordered_json(nullptr);
    list.push_back({{"changes", changes}, {"digest", hex::encode(e.digest)}, {"sentence", e.sentence}});
  }
  nlohmann::ordered_json searched = nlohmann::ordered_json::object();
  for (const auto& [axis, n] : r.searched) searched[axis] = n;
  nlohmann::ordered_json j{{"explained", r.explained}, {"explanations", list}, {"searched", searched}};
  if (!r.note.empty()) j["note"] = r.note;
  return j;
}
inline nlohmann::ordered_json explanation_json(const result<explanation_report>& r) {
  if (r) return explanation_json(*r);
  return {{"explained", false},
          {"explanations", nlohmann::ordered_json::array()},
          {"searched", nlohmann::ordered_json::object()},
          {"error", r.err().message}};
}

// Adds the explanation to the measurement check of a verdict's JSON (pipeline::appraisal_json).
inline void attach_explanation(nlohmann::ordered_json& verdict, const result<explanation_report>& r) {
  if (!verdict.contains("checks")) return;
  for (auto& c : verdict["checks"])
    if (c.value("code", "") == checks::measurement.code) c["explanation"] = explanation_json(r);
}

// The lines under the failed check in the text verdict: "  P018 why: ...".
inline std::string explanation_text(const result<explanation_report>& r) {
  std::string out;
  bool first = true;
  for (const auto& l : explanation_lines(r)) {
    out +=
        std::string(first ? "  " + std::string(checks::measurement.code) + " why:  " : std::string(13, ' ')) + l + "\n";
    first = false;
  }
  return out;
}

}  // namespace sevproof::workflows
