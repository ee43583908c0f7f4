// Hashes and MACs: one-shot helpers and a streaming hasher (memory bounded for large inputs).
#pragma once

#include <array>
#include <memory>
#include <string>

#include "sevproof/core/bytes.hpp"
#include "sevproof/crypto/botan.hpp"

namespace sevproof::crypto {

using sha256_digest = std::array<byte, 32>;
using sha384_digest = std::array<byte, 48>;
using sha512_digest = std::array<byte, 64>;

// Incremental hashing: feed chunks of any size, then take the digest once.
template <std::size_t DigestSize>
class hasher {
 public:
  explicit hasher(const char* algorithm) : h_(Botan::HashFunction::create_or_throw(algorithm)) {}
  hasher& update(bytes_view data) {
    h_->update(data.data(), data.size());
    return *this;
  }
  // An independent copy of the state so far: hash a common prefix once, then finish many variants.
  [[nodiscard]] hasher fork() const { return hasher(h_->copy_state()); }
  std::array<byte, DigestSize> finish() {
    std::array<byte, DigestSize> out{};
    h_->final(out.data());
    return out;
  }

 private:
  explicit hasher(std::unique_ptr<Botan::HashFunction> h) : h_(std::move(h)) {}
  std::unique_ptr<Botan::HashFunction> h_;
};

struct sha256 : hasher<32> {
  sha256() : hasher("SHA-256") {}
  explicit sha256(hasher<32>&& h) : hasher(std::move(h)) {}
  [[nodiscard]] sha256 fork() const { return sha256(hasher<32>::fork()); }
};
struct sha384 : hasher<48> {
  sha384() : hasher("SHA-384") {}
};
struct sha512 : hasher<64> {
  sha512() : hasher("SHA-512") {}
};

inline sha256_digest sha256_of(bytes_view data) { return sha256().update(data).finish(); }
inline sha384_digest sha384_of(bytes_view data) { return sha384().update(data).finish(); }
inline sha512_digest sha512_of(bytes_view data) { return sha512().update(data).finish(); }

inline sha256_digest hmac_sha256(bytes_view key, bytes_view data) {
  auto mac = Botan::MessageAuthenticationCode::create_or_throw("HMAC(SHA-256)");
  mac->set_key(key.data(), key.size());
  mac->update(data.data(), data.size());
  sha256_digest out{};
  mac->final(out.data());
  return out;
}

}  // namespace sevproof::crypto
