#!/usr/bin/env python3
"""Writes a CycloneDX 1.6 JSON SBOM of N PyPI components for the scan benchmark.

Every package of the PyPA database appears at up to 8 versions taken from its advisories
(introduced/fixed bounds and listed versions), so that matching really works; synthetic
packages absent from the database fill the SBOM up to N. The output is deterministic.

Usage: gen_cyclonedx.py PYPA_DIR N OUT_FILE
"""
import json
import os
import random
import re
import sys


def main():
    root, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    rng = random.Random(42)
    vulns = os.path.join(root, "vulns")
    components = []
    version_re = re.compile(r"^\s*-?\s*(?:introduced|fixed|last_affected)?:?\s*\"?([0-9][0-9A-Za-z.+!-]*)\"?\s*$")
    for package in sorted(os.listdir(vulns)):
        pdir = os.path.join(vulns, package)
        if not os.path.isdir(pdir):
            continue
        found = set()
        for name in sorted(os.listdir(pdir)):
            with open(os.path.join(pdir, name), encoding="utf-8") as f:
                for line in f:
                    m = version_re.match(line)
                    if m and m.group(1) != "0":
                        found.add(m.group(1))
        for v in sorted(found)[:: max(1, len(found) // 8)][:8]:
            components.append((package, v))
    i = 0
    while len(components) < n:
        components.append((f"synthetic-package-{i}", f"{rng.randint(0, 9)}.{rng.randint(0, 30)}.{rng.randint(0, 9)}"))
        i += 1
    components = components[:n]
    rng.shuffle(components)
    bom = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "serialNumber": "urn:uuid:00000000-0000-4000-8000-000000000042",
        "version": 1,
        "metadata": {"component": {"type": "application", "name": "bench", "version": "1.0.0"}},
        "components": [
            {
                "type": "library",
                "bom-ref": f"pkg:pypi/{name}@{version}",
                "name": name,
                "version": version,
                "purl": f"pkg:pypi/{name}@{version}",
            }
            for name, version in components
        ],
    }
    with open(out, "w", encoding="utf-8") as f:
        json.dump(bom, f, indent=1)
    print(f"{len(components)} components, {os.path.getsize(out)} bytes", file=sys.stderr)


if __name__ == "__main__":
    main()
