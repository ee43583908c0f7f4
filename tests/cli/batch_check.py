"""verify --batch gives, line for line and in order, the verdict single runs give.
usage: batch_check.py SEVPROOF TESTDATA SCHEMAS LINES"""
import json
import random
import subprocess
import sys

from json_support import run, validator

sevproof, td, schemas, total = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
R = f"{td}/reports"
cases = []
for d in ["automata-milan-v2", "constellation-azure-milan-v2", "trustee-milan-v2", "virtee-sev-milan-v2",
          "oak-milan-oc-release-v3", "oak-milan-rk-staging-v3", "oak-genoa-v5", "routex-genoa-v3", "routex-genoa-v5",
          "trustee-genoa-a0-v3-fromjson", "oak-turin-v5", "go-sev-guest-milan-v2-debug"]:
    cases.append({"report": f"{R}/{d}/report.bin", "vcek": f"{R}/{d}/vcek.der"})
cases += [
    {"report": f"{R}/teekit-gcp-milan-v5/report-x25519.bin", "vcek": f"{R}/teekit-gcp-milan-v5/vcek.der", "vmpl": 1},
    {"report": f"{R}/constellation-aws-milan-v3-vlek/report.bin", "vlek": f"{R}/constellation-aws-milan-v3-vlek/vlek.der",
     "now": "2025-06-01"},
    {"report": f"{R}/constellation-aws-milan-v3-vlek/report.bin", "vlek": f"{R}/constellation-aws-milan-v3-vlek/vlek.der"},
    {"report": f"{R}/constellation-aws-milan-v2-vlek-certtable/report-invalid.bin",
     "cert_table": f"{R}/constellation-aws-milan-v2-vlek-certtable/certs.bin", "now": "2023-10-01"},
    {"report": f"{R}/automata-milan-v2/report.bin", "vcek": f"{R}/virtee-sev-milan-v2/vcek.der"},
    {"report": f"{R}/trustee-milan-v2/report.bin", "vcek": f"{R}/trustee-milan-v2/vcek.der", "min-tcb": "ucode=206"},
    {"report": f"{R}/automata-milan-v2/report.bin", "vcek": f"{R}/automata-milan-v2/vcek.der",
     "crl": f"{td}/crl/milan-vcek-crl.der", "now": "2026-07-01", "require-crl": True},
    {"report": f"{R}/routex-genoa-v2-novcek/report.bin"},
]
flag_of = {"vcek": "--vcek", "vlek": "--vlek", "cert_table": "--cert-table", "crl": "--crl", "now": "--now"}


def single(case):
    args = [sevproof, "verify", "--json", "--report", case["report"]]
    for k, v in case.items():
        if k == "report":
            continue
        if v is True:
            args.append(f"--{k}")
        else:
            args += [flag_of.get(k, f"--{k}"), str(v)]
    p = subprocess.run(args, capture_output=True, text=True)
    doc = json.loads(p.stdout)
    return (doc["genuine"], doc["verified"], doc["failed"], p.returncode)


expected = [single(c) for c in cases]
if not any(e[1] for e in expected) or all(e[1] for e in expected):
    raise SystemExit("the cases must mix verified and failing reports")
rng = random.Random(11)
picks = [rng.randrange(len(cases)) for _ in range(total)]
text = "\n".join(json.dumps(cases[i]) for i in picks) + "\n"
p = subprocess.run([sevproof, "verify", "--batch", "-"], input=text, capture_output=True, text=True)
lines = p.stdout.splitlines()
if len(lines) != total:
    raise SystemExit(f"{len(lines)} output lines for {total} input lines")
v = validator(schemas, "verify-batch-line.schema.json")
for n, (line, i) in enumerate(zip(lines, picks), 1):
    doc = json.loads(line)
    if n <= 200:
        v.validate(doc)
    got = (doc["genuine"], doc["verified"], doc["failed"])
    if doc["line"] != n or got != expected[i][:3]:
        raise SystemExit(f"line {n} ({cases[i]}): batch says {got}, single run says {expected[i][:3]}")
want_rc = 0 if all(expected[i][1] for i in picks) else 1
if p.returncode != want_rc:
    raise SystemExit(f"batch exit {p.returncode}, expected {want_rc}")
print(f"{total} batch lines agree with single runs ({len(cases)} distinct cases); {p.stderr.strip()}")

# Lines the batch cannot use are answered in place and the rest go on: a line of 3 MiB (kept to
# 1 MiB in memory, the rest skipped), a line without "report", a line that is not JSON.
# Also a line nested 30,000 deep (it overflowed the stack), one with a key twice (the last one won), one
# whose "report" is not a string, and one with a byte that is not UTF-8 (it aborted the whole batch).
deep = '{"report": "x", "z": ' + "[" * 30000 + "]" * 30000 + "}"
twice = json.dumps(cases[0])[:-1] + ', "vmpl": 0, "vmpl": 1}'
hostile = [json.dumps(cases[0]), "x" * (3 << 20), json.dumps({"vcek": cases[0]["vcek"]}), "{not json",
           json.dumps(cases[0]), deep, twice, '{"report": 5}', '{"report": "\udcff"}']
p = subprocess.run([sevproof, "verify", "--batch", "-"], input="\n".join(hostile).encode("utf-8", "surrogateescape"),
                   capture_output=True)
docs = [json.loads(line) for line in p.stdout.decode().splitlines()]
if [d["line"] for d in docs] != list(range(1, len(hostile) + 1)) or p.returncode != 1:
    raise SystemExit(f"hostile lines: exit {p.returncode}, lines {[d.get('line') for d in docs]}")
for n, want in [(2, "longer than 1 MiB"), (3, "report: missing"), (4, "not valid JSON"), (6, "nested deeper than 32"),
                (7, "given twice"), (8, "report: expected a file path"), (9, "not valid JSON")]:
    if want not in json.dumps(docs[n - 1]):
        raise SystemExit(f"hostile line {n}: {docs[n - 1]} does not say {want!r}")
if docs[0]["verified"] != expected[0][1] or docs[4]["verified"] != expected[0][1]:
    raise SystemExit("the good lines around the hostile ones changed their verdict")
print("hostile lines answered in place: over-long, without report, not JSON, deep, a key twice, not UTF-8")

# A batch with no line at all is no verdict: exit 3, never "0 reports, all verified".
p = subprocess.run([sevproof, "verify", "--batch", "-"], input=b"\n\n", capture_output=True)
if p.returncode != 3 or b"no report lines" not in p.stderr:
    raise SystemExit(f"an empty batch: exit {p.returncode}, {p.stderr!r}")
print("an empty batch is refused")
