#!/usr/bin/env bash
# The security expert's workspace at scale (issue #11). Seeds CLIENTS organisations (default
# 200) with every ★3 criterion answered (81 answers each) and three evidence links (half of
# them over a year old), and an approved expert engaged by all of them, with
# `shirube admin bench-seed --organizations CLIENTS --all-answers --expert-clients CLIENTS`.
# Starts `shirube serve`, signs in as the expert, and measures server time (median and p95
# from the server's own /metrics, REQUESTS sequential requests on one connection, default
# 100) of
#   GET /api/v1/experts/me/clients and GET /engagements (the page with the client list).
# Target (issue #11): both under 50 ms at the median with 200 clients of 81 answers.
#
# Env: CLIENTS (200), REQUESTS (100), BACKEND (sqlite | postgres: a throwaway cluster as in
#      bench/web.sh), SHIRUBE_BIN (default: build release).
# Exit: 0 targets met, 1 a target missed, 2 the benchmark could not run.
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
here="$repo/bench/web"
clients="${CLIENTS:-200}"
requests="${REQUESTS:-100}"

backend="${BACKEND:-sqlite}"

fail() { echo "experts.sh: $*" >&2; exit 2; }
# shellcheck source=bench/lib.sh
. "$repo/bench/lib.sh"
ensure_wrk
ensure_bin

work="$(mktemp -d /tmp/shirube-experts-bench.XXXXXX)"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  stop_backend
  rm -rf "$work"
}
trap cleanup EXIT
start_backend "$backend"

echo "shirube: $("$SHIRUBE_BIN" --version)  backend: $backend  clients: $clients"
echo "== seeding"
seed_out=$("$SHIRUBE_BIN" admin bench-seed --organizations "$clients" --all-answers \
  --expert-clients "$clients" --data-dir "$work/data" "${db_args[@]}")
echo "$seed_out"
password=$(sed -n 's/^password: //p' <<<"$seed_out")
email=$(sed -n 's/^expert: \([^ ]*\).*/\1/p' <<<"$seed_out")
[ -n "$email" ] || fail "seeding did not name the expert"

port=$(free_port)
base="http://127.0.0.1:$port"
RUST_LOG=warn "$SHIRUBE_BIN" serve --bind "127.0.0.1:$port" --data-dir "$work/data" "${db_args[@]}" >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do
  curl -sf "$base/healthz" >/dev/null 2>&1 && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log" >&2; fail "the server did not start"; }
  sleep 0.1
done
session=$(curl -s -o /dev/null -D - -X POST --data-urlencode "email=$email" --data-urlencode "password=$password" "$base/login" \
  | tr -d '\r' | sed -n 's/^[Ss]et-[Cc]ookie: \(shirube_session=[^;]*\).*/\1/p' | head -1)
[ -n "$session" ] || fail "signing in as $email failed"
token=$(curl -sf -H 'content-type: application/json' -d "{\"email\":\"$email\",\"password\":\"$password\"}" "$base/api/v1/auth/token" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
curl -sf -H "Authorization: Bearer $token" "$base/api/v1/experts/me/clients" | python3 -c '
import json, sys
v = json.load(sys.stdin)
att = {}
for c in v:
    att[c["attention"]] = att.get(c["attention"], 0) + 1
print("workspace:", len(v), "clients; by attention:", dict(sorted(att.items())),
      "; with old evidence:", sum(1 for c in v if c["stale_evidence"] > 0),
      "; criteria per client:", sorted({c["total"] for c in v}))'
echo "load before measuring: $(cut -d' ' -f1-3 /proc/loadavg)"

# name | path | route template | auth (cookie or token) | target ms (empty: none)
targets=(
  "GET /api/v1/experts/me/clients|/api/v1/experts/me/clients|/api/v1/experts/me/clients|token|50"
  "GET /engagements (page)|/engagements|/engagements|cookie|50"
)
metric() { curl -sf "$base/metrics" | python3 "$here/metrics.py" "$1"; }
status=0
printf '\n%-30s %6s %9s %9s %9s  %s\n' "endpoint" "n" "srv p50" "srv p95" "srv mean" "target"
for spec in "${targets[@]}"; do
  IFS='|' read -r name path route auth target <<<"$spec"
  if [ "$auth" = cookie ]; then env_auth=(COOKIE="$session"); hdr="Cookie: $session"; else env_auth=(TOKEN="$token"); hdr="Authorization: Bearer $token"; fi
  code=$(curl -s -o /dev/null -w '%{http_code}' -H "$hdr" "$base$path")
  [ "$code" = 200 ] || fail "$path answers $code, not 200"
  warm=$(env "${env_auth[@]}" REQUESTS=5 wrk -t1 -c1 -d30s -s "$here/fixed.lua" "$base$path" | grep '^RESULT')
  mean_us=$(sed 's/.*mean_us=\([0-9]*\).*/\1/' <<<"$warm")
  secs=$(( requests * mean_us * 3 / 2 / 1000000 + 2 ))
  read -r _ _ sum0 count0 < <(metric "$route")
  env "${env_auth[@]}" REQUESTS="$requests" wrk -t1 -c1 -d"${secs}s" -s "$here/fixed.lua" "$base$path" >/dev/null
  read -r p50 p95 sum1 count1 < <(metric "$route")
  line=$(python3 - "$name" "$p50" "$p95" "$sum0" "$count0" "$sum1" "$count1" "$target" <<'PY'
import sys
name, p50, p95, s0, n0, s1, n1, target = sys.argv[1:]
n = float(n1) - float(n0)
mean = (float(s1) - float(s0)) / max(n, 1) * 1e3
p50, p95 = float(p50) * 1e3, float(p95) * 1e3
verdict = "—" if not target else ("met (< %s ms)" % target if p50 < float(target) else "MISSED (< %s ms)" % target)
print(f"{name:<30} {int(n):>6} {p50:>9.2f} {p95:>9.2f} {mean:>9.2f}  {verdict}")
PY
)
  echo "$line"
  case "$line" in *MISSED*) status=1 ;; esac
done
echo "load after measuring: $(cut -d' ' -f1-3 /proc/loadavg)"
exit "$status"
