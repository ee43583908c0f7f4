#include <iostream>

#include "sevproof/core/hex.hpp"
#include "sevproof/crypto/hash.hpp"
#include "sevproof/snp/report_layout.hpp"

int main() {
  // SHA-256 of nothing through the installed crypto adapter, and the report size from the layout.
  std::cout << sevproof::hex::encode(sevproof::crypto::sha256_of({})) << " " << sevproof::snp::report_fields.size << "\n";
}
