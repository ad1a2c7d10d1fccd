#!/usr/bin/env bash
# Runs a command again whenever it stops (a crashed or killed task worker under
# `make run`), two seconds apart; stops it and itself on INT/TERM.
#   scripts/keep-running.sh .venv/bin/python manage.py worker --no-reload
set -uo pipefail
child=""
trap '[ -n "$child" ] && kill -TERM "$child" 2>/dev/null; wait "$child" 2>/dev/null; exit 0' INT TERM
while true; do
  "$@" &
  child=$!
  wait "$child"
  status=$?
  child=""
  echo "keep-running: '$*' stopped (exit $status); starting it again in 2 s" >&2
  sleep 2 & wait $!  # interruptible: a TERM now stops at once
done
