#!/usr/bin/env python3
"""`sevproof explain` on the reference tool's vectors, as a user runs it.

For every ordered pair of rows of measure/vectors.tsv whose inputs differ in one or two inputs the
digest depends on, runs `sevproof explain --json` with the first row's flags and the second row's
digest (and --ovmf-candidates on the test data's firmware folder) and checks that the first
explanation names exactly those inputs with those values. A kernel added by the second row cannot be
explained (its file is unknown): those pairs must exit 1. Prints the time of each case.

usage: explain_vectors.py SEVPROOF TESTDATA_DIR [--only-one-change]
"""
import json
import os
import subprocess
import sys
import time

SIGS = {"EPYC": 0x800F12, "EPYC-v1": 0x800F12, "EPYC-v2": 0x800F12, "EPYC-v3": 0x800F12, "EPYC-v4": 0x800F12,
        "EPYC-IBPB": 0x800F12, "EPYC-Rome": 0x830F10, "EPYC-Milan": 0xA00F11, "EPYC-Genoa": 0xA10F10, "EPYC-Turin": 0xB00F00}


def canon(args):
    """flag -> canonical value, and the flags the digest depends on; None for rows not searched."""
    a = dict(zip(args[::2], args[1::2]))
    mode = a["--mode"]
    if mode not in ("snp", "seves", "sev") or "--snp-ovmf-hash" in a or a["--ovmf"].endswith("OVMF_CODE_4M.fd"):
        return None
    sig = SIGS.get(a.get("--vcpu-type"))
    if "--vcpu-family" in a:
        sig = {("25", "17", "0"): 0xA10F10}[(a["--vcpu-family"], a["--vcpu-model"], a["--vcpu-stepping"])]
    c = {"mode": mode, "ovmf": os.path.basename(a["--ovmf"]), "vmm-type": a.get("--vmm-type", "QEMU"),
         "vcpus": a.get("--vcpus", "1"), "vcpu-type": hex(sig) if sig else "none",
         "guest-features": hex(int(a.get("--guest-features", "0x1"), 0)), "kernel": a.get("--kernel"),
         "initrd": a.get("--initrd"), "append": a.get("--append", "")}
    rel = {"mode", "ovmf", "kernel"}
    if mode != "sev":
        rel |= {"vmm-type", "vcpus"}
        if c["vmm-type"] == "QEMU":
            rel.add("vcpu-type")
    if mode == "snp":
        rel.add("guest-features")
    if c["kernel"]:
        rel |= {"initrd", "append"}
    return c, rel


def differences(frm, to):
    (a, _), (b, rel) = frm, to
    d = {}
    for k in rel:
        if k in ("initrd", "append") and not a["kernel"]:
            continue
        if a[k] != b[k]:
            d[k] = b[k]
    return d


def got_changes(explanation):
    out = {}
    for flag, value in explanation["changes"].items():
        if flag == "vcpu-type":
            value = hex(SIGS[value])
        elif flag == "ovmf":
            value = os.path.basename(value)
        elif flag == "guest-features":
            value = hex(int(value, 0))
        out[flag] = value
    return out


def main():
    exe, td = sys.argv[1], sys.argv[2]
    only_one = "--only-one-change" in sys.argv
    rows = []
    with open(os.path.join(td, "measure/vectors.tsv"), encoding="utf-8") as f:
        next(f)
        for line in f:
            cols = line.rstrip("\n").split("\t")
            if cols[3] != "0":
                continue
            args = json.loads(cols[1])
            if "--output-format" in args:
                continue
            c = canon(args)
            if c:
                rows.append((cols[0], args, cols[2], c))
    failures, cases = [], 0
    for fid, fargs, fdigest, fc in rows:
        for tid, _, tdigest, tc in rows:
            if fid == tid or fdigest == tdigest:
                continue
            want = differences(fc, tc)
            if not want or len(want) > 2 or (only_one and len(want) > 1):
                continue
            cases += 1
            cmd = [exe, "explain", "--json", "--measurement", tdigest, "--ovmf-candidates", os.path.join(td, "ovmf"),
                   "--max-vcpus", "16"] + fargs  # the rows have at most 8 vCPUs
            t0 = time.perf_counter()
            p = subprocess.run(cmd, cwd=td, capture_output=True, text=True)
            dt = time.perf_counter() - t0
            added_kernel = want.get("kernel") is not None and "kernel" in want
            if added_kernel:
                ok = p.returncode == 1 and not json.loads(p.stdout)["explained"]
                verdict = "not explained (a kernel was added)"
            else:
                ok = p.returncode == 0
                got = got_changes(json.loads(p.stdout)["explanations"][0]) if ok else None
                ok = ok and got == want
                verdict = f"names {got}"
            print(f"{fid} inputs, {tid} digest: want {want}: {verdict} in {dt:.2f} s {'ok' if ok else 'FAIL'}")
            if not ok:
                failures.append(f"{fid}->{tid}: exit {p.returncode}\n{p.stdout}{p.stderr}")
    print(f"{cases} cases, {len(failures)} failures")
    for f in failures:
        print(f)
    return 1 if failures or cases < (4 if only_one else 20) else 0


if __name__ == "__main__":
    sys.exit(main())
