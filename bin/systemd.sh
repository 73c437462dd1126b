# Sourced by ./test and .ci/run: `apollo service-unit`'s test checks the unit with systemd-analyze verify,
# which needs no running systemd. Installs Debian's systemd package (for its tools) when it is missing and
# this is a root shell with apt-get; otherwise says how.

apollo_ensure_systemd_analyze() {
  command -v systemd-analyze >/dev/null || [ -x /usr/bin/systemd-analyze ] && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "apollo: installing systemd (for systemd-analyze verify) for the service unit's test..." >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq systemd >/dev/null && return 0
  fi
  echo "apollo: the tests need systemd-analyze (apollo service-unit's unit is verified with it): apt-get install systemd" >&2
  return 1
}
