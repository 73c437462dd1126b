# Sourced by ./test and .ci/run: the nginx gateway's tests run a real nginx (Debian's package) with its
# Lua module (libnginx-mod-http-lua: the balancer that takes instance changes without a reload).
# Installs what is missing when this is a root shell with apt-get; otherwise says how.

apollo_nginx_lua_present() {
  [ -f /usr/lib/nginx/modules/ngx_http_lua_module.so ] || nginx -V 2>&1 | grep -q -e lua-nginx-module -e openresty
}

apollo_ensure_nginx() {
  if { command -v nginx >/dev/null || [ -x /usr/sbin/nginx ]; } && apollo_nginx_lua_present; then
    return 0
  fi
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "apollo: installing nginx and its Lua module for the nginx gateway's tests..." >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx libnginx-mod-http-lua >/dev/null && return 0
  fi
  echo "apollo: the tests need nginx and its Lua module (the nginx gateway runs a real one): apt-get install nginx libnginx-mod-http-lua" >&2
  return 1
}
