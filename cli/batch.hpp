// sevproof verify --batch: many reports, one JSON line in and one JSON line out each, in order.
// Lines are appraised on every core in chunks (memory stays flat however long the input), with
// one link cache shared by all: a fleet pays the RSA work of its chain once per certificate.
#pragma once

#include <atomic>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "io.hpp"
#include "sevproof/core/json_text.hpp"
#include "sevproof/pipeline/appraise.hpp"
#include "sevproof/pipeline/evidence_inputs.hpp"
#include "verify_flags.hpp"

namespace sevproof::cli {

namespace batch_detail {

inline constexpr std::size_t chunk_lines = 1024;
inline constexpr std::size_t max_line = 1u << 20;
// The whole batch: a device or a pipe given by mistake (/dev/zero) stops here, not never.
inline constexpr std::uint64_t max_batch_input = 256ull << 20;  // a million lines of paths
inline constexpr std::size_t chunk_bytes = 32u << 20;           // a chunk also ends once its lines hold this much text

struct line_job {
  std::size_t number = 0;
  std::string text;  // the line, until a worker has turned it into a request
  std::string report_path;
  std::optional<pipeline::request> request;
  std::string error;  // why the line could not be turned into a request
  nlohmann::ordered_json out;
};

inline std::optional<std::string> read_input(const std::string& path, const std::string& key, pipeline::request& rq,
                                             pipeline::evidence_kind kind) {
  auto f = read_file(path);
  if (!f.data) return key + ": " + f.why;
  rq.evidence.push_back({kind, {path, std::move(*f.data)}, key});
  return std::nullopt;
}

// A line's keys are JSON spellings ("cert_table"): the library's slots and request keys, taken
// only as written with '_' (a "cert-table" key is a reference value, refused as unknown).
inline const pipeline::evidence_slot* line_slot(const std::string& key) {
  return key.find('-') == std::string::npos ? pipeline::evidence_slot_of(key) : nullptr;
}
inline bool is_line_request_key(const std::string& key) {
  return key.find('-') == std::string::npos && pipeline::is_request_key(key);
}

// One input line, read as a JSON object `j` -> a request (evidence read, reference values merged over the
// defaults). `text` is the line, to point at keys.
inline void prepare(line_job& job, const nlohmann::json& j, const std::string& text, const pipeline::request& defaults,
                    const validate::options& expect) {
  pipeline::request rq = defaults;
  validate::options lineref;
  bool has_ref = false;
  try {
    for (const auto& [key, value] : j.items()) {
      if (key == "report") continue;
      if (const auto* slot = line_slot(key)) {
        if (!value.is_string() || value.get<std::string>().empty())
          throw validate::option_error(key + ": expected a file path");
        if (auto err = read_input(value.get<std::string>(), key, rq, slot->kind)) throw validate::option_error(*err);
        continue;
      }
      if (key == "now" || key == "product") {
        if (!value.is_string()) throw validate::option_error(key + ": expected a string");
        const auto problem = key == "now" ? pipeline::set_now(rq, value.get<std::string>())
                                          : pipeline::set_product(rq, value.get<std::string>());
        if (problem) throw validate::option_error(key + " " + *problem);
        continue;
      }
      has_ref = true;  // anything else is a reference value
    }
    if (has_ref) {
      nlohmann::json ref = j;
      for (auto it = ref.begin(); it != ref.end();) it = is_line_request_key(it.key()) ? ref.erase(it) : ++it;
      validate::apply_json(ref, text, "line " + std::to_string(job.number), lineref);
    }
  } catch (const validate::option_error& e) {
    job.error = e.what();
    return;
  }
  rq.expect = validate::merged(expect, lineref);  // the line's values replace the defaults key by key
  auto f = read_file(job.report_path);
  if (!f.data) {
    job.error = "report: " + f.why;
    return;
  }
  rq.report = {job.report_path, std::move(*f.data)};
  job.request = std::move(rq);
}

inline nlohmann::ordered_json result_line(const line_job& job, const pipeline::appraisal* a) {
  nlohmann::ordered_json out;
  out["schema_version"] = pipeline::verdict_schema_version;
  out["line"] = job.number;
  out["report"] = job.report_path;
  if (!a || a->input_error) {
    out["genuine"] = false;
    out["verified"] = false;
    out["outcome"] = "input_error";
    out["failed"] = nlohmann::ordered_json::array();
    out["error"] = a ? a->input_option + ": " + a->input_error->to_string() : job.error;
    return out;
  }
  out["genuine"] = a->checks.genuine();
  out["verified"] = a->checks.passed();
  out["outcome"] = pipeline::outcome_name(a->result);
  nlohmann::ordered_json failed = nlohmann::ordered_json::array();
  for (const auto& c : a->checks.checks)
    if (c.result == status::fail) failed.push_back(c.code);
  out["failed"] = failed;
  out["product"] = a->product ? nlohmann::ordered_json(std::string(snp::product_name(*a->product)))
                              : nlohmann::ordered_json(nullptr);
  out["signer"] = a->signer_name;
  out["summary"] = a->headline;
  return out;
}

// std::getline with a bound: keeps at most `max` characters of the line and skips the rest (a
// hostile multi-gigabyte line is never held in memory). False at the end of the input.
inline bool bounded_line(std::FILE* in, std::string& line, std::size_t max, bool& too_long, std::uint64_t& read) {
  line.clear();
  too_long = false;
  bool any = false;
  for (int c; read < max_batch_input && (c = getc_unlocked(in)) != EOF;) {
    any = true;
    ++read;
    if (c == '\n') return true;
    if (line.size() < max)
      line.push_back(static_cast<char>(c));
    else
      too_long = true;
  }
  return any;
}

// One line from text to result: the JSON read, the files read, the appraisal (all on a worker).
inline void read_line(line_job& job, const pipeline::request& defaults, const validate::options& expect) {
  const std::string text = std::move(job.text);
  const auto parsed = json_text::parse(text);  // once: the report's path, then the rest of the line
  if (const auto* p = std::get_if<json_text::problem>(&parsed)) {
    job.error = p->what;
    return;
  }
  const auto& j = std::get<nlohmann::json>(parsed);
  if (!j.is_object()) {
    job.error = "expected a JSON object";
    return;
  }
  const auto it = j.find("report");
  if (it == j.end() || !it->is_string()) {
    job.error = it == j.end() ? "report: missing (each line needs \"report\": PATH)"
                              : "report: expected a file path (a string)";
    return;
  }
  job.report_path = it->get<std::string>();
  prepare(job, j, text, defaults, expect);
}

inline void run_chunk(std::vector<line_job>& jobs, verify::link_cache& cache, const pipeline::request& defaults,
                      const validate::options& expect) {
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (std::size_t i; (i = next++) < jobs.size();) {
      auto& job = jobs[i];
      if (job.error.empty()) read_line(job, defaults, expect);
      if (!job.request) {
        job.out = result_line(job, nullptr);
        continue;
      }
      const auto a = pipeline::appraise(*job.request, &cache);
      job.out = result_line(job, &a);
      job.request.reset();
    }
  };
  const unsigned n =
      std::max(1u, std::min<unsigned>(std::thread::hardware_concurrency(), static_cast<unsigned>(jobs.size())));
  std::vector<std::thread> threads;
  for (unsigned t = 1; t < n; ++t) threads.emplace_back(work);
  work();
  for (auto& t : threads) t.join();
}

}  // namespace batch_detail

