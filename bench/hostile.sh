#!/usr/bin/env bash
# Hostile clients against a real control plane (issue 16): a long seeded fuzz run of the API (the test
# suite's ApiFuzzTest, with many more requests) and N half-sent requests held open (bench/SlowClients.java).
# Writes a section of docs/BENCHMARKS.md. REQUESTS (default 100000), SEED (default: random), CLIENTS (default
# 2000). Loopback only; every run is bounded.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/bin/jdk.sh"; apollo_find_jdk
. "$root/bench/lib.sh"
requests=${REQUESTS:-100000}; seed=${SEED:-$RANDOM}; clients=${CLIENTS:-2000}
"$root/apollo" --version >/dev/null   # builds apollo.jar when needed
ulimit -n 65536 2>/dev/null || true

work=$(mktemp -d /tmp/apollo-hostile.XXXXXX)
home=$work/home
apollo() { APOLLO_HOME=$home "$JAVA_HOME/bin/java" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -jar "$root/dist/target/apollo.jar" "$@"; }
cleanup() { apollo down >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT

# 1. Slow clients: the defaults of a real `apollo up` (header deadline 10 s, idle 30 s, 512 connections).
apollo up --detach --listen 127.0.0.1:0 --web none >/dev/null
url=$(sed -n 's/.*"url":"\([^"]*\)".*/\1/p' "$home/server.json")
pid=$(sed -n 's/.*"pid":\([0-9]*\).*/\1/p' "$home/server.json")
hostport=${url#http://}
slow=$("$JAVA_HOME/bin/java" "$root/bench/SlowClients.java" "${hostport%:*}" "${hostport##*:}" "$pid" "$(cat "$home/token")" "$clients")
rss=$(awk '/VmHWM/ {print int($2/1024)}' "/proc/$pid/status")
apollo down >/dev/null 2>&1 || true

# 2. The long fuzz run, through the test suite's own generator and checks.
fuzz_log=$work/fuzz.log
(cd "$root" && mvn -B -q -o -pl server test -Dtest=ApiFuzzTest -Dsurefire.failIfNoSpecifiedTests=false \
  -Dapollo.fuzz.requests="$requests" -Dapollo.fuzz.seed="$seed" -DargLine="-Dapollo.fuzz.requests=$requests -Dapollo.fuzz.seed=$seed" \
  > "$fuzz_log" 2>&1) && verdict=passed || verdict="FAILED (see the test's output)"
fuzz=$(grep -m1 '^fuzz:' "$fuzz_log" || echo "fuzz: no summary line")

field() { printf '%s\n' "$slow" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
report="## Hostile clients (bench/hostile.sh)
$(date -u +%F) on $(nproc) cores, $(awk '/MemTotal/ {printf "%d GiB", $2/1048576}' /proc/meminfo), Linux $(uname -r), $("$JAVA_HOME/bin/java" -version 2>&1 | head -1), load average $(cut -d' ' -f1 /proc/loadavg) at the end

Slow clients: $clients connections each sending half a request (\`GET /v1/info HTTP/1.1\\r\\nHost: x\\r\\n\`) and then
nothing, against \`apollo up\` with its default API limits (first request's headers within 10 s, 30 s idle, 512
connections). Before (issue 16, on the JDK's HttpServer): 2,000 such requests were all held for at least 45 s and the
server's descriptors went from 32 to 2,032.

| what | figure |
| --- | --- |
| connections made / refused by the client's 2 s connect timeout | $(field connected) / $(field refused) |
| server descriptors before / peak | $(field fds_before) / $(field fds_peak) |
| until the server had closed every one of them | $(field all_closed_ms) ms |
| a legitimate \`GET /v1/info\` sent meanwhile | $(field legit_status | tr '_' ' '), in $(field legit_ms) ms |
| control-plane peak RSS (VmHWM) | $rss MiB |

Fuzz: \`REQUESTS=$requests SEED=$seed bench/hostile.sh\` runs ApiFuzzTest's generator and checks (every endpoint, no 5xx,
the documented JSON error, an answer within 30 s, the desired state unchanged) with 4 clients: $verdict.

\`$fuzz\`"
write_section "$root/docs/BENCHMARKS.md" "Hostile clients (bench/hostile.sh)" "$report"
printf '%s\n' "$report"
