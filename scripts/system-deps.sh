#!/usr/bin/env bash
# Installs the few Debian packages the project needs, only when missing.
#   runtime: libmagic (python-magic), GL and GLib (mediapipe's OpenCV), Pango (WeasyPrint)
#   browser: Debian's Chromium for the Playwright tests
#   deploy: nginx and openssl for the multi-server test (deploy/multiserver.sh)
set -euo pipefail

has_lib() { ldconfig -p 2>/dev/null | grep -q "$1"; }

apt_install() {
  if [ "$(id -u)" != 0 ] && ! command -v sudo >/dev/null; then
    echo "Please install the Debian package(s) $*: apt-get install $*" >&2
    exit 1
  fi
  local sudo=""; [ "$(id -u)" != 0 ] && sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}

missing=()
case "${1:-}" in
  runtime)
    has_lib 'libmagic\.so\.1' || missing+=(libmagic1)
    has_lib 'libGL\.so\.1' || missing+=(libgl1)
    has_lib 'libglib-2\.0\.so\.0' || missing+=(libglib2.0-0)
    has_lib 'libpango-1\.0\.so\.0' || missing+=(libpango-1.0-0)
    has_lib 'libpangoft2-1\.0\.so\.0' || missing+=(libpangoft2-1.0-0)
    ;;
  browser)
    [ -x /usr/bin/chromium ] || missing+=(chromium fonts-dejavu-core)
    command -v npm >/dev/null || missing+=(npm)
    ;;
  deploy)
    command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx-light)
    command -v openssl >/dev/null || missing+=(openssl)
    command -v pg_isready >/dev/null || missing+=(postgresql)
    ;;
  *) echo "usage: $0 runtime|browser|deploy" >&2; exit 2 ;;
esac
if [ ${#missing[@]} -gt 0 ]; then apt_install "${missing[@]}"; fi
