// The SNP launch digest (GCTX.LD): each measured page replaces LD with SHA-384(PAGE_INFO).
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>

#include "sevproof/core/bytes.hpp"
#include "sevproof/crypto/hash.hpp"
#include "sevproof/measure/ovmf.hpp"
#include "sevproof/measure/page_info.hpp"

namespace sevproof::measure {

// VMSA pages are measured at the last page below 2^52 (-1 page-aligned, bits above 51 cleared).
inline constexpr std::uint64_t vmsa_gpa = 0xFFFFFFFFF000ull;

class gctx {
 public:
  explicit gctx(const digest384& seed = {}) : ld_(seed) {}

  // A page whose contents are measured (NORMAL or VMSA): `page` must be 4096 bytes.
  void update_contents(page_type type, std::uint64_t gpa, bytes_view page) {
    if (page.size() != page_size) throw std::logic_error("gctx: a measured page is 4096 bytes");
    step(hash(page), type, gpa);
  }
  // A page whose contents digest is already known (VMSA variants hash each distinct page once).
  void update_hashed(page_type type, std::uint64_t gpa, const digest384& contents) { step(contents, type, gpa); }
  // `count` pages of one type, address and contents digest (the AP VMSAs of a guest), calling
  // `each(i, digest)` after the i-th (from 1); stops early when it returns false. Only DIGEST_CUR
  // changes between the PAGE_INFOs, so this is one SHA-384 of 0x70 bytes per page.
  template <class F>
  void update_repeated(page_type type, std::uint64_t gpa, const digest384& contents, unsigned count, F&& each) {
    auto info = make_page_info(ld_, contents, type, gpa);
    for (unsigned i = 1; i <= count; ++i) {
      std::copy(ld_.begin(), ld_.end(), info.begin());
      ld_ = hash(info);
      ++pages_;
      if (!each(i, ld_)) return;
    }
  }
  // A page measured by type and address only (ZERO, UNMEASURED, SECRETS, CPUID).
  void update_empty(page_type type, std::uint64_t gpa) { step({}, type, gpa); }

  void update_range(page_type type, std::uint64_t gpa, std::uint64_t size) {
    for (std::uint64_t off = 0; off < size; off += page_size) update_empty(type, gpa + off);
  }
  void update_normal_range(std::uint64_t gpa, bytes_view data) {
    for (std::size_t off = 0; off < data.size(); off += page_size)
      update_contents(page_type::normal, gpa + off, data.subspan(off, page_size));
  }

  [[nodiscard]] const digest384& digest() const { return ld_; }
  [[nodiscard]] std::uint64_t pages() const { return pages_; }

 private:
  // One SHA-384 object per thread, reused: creating one per page costs as much as hashing a PAGE_INFO.
  static digest384 hash(bytes_view data) {
    thread_local crypto::sha384 h;
    return h.update(data).finish();
  }
  void step(const digest384& contents, page_type type, std::uint64_t gpa) {
    const auto info = make_page_info(ld_, contents, type, gpa);
    ld_ = hash(info);
    ++pages_;
  }
  digest384 ld_;
  std::uint64_t pages_ = 0;
};

}  // namespace sevproof::measure
