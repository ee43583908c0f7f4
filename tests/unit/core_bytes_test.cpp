#include <catch2/catch_test_macros.hpp>

#include <array>

#include "sevproof/core/bytes.hpp"
#include "sevproof/core/der.hpp"
#include "sevproof/core/error.hpp"
#include "sevproof/core/hex.hpp"

using namespace sevproof;

TEST_CASE("little-endian loads and stores", "[core]") {
  std::array<byte, 8> b{0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08};
  CHECK(load_le<std::uint16_t>(b, 0) == 0x0201);
  CHECK(load_le<std::uint32_t>(b, 4) == 0x08070605u);
  CHECK(load_le<std::uint64_t>(b, 0) == 0x0807060504030201ull);
  store_le<std::uint32_t>(b, 2, 0xAABBCCDDu);
  CHECK(b[2] == 0xDD);
  CHECK(b[5] == 0xAA);
}

TEST_CASE("reads past the end throw instead of reading out of bounds", "[core]") {
  std::array<byte, 4> b{};
  CHECK_THROWS_AS(load_le<std::uint64_t>(b, 0), out_of_bounds);
  CHECK_THROWS_AS(load_le<std::uint32_t>(b, 1), out_of_bounds);
  CHECK_THROWS_AS(subview(b, 3, 2), out_of_bounds);
  CHECK_THROWS_AS(subview(b, SIZE_MAX, 2), out_of_bounds);  // offset + size would wrap
  CHECK(subview(b, 4, 0).empty());
}

TEST_CASE("hex encode and strict decode", "[core]") {
  const std::array<byte, 3> b{0x00, 0xab, 0xff};
  CHECK(hex::encode(b) == "00abff");
  auto d = hex::decode("0x00AB ff\n");
  REQUIRE(d);
  CHECK(hex::encode(*d) == "00abff");
  CHECK_FALSE(hex::decode("abc"));  // odd number of digits
  CHECK_FALSE(hex::decode("zz"));   // not hex
}

TEST_CASE("errors name the structure, field and offset", "[core]") {
  error e{"report", "VERSION", 0x000, "is 7; supported: 2, 3, 5"};
  CHECK(e.to_string() == "report: VERSION at 0x000 is 7; supported: 2, 3, 5");
  error e2{"certificate", "", std::nullopt, "is empty"};
  CHECK(e2.to_string() == "certificate: is empty");
  result<int> r = e;
  CHECK_FALSE(r.ok());
  CHECK(r.err().field == "VERSION");
}

TEST_CASE("DER: one TLV after another, every length checked before it is used", "[core]") {
  const bytes two{0x02, 0x01, 0x05, 0x04, 0x02, 0xAA, 0xBB};
  auto first = der::read_next(two);
  REQUIRE(first);
  CHECK(first->first.tag == 0x02);
  CHECK(first->first.value.size() == 1);
  auto second = der::read_next(first->rest);
  REQUIRE(second);
  CHECK(second->first.tag == 0x04);
  CHECK(second->rest.empty());
  CHECK_FALSE(der::read_single(two));  // trailing bytes after the first TLV
  // The twins: lengths past the end, 5+ length bytes (which wrapped a 64-bit length around in the
  // key reader the fuzzer caught), non-minimal lengths, a header cut short.
  CHECK_FALSE(der::read_next(bytes{0x30, 0x05, 0x01}));
  CHECK_FALSE(der::read_next(bytes{0x30, 0x89, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x74}));
  CHECK_FALSE(der::read_next(bytes{0x30, 0x84, 0xFF, 0xFF, 0xFF, 0xFF, 0x00}));
  CHECK_FALSE(der::read_next(bytes{0x30, 0x81, 0x05, 1, 2, 3, 4, 5}));  // 0x05 fits the short form
  CHECK_FALSE(der::read_next(bytes{0x30, 0x82, 0x00, 0x80}));           // leading zero length byte
  CHECK_FALSE(der::read_next(bytes{0x30, 0x80}));                       // indefinite length
  CHECK_FALSE(der::read_next(bytes{0x30}));
}
