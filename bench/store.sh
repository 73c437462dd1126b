#!/usr/bin/env bash
# Store operation latency, SQLite beside PostgreSQL, in one run (bench/StoreLatency.java): a throwaway
# PostgreSQL cluster (Debian's initdb/pg_ctl, fsync on, as a real deployment) on a free loopback port, and
# an SQLite file (WAL, synchronous=FULL), both on this machine's disk. Writes the "Store latency" section
# of docs/BENCHMARKS.md. ROUNDS=500 by default.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/bin/jdk.sh"
. "$root/bin/postgres.sh"
. "$root/bench/lib.sh"
apollo_find_jdk
apollo_ensure_postgres
rounds=${ROUNDS:-500}
jar="$root/dist/target/apollo.jar"
[ -f "$jar" ] || (cd "$root" && mvn -B -q -pl dist -am package -DskipTests)
bin=${APOLLO_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)}

work=$(mktemp -d /tmp/apollo-bench-store.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
as_owner=()
if [ "$(id -u)" = 0 ]; then chown postgres: "$work"; as_owner=(runuser -u postgres --); fi
password=bench-$RANDOM$RANDOM
printf '%s\n' "$password" > "$work/pw"
"${as_owner[@]}" "$bin/initdb" -D "$work/data" -U apollo --pwfile="$work/pw" --auth-host=scram-sha-256 --auth-local=trust >/dev/null
"${as_owner[@]}" "$bin/pg_ctl" -D "$work/data" -o "-p $port -k $work -c listen_addresses=127.0.0.1" -l "$work/log" -w start >/dev/null
stop() { "${as_owner[@]}" "$bin/pg_ctl" -D "$work/data" -m fast -w stop >/dev/null || true; rm -rf "$work"; }
trap stop EXIT
PGPASSWORD=$password "$bin/createdb" -h 127.0.0.1 -p "$port" -U apollo bench

table=$(APOLLO_STORE_PASSWORD=$password "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "$jar" \
  "$root/bench/StoreLatency.java" "$work/sqlite/apollo.db" "postgresql://127.0.0.1:$port/bench?user=apollo" "$rounds" 2>/dev/null)
echo "$table"
report="## Store latency (bench/store.sh)
$(date -u +%F) on $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, Linux $(uname -r), $("$JAVA_HOME/bin/java" -version 2>&1 | head -1), $("$bin/postgres" --version)

$table

Both stores on this machine's disk, each call from one thread as the control plane makes them: SQLite in WAL mode with
synchronous=FULL, PostgreSQL over loopback TCP with fsync on and its defaults otherwise; every write is durable
when it returns. A PostgreSQL write also takes the store's advisory write lock (writes run one at a time, as on
SQLite); with a leader attached it also reads the lease row FOR SHARE (not measured here).${NOTE:+ $NOTE}"
write_section "$root/docs/BENCHMARKS.md" "Store latency (bench/store.sh)" "$report"
