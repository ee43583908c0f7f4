// `sevproof id-block` (create) as a function, shared with `sevproof vm id-block`.
#pragma once

#include <string>

#include "measure_flags.hpp"

namespace sevproof::cli {

struct create_options {
  std::string measurement, family_id, image_id, guest_svn = "0", policy = "0x30000", id_key, author_key, out_dir;
  bool json = false;
};

// Makes, prints (and with out_dir writes) the ID block and ID auth; the exit code. The launch
// digest is `measurement` when given, else computed from `m` (the measure flags).
int run_id_block_create(const create_options& o, const measure_cli& m);

}  // namespace sevproof::cli