inline int run_batch(const std::string& path, const evidence_flags& flags, const validate::options& expect) {
  using namespace batch_detail;
  pipeline::request defaults;
  if (int rc = flags.fill(defaults, "sevproof verify --batch"); rc != ok) return rc;
  std::string why;  // the one opener: "-", missing files, directories, loops; a pipe without a writer is empty
  std::FILE* in = io::open_input(path, why);
  if (!in) {
    std::cerr << "sevproof verify: --batch " << why << "\n";
    return bad_input;
  }
  struct closer {
    std::FILE* f;
    ~closer() {
      if (f != stdin) std::fclose(f);
    }
  } close_at_end{in};
  std::uint64_t read = 0;
  verify::link_cache cache;
  bool all_verified = true;
  std::size_t number = 0, total = 0;
  std::string text;
  for (bool more = true; more;) {
    std::vector<line_job> jobs;
    std::size_t held = 0;
    bool too_long = false;
    while (jobs.size() < chunk_lines && held < chunk_bytes &&
           (more = bounded_line(in, text, max_line, too_long, read))) {
      ++number;
      if (text.find_first_not_of(" \t\r") == std::string::npos) continue;  // blank lines are skipped
      line_job job;
      job.number = number;
      if (too_long) {
        job.error = "line longer than 1 MiB";
      } else {
        held += text.size();
        job.text = std::move(text);
      }
      jobs.push_back(std::move(job));
    }
    run_chunk(jobs, cache, defaults, expect);
    for (const auto& job : jobs) {
      all_verified = all_verified && job.out["verified"].get<bool>();
      std::cout << json_out(job.out, -1) << "\n";
    }
    total += jobs.size();
    std::cout.flush();
  }
  if (read >= max_batch_input) {
    std::cerr << "sevproof verify --batch: " << (path == "-" ? std::string("standard input") : path)
              << ": more than 256 MiB, stopped after line " << number << " (split the batch)\n";
    return bad_input;
  }
  if (total == 0) {
    std::cerr << "sevproof verify --batch: " << (path == "-" ? std::string("standard input") : path)
              << ": no report lines (one JSON object per line, each with \"report\": PATH)\n";
    return bad_input;
  }
  std::cerr << "sevproof verify --batch: " << total << " reports, "
            << (all_verified ? "all verified" : "not all verified") << " (" << cache.hits()
            << " certificate links reused from the cache)\n";
  return all_verified ? ok : check_failed;
}

}  // namespace sevproof::cli
