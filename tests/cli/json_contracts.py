"""Every --json output validates against its schema in schemas/ (and carries schema_version).
usage: json_contracts.py SEVPROOF TESTDATA SCHEMAS"""
import json
import subprocess
import sys

from json_support import run, validator

sevproof, td, schemas = sys.argv[1:4]
R = f"{td}/reports"
checked = 0


def check(name, doc):
    global checked
    errors = sorted(validator(schemas, name).iter_errors(doc), key=str)
    if errors:
        raise SystemExit(f"{name}: {errors[0].message} at {list(errors[0].absolute_path)}")
    if "schema_version" not in doc and name != "report.schema.json" and name != "reference-values.schema.json":
        raise SystemExit(f"{name}: no schema_version")
    checked += 1


cases = [
    (["--report", f"{R}/automata-milan-v2/report.bin", "--vcek", f"{R}/automata-milan-v2/vcek.der", "--vmpl", "0",
      "--measurement", "845f8680d7f810d6ee410706d1c845aeb83d18e9a30f59d1b519a7b2e2f2670aab3982a20fec61a85b6771922f44945b"], 0),
    (["--report", f"{R}/oak-turin-v5/report.bin", "--vcek", f"{R}/oak-turin-v5/vcek.der", "--all"], 0),
    (["--report", f"{R}/constellation-aws-milan-v2-vlek-certtable/report-invalid.bin",
      "--vlek", f"{R}/constellation-aws-milan-v2-vlek-certtable/vlek.der", "--now", "2023-10-01"], 1),
    (["--report", f"{R}/routex-genoa-v2-novcek/report.bin"], 1),
    (["--report", f"{R}/trustee-milan-v2/report.bin", "--vcek", f"{R}/trustee-milan-v2/vcek.der", "--min-tcb", "ucode=206",
      "--require-crl", "--crl", f"{td}/crl/milan-vcek-crl.der", "--now", "2026-07-01"], 1),
]
for args, rc in cases:
    doc = json.loads(run([sevproof, "verify", "--json", *args], rc).stdout)
    check("verdict.schema.json", doc)
    check("reference-values.schema.json", doc["reference_values"])
    check("report.schema.json", doc["report"])

for report, rc in [("oak-genoa-v5/report.bin", 0), ("constellation-aws-milan-v3-vlek/report.bin", 0)]:
    check("kds-urls.schema.json", json.loads(run([sevproof, "kds-urls", "--json", f"{R}/{report}"], rc).stdout))

import tempfile
check("report.schema.json", json.loads(run([sevproof, "report", "show", "--json", f"{R}/oak-turin-v5/report.bin"], 0).stdout))
check("measure.schema.json", json.loads(run([sevproof, "measure", "--json", "--mode", "snp", "--ovmf", f"{td}/ovmf/OVMF_CODE.fd",
                                             "--vcpus", "2", "--vcpu-type", "EPYC-Milan"], 0).stdout))
src = sys.argv[4] if len(sys.argv) > 4 else None
if src:
    m = "845f8680d7f810d6ee410706d1c845aeb83d18e9a30f59d1b519a7b2e2f2670aab3982a20fec61a85b6771922f44945b"
    with tempfile.TemporaryDirectory() as out:
        idb = json.loads(run([sevproof, "id-block", "--json", "--measurement", m, "--id-key",
                              f"{src}/tests/data/idblock/id-key-sec1.pem", "--out-dir", out], 0).stdout)
        check("id-block.schema.json", idb)
        for rc, meas in [(0, m), (1, "00" * 48)]:
            check("id-block-check.schema.json", json.loads(run(
                [sevproof, "id-block", "check", "--json", "--id-block", f"{out}/id-block.base64", "--id-auth",
                 f"{out}/id-auth.base64", "--measurement", meas, "--policy", "0x30000"], rc).stdout))

batch = "\n".join(json.dumps(x) for x in [
    {"report": f"{R}/automata-milan-v2/report.bin", "vcek": f"{R}/automata-milan-v2/vcek.der", "vmpl": 0},
    {"report": f"{R}/oak-genoa-v5/report.bin", "vcek": f"{R}/oak-genoa-v5/vcek.der", "measurement": ["00" * 48]},
    {"report": f"{R}/missing.bin"},
]) + "\nnot json\n"
p = subprocess.run([sevproof, "verify", "--batch", "-"], input=batch, capture_output=True, text=True)
for line in p.stdout.splitlines():
    check("verify-batch-line.schema.json", json.loads(line))
if p.returncode != 1 or len(p.stdout.splitlines()) != 4:
    raise SystemExit(f"batch: exit {p.returncode}, {len(p.stdout.splitlines())} lines")
# The schemas are not vacuous: a verdict missing "genuine", or with a made-up status, is refused.
doc = json.loads(run([sevproof, "verify", "--json", *cases[0][0]], 0).stdout)
for broken in [{k: v for k, v in doc.items() if k != "genuine"}, {**doc, "checks": [{**doc["checks"][0], "status": "ok"}]}]:
    if not list(validator(schemas, "verdict.schema.json").iter_errors(broken)):
        raise SystemExit("a broken verdict validated")
print(f"{checked} JSON documents valid against their schemas")
