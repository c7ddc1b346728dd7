#!/usr/bin/env bash
# Web performance with a realistic amount of data: seeds ORGS organisations (default 10,000,
# each with an owner and an open ★3 assessment of 40–81 answers), starts `shirube serve`,
# signs in one seeded owner, then measures
#   - server time of GET /dashboard, /assessments/{id} and /assessments/{id}/criteria/{cid}:
#     REQUESTS sequential requests each on one connection (default 2,000), median and p95
#     read from the server's own Prometheus summary at /metrics, plus the mean over exactly
#     those requests (Δsum/Δcount) and wrk's client-side latency;
#   - JSON read throughput: `wrk -t2 -c32 -d$DURATION` on GET /api/v1/assessments/{id} and
#     GET /api/v1/catalog?level=3 with a bearer token.
# and prints a table with the targets (pages < 5 ms at the median, reads > 5,000 req/s).
#
# Env: ORGS (10000), REQUESTS (2000), DURATION (15s), BACKEND (sqlite | postgres),
#      SHIRUBE_BIN (default: build the release binary), MAX_LOAD (wait up to 10 minutes for
#      the 1-minute load average to fall below this before measuring; default: don't wait).
# Needs: curl, python3, wrk (installed with apt-get when missing); for BACKEND=postgres, the
#        postgresql package (a throwaway cluster is started as the postgres user, as .ci/run does).
# Exit: 0 all targets met, 1 a target missed, 2 the benchmark could not run.
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
here="$repo/bench/web"
orgs="${ORGS:-10000}"
requests="${REQUESTS:-2000}"
duration="${DURATION:-15s}"
backend="${BACKEND:-sqlite}"

fail() { echo "web.sh: $*" >&2; exit 2; }
load1() { cut -d' ' -f1 /proc/loadavg; }
# shellcheck source=bench/lib.sh
. "$repo/bench/lib.sh"
ensure_wrk
ensure_bin

work="$(mktemp -d /tmp/shirube-web-bench.XXXXXX)"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  stop_backend
  rm -rf "$work"
}
trap cleanup EXIT
start_backend "$backend"

echo "shirube: $("$SHIRUBE_BIN" --version)  backend: $backend  organisations: $orgs"
echo "machine: $(nproc) cores, $(uname -r); wrk: $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2)"
echo
echo "== seeding"
seed_out=$("$SHIRUBE_BIN" admin bench-seed --organizations "$orgs" --data-dir "$work/data" "${db_args[@]}")
echo "$seed_out"
password=$(sed -n 's/^password: //p' <<<"$seed_out")
"$SHIRUBE_BIN" admin verify-audit --data-dir "$work/data" "${db_args[@]}"

port=$(free_port)
base="http://127.0.0.1:$port"
RUST_LOG=warn "$SHIRUBE_BIN" serve --bind "127.0.0.1:$port" --data-dir "$work/data" "${db_args[@]}" >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do
  curl -sf "$base/healthz" >/dev/null 2>&1 && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log" >&2; fail "the server did not start"; }
  sleep 0.1
done
curl -sf "$base/healthz" >/dev/null || fail "the server does not answer /healthz"

# One owner from the middle of the data set: a session cookie for pages, a token for JSON.
email="owner$(( (orgs + 1) / 2 ))@bench.example"
session=$(curl -s -o /dev/null -D - -X POST --data-urlencode "email=$email" --data-urlencode "password=$password" "$base/login" \
  | tr -d '\r' | sed -n 's/^[Ss]et-[Cc]ookie: \(shirube_session=[^;]*\).*/\1/p' | head -1)
