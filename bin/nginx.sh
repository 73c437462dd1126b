# Sourced by ./test and .ci/run: the nginx gateway's tests run a real nginx (Debian's package).
# Installs it when it is missing and this is a root shell with apt-get; otherwise says how.

apollo_ensure_nginx() {
  command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "apollo: installing nginx for the nginx gateway's tests..." >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null && return 0
  fi
  echo "apollo: the tests need nginx (the nginx gateway runs a real one): apt-get install nginx" >&2
  return 1
}
