#!/usr/bin/env bash
# Deploy benchmark: time from `artifact-deploy` to all instances healthy (-n 1 and -n 20), against
# the peer that bounds it: one instance of the same jar started by hand and polled until healthy.
# Then control-plane RSS idle and with 100 instances, and its CPU while 100 instances are steady.
# Writes a section of docs/BENCHMARKS.md. Loopback only; every loop is bounded.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/bin/jdk.sh"; apollo_find_jdk
. "$root/bench/lib.sh"
"$root/apollo" --version >/dev/null   # builds apollo.jar when needed
jar="$root/examples/web-service/target/web-service.jar"
home=$(mktemp -d /tmp/apollo-bench.XXXXXX)
export APOLLO_HOME=$home
apollo() { "$JAVA_HOME/bin/java" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -jar "$root/dist/target/apollo.jar" "$@"; }
cleanup() { apollo down >/dev/null 2>&1 || true; rm -rf "$home"; }
trap cleanup EXIT

now_ms() { date +%s%3N; }
wait_healthy() { # url, deadline in s
  local end=$(( $(date +%s) + $2 ))
  until curl -fs -o /dev/null "$1"; do [ "$(date +%s)" -lt "$end" ] || return 1; sleep 0.01; done
}

# Peer: one instance of the jar, started and polled by hand, the same JVM flags as the scheduler.
peer=()
for i in 1 2 3 4 5; do
  port=$(( 20000 + RANDOM % 20000 ))
  t0=$(now_ms)
  PORT=$port "$JAVA_HOME/bin/java" -Xmx128m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto -jar "$jar" >/dev/null 2>&1 &
  pid=$!
  wait_healthy "http://127.0.0.1:$port/health/is_alive" 30
  peer+=($(( $(now_ms) - t0 )))
  kill $pid; wait $pid 2>/dev/null || true
done

apollo up --detach --listen 127.0.0.1:0 >/dev/null
pid=$(sed -n 's/.*"pid":\([0-9]*\).*/\1/p' "$home/server.json")
rss_kb() { awk '/VmRSS/ {print $2}' /proc/$pid/status; }
cpu_ticks() { awk '{print $14 + $15}' /proc/$pid/stat; }
apollo artifact push "$jar" --name web-service --version 1.0.0 >/dev/null
sleep 2
rss_idle=$(rss_kb)

deploy_ms() { # version, count: wall time of the CLI call that waits for all healthy
  local t0; t0=$(now_ms)
  apollo artifact-deploy "web-service:$1" -n "$2" >/dev/null
  echo $(( $(now_ms) - t0 ))
}
n1=(); n20=()
for v in 1 2 3; do
  apollo artifact push "$jar" --name web-service --version "1.$v.1" >/dev/null
  apollo artifact push "$jar" --name web-service --version "1.$v.20" >/dev/null
  apollo undeploy web-service >/dev/null 2>&1 || true
  n1+=($(deploy_ms "1.$v.1" 1))
  apollo undeploy web-service >/dev/null
  n20+=($(deploy_ms "1.$v.20" 20))
done
apollo undeploy web-service >/dev/null
apollo artifact push "$jar" --name web-service --version 9.0.0 >/dev/null
t0=$(now_ms); apollo artifact-deploy web-service:9.0.0 -n 100 --timeout 600 >/dev/null; n100=$(( $(now_ms) - t0 ))
sleep 5
rss_100=$(rss_kb)
c0=$(cpu_ticks); sleep 30; c1=$(cpu_ticks)
hz=$(getconf CLK_TCK)
cpu_pct=$(awk -v d=$((c1 - c0)) -v hz="$hz" 'BEGIN { printf "%.1f", 100 * d / hz / 30 }')

median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
report="## Deploy (bench/deploy.sh)
$(date -u +%Y-%m-%d) on $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr), $("$JAVA_HOME/bin/java" -version 2>&1 | head -1)

| what | median | runs |
| --- | --- | --- |
| peer: one web-service JVM started by hand until /health/is_alive answers | $(median "${peer[@]}") ms | ${peer[*]} |
| \`apollo artifact-deploy -n 1\` until healthy (CLI wall time, incl. its own JVM start) | $(median "${n1[@]}") ms | ${n1[*]} |
| \`apollo artifact-deploy -n 20\` until all healthy | $(median "${n20[@]}") ms | ${n20[*]} |
| \`apollo artifact-deploy -n 100\` until all healthy | $n100 ms | 1 |
| control-plane RSS, idle | $((rss_idle / 1024)) MiB | |
| control-plane RSS, 100 instances running | $((rss_100 / 1024)) MiB | |
| control-plane CPU, 100 instances steady (30 s) | $cpu_pct % of one core | |
"
echo "$report"
write_section "$root/docs/BENCHMARKS.md" "Deploy (bench/deploy.sh)" "$report"
