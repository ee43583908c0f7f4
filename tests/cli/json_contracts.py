"""Every --json output validates against its schema in schemas/ (and carries schema_version).
usage: json_contracts.py SEVPROOF TESTDATA SCHEMAS"""
import copy
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
# Vector rows m02 and m03 (guest features 0x1 and 0x21), the launch of m02 as measure flags.
M02 = "cc2b38913550ecd41aadbcf2a5d309ae9d3cb0455c9e1f72892f6b18cfaea3f2e4f46a28b61ca0353724ee707c73177c"
M03 = "d44124322592a3390e2d258d4ad7df5897c9dd3958f906aa223588e327f97935802f9130b9009cf3dd60f9734cdc72f3"
MILAN4 = ["--mode", "snp", "--ovmf", f"{td}/ovmf/OVMF_CODE.fd", "--vcpus", "4", "--vcpu-type", "EPYC-Milan"]
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
    # An ID block made for m03's digest, checked against m02's launch (the measure flags): the LD row
    # carries the explanation (an array of sentences) naming guest features 0x21.
    with tempfile.TemporaryDirectory() as out:
        run([sevproof, "id-block", "--json", "--measurement", M03, "--id-key", f"{src}/tests/data/idblock/id-key-sec1.pem",
             "--out-dir", out], 0)
        doc = json.loads(run([sevproof, "id-block", "check", "--json", "--id-block", f"{out}/id-block.base64",
                              "--id-auth", f"{out}/id-auth.base64", "--policy", "0x30000", *MILAN4,
                              "--guest-features", "0x1"], 1).stdout)
        check("id-block-check.schema.json", doc)
        ld = [c for c in doc["checks"] if c["check"] == "LD"][0]
        if "guest features 0x21" not in " ".join(ld.get("explanation", [])):
            raise SystemExit(f"id-block check: the LD row does not explain guest features 0x21: {ld}")
        # Not vacuous: an explanation that is not an array of sentences is refused.
        ld["explanation"] = "guest features 0x21"
        if not list(validator(schemas, "id-block-check.schema.json").iter_errors(doc)):
            raise SystemExit("an id-block check row with a string explanation validated")

# Explaining a measurement (issue 14): explain itself, then the explanation inside verdicts.
for meas, rc in [(M03, 0), ("00" * 48, 1)]:
    doc = json.loads(run([sevproof, "explain", "--json", "--measurement", meas, *MILAN4, "--max-vcpus", "8"], rc).stdout)
    check("explain.schema.json", doc)
    if doc["explained"] != (rc == 0):
        raise SystemExit(f"explain {meas}: explained is {doc['explained']}")


def explanation_of(verdict):
    """The failed P018 check's explanation: it must be there."""
    p018 = [c for c in verdict["checks"] if c["code"] == "P018"]
    if not p018 or p018[0]["status"] != "fail" or "explanation" not in p018[0]:
        raise SystemExit(f"no explanation on a failed P018: {p018}")
    return p018[0]["explanation"]


with tempfile.TemporaryDirectory() as work:
    # A real report with MEASUREMENT replaced by m03's digest (its signature then fails, V016), checked
    # against m02's launch: verify (with the launch inputs) and vm verify name guest features 0x21.
    raw = bytearray(open(f"{R}/automata-milan-v2/report.bin", "rb").read())
    raw[0x90:0xC0] = bytes.fromhex(M03)
    tampered = f"{work}/m03-report.bin"
    open(tampered, "wb").write(raw)
    vcek = f"{R}/automata-milan-v2/vcek.der"
    doc = json.loads(run([sevproof, "verify", "--json", "--report", tampered, "--vcek", vcek, "--measurement", M02,
                          *MILAN4, "--guest-features", "0x1"], 1).stdout)
    check("verdict.schema.json", doc)
    why = explanation_of(doc)
    explained_verdict = doc
    if not why["explained"] or why["explanations"][0]["changes"] != {"guest-features": "0x21"}:
        raise SystemExit(f"verify: the explanation does not name guest features 0x21: {why}")
    vm = f"{work}/m02.toml"
    open(vm, "w").write(f'format = 1\n[launch]\nmode = "snp"\novmf = "{td}/ovmf/OVMF_CODE.fd"\nvcpus = 4\n'
                        f'vcpu_type = "EPYC-Milan"\nguest_features = "0x1"\n')
    doc = json.loads(run([sevproof, "vm", "verify", vm, "--json", "--report", tampered, "--vcek", vcek], 1).stdout)
    check("verdict.schema.json", doc)
    if explanation_of(doc)["explanations"][0]["changes"] != {"guest-features": "0x21"}:
        raise SystemExit("vm verify: the explanation does not name guest features 0x21")

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
# ... nor an explanation without "explained", or naming a change no measure flag expresses.
for edit in [lambda x: x.pop("explained"), lambda x: x["explanations"][0]["changes"].update({"guest-feature": "0x21"})]:
    broken = copy.deepcopy(explained_verdict)
    edit(explanation_of(broken))
    if not list(validator(schemas, "verdict.schema.json").iter_errors(broken)):
        raise SystemExit("a verdict with a broken explanation validated")
print(f"{checked} JSON documents valid against their schemas")
