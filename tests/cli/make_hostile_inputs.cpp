// Writes hostile variants of a real report into the build tree for the CLI tests (the shared data
// itself is never modified): truncated, version 7, non-zero reserved byte, random bytes.
#include <fstream>
#include <iostream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: make_hostile_inputs REPORT OUTDIR [SEV_CHAIN]\n";
    return 2;
  }
  std::ifstream in(argv[1], std::ios::binary);
  std::vector<char> r{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  if (r.size() != 1184) {
    std::cerr << "expected a 1184-byte report\n";
    return 1;
  }
  const std::string out = argv[2];
  auto write = [&](const std::string& name, const std::vector<char>& b) {
    std::ofstream(out + "/" + name, std::ios::binary).write(b.data(), static_cast<std::streamsize>(b.size()));
  };
  write("truncated-1000.bin", std::vector<char>(r.begin(), r.begin() + 1000));
  auto v7 = r;
  v7[0] = 7;
  write("version7.bin", v7);
  auto mbz = r;
  mbz[0x4C] = 1;
  write("reserved-04c.bin", mbz);
  auto v4 = r;  // version 4 has the version 3 layout (GCE): read, not refused
  v4[0] = 4;
  write("version4.bin", v4);
  auto vmpl7 = r;  // VMPL 7: neither a guest VMPL (0-3) nor the host's 0xFFFFFFFF
  vmpl7[0x30] = 7;
  write("vmpl7.bin", vmpl7);
  auto rsvd_tcb = r;  // a non-zero reserved byte of REPORTED_TCB (Milan/Genoa layout: bytes 2-5)
  rsvd_tcb[0x180 + 3] = 1;
  write("reported-tcb-reserved.bin", rsvd_tcb);
  auto changed = r;  // one MEASUREMENT byte changed after signing: its own VCEK no longer verifies it
  changed[0x90] ^= 1;
  write("measurement-changed.bin", changed);
  std::vector<char> rsp(0x20, 0);  // MSG_REPORT_RSP with STATUS 0x16 (firmware refused)
  rsp[0] = 0x16;
  rsp[4] = static_cast<char>(0xA0), rsp[5] = 0x04;
  rsp.insert(rsp.end(), r.begin(), r.end());
  write("msg-rsp-status-16.bin", rsp);
  std::mt19937 rng(7);
  std::vector<char> random(1184);
  for (auto& c : random) c = static_cast<char>(rng() & 0xFF);
  random[0] = static_cast<char>(0xA7);  // make sure the version is not a supported one
  write("random-1184.bin", random);
  std::vector<char> random2(777);
  for (auto& c : random2) c = static_cast<char>(rng() & 0xFF);
  write("random-777.bin", random2);
  // Legacy SEV chains with one flipped signature byte in each certificate, when a chain is given.
  if (argc > 3) {
    std::ifstream cin(argv[3], std::ios::binary);
    std::vector<char> chain{std::istreambuf_iterator<char>(cin), std::istreambuf_iterator<char>()};
    const struct {
      const char* name;
      std::size_t at;
    } flips[] = {{"pdh", 0 * 0x824 + 0x41C + 10}, {"pek", 1 * 0x824 + 0x41C + 10},
                 {"oca", 2 * 0x824 + 0x41C + 10}, {"cek", 3 * 0x824 + 0x41C + 10},
                 {"ask", 4 * 0x824 + 1600 - 10},  {"ark", 4 * 0x824 + 1600 + 1600 - 10}};
    for (const auto& f : flips) {
      if (f.at >= chain.size()) continue;
      auto c = chain;
      c[f.at] = static_cast<char>(c[f.at] ^ 0x01);
      write(std::string("sev-chain-bad-") + f.name + ".bin", c);
    }
    std::vector<char> swapped(chain.begin(), chain.end());
    std::swap_ranges(swapped.begin(), swapped.begin() + 0x824, swapped.begin() + 0x824);  // PEK first, then PDH
    write("sev-chain-wrong-order.bin", swapped);
  }
  return 0;
}
