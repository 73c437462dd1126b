#!/usr/bin/env bash
# Gateway benchmark: wrk against (a) one web-service instance directly, (b) Apollo's web gateway,
# (c) nginx proxying the same instance with keep-alive upstreams; same connections, threads and
# duration. Then route propagation (API change -> first request that sees it) and rollback switch
# time. Writes a section of docs/BENCHMARKS.md. Loopback only; every run is bounded.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/bin/jdk.sh"; apollo_find_jdk
. "$root/bench/lib.sh"
missing=()
command -v wrk >/dev/null || missing+=(wrk)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx)
if ((${#missing[@]})); then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"; fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
"$root/apollo" --version >/dev/null   # builds apollo.jar when needed

threads=${THREADS:-2}; conns=${CONNS:-32}; duration=${DURATION:-15s}
home=$(mktemp -d /tmp/apollo-bench.XXXXXX)
export APOLLO_HOME=$home
apollo() { "$JAVA_HOME/bin/java" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -jar "$root/dist/target/apollo.jar" "$@"; }
ngx=$home/nginx
cleanup() { [ -f "$ngx/nginx.pid" ] && kill "$(cat "$ngx/nginx.pid")" 2>/dev/null; apollo down >/dev/null 2>&1 || true; rm -rf "$home"; }
trap cleanup EXIT

apollo up --detach --listen 127.0.0.1:0 --web 127.0.0.1:0 >/dev/null
apollo artifact push "$root/examples/web-service/target/web-service.jar" --name web-service --version 1.0.0 >/dev/null
apollo artifact push "$root/examples/web-service/target/web-service.jar" --name web-service --version 2.0.0 >/dev/null
apollo artifact-deploy web-service:1.0.0 -n 1 --path / >/dev/null
instance=$(apollo status web-service -o json | sed -n 's/.*"address" *: *"\([^"]*\)".*/\1/p' | head -1)
gateway=$(sed -n 's/.*"web":"\([^"]*\)".*/\1/p' "$home/gateway.json")

mkdir -p "$ngx/logs"
nport=$(( 30000 + RANDOM % 20000 ))
cat > "$ngx/nginx.conf" <<CONF
worker_processes auto;
pid $ngx/nginx.pid;
error_log $ngx/logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $ngx/body; proxy_temp_path $ngx/proxy; fastcgi_temp_path $ngx/fcgi;
  uwsgi_temp_path $ngx/uwsgi; scgi_temp_path $ngx/scgi;
  upstream instance { server $instance; keepalive 64; }
  server {
    listen 127.0.0.1:$nport;
    location / {
      proxy_pass http://instance;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$host;
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
    }
  }
}
CONF
"$NGINX" -p "$ngx" -c "$ngx/nginx.conf"

run_wrk() { # url -> "req/s p50 p99"
  wrk -t1 -c8 -d3s -H 'X-Apollo-Env: production' "$1" >/dev/null 2>&1 || true   # warm-up
  wrk -t"$threads" -c"$conns" -d"$duration" --latency -H 'X-Apollo-Env: production' "$1" > "$home/wrk.out"
  local rps p50 p99 errors
  rps=$(awk '/Requests\/sec/ {print $2}' "$home/wrk.out")
  p50=$(awk '$1 == "50%" {print $2}' "$home/wrk.out")
  p99=$(awk '$1 == "99%" {print $2}' "$home/wrk.out")
  errors=$(awk '/Non-2xx|Socket errors/ {printf "%s ", $0}' "$home/wrk.out")
  echo "$rps $p50 $p99 ${errors:-none}"
}
read -r d_rps d_p50 d_p99 d_err <<<"$(run_wrk "http://$instance/")"
read -r g_rps g_p50 g_p99 g_err <<<"$(run_wrk "http://$gateway/")"
read -r n_rps n_p50 n_p99 n_err <<<"$(run_wrk "http://127.0.0.1:$nport/")"

apollo artifact-deploy web-service:2.0.0 -n 1 >/dev/null
prop=$("$JAVA_HOME/bin/java" "$root/bench/Propagation.java" "$(sed -n 's/.*"url":"\([^"]*\)".*/\1/p' "$home/server.json")" \
  "$(cat "$home/token")" "$gateway" 20)

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
report="## Gateway (bench/gateway.sh)
$(date -u +%Y-%m-%d) on $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr), $("$JAVA_HOME/bin/java" -version 2>&1 | head -1), $("$NGINX" -v 2>&1)

wrk -t$threads -c$conns -d$duration against one web-service instance; wrk, the proxy and the instance share the 2 cores.

| target | req/s | p50 | p99 | errors |
| --- | --- | --- | --- | --- |
| instance directly | $d_rps | $d_p50 | $d_p99 | $d_err |
| Apollo web gateway | $g_rps | $g_p50 | $g_p99 | $g_err |
| nginx, keep-alive upstream | $n_rps | $n_p50 | $n_p99 | $n_err |

gateway/nginx req/s: $(ratio "$g_rps" "$n_rps"); gateway/direct req/s: $(ratio "$g_rps" "$d_rps").

Change propagation, measured from the API call to the first request through the gateway that sees it (20 rounds):
- route added: $(echo "$prop" | sed -n 's/^route_ms //p') ms
- rollback within the window (route switch to the warm previous release): $(echo "$prop" | sed -n 's/^rollback_ms //p') ms
"
echo "$report"
write_section "$root/docs/BENCHMARKS.md" "Gateway (bench/gateway.sh)" "$report"
