#!/usr/bin/env bash
# Installs the few Debian packages the project needs, only when missing.
set -euo pipefail

need_libmagic() { ! ldconfig -p 2>/dev/null | grep -q 'libmagic\.so\.1'; }
need_chromium() { [ ! -x /usr/bin/chromium ]; }

apt_install() {
  if [ "$(id -u)" != 0 ] && ! command -v sudo >/dev/null; then
    echo "Please install the Debian package(s) $*: apt-get install $*" >&2
    exit 1
  fi
  local sudo=""; [ "$(id -u)" != 0 ] && sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}

case "${1:-}" in
  libmagic) if need_libmagic; then apt_install libmagic1; fi ;;
  chromium) if need_chromium; then apt_install chromium fonts-dejavu-core; fi ;;
  *) echo "usage: $0 libmagic|chromium" >&2; exit 2 ;;
esac
