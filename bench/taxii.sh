#!/usr/bin/env bash
# TAXII 2.1 throughput against the OASIS reference server medallion, in one run, on MITRE
# ATT&CK for ICS (../shared/data/stix/attack, 1,826 objects): paging the whole collection
# with limit=1000, 200 get-by-id calls, and one POST of 1,000 new objects until its status
# is complete. Prints objects per second for both and the ratios (target: 20x on each).
#
# Env: SHIRUBE_BIN (default: build the release binary), BACKEND (sqlite | postgres),
#      MILLION (also add this many objects to another collection and page through them),
#      ATTACK (the ATT&CK bundle; default ../shared/data/stix/attack/ics-attack-18.1.json).
# Needs: python3 with venv (medallion, requests are installed into a temporary venv from PyPI).
# Exit: 0 all ratios at least 20, 1 a ratio below, 2 the benchmark could not run.
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
backend="${BACKEND:-sqlite}"
attack="${ATTACK:-$repo/../shared/data/stix/attack/ics-attack-18.1.json}"
fail() { echo "taxii.sh: $*" >&2; exit 2; }
# shellcheck source=bench/lib.sh
. "$repo/bench/lib.sh"
[ -f "$attack" ] || fail "no ATT&CK bundle at $attack"
ensure_bin

work="$(mktemp -d /tmp/shirube-taxii-bench.XXXXXX)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  stop_backend
  rm -rf "$work"
}
trap cleanup EXIT
start_backend "$backend"

python3 -m venv "$work/venv" >/dev/null || fail "python3 -m venv failed"
"$work/venv/bin/pip" install -q medallion requests >&2 || fail "pip install medallion failed"
py="$work/venv/bin/python"

wait_for() { for _ in $(seq 1 100); do curl -fs -o /dev/null "$1" && return 0; sleep 0.1; done; fail "$1 did not answer"; }

# Shirube: a group, a collection, ATT&CK imported with the CLI.
port=$(free_port)
data="$work/shirube"
"$SHIRUBE_BIN" serve --data-dir "$data" "${db_args[@]}" --bind "127.0.0.1:$port" --public-url "http://127.0.0.1:$port" >"$work/shirube.log" 2>&1 &
pids+=($!)
wait_for "http://127.0.0.1:$port/healthz"
base="http://127.0.0.1:$port"
email="bench@isac.example"
curl -fs -H 'content-type: application/json' -d "{\"organization\":{\"name\":\"Bench ISAC\",\"corporate_number\":\"7000012050002\",\"industry\":\"E\",\"employees\":10,\"prefecture\":\"13\"},\"user\":{\"email\":\"$email\",\"password\":\"a long enough password\",\"name\":\"Bench\"}}" "$base/api/v1/signup" >/dev/null
token=$(curl -fs -H 'content-type: application/json' -d "{\"email\":\"$email\",\"password\":\"a long enough password\"}" "$base/api/v1/auth/token" | "$py" -c 'import json,sys; print(json.load(sys.stdin)["token"])')
"$SHIRUBE_BIN" admin grant-industry-group --data-dir "$data" "${db_args[@]}" --corporate-number 7000012050002 >/dev/null
created=$(curl -fs -H "authorization: Bearer $token" -H 'content-type: application/json' -d '{"title":"ATT&CK for ICS","member_access":"read"}' "$base/api/v1/intel/collections")
cid=$(echo "$created" | "$py" -c 'import json,sys; print(json.load(sys.stdin)["id"])')
group=$(curl -fs -H "authorization: Bearer $token" "$base/api/v1/me" | "$py" -c 'import json,sys; d=json.load(sys.stdin); print(d.get("organization_id") or d["organization"]["id"])')
"$SHIRUBE_BIN" intel import "$attack" --collection "$cid" --data-dir "$data" "${db_args[@]}" >/dev/null
shirube=$("$py" "$repo/bench/taxii/drive.py" shirube "$base/taxii2/$group/collections/$cid/" "$email" "$token" "$attack")

# Paging at depth (Shirube only): MILLION=1000000 adds that many objects to a second
# collection and pages through all of them.
if [ -n "${MILLION:-}" ]; then
  created=$(curl -fs -H "authorization: Bearer $token" -H 'content-type: application/json' -d '{"title":"Deep","member_access":"read"}' "$base/api/v1/intel/collections")
  deep=$(echo "$created" | "$py" -c 'import json,sys; print(json.load(sys.stdin)["id"])')
  echo "paging at depth: $("$py" "$repo/bench/taxii/million.py" "$base/taxii2/$group/collections/$deep/" "$email" "$token" "$MILLION")"
fi

# medallion: its memory backend with an empty collection, ATT&CK loaded through its API.
mport=$(free_port)
mcid=$("$py" -c 'import uuid; print(uuid.uuid4())')
cat >"$work/medallion-data.json" <<JSON
{"/discovery": {"title": "medallion", "default": "http://127.0.0.1:$mport/api1/", "api_roots": ["http://127.0.0.1:$mport/api1/"]},
 "api1": {"information": {"title": "api1", "versions": ["application/taxii+json;version=2.1"], "max_content_length": 104857600},
   "status": [],
   "collections": [{"id": "$mcid", "title": "ATT&CK for ICS", "can_read": true, "can_write": true,
     "media_types": ["application/stix+json;version=2.1"], "objects": [], "manifest": []}]}}
JSON
cat >"$work/medallion.json" <<JSON
{"backend": {"module": "medallion.backends.memory_backend", "module_class": "MemoryBackend", "filename": "$work/medallion-data.json"},
 "users": {"admin": "Password0"}, "taxii": {"max_page_size": 1000}}
JSON
"$work/venv/bin/medallion" --port "$mport" "$work/medallion.json" >"$work/medallion.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do curl -s -o /dev/null -u admin:Password0 "http://127.0.0.1:$mport/taxii2/" && break; sleep 0.1; done
medallion=$("$py" "$repo/bench/taxii/drive.py" medallion "http://127.0.0.1:$mport/api1/collections/$mcid/" admin Password0 "$attack" --load) || { tail -20 "$work/medallion.log" >&2; fail "the medallion run failed"; }

"$py" - "$shirube" "$medallion" <<'PY'
import json, sys
s, m = json.loads(sys.argv[1]), json.loads(sys.argv[2])
ok = True
print("%-22s %14s %14s %8s" % ("objects per second", "shirube", "medallion", "ratio"))
for key, label in [("paging_objects_per_s", "paging (limit=1000)"), ("get_by_id_per_s", "get by id (200)"), ("post_objects_per_s", "POST 1,000 objects")]:
    ratio = s[key] / m[key]
    ok &= ratio >= 20
    print("%-22s %14.0f %14.0f %7.1fx" % (label, s[key], m[key], ratio))
sys.exit(0 if ok else 1)
PY
