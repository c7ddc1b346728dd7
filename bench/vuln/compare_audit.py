#!/usr/bin/env python3
"""Compares `cargo audit --json` with `shirube scan --format json` on the same Cargo.lock:
(advisory id, package, version) for vulnerabilities and for informational warnings.

Usage: compare_audit.py AUDIT_JSON SHIRUBE_JSON   (exit 1 on any difference)
"""
import json
import sys


def main():
    audit = json.load(open(sys.argv[1], encoding="utf-8"))
    mine = json.load(open(sys.argv[2], encoding="utf-8"))
    key = lambda a, p: (a["id"], p["name"], p["version"])
    theirs_v = {key(v["advisory"], v["package"]) for v in audit["vulnerabilities"]["list"]}
    theirs_w = {key(w["advisory"], w["package"])
                for ws in audit.get("warnings", {}).values() for w in ws if w.get("advisory")}
    mine_v = {(f["advisory_id"], f["package"], f["version"]) for f in mine["findings"]}
    mine_w = {(f["advisory_id"], f["package"], f["version"]) for f in mine.get("warnings", [])}
    ok = theirs_v == mine_v and theirs_w == mine_w
    print(f"  vulnerabilities: cargo-audit {len(theirs_v)}, shirube {len(mine_v)}, "
          f"only cargo-audit {len(theirs_v - mine_v)}, only shirube {len(mine_v - theirs_v)}")
    print(f"  warnings:        cargo-audit {len(theirs_w)}, shirube {len(mine_w)}, "
          f"only cargo-audit {len(theirs_w - mine_w)}, only shirube {len(mine_w - theirs_w)}")
    for label, diff in (("only cargo-audit", (theirs_v | theirs_w) - (mine_v | mine_w)),
                        ("only shirube", (mine_v | mine_w) - (theirs_v | theirs_w))):
        for item in sorted(diff)[:10]:
            print(f"    {label}: {item}")
    print("  agreement: " + ("identical" if ok else "DIFFERENT"))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
