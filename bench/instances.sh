#!/usr/bin/env bash
# Instance changes through both gateway modes: (1) CHANGES (100) instance changes one after the other
# (rollbacks within the window, each a switch of the live release between two warm ones: other
# instances, nothing else), from the API call to the first request through the gateway that lands
# on the other release, and how many nginx reloads they cost; (2) wrk through each gateway across a
# blue/green upgrade (new instances, drain, stop of the old ones), with its failed requests.
# Writes a section of docs/BENCHMARKS.md. Loopback only; every run is bounded.
# Knobs: CHANGES (100), THREADS (2), CONNS (16), DURATION (14s), KEEP=1 (leave the work dir).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/bin/jdk.sh"; apollo_find_jdk
. "$root/bench/lib.sh"
. "$root/bin/nginx.sh"; apollo_ensure_nginx
missing=()
command -v wrk >/dev/null || missing+=(wrk)
command -v curl >/dev/null || missing+=(curl)
if ((${#missing[@]})); then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"; fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
jar=$root/dist/target/apollo.jar
[ -f "$jar" ] || "$root/apollo" --version >/dev/null

changes=${CHANGES:-100}; threads=${THREADS:-2}; conns=${CONNS:-16}; duration=${DURATION:-14s}
work=$(mktemp -d /tmp/apollo-bench-instances.XXXXXX)
ehome=$work/embedded; nhome=$work/nginx
mkdir -p "$ehome" "$nhome"
cp "$jar" "$work/apollo.jar"
jar_built=$(date -u -r "$jar" +%Y-%m-%dT%H:%MZ)
apollo() { APOLLO_HOME=$1 "$JAVA_HOME/bin/java" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -jar "$work/apollo.jar" "${@:2}"; }
cleanup() {
  [ -f "$nhome/server.json" ] && { apollo "$nhome" down >/dev/null 2>&1 || true; }
  [ -f "$ehome/server.json" ] && { apollo "$ehome" down >/dev/null 2>&1 || true; }
  if [ "${KEEP:-0}" = 1 ]; then echo "instances.sh: kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
field() { grep -o '"'"$1"'" *: *"\{0,1\}[^",}]*' | sed -n '1s/^[^:]*: *"\{0,1\}//p'; }
api_url() { field url < "$1/server.json"; }
api() { curl -fsS -H "Authorization: Bearer $(cat "$1/token")" "${@:3}" "$(api_url "$1")$2"; }

for h in "$ehome" "$nhome"; do
  if [ "$h" = "$nhome" ]; then mode=(--gateway nginx --nginx "$NGINX"); else mode=(); fi
  apollo "$h" up --detach "${mode[@]}" --listen 127.0.0.1:0 --web 127.0.0.1:0 --rpc 127.0.0.1:0 >/dev/null
  for v in 1.0.0 2.0.0 3.0.0; do
    apollo "$h" artifact push "$root/examples/web-service/target/web-service.jar" --name web-service --version "$v" >/dev/null
  done
  apollo "$h" artifact-deploy web-service:1.0.0 -n 2 --path / >/dev/null
  apollo "$h" artifact-deploy web-service:2.0.0 -n 2 >/dev/null   # 1.0.0 stays warm: a rollback is a switch of instances
done

reloads() { api "$1" /v1/gateway | field reloads; }
changes_through() { # data-dir -> Propagation.java output
  "$JAVA_HOME/bin/java" "$root/bench/Propagation.java" "$(api_url "$1")" "$(cat "$1/token")" "$(field web < "$1/gateway.json")" "$changes" instances
}
eprop=$(changes_through "$ehome"); echo "$eprop" > "$work/instances-embedded.out"
n_before=$(reloads "$nhome")
nprop=$(changes_through "$nhome"); echo "$nprop" > "$work/instances-nginx.out"
sleep 1
n_reloads=$(( $(reloads "$nhome") - n_before ))

upgrade() { # data-dir name -> "failed requests of total"; wrk runs across a blue/green upgrade to 3.0.0 (or back to 2.0.0)
  local url out version
  url="http://$(field web < "$1/gateway.json")/"; out=$work/wrk-upgrade-$2.out
  version=$(apollo "$1" status web-service -o json | grep -q '"version" *: *"3.0.0"' && echo 2.0.0 || echo 3.0.0)
  wrk -t"$threads" -c"$conns" -d"$duration" -H 'X-Apollo-Env: production' "$url" > "$out" &
  local w=$!
  sleep 3
  apollo "$1" artifact-deploy "web-service:$version" -n 2 >/dev/null
  wait "$w"
  local total errors non2xx
  total=$(awk '/requests in/ {print $1}' "$out")
  errors=$(awk '/Socket errors/ {gsub(/,/, ""); print $4 + $6 + $8 + $10}' "$out")
  non2xx=$(awk '/Non-2xx/ {print $5}' "$out")
  echo "$(( ${errors:-0} + ${non2xx:-0} )) of $total"
}
e_up=$(upgrade "$ehome" embedded)
n_up=$(upgrade "$nhome" nginx)

pick() { echo "$1" | sed -n "s/^$2 //p" | sed 's/ n=[0-9]*//; s/=/ /g; s/median //; s/ p95 / \/ /; s/ max / \/ /'; }
report="## Instance changes (bench/instances.sh)
$(date -u +%Y-%m-%d) on $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr), $("$JAVA_HOME/bin/java" -version 2>&1 | head -1), $("$NGINX" -v 2>&1), apollo.jar built $jar_built

Two control planes side by side, one per gateway mode, each with web-service 2.0.0 live on 2 instances and 1.0.0 kept
warm. $changes instance changes one after the other: a rollback within the window, which switches the live release (so
the instances behind \"/\") and nothing else; from sending the API call to the first request through the gateway that
lands on the other release, polled every ~1 ms.

| instance change -> traffic, median / p95 / max ms | embedded | nginx |
| --- | --- | --- |
| whole change | $(pick "$eprop" instance_ms) | $(pick "$nprop" instance_ms) |
| of which the API call | $(pick "$eprop" instance_api_ms) | $(pick "$nprop" instance_api_ms) |

nginx reloads for these $changes instance changes: $n_reloads (GET /v1/gateway before and after; target 0). Failed polls:
embedded $(echo "$eprop" | sed -n 's/^poll_errors //p'), nginx $(echo "$nprop" | sed -n 's/^poll_errors //p').

Failed requests across a blue/green upgrade (wrk -t$threads -c$conns -d$duration, keep-alive, no resend; the upgrade starts
3 s in: two new instances, health, switch, drain and stop of the old two): embedded $e_up, nginx $n_up (socket errors
plus non-2xx answers; target 0).
"
echo "$report"
write_section "$root/docs/BENCHMARKS.md" "Instance changes (bench/instances.sh)" "$report"
