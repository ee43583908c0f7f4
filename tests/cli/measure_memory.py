#!/usr/bin/env python3
"""Memory bound of `sevproof measure`: a 1 GiB initrd (a sparse file, so no disk is used) must be
hashed in bounded memory. Prints the peak resident size and fails above the limit."""
import os, resource, subprocess, sys, tempfile

sevproof, ovmf, kernel = sys.argv[1:4]
limit_mib = 64
with tempfile.TemporaryDirectory() as d:
    initrd = os.path.join(d, "initrd-1g.img")
    with open(initrd, "wb") as f:
        f.truncate(1 << 30)
    cmd = [sevproof, "measure", "--mode", "snp", "--vcpus", "2", "--vcpu-type", "EPYC-Genoa", "--ovmf", ovmf,
           "--kernel", kernel, "--initrd", initrd, "--append", "console=ttyS0"]
    out = subprocess.run(cmd, capture_output=True, text=True)
    peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(out.stdout.strip() or out.stderr.strip())
print(f"peak resident size with a 1 GiB initrd: {peak_mib:.1f} MiB (limit {limit_mib} MiB)")
if out.returncode != 0 or len(out.stdout.strip()) != 96:
    print("measure failed"); sys.exit(1)
sys.exit(0 if peak_mib < limit_mib else 1)
