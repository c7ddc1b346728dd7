#!/usr/bin/env bash
# Benchmarks `shirube scan` against cargo-audit and on a 50,000-component CycloneDX SBOM.
# Prints ratios measured in this one run, peak memory, and whether shirube's findings on
# each Cargo.lock equal cargo-audit's on the same RustSec database.
#
# Needs: ../shared/data/advisories (pypa, rustsec), python3, git, /usr/bin/time.
# Installs cargo-audit (`cargo install cargo-audit --locked`) if it is missing.
# Env: SHIRUBE_BIN (default: build target/release/shirube), RUNS (default 15),
#      ADVISORIES (default ../shared/data/advisories relative to the repository).
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
here="$repo/bench/vuln"
data="${ADVISORIES:-$repo/../shared/data/advisories}"
runs="${RUNS:-15}"
[ -d "$data/pypa" ] && [ -d "$data/rustsec" ] || { echo "advisory data not found at $data" >&2; exit 2; }

if [ -z "${SHIRUBE_BIN:-}" ]; then
  (cd "$repo" && cargo build --release -p shirube --quiet)
  SHIRUBE_BIN="${CARGO_TARGET_DIR:-$repo/target}/release/shirube"
fi
if ! command -v cargo-audit >/dev/null 2>&1; then
  echo "installing cargo-audit (several minutes)…" >&2
  CARGO_TARGET_DIR="${TMPDIR:-/tmp}/cargo-audit-build" cargo install cargo-audit --locked >&2
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# cargo-audit wants its database to be a git repository: commit a copy of the snapshot.
cp -r "$data/rustsec" "$work/rustsec-db"
git -C "$work/rustsec-db" init -q
git -C "$work/rustsec-db" add -A
git -C "$work/rustsec-db" -c user.name=bench -c user.email=bench@localhost commit -qm snapshot

"$SHIRUBE_BIN" advisories import "$work/rustsec-db" --data-dir "$work/rs" >/dev/null
"$SHIRUBE_BIN" advisories import "$data/pypa" --data-dir "$work/py" >/dev/null 2>&1
python3 "$here/gen_cargo_lock.py" "$data/rustsec" "$work/stress.Cargo.lock" 2>/dev/null
python3 "$here/gen_cyclonedx.py" "$data/pypa" 50000 "$work/bom50k.cdx.json" 2>/dev/null
cp "$repo/Cargo.lock" "$work/repo.Cargo.lock"

echo "shirube: $("$SHIRUBE_BIN" --version 2>/dev/null || echo "$SHIRUBE_BIN")"
echo "cargo-audit: $(cargo-audit --version)"
echo "runs per measurement: $runs (median wall and CPU time of the whole process; load: $(cut -d' ' -f1-3 /proc/loadavg))"
echo

status=0
for lock in repo stress; do
  file="$work/$lock.Cargo.lock"
  n=$(grep -c '^\[\[package\]\]' "$file")
  flags=(--db "$work/rustsec-db" --no-fetch --no-yanked -f "$file")
  ours=("$SHIRUBE_BIN" scan "$file" --data-dir "$work/rs")
  # `cargo audit` is the command users type (cargo's dispatcher adds its own start-up);
  # `cargo-audit audit` is the tool alone. Both are reported.
  read -r c_med c_min c_kb c_cpu < <(python3 "$here/measure.py" "$runs" -- cargo audit "${flags[@]}")
  read -r a_med a_min a_kb a_cpu < <(python3 "$here/measure.py" "$runs" -- cargo-audit audit "${flags[@]}")
  read -r s_med s_min s_kb s_cpu < <(python3 "$here/measure.py" "$runs" -- "${ours[@]}")
  echo "Cargo.lock ($lock, $n packages) vs cargo-audit on the RustSec snapshot:"
  echo "  cargo audit         wall ${c_med} ms (min ${c_min}), cpu ${c_cpu} ms, peak ${c_kb} KB"
  echo "  cargo-audit audit   wall ${a_med} ms (min ${a_min}), cpu ${a_cpu} ms, peak ${a_kb} KB"
  echo "  shirube scan        wall ${s_med} ms (min ${s_min}), cpu ${s_cpu} ms, peak ${s_kb} KB"
  python3 -c "print(f'  ratio (wall)        {$c_med / $s_med:.1f}x vs cargo audit, {$a_med / $s_med:.1f}x vs cargo-audit alone (target >= 20x)')"
  python3 -c "print(f'  ratio (cpu)         {$c_cpu / max($s_cpu, 0.1):.1f}x vs cargo audit, {$a_cpu / max($s_cpu, 0.1):.1f}x vs cargo-audit alone')"
  cargo-audit audit "${flags[@]}" --json >"$work/audit.json" 2>/dev/null || true
  "${ours[@]}" --format json >"$work/ours.json" 2>/dev/null || true
  python3 "$here/compare_audit.py" "$work/audit.json" "$work/ours.json" || status=1
  echo
done

comps=$(python3 -c "import json;print(len(json.load(open('$work/bom50k.cdx.json'))['components']))")
size=$(stat -c %s "$work/bom50k.cdx.json")
idx=$(stat -c %s "$work/py/advisories.idx")
ours=("$SHIRUBE_BIN" scan "$work/bom50k.cdx.json" --data-dir "$work/py" --format json)
read -r s_med s_min s_kb s_cpu < <(python3 "$here/measure.py" "$runs" -- "${ours[@]}")
found=$("${ours[@]}" 2>/dev/null | python3 -c "import json,sys;s=json.load(sys.stdin)['summary'];print(s['findings'],'findings,',s['vulnerable_packages'],'vulnerable packages,',s['problems'],'problems')" || true)
echo "CycloneDX SBOM, $comps PyPI components ($size bytes) vs whole PyPA database (index $idx bytes):"
echo "  shirube scan  wall ${s_med} ms (min ${s_min}), cpu ${s_cpu} ms, peak ${s_kb} KB, index load included"
echo "  result        $found"
python3 -c "print('  target        < 500 ms: ' + ('met' if $s_med < 500 else 'NOT met'))"
exit $status
