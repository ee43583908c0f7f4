// WebAssembly bindings of the verifier module: the same header-only library the CLI uses, exposed to
// JavaScript through Embind. Bytes and plain strings go in, JSON text comes out. Nothing is
// re-implemented in JS. The measurement engine is a second module (measure_bindings.cpp), compiled
// by the page only when a measurement is first asked for, so this one stays small and starts fast.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <nlohmann/json.hpp>
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "sevproof/core/base64.hpp"
#include "sevproof/core/time.hpp"
#include "sevproof/crypto/botan.hpp"
#include "sevproof/crypto/crl.hpp"
#include "sevproof/crypto/keys.hpp"
#include "sevproof/crypto/public_key.hpp"
#include "sevproof/embedded_amd_chain.hpp"
#include "sevproof/format/report_json.hpp"
#include "sevproof/format/verdict_json.hpp"
#include "sevproof/idblock/id_block.hpp"
#include "sevproof/kds/roles.hpp"
#include "sevproof/kds/urls.hpp"
#include "sevproof/measure/vcpu.hpp"
#include "sevproof/snp/cert_table.hpp"
#include "sevproof/pipeline/appraise.hpp"
#include "sevproof/pipeline/evidence_inputs.hpp"
#include "sevproof/validate/option_text.hpp"
#include "sevproof/validate/reference_values.hpp"
#include "sevproof/version.hpp"
#include "sevproof/workflows/openstack.hpp"
#include "sevproof/workflows/vm_verify.hpp"
#include "js_values.hpp"

