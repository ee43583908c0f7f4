"""`sevproof openstack check --json` over every pair of tests/data/openstack/cases.json: the exit code, model,
refusal, finding codes and launch the case expects, each output valid under schemas/openstack-check.schema.json
(real JSON Schema validation), and a broken output refused by the same validator.
usage: openstack_json.py SEVPROOF DATA_DIR SCHEMAS"""
import json
import sys

from json_support import run, validator

sevproof, data, schemas = sys.argv[1:4]
v = validator(schemas, "openstack-check.schema.json")
cases = json.load(open(f"{data}/cases.json"))
for c in cases:
    cmd = [sevproof, "openstack", "check", "--json", "--flavor", f"{data}/{c['flavor']}", "--image", f"{data}/{c['image']}"]
    for key, flag in (("node", "--node"), ("root_device", "--root-device"), ("require", "--require")):
        if key in c:
            cmd += [flag, c[key]]
    doc = json.loads(run(cmd, c["exit"]).stdout)
    errors = list(v.iter_errors(doc))
    if errors:
        raise SystemExit(f"{c['name']}: {errors[0].message} at {list(errors[0].absolute_path)}")
    got = (doc["model"], doc["refused"], [f["code"] for f in doc["findings"]])
    if got != (c["model"], c["refused"], c["codes"]):
        raise SystemExit(f"{c['name']}: got {got}, expected {(c['model'], c['refused'], c['codes'])}")
    for key, value in (c["launch"] or {}).items():
        if doc["launch"][key] != value:
            raise SystemExit(f"{c['name']}: launch.{key} is {doc['launch'][key]!r}, expected {value!r}")
    if (c["launch"] is None) != (doc["launch"] is None):
        raise SystemExit(f"{c['name']}: launch is {doc['launch']!r}")
    broken = dict(doc, model="sev-snp", extra=1)
    if v.is_valid(broken):
        raise SystemExit("the schema accepts a broken output")
print(f"{len(cases)} pairs checked")
