# Sourced by ./test and .ci/run: the PostgreSQL store's tests make throwaway clusters with Debian's
# initdb and pg_ctl (testkit's PostgresCluster). Installs the package when it is missing and this is a
# root shell with apt-get; otherwise says how. Starts no server: each test JVM starts and stops its own.

apollo_ensure_postgres() {
  compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null && return 0
  [ -n "${APOLLO_PG_BIN:-}" ] && [ -x "$APOLLO_PG_BIN/initdb" ] && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "apollo: installing postgresql for the PostgreSQL store's tests..." >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null && return 0
  fi
  echo "apollo: the tests need PostgreSQL's initdb and pg_ctl (the PostgreSQL store runs against a real one):" \
    "apt-get install postgresql, or set APOLLO_PG_BIN to a directory that has them" >&2
  return 1
}
