// `sevproof openstack check --flavor FILE --image FILE --node ... --require ...` and the page's
// OpenStack form: `openstack flavor show -f json` and `openstack image show -f json` documents (with
// `properties` as an object or as the older `key='value'` string), the node facts and the required
// model, through workflows::openstack::check_texts to the --json answer. Input: the four texts separated by NUL
// bytes. Every answer and every refusal must be valid UTF-8 (it goes into JSON).
#include "../target.hpp"
#include "sevproof/workflows/openstack.hpp"

using namespace sevproof;

SEVPROOF_FUZZ_TARGET(openstack) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  std::string_view part[4];
  std::size_t at = 0;
  for (int i = 0; i < 4 && at <= in.size(); ++i) {
    const auto nul = in.find('\0', at);
    part[i] = in.substr(at, nul == std::string_view::npos ? std::string_view::npos : nul - at);
    at = nul == std::string_view::npos ? in.size() + 1 : nul + 1;
  }
  const auto root = part[3].empty() ? std::string_view("/dev/vda") : std::string_view("/dev/sda");
  if (auto r =
          workflows::openstack::check_texts(part[0], part[1], part[2], part[3].substr(0, part[3].find('\n')), root))
    fuzz::json_safe("openstack", r->dump());
  else
    fuzz::json_safe("openstack", r.err().to_string());
  return 0;
}
