#!/usr/bin/env bash
# Property-based check of the OpenAPI document against the running server: starts
# `shirube serve --demo` on a free port with a throwaway data directory, signs in one demo
# login after another (a supplier, a buyer, the evaluation body, the industry group) for a
# bearer token, and runs schemathesis over every operation of /api/v1/openapi.json as each,
# with these checks:
#   not_a_server_error, status_code_conformance (every status answered is documented),
#   content_type_conformance, response_schema_conformance.
# Data come from the document's schemas (valid and invalid: `--mode all`), with a fixed seed.
#
# Env: SHIRUBE_BIN (default: build the release binary), EXAMPLES (max examples per operation
#      and phase, default 50), SEED (default 20260401), LOGINS (demo e-mails, space-separated;
#      default the four above), REPORT_DIR (keep schemathesis' JUnit reports there).
# Needs: curl, python3, schemathesis 4 (`pip install schemathesis`; installed when missing).
# Exit: 0 clean, 1 schemathesis found a failure, 2 the check could not run.
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
examples="${EXAMPLES:-50}"
seed="${SEED:-20260401}"
logins="${LOGINS:-owner@minato-seiko.example buyer@yamato-parts.example assessor@scs-hyoka.example office@tokai-parts.example}"
password="shirube-demo-2026"

fail() { echo "openapi.sh: $*" >&2; exit 2; }
# shellcheck source=bench/lib.sh
. "$repo/bench/lib.sh"

if ! command -v schemathesis >/dev/null 2>&1; then
  echo "installing schemathesis…" >&2
  python3 -m pip install --quiet schemathesis >&2 || fail "could not install schemathesis"
fi
ensure_bin

work="$(mktemp -d /tmp/shirube-openapi.XXXXXX)"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

port=$(free_port)
base="http://127.0.0.1:$port"
RUST_LOG=warn "$SHIRUBE_BIN" serve --demo --bind "127.0.0.1:$port" --data-dir "$work/data" >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 200); do
  curl -sf "$base/healthz" >/dev/null 2>&1 && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log" >&2; fail "the server did not start"; }
  sleep 0.1
done
curl -sf "$base/healthz" >/dev/null || fail "the server does not answer /healthz"

echo "shirube: $("$SHIRUBE_BIN" --version)  schemathesis: $(schemathesis --version | awk '{print $NF}')"
echo "server: $base (demo data); $examples examples per operation, seed $seed"

cid=$(curl -sf "$base/api/v1/catalog?level=3" | python3 -c 'import json,sys; print(json.load(sys.stdin)["criteria"][0]["id"])') \
  || fail "the catalog does not answer"
status=0
n=0
for login in $logins; do
  n=$((n + 1))
  token=$(curl -sf -H 'content-type: application/json' \
    -d "{\"email\":\"$login\",\"password\":\"$password\"}" "$base/api/v1/auth/token" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])') \
    || fail "signing in as $login failed"
  # Random ids only ever meet 404: operations on one assessment get an open assessment of
  # this login (when it has one) and a ★3 criterion, so their bodies reach the use cases.
  aid=$(curl -sf -H "Authorization: Bearer $token" "$base/api/v1/assessments" \
    | python3 -c 'import json,sys; print(next((a["id"] for a in json.load(sys.stdin) if a["status"] == "in_progress"), ""))')
  config="$work/schemathesis-$n.toml"
  : >"$config"
  if [ -n "$aid" ]; then
    {
      echo '[[operations]]'
      echo 'include-path-regex = "^/api/v1/assessments/\\{id\\}"'
      echo "parameters = { \"path.id\" = \"$aid\", \"path.criterion_id\" = \"$cid\" }"
    } >"$config"
  fi
  report_args=()
  if [ -n "${REPORT_DIR:-}" ]; then
    report_args=(--report junit --report-junit-path "$REPORT_DIR/openapi-$n.xml")
  fi
  echo
  echo "== as $login${aid:+ (assessment $aid)}"
  rc=0
  schemathesis --config-file "$config" run "$base/api/v1/openapi.json" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
    --header "Authorization: Bearer $token" \
    --mode all \
    --phases examples,coverage,fuzzing,stateful \
    --max-examples "$examples" \
    --seed "$seed" \
    --workers 2 \
    --request-timeout 30 \
    --generation-database none \
    --no-color \
    "${report_args[@]}" || rc=$?
  [ "$rc" -gt "$status" ] && status=$rc
done

# A 500 is logged by the server with its operation id: show them for the record.
if grep -q "internal error" "$work/server.log"; then
  echo
  echo "== internal errors in the server log"
  grep "internal error" "$work/server.log" | head -20
fi

case "$status" in
  0) echo; echo "openapi.sh: clean"; exit 0 ;;
  1) exit 1 ;;
  *) fail "schemathesis exited with $status" ;;
esac
