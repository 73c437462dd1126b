# Sourced by ./test and .ci/run: the dashboard's tests drive a real headless Chromium (Debian's
# chromium and chromium-driver). Installs them when missing and this is a root shell with apt-get;
# otherwise says how.

apollo_ensure_chromium() {
  command -v chromium >/dev/null && command -v chromedriver >/dev/null && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "apollo: installing chromium and chromium-driver for the dashboard's tests..." >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null \
      && return 0
  fi
  echo "apollo: the tests need chromium and chromium-driver (the dashboard's tests): apt-get install chromium chromium-driver" >&2
  return 1
}