[ -n "$session" ] || fail "signing in as $email failed"
token=$(curl -sf -H 'content-type: application/json' -d "{\"email\":\"$email\",\"password\":\"$password\"}" "$base/api/v1/auth/token" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
aid=$(curl -sf -H "Authorization: Bearer $token" "$base/api/v1/assessments" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
cid=$(curl -sf "$base/api/v1/catalog?level=3" | python3 -c 'import json,sys; print(json.load(sys.stdin)["criteria"][0]["id"])')
echo "signed in as $email; assessment $aid; criterion $cid"

pages=(
  "GET /dashboard|/dashboard|/dashboard"
  "GET /assessments/{id}|/assessments/$aid|/assessments/{id}"
  "GET /assessments/{id}/criteria/{cid}|/assessments/$aid/criteria/$cid|/assessments/{id}/criteria/{criterion_id}"
)
reads=(
  "GET /api/v1/assessments/{id}|/api/v1/assessments/$aid|/api/v1/assessments/{id}"
  "GET /api/v1/catalog?level=3|/api/v1/catalog?level=3|/api/v1/catalog"
)
for spec in "${pages[@]}"; do
  IFS='|' read -r _ path _ <<<"$spec"
  code=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $session" "$base$path")
  [ "$code" = 200 ] || fail "$path answers $code, not 200"
done
for spec in "${reads[@]}"; do
  IFS='|' read -r _ path _ <<<"$spec"
  code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" "$base$path")
  [ "$code" = 200 ] || fail "$path answers $code, not 200"
done

if [ -n "${MAX_LOAD:-}" ]; then
  for _ in $(seq 1 60); do
    awk -v l="$(load1)" -v m="$MAX_LOAD" 'BEGIN { exit !(l < m) }' && break
    sleep 10
  done
fi
echo "load before measuring: $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min)"
echo

metric() { curl -sf "$base/metrics" | python3 "$here/metrics.py" "$1"; }
results="$work/results.tsv"
: >"$results"

echo "== pages: $requests sequential requests each (after up to 200 / 3 s to warm up)"
for spec in "${pages[@]}"; do
  IFS='|' read -r name path route <<<"$spec"
  # wrk runs for its whole -d even after the script stops the thread: size -d from the
  # warm-up's mean latency so that the REQUESTS requests finish with a little time to spare.
  warm=$(COOKIE="$session" REQUESTS=200 wrk -t1 -c1 -d3s -s "$here/fixed.lua" "$base$path" | grep '^RESULT')
  mean_us=$(sed 's/.*mean_us=\([0-9]*\).*/\1/' <<<"$warm")
  secs=$(( requests * mean_us * 3 / 2 / 1000000 + 2 ))
  read -r _ _ sum0 count0 < <(metric "$route")
  out=$(COOKIE="$session" REQUESTS="$requests" wrk -t1 -c1 -d"${secs}s" -s "$here/fixed.lua" "$base$path")
  read -r p50 p95 sum1 count1 < <(metric "$route")
  line=$(grep '^RESULT' <<<"$out")
  errors=$(sed 's/.*status_errors=\([0-9]*\).*/\1/' <<<"$line")
  [ "$errors" = 0 ] || fail "$name: $errors error answers"
  n=$(sed 's/.*RESULT requests=\([0-9]*\).*/\1/' <<<"$line")
  c50=$(sed 's/.*p50_us=\([0-9]*\).*/\1/' <<<"$line")
  c95=$(sed 's/.*p95_us=\([0-9]*\).*/\1/' <<<"$line")
  python3 - "$name" "$n" "$p50" "$p95" "$sum0" "$count0" "$sum1" "$count1" "$c50" "$c95" >>"$results" <<'EOF'
import sys
name, n, p50, p95, s0, n0, s1, n1, c50, c95 = sys.argv[1:]
mean = (float(s1) - float(s0)) / max(float(n1) - float(n0), 1) * 1e3
print("\t".join(["page", name, n, f"{float(p50)*1e3:.3f}", f"{float(p95)*1e3:.3f}", f"{mean:.3f}", f"{int(c50)/1e3:.3f}", f"{int(c95)/1e3:.3f}"]))
EOF
  echo "  $name done"
done

echo "== JSON reads: wrk -t2 -c32 -d$duration (after 3 s to warm up)"
for spec in "${reads[@]}"; do
  IFS='|' read -r name path route <<<"$spec"
  TOKEN="$token" wrk -t2 -c32 -d3s -s "$here/bearer.lua" "$base$path" >/dev/null
  out=$(TOKEN="$token" wrk -t2 -c32 -d"$duration" -s "$here/bearer.lua" "$base$path")
  read -r p50 _ _ _ < <(metric "$route")
  rps=$(sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p' <<<"$out")
  non2xx=$(sed -n 's/.*Non-2xx or 3xx responses: *\([0-9]*\).*/\1/p' <<<"$out")
  line=$(grep '^RESULT' <<<"$out")
  c50=$(sed 's/.*p50_us=\([0-9]*\).*/\1/' <<<"$line")
  c99=$(sed 's/.*p99_us=\([0-9]*\).*/\1/' <<<"$line")
  python3 -c 'import sys; n,r,e,a,b,p=sys.argv[1:]; print("\t".join(["read",n,r,e,f"{int(a)/1e3:.3f}",f"{int(b)/1e3:.3f}",f"{float(p)*1e3:.3f}"]))' \
    "$name" "$rps" "${non2xx:-0}" "$c50" "$c99" "$p50" >>"$results"
  echo "  $name done"
done
echo "load after measuring: $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min)"
echo
status=0
python3 "$here/table.py" "$results" || status=$?
exit "$status"