namespace {

using namespace sevproof;
using emscripten::val;
using json = nlohmann::ordered_json;

using wasm::input_error;
using wasm::present;
using wasm::text_of;
using wasm::to_bytes;

// showReport(bytes, product) -> the report as `sevproof report show --json` prints it, or {error}
std::string show_report(const val& report_js, const std::string& product) {
  snp::read_options ro;
  if (!product.empty()) {  // the words of `report show --product` (an unknown name is refused, never ignored)
    if (auto problem = snp::product_name_problem(product)) return input_error("product", *problem);
    ro.given_product = snp::product_from_name(product);
  }
  auto pr = snp::read_report(to_bytes(report_js), ro);
  if (!pr) return input_error("report", pr.err().to_string());
  return format::report_json(*pr).dump();
}

// The verification options of the form: time, product, report offset (read by the library's
// pipeline::set_now/set_product/set_offset, as the CLI's flags and batch lines), strictness, built-in chain.
std::optional<std::string> request_options(const val& in, pipeline::request& rq) {
  for (const auto& [key, set] : {std::pair{"now", &pipeline::set_now}, std::pair{"product", &pipeline::set_product},
                                 std::pair{"offset", &pipeline::set_offset}})
    if (const auto text = text_of(in, key); !text.empty())
      if (auto problem = (*set)(rq, text)) return input_error(key, *problem);
  rq.strict = present(in, "strict") && in["strict"].as<bool>();
  rq.builtin_chain = !present(in, "builtin") || in["builtin"].as<bool>();
  return std::nullopt;
}

// The evidence slots of the form: the library's table (pipeline::evidence_slots), each slot under its
// name in camel case ("cert-table" is certTable), the slot naming the input.
void request_evidence(const val& in, pipeline::request& rq) {
  for (const auto& slot : pipeline::evidence_slots) {
    std::string key;
    for (std::size_t i = 0; i < slot.name.size(); ++i)
      if (slot.name[i] == '-' && i + 1 < slot.name.size())
        key += static_cast<char>(std::toupper(static_cast<unsigned char>(slot.name[++i])));
      else
        key += slot.name[i];
    if (!present(in, key.c_str())) continue;
    // the file's name when the page gives it (messages then say "in vcek.der", as the CLI names the path)
    const bool named = present(in, "names") && present(in["names"], key.c_str());
    const val files = in[key];
    if (files.isArray()) {  // several files in one slot (the chain's): each its own input, as --certs DIR gives them
      const val names = named ? in["names"][key] : val::undefined();
      const auto n = files["length"].as<unsigned>();
      for (unsigned i = 0; i < n; ++i) {
        const bool has_name = names.isArray() && i < names["length"].as<unsigned>();
        rq.evidence.push_back({slot.kind, {has_name ? names[i].as<std::string>() : key, to_bytes(files[i])}, key});
      }
      continue;
    }
    rq.evidence.push_back({slot.kind, {named ? text_of(in["names"], key.c_str()) : key, to_bytes(files)}, key});
  }
}

// Reference values by their option names, through the library's option table (as the CLI's flags).
std::optional<std::string> expectations_of(const val& in, validate::options& out) {
  if (!present(in, "expect")) return std::nullopt;
  const val expect = in["expect"];
  const val keys = val::global("Object").call<val>("keys", expect);
  for (unsigned i = 0, n = keys["length"].as<unsigned>(); i < n; ++i) {
    const auto name = keys[i].as<std::string>();
    const val v = expect[name];
    try {
      if (v.isArray()) {
        for (unsigned k = 0, m = v["length"].as<unsigned>(); k < m; ++k)
          validate::apply_option(out, name, v[k].as<std::string>());
      } else if (v.isTrue() || v.isFalse()) {
        validate::apply_option(out, name, v.isTrue() ? "true" : "false");
      } else {
        validate::apply_option(out, name, v.as<std::string>());
      }
    } catch (const validate::option_error& e) {
      return input_error("expectation " + name, e.what());
    }
  }
  return std::nullopt;
}

// Verified certificate links, remembered for the page's lifetime (the library's link cache, keyed by
// certificate and issuer-key fingerprints): each report's own signature and bindings are always
// checked afresh.
// The chain's RSA-PSS questions WebCrypto answered (question identity -> valid): the link cache puts a link
// to them first, and only a question with exactly this identity is answered; any other Botan verifies.
std::map<std::string, bool>& webcrypto_pss_answers() {
  static std::map<std::string, bool> answers;
  return answers;
}

std::string pss_question_id(bytes_view spki, bytes_view tbs, bytes_view signature) {
  crypto::sha256 h;
  for (const bytes_view part : {spki, tbs}) {
    const auto n = static_cast<std::uint32_t>(part.size());
    const byte len[4] = {static_cast<byte>(n), static_cast<byte>(n >> 8), static_cast<byte>(n >> 16),
                         static_cast<byte>(n >> 24)};
    h.update(bytes_view(len, 4));
    h.update(part);
  }
  h.update(signature);
  return hex::encode(h.finish());
}

std::unique_ptr<verify::link_cache>& page_links_slot() {
  static std::unique_ptr<verify::link_cache> links;
  return links;
}

verify::link_cache& page_links() {
  auto& links = page_links_slot();
  if (!links) {
    links = std::make_unique<verify::link_cache>();
    links->answer_rsa_pss_with([](bytes_view spki, bytes_view tbs, bytes_view signature) -> std::optional<bool> {
      const auto& answers = webcrypto_pss_answers();
      const auto it = answers.find(pss_question_id(spki, tbs, signature));
      return it == answers.end() ? std::nullopt : std::optional<bool>(it->second);
    });
  }
  return *links;
}

// forgetLinks(): the verified links and WebCrypto's answers are dropped, so that the next verification checks
// every chain link again (the page does this when the user asks for the WebAssembly library only).
void forget_links_js() {
  page_links_slot().reset();
  webcrypto_pss_answers().clear();
}

// answerRsaPss([{id, valid}]): WebCrypto's answers to the questions rsaPssQuestions / builtinChainQuestions named.
void answer_rsa_pss_js(const val& answers) {
  for (unsigned i = 0, n = answers["length"].as<unsigned>(); i < n; ++i) {
    const val a = answers[i];
    if (present(a, "id") && present(a, "valid"))
      webcrypto_pss_answers()[a["id"].as<std::string>()] = a["valid"].as<bool>();
  }
}

// One chain link's RSA-PSS question (AMD's parameters only) as the page puts it to WebCrypto, unless answered.
void add_pss_question(const crypto::certificate& subject, const crypto::certificate& issuer, json& out) {
  const auto q = subject.pss_sha384();
  if (!q) return;
  const bytes spki = issuer.spki_der();
  auto id = pss_question_id(spki, q->tbs, q->signature);
  if (webcrypto_pss_answers().count(id)) return;
  for (const auto& e : out)
    if (e["id"] == id) return;
  out.push_back({{"id", std::move(id)},
                 {"link", subject.subject_cn() + " by " + issuer.subject_cn()},
                 {"spki", base64::encode(spki)},
                 {"tbs", base64::encode(q->tbs)},
                 {"signature", base64::encode(q->signature)}});
}

// The links verification will check, walking up by issuer name from `start` through `pool` to a self-signed root.
void chain_questions(const crypto::certificate& start, const std::vector<const crypto::certificate*>& pool, json& out,
                     int depth = 0) {
  if (depth > 3) return;
  for (const auto* issuer : pool) {
    if (issuer->subject_cn() != start.issuer_cn()) continue;
    add_pss_question(start, *issuer, out);
    if (issuer->subject_cn() == issuer->issuer_cn())
      add_pss_question(*issuer, *issuer, out);  // the root's self-signature
    else
      chain_questions(*issuer, pool, out, depth + 1);
  }
}

// checkBuiltinChain(product or "" for all) -> [{product, link, valid, detail}]: each built-in ARK's self-signature and
// its ASK and ASVK signatures, checked once per page load (the page calls it as soon as it is idle, and shows the
// result beside the roots); later verifications find these links in the cache.
std::string check_builtin_chain_js(const std::string& product) {
  const auto trust = verify::trust_anchors::amd();
  json out = json::array();
  for (const auto p : {snp::product::milan, snp::product::genoa, snp::product::turin}) {
    if (!product.empty() && snp::product_from_name(product) != p) continue;
    const crypto::certificate* ark = nullptr;
    std::vector<const crypto::certificate*> inter;
    for (const auto& c : pipeline::builtin_chain_of(p)) {
      const auto pin = trust.identify(c);
      if (!pin || pin->product != p) continue;
      if (pin->role == verify::ca_role::ark)
        ark = &c;
      else
        inter.push_back(&c);
    }
    if (!ark) continue;
    auto add = [&](const crypto::certificate& subject) {
      const auto s = page_links().signed_by(subject, *ark);
      out.push_back({{"product", std::string(snp::product_name(p))},
                     {"link", subject.subject_cn() + " by " + ark->subject_cn()},
                     {"valid", s.valid},
                     {"detail", s.detail}});
    };
    add(*ark);
    for (const auto* c : inter) add(*c);
  }
  return out.dump();
}

// builtinChainQuestions(product) -> [{id, link, spki, tbs, signature}]: the RSA-PSS questions checkBuiltinChain
// will ask for the product's built-in ARK, ASK and ASVK, for the page to put to WebCrypto first.
std::string builtin_chain_questions_js(const std::string& product) {
  const auto trust = verify::trust_anchors::amd();
  const auto want = snp::product_from_name(product);
  std::vector<const crypto::certificate*> pool;
  for (const auto& c : want ? pipeline::builtin_chain_of(*want) : pipeline::builtin_chain())
    if (const auto pin = trust.identify(c); pin && (!want || pin->product == *want)) pool.push_back(&c);
  json out = json::array();
  for (const auto* c : pool) chain_questions(*c, pool, out);
  return out.dump();
}

// The identity of one ECDSA question (signer key, message, r, s): a WebCrypto answer is used only for
// the exact question it was computed for.
std::string ecdsa_question_id(bytes_view spki, bytes_view message, std::span<const byte, 48> r,
                              std::span<const byte, 48> s) {
  crypto::sha256 h;
  const auto n = static_cast<std::uint32_t>(spki.size());
  const byte len[4] = {static_cast<byte>(n), static_cast<byte>(n >> 8), static_cast<byte>(n >> 16),
                       static_cast<byte>(n >> 24)};
  h.update(bytes_view(len, 4));
  h.update(spki);
  h.update(message);
  h.update(bytes_view(r.data(), r.size()));
  h.update(bytes_view(s.data(), s.size()));
  return hex::encode(h.finish());
}

// signatureInput(same request as verify) -> {id, spki, message, r, s, links} (base64): the report signature
// question the library will ask in verify (the signer and bytes it will use), and the RSA-PSS questions of the
// chain links from the signer up to its ARK not yet answered ({id, link, spki, tbs, signature}), for the page to
// put to WebCrypto first; {} when there is none (no signer, unreadable input: verify will say why).
std::string signature_input_js(const val& in) {
  if (!present(in, "report")) return "{}";
  pipeline::request rq;
  if (request_options(in, rq)) return "{}";
  rq.report = {"report", to_bytes(in["report"])};
  request_evidence(in, rq);
  snp::read_options ro;
  ro.given_product = rq.product;
  ro.product_is_hint = true;
  ro.offset = rq.offset;
  auto pr = snp::read_report(rq.report.data, ro);
  if (!pr) return "{}";
  verify::evidence_builder eb(std::move(pr).value());
  for (const auto& it : rq.evidence)
    if (pipeline::detail::add_evidence(eb, it)) return "{}";
  const auto& ev = eb.peek();
  const auto sig = snp::read_signature(ev.report.report);
  if (!ev.signer || !sig) return "{}";
  const bytes spki = ev.signer->spki_der();
  const auto message = ev.report.report.signed_bytes();
  // The same certificates verify will offer: the built-in chain of the products the evidence names only
  // (the first verification of a page parses two built-in certificates, not nine).
  if (rq.builtin_chain) pipeline::detail::offer_builtin(eb, rq.product);
  std::vector<const crypto::certificate*> pool;
  for (const auto& c : eb.peek().offered) pool.push_back(&c);
  json links = json::array();
  chain_questions(*ev.signer, pool, links);
  return json{{"id", ecdsa_question_id(spki, message, sig->r_be, sig->s_be)},
              {"spki", base64::encode(spki)},
              {"message", base64::encode(message)},
              {"r", base64::encode(sig->r_be)},
              {"s", base64::encode(sig->s_be)},
              {"links", links}}
      .dump();
}

// {webcrypto: {id, valid}} -> the answer WebCrypto gave for that question, used by V016 if (and only
// if) the library asks exactly that question; otherwise Botan verifies.
verify::ecdsa_verifier webcrypto_answer(const val& in) {
  if (!present(in, "webcrypto")) return {};
  const val w = in["webcrypto"];
  if (!present(w, "id") || !present(w, "valid")) return {};
  return [id = w["id"].as<std::string>(), valid = w["valid"].as<bool>()](
             bytes_view spki, bytes_view message, std::span<const byte, 48> r,
             std::span<const byte, 48> s) -> std::optional<bool> {
    if (ecdsa_question_id(spki, message, r, s) != id) return std::nullopt;
    return valid;
  };
}

// The ID and author keys a VM file's [id_block] names are trusted as `sevproof vm verify` trusts them: the page
// hands over the files ({files: {"id_block.id_key": bytes, ...}}), their pins are checked and their digests
// expected in ID_KEY_DIGEST / AUTHOR_KEY_DIGEST. A key the file names but the page did not give is an input
// error naming the key, never a check quietly left out.
std::optional<std::string> vm_key_digests(const workflows::vm::definition& d, const val& vm_in, validate::options& o) {
  if (!d.id_block) return std::nullopt;
  const bool given = present(vm_in, "files");
  for (auto [ref, list] : {std::pair{&d.id_block->id_key, &o.trusted_id_keys},
                           std::pair{&d.id_block->author_key, &o.trusted_author_keys}}) {
    if (!*ref) continue;
    const auto& f = **ref;
    if (!given || !present(vm_in["files"], f.key.c_str()))
      return input_error("vm", d.where(f.key) + ": choose the key file it names (" + f.path + ")");
    const bytes data = to_bytes(vm_in["files"][f.key]);
    if (auto e = workflows::vm::check_pin(d, f, crypto::sha256_of(data))) return input_error("vm", e->to_string());
    auto k = workflows::vm::key_file_digest(d, f, data);
    if (!k) return input_error("vm", k.err().to_string());
    list->emplace_back(k->begin(), k->end());
  }
  return std::nullopt;
}

// verify({report, reportName?, vcek?, certTable?, ark?, ask?, chain?, crl?, now?, product?, offset?, strict?,
//         builtin?, expect?, vm? {text, name, files? {"id_block.id_key": bytes, ...}}})
//   -> the library's verdict JSON (`sevproof verify --json`) or {error: {input, message}}.
// Verified certificate links are remembered for the page's lifetime: the built-in chain is checked
// once per page load; each report's signature and bindings are always checked afresh.
std::string verify_js(const val& in) {
  if (!present(in, "report")) return input_error("report", "no attestation report was given");
  pipeline::request rq;
  if (auto err = request_options(in, rq)) return *err;
  if (auto err = expectations_of(in, rq.expect)) return *err;
  rq.report = {"report", to_bytes(in["report"])};
  request_evidence(in, rq);
  rq.ecdsa = webcrypto_answer(in);
  std::optional<workflows::vm::definition> vm;
  if (present(in, "vm")) {
    auto d = workflows::vm::parse(text_of(in["vm"], "text"), text_of(in["vm"], "name", "VM file"));
    if (!d) return input_error("vm", d.err().to_string());
    vm = std::move(d).value();
    if (!rq.product && !vm->product.empty()) rq.product = snp::product_from_name(vm->product);
    if (auto err = vm_key_digests(*vm, in["vm"], rq.expect)) return *err;
  }
  auto a = pipeline::appraise(rq, &page_links());
  if (a.input_error) return input_error(a.input_option, a.input_error->to_string());
  if (vm) workflows::vm::complete(a, *vm);  // the launch checks of `sevproof vm verify` (P035, P036)
  const auto name = text_of(in, "reportName");
  auto j = pipeline::appraisal_json(a, name.empty() ? "report" : name);
  if (vm) {  // as `sevproof vm verify --json`: each failed check names the file key behind it
    j["vm"] = vm->source;
    const auto sources = workflows::vm::check_sources(*vm);
    for (auto& c : j["checks"])
      if (c["status"] == "fail")
        if (auto it = sources.find(c["code"].get<std::string>()); it != sources.end()) c["vm_key"] = it->second;
  }
  return j.dump();
}

// The parsed definition as the measurement module takes it (measure_bindings.cpp, definition_of): the file
// is parsed once, here, by the library's reader; that module runs vm::expected_measurement on these fields.
json vm_definition_json(const workflows::vm::definition& d) {
  auto opt = [](const auto& v) { return v ? json(*v) : json(nullptr); };
  auto file = [](const std::optional<workflows::vm::file_ref>& f) -> json {
    if (!f) return nullptr;
    return {{"key", f->key},
            {"line", f->line},
            {"path", f->path},
            {"resolved", f->resolved},
            {"sha256", f->pin ? json(hex::encode(*f->pin)) : json(nullptr)}};
  };
  return {{"source", d.source},
          {"origin", d.from == workflows::vm::origin::snpguard ? "SNPGuard" : "sevproof"},
          {"mode", d.mode},
          {"ovmf", file(d.ovmf)},
          {"kernel", file(d.kernel)},
          {"initrd", file(d.initrd)},
          {"append", opt(d.append)},
          {"vcpus", opt(d.vcpus)},
          {"vcpu_family", opt(d.vcpu_family)},
          {"vcpu_model", opt(d.vcpu_model)},
          {"vcpu_stepping", opt(d.vcpu_stepping)},
          {"vcpu_type", d.vcpu_type},
          {"vcpu_sig", d.vcpu_sig},
          {"vmm_type", d.vmm_type},
          {"guest_features", d.guest_features},
          {"fpu_init", d.fpu_init},
          {"snp_ovmf_hash", d.snp_ovmf_hash},
          {"lines", d.lines}};
}

// readVm(text, name) -> what a VM definition file (`sevproof vm`'s, TOML or JSON, or SNPGuard's) fixes:
// {source, origin, product, expect (the reference values it implies, by option name), measurement_recorded,
//  launch {...}, files [{key, path, name, sha256}]}, or {error}. The page fills its form from it and asks
// for the files by these names; the measurement module checks their pins.
std::string read_vm_js(const std::string& text, const std::string& name) {
  namespace vm = workflows::vm;
  auto d = vm::parse(text, name);
  if (!d) return input_error("vm", d.err().to_string());
  json files = json::array();
  for (const auto* f : d->files())
    files.push_back({{"key", f->key},
                     {"where", d->where(f->key)},
                     {"path", f->path},
                     {"name", std::filesystem::path(f->path).filename().string()},
                     {"sha256", f->pin ? json(hex::encode(*f->pin)) : json(nullptr)}});
  auto opt = [](const auto& v) { return v ? json(*v) : json(nullptr); };
  json launch = {{"mode", d->mode},
                 {"vcpus", opt(d->vcpus)},
                 {"vcpu_type", d->vcpu_type},
                 {"vcpu_sig", d->vcpu_sig},
                 {"vmm_type", d->vmm_type},
                 {"guest_features", d->guest_features},
                 {"fpu_init", d->fpu_init},
                 {"append", opt(d->append)},
                 {"policy", d->policy ? json(hex::number(*d->policy)) : json(nullptr)},
                 {"platform_info", d->platform_info ? json(hex::number(*d->platform_info)) : json(nullptr)}};
  return json{{"source", d->source},
              {"origin", d->from == vm::origin::snpguard ? "SNPGuard" : "sevproof"},
              {"definition", vm_definition_json(*d)},
              {"product", d->product},
              {"expect", validate::to_json(vm::reference_values(*d, std::nullopt, {}))},
              {"measurement_recorded", !d->expect.measurements.empty()},
              {"launch", launch},
              {"files", files}}
      .dump();
}

// openstackCheck({flavor, image, node?, require?, rootDevice?}) -> `sevproof openstack check --json` plus its verdict
// line
// (`summary`, `launchable`), or {error}: would Nova boot this flavor and image as SEV, SEV-ES or SEV-SNP?
std::string openstack_check_js(const val& in) {
  namespace os = workflows::openstack;
  for (const char* doc : {"flavor", "image"})
    if (text_of(in, doc).empty()) return input_error(doc, std::string("no OpenStack ") + doc + " document was given");
  const auto node = text_of(in, "node");
  auto o = os::make_options(node.empty() ? std::vector<std::string>{} : std::vector<std::string>{node},
                            text_of(in, "require"), text_of(in, "rootDevice"));
  if (!o) return input_error(o.err().structure.substr(o.err().structure.find_first_not_of('-')), o.err().message);
  auto r = os::check_documents(text_of(in, "flavor"), text_of(in, "image"), *o);
  if (!r) return input_error(r.err().structure, r.err().to_string());
  auto j = os::to_json(*r);
  j["launchable"] = r->launchable();
  j["summary"] = os::verdict_line(*r);
  return j.dump();
}

// readReferenceValues(text, name) -> the reference values of a TOML or JSON file, by option name
// (what the page puts into its form), or {error}.
std::string read_reference_values_js(const std::string& text, const std::string& name) {
  try {
    return validate::to_json(validate::read_reference_values(text, name)).dump();
  } catch (const validate::option_error& e) {
    return input_error("referenceValues", e.what());
  }
}

// optionTable() -> [{name, kind, group, help}]: the reference values the page's form offers, from the
// library's one option table (the CLI's flags and the files' keys), so page and CLI cannot drift.
std::string option_table_js() {
  static constexpr const char* kinds[] = {"flag", "allow_deny", "number", "hex", "hex_list", "tcb", "version"};
  json out = json::array();
  for (const auto& spec : validate::option_table)
    out.push_back({{"name", std::string(spec.name)},
                   {"kind", kinds[static_cast<int>(spec.kind)]},
                   {"group", std::string(spec.group)},
                   {"help", std::string(spec.help)}});
  return out.dump();
}

// What a dropped file is, judged by its content (never its name): report | vcek | vlek | ark | ask | asvk |
// chain | crl | cert_table | vm | openstack_flavor | openstack_image | reference_values | unknown.
std::string certificate_kind(const crypto::certificate& c) {
  const auto k = kds::kind_of(c);  // the library's kinds; the page routes a CA it does not know as a certificate
  return std::string(k == kds::cert_kind::other_ca ? "certificate" : kds::kind_key(k));
}

// A text document (TOML or JSON) by its top-level keys: a VM definition (sevproof's or SNPGuard's), an
// OpenStack `flavor show` or `image show` document, or a reference-values file (every key an option name).
// The reader that takes the document then says what is wrong with it, if anything.
json classify_document(const bytes& d) {
  namespace vm = workflows::vm;
  if (d.empty() || d.size() > vm::max_text_size || std::find(d.begin(), d.end(), byte{0}) != d.end()) return nullptr;
  const std::string_view text(reinterpret_cast<const char*>(d.data()), d.size());
  auto doc = vm::read_document(text, "document");
  if (!doc || doc->members.empty()) return nullptr;
  auto has = [&](const char* k) { return doc->find(k) != nullptr; };
  if (has("launch") || has("format") || has("vcpu_count") || has("ovmf_file") || has("host_cpu_family"))
    return {{"kind", "vm"}, {"detail", has("format") || has("launch") ? "sevproof VM file" : "SNPGuard VM file"}};
  if (has("vcpus") && (has("ram") || has("disk") || has("os-flavor-access:is_public")))
    return {{"kind", "openstack_flavor"}, {"detail", "OpenStack flavor"}};
  if (has("disk_format") || has("container_format"))
    return {{"kind", "openstack_image"}, {"detail", "OpenStack image"}};
  const bool options = std::all_of(doc->members.begin(), doc->members.end(), [](const auto& m) {
    return std::any_of(std::begin(validate::option_table), std::end(validate::option_table),
                       [&](const auto& spec) { return m.first == spec.name; });
  });
  if (options) return {{"kind", "reference_values"}, {"detail", std::to_string(doc->members.size()) + " keys"}};
  if (text[text.find_first_not_of(" \t\r\n")] == '{') return {{"kind", "json"}, {"detail", "JSON"}};
  return nullptr;
}

json classify(const bytes& d) {
  // a GHCB certificate table first: its entries may be PEM text, which must not make it a bundle
  if (auto t = snp::parse_cert_table(d))
    if (std::any_of(t->begin(), t->end(), [](const auto& e) { return e.role != snp::cert_role::unknown; }))
      return {{"kind", "cert_table"}, {"detail", std::to_string(t->size()) + " entries"}};
  const bool pem = crypto::detail::looks_like_pem(d);
  const std::string_view text(reinterpret_cast<const char*>(d.data()), d.size());
  if ((pem && text.find("-----BEGIN CERTIFICATE-----") != std::string_view::npos) ||
      (!pem && !d.empty() && d[0] == 0x30)) {
    if (auto cs = crypto::certificate::load_all(d)) {
      if (cs->size() > 1) return {{"kind", "chain"}, {"detail", std::to_string(cs->size()) + " certificates"}};
      return {{"kind", certificate_kind(cs->front())}, {"detail", cs->front().subject_cn()}};
    }
  }
  if (auto c = crypto::crl::load(d)) return {{"kind", "crl"}, {"detail", c->issuer_cn()}};
  snp::read_options ro;
  ro.product_is_hint = true;
  if (auto r = snp::read_report(d, ro))
    return {{"kind", "report"}, {"detail", std::string(snp::container_name(r->source)) + ", " + r->encoding}};
  if (crypto::detail::der_from_text(d))  // a certificate as bare base64 or hex text, as --vcek reads it
    if (auto cs = crypto::certificate::load_all(d))
      return {{"kind", certificate_kind(cs->front())}, {"detail", cs->front().subject_cn()}};
  if (auto doc = classify_document(d); !doc.is_null()) return doc;
  return {{"kind", "unknown"}, {"detail", std::to_string(d.size()) + " bytes"}};
}

std::string classify_js(const val& data) { return classify(to_bytes(data)).dump(); }

// builtinRoots() -> [{product, role, subject, spki_sha256, pinned, not_after}]
std::string builtin_roots() {
  json out = json::array();
  const auto trust = verify::trust_anchors::amd();
  for (const auto& c : pipeline::builtin_chain()) {
    const auto pin = trust.identify(c);
    auto lower = [](std::string_view s) {
      std::string out(s);
      for (auto& ch : out) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      return out;
    };
    out.push_back({{"product", pin ? lower(snp::product_name(pin->product)) : std::string("?")},
                   {"role", pin ? lower(verify::ca_role_name(pin->role)) : std::string("?")},
                   {"subject", c.subject_cn()},
                   {"spki_sha256", verify::spki_fingerprint(c)},
                   {"pinned", pin.has_value()},
                   {"not_after", utc::format(c.not_after())}});
  }
  return out.dump();
}

// kdsUrls(report, product) -> {product, vcek, cert_chain, crl} or {error}: what to fetch on a connected machine.
std::string kds_urls_js(const val& report_js, const std::string& product) {
  const auto a = kds::urls_for_report(to_bytes(report_js), product);
  if (a.refused)
    return a.by == kds::report_urls::fault::product ? input_error("product", a.refused->message)
                                                    : input_error("report", a.refused->to_string());
  json vcek = a.u.vcek.empty() ? json(nullptr) : json(a.u.vcek);  // a VLEK is not fetched by chip id: null, as the CLI
  return json{{"product", std::string(snp::product_name(a.product))},
              {"signer", a.u.signer},
              {"vcek", vcek},
              {"cert_chain", a.u.cert_chain},
              {"crl", a.u.crl}}
      .dump();
}

// keyDigest(bytes) -> {sha384, base64} of a P-384 key's AMD public-key structure, or {error}.
std::string key_digest_js(const val& key_js) {
  const auto ks = idblock::key_structure_from_file(to_bytes(key_js));
  if (!ks) return input_error("key", ks.err().to_string());
  const auto d = idblock::key_digest(*ks);
  return json{{"sha384", hex::encode(d)}, {"base64", base64::encode(d)}}.dump();
}

// idBlockCheck({idBlock, idAuth, measurement?, policy?}) -> {accepted, checks[{check, ok, detail}]} or {error}:
// would SNP_LAUNCH_FINISH accept them (as `sevproof id-block check`)?
std::string id_block_check_js(const val& in) {
  if (!present(in, "idBlock")) return input_error("idBlock", "no ID block was given");
  if (!present(in, "idAuth")) return input_error("idAuth", "no ID auth was given");
  const auto block = idblock::structure_from(to_bytes(in["idBlock"]), 0x60);
  if (!block) return input_error("idBlock", "neither 96 raw bytes nor base64 of them");
  const auto auth = idblock::structure_from(to_bytes(in["idAuth"]), 0x1000);
  if (!auth) return input_error("idAuth", "neither 4096 raw bytes nor base64 of them");
  idblock::finish_expectations want;
  try {
    if (const auto text = text_of(in, "measurement"); !text.empty()) {
      const auto m = validate::parse_hex_field(text, "--measurement", 48);
      want.ld.emplace();
      std::copy(m.begin(), m.end(), want.ld->begin());
    }
  } catch (const validate::option_error& e) {
    return input_error("idMeasurement", e.what());
  }
  if (const auto p = text_of(in, "policy"); !p.empty()) {
    want.policy = parse_uint(p);
    if (!want.policy) return input_error("idPolicy", number_syntax_problem(p));
  }
  auto r = idblock::check_for_launch_finish(*block, *auth, want);
  if (!r) return input_error("idBlock", r.err().to_string());
  json checks = json::array();
  bool all = true;
  for (const auto& c : *r) {
    all = all && c.ok;
    checks.push_back({{"check", c.what}, {"ok", c.ok}, {"detail", c.detail}});
  }
  return json{{"accepted", all},
              {"not_compared", idblock::not_compared(want)},
              {"checks", checks},
              {"summary", idblock::finish_verdict(all, want)}}
      .dump();
}

// sha256(bytes) -> hex: the input hashes recorded in the exported verdict.
std::string sha256_js(const val& data) { return hex::encode(crypto::sha256_of(to_bytes(data))); }

// vcpuTypes() -> the names the measurement form offers (the table only; the engine is the other module).
std::string vcpu_types_js() {
  json out = json::array();
  for (const auto& t : measure::vcpu_types) out.push_back(std::string(t.name));
  return out.dump();
}

std::string version() {
  return std::string("sevproof ") + version_string + " (" + crypto::backend_version() + ", WebAssembly)";
}

}  // namespace

EMSCRIPTEN_BINDINGS(sevproof) {
  emscripten::function("verify", &verify_js);
  emscripten::function("signatureInput", &signature_input_js);
  emscripten::function("checkBuiltinChain", &check_builtin_chain_js);
  emscripten::function("builtinChainQuestions", &builtin_chain_questions_js);
  emscripten::function("answerRsaPss", &answer_rsa_pss_js);
  emscripten::function("forgetLinks", &forget_links_js);
  emscripten::function("readReferenceValues", &read_reference_values_js);
  emscripten::function("readVm", &read_vm_js);
  emscripten::function("openstackCheck", &openstack_check_js);
  emscripten::function("optionTable", &option_table_js);
  emscripten::function("showReport", &show_report);
  emscripten::function("classify", &classify_js);
  emscripten::function("builtinRoots", &builtin_roots);
  emscripten::function("kdsUrls", &kds_urls_js);
  emscripten::function("keyDigest", &key_digest_js);
  emscripten::function("idBlockCheck", &id_block_check_js);
  emscripten::function("sha256", &sha256_js);
  emscripten::function("vcpuTypes", &vcpu_types_js);
  emscripten::function("version", &version);
}
