"""Shared by the JSON-contract tests: run sevproof, load and validate against schemas/."""
import json
import pathlib
import subprocess
import sys

try:
    import jsonschema
except ImportError:  # Debian's python3-jsonschema (scripts/bootstrap installs it)
    print("python3-jsonschema is not installed: skipped")
    sys.exit(77)

BASE = "https://sevproof.example/schemas/"


def validator(schemas_dir, name):
    # Each schema's $id is BASE + its file name, so that the relative $refs between them resolve in any stock
    # validator given the folder (no registry of our own): the store below is built from the $ids alone.
    store = {}
    for p in pathlib.Path(schemas_dir).glob("*.schema.json"):
        doc = json.loads(p.read_text())
        if doc.get("$id") != BASE + p.name:
            raise SystemExit(f"{p.name}: $id is {doc.get('$id')!r}, expected {BASE + p.name!r}")
        store[doc["$id"]] = doc
    schema = store[BASE + name]
    resolver = jsonschema.RefResolver(base_uri=BASE + name, referrer=schema, store=store)
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema, resolver=resolver)


def run(cmd, expect_rc=None):
    p = subprocess.run(cmd, capture_output=True, text=True)
    if expect_rc is not None and p.returncode != expect_rc:
        raise SystemExit(f"{' '.join(map(str, cmd))}: exit {p.returncode}, expected {expect_rc}\n{p.stderr}")
    return p
