#!/usr/bin/env bash
# Publishing half-yearly releases over many organisations, end to end through the API on the
# SQLite default: N synthetic organisations (default 1,000,000; ~30 % with ★3, ~3 % with ★4)
# are written into a fresh database, then a publisher publishes 2026H1 (no previous release)
# and 2026H2 (checked against 2026H1), and the public roadmap page is read. Prints seconds for
# each (target: a release under 10 s).
#
# Env: SHIRUBE_BIN (default: build the release binary), N (organisations).
# Needs: python3 (its sqlite3 module). Exit: 0 each release under 10 s, 1 one over, 2 could not run.
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
n="${N:-1000000}"
fail() { echo "release.sh: $*" >&2; exit 2; }
# shellcheck source=bench/lib.sh
. "$repo/bench/lib.sh"
ensure_bin

work="$(mktemp -d /tmp/shirube-release-bench.XXXXXX)"
pid=""
cleanup() { [ -n "$pid" ] && { kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; }; rm -rf "$work"; }
trap cleanup EXIT
port=$(free_port)
base="http://127.0.0.1:$port"
start() {
  "$SHIRUBE_BIN" serve --data-dir "$work/data" --bind "127.0.0.1:$port" --public-url "$base" >>"$work/shirube.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 100); do curl -fs -o /dev/null "$base/healthz" && return 0; sleep 0.1; done
  fail "the server did not answer (see $work/shirube.log)"
}
stop() { kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""; }

start
email="publisher@policy.example"
curl -fs -H 'content-type: application/json' -d "{\"organization\":{\"name\":\"Bench policy bureau\",\"corporate_number\":\"1000012010003\",\"industry\":\"S\",\"employees\":100,\"prefecture\":\"13\"},\"user\":{\"email\":\"$email\",\"password\":\"a long enough password\",\"name\":\"Bench\"}}" "$base/api/v1/signup" >/dev/null
stop
python3 "$repo/bench/release/seed.py" "$work/data/shirube.db" "$n"
start
"$SHIRUBE_BIN" admin grant-publisher --data-dir "$work/data" --corporate-number 1000012010003 >/dev/null
token=$(curl -fs -H 'content-type: application/json' -d "{\"email\":\"$email\",\"password\":\"a long enough password\"}" "$base/api/v1/auth/token" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')

ok=0
for period in 2026H1 2026H2; do
  out=$(curl -s -o "$work/out.json" -w "%{http_code} %{time_total}" -H "authorization: Bearer $token" -H 'content-type: application/json' -d "{\"period\":\"$period\"}" "$base/api/v1/releases")
  read -r code secs <<<"$out"
  [ "$code" = 201 ] || { cat "$work/out.json" >&2; fail "publishing $period answered $code"; }
  printf 'release %s over %d organisations: %.2f s\n' "$period" "$n" "$secs"
  python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) < 10 else 1)" "$secs" || ok=1
done
printf 'public roadmap page (live figures): %.2f s\n' "$(curl -s -o /dev/null -w '%{time_total}' "$base/roadmap")"
exit "$ok"
