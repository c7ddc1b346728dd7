# Shared by the bench/*.sh scripts (sourced, not run): helpers, wrk, the release binary, and
# a throwaway PostgreSQL cluster for BACKEND=postgres. Callers define `fail`.

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# Installs wrk with apt-get when it is missing.
ensure_wrk() {
  if ! command -v wrk >/dev/null 2>&1; then
    echo "installing wrk…" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk >&2 \
      || { apt-get update -q >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk >&2; }
  fi
}

# Sets SHIRUBE_BIN, building the release binary unless it is given.
ensure_bin() {
  if [ -z "${SHIRUBE_BIN:-}" ]; then
    (cd "$repo" && cargo build --release -p shirube --quiet)
    SHIRUBE_BIN="${CARGO_TARGET_DIR:-$repo/target}/release/shirube"
  fi
}

# For BACKEND=postgres, starts a throwaway cluster as the postgres user and sets db_args to
# its --database; for sqlite, leaves db_args empty. stop_backend undoes it.
pg_dir=""
db_args=()
start_backend() {
  case "$1" in
    sqlite) ;;
    postgres)
      local pg_initdb
      pg_initdb=$(ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -1 || true)
      [ -n "$pg_initdb" ] || fail "PostgreSQL is not installed (apt-get install postgresql)"
      pg_bin=$(dirname "$pg_initdb")
      pg_dir=$(mktemp -d /tmp/shirube-bench-pg.XXXXXX)
      chown postgres:postgres "$pg_dir"
      local pg_port
      pg_port=$(free_port)
      runuser -u postgres -- "$pg_bin/initdb" -D "$pg_dir/data" -A trust -U postgres --no-instructions >/dev/null
      # Durable settings (fsync on), unlike CI's throwaway cluster: these benchmarks measure
      # reads, but they should not flatter the write path either.
      runuser -u postgres -- "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w \
        -o "-p $pg_port -k $pg_dir -c listen_addresses=127.0.0.1 -c max_connections=100" start >/dev/null
      db_args=(--database "postgres://postgres@127.0.0.1:$pg_port/postgres")
      ;;
    *) fail "BACKEND must be sqlite or postgres" ;;
  esac
}

stop_backend() {
  if [ -n "$pg_dir" ]; then
    runuser -u postgres -- "$pg_bin/pg_ctl" -D "$pg_dir/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$pg_dir"
  fi
}
