#!/usr/bin/env bash
# `make run`'s last step: the web server, a Celery worker and Celery beat, stopped
# together and once, on Ctrl-C or SIGTERM, or when any of the three dies.
#
# Each process runs in its own process group (set -m), so the terminal's Ctrl-C
# reaches only this script, which then asks each one to stop exactly once
# and waits; whatever is still running after STOP_SECONDS is killed.
set -uo pipefail
set -m

VENV=${VENV:-.venv}
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
STOP_SECONDS=${STOP_SECONDS:-20}

worker="" beat="" web=""
pids=()
stopping=0

stop() {
  [ "$stopping" = 1 ] && return
  stopping=1
  trap '' INT TERM
  echo "Stopping web server, worker and beat..."
  # Celery's main processes stop their own pool children (a warm shutdown);
  # runserver's reloader does not stop its child, so the web server's whole group goes.
  [ -n "$worker" ] && kill -TERM "$worker" 2>/dev/null
  [ -n "$beat" ] && kill -TERM "$beat" 2>/dev/null
  [ -n "$web" ] && kill -TERM -- "-$web" 2>/dev/null
  for _ in $(seq $((STOP_SECONDS * 10))); do
    alive=0
    for pid in "${pids[@]}"; do kill -0 -- "-$pid" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 0.1
  done
  for pid in "${pids[@]}"; do kill -KILL -- "-$pid" 2>/dev/null; done
  wait 2>/dev/null
  echo "Stopped."
}
trap 'stop; exit 0' INT TERM
trap stop EXIT

mkdir -p var
"$VENV/bin/celery" -A config worker --loglevel=INFO --concurrency=2 &
worker=$!
"$VENV/bin/celery" -A config beat --loglevel=INFO --schedule=var/celerybeat-schedule &
beat=$!
"$VENV/bin/python" manage.py runserver "$HOST:$PORT" &
web=$!
pids=("$worker" "$beat" "$web")

# Any of the three ending (a crash, a port in use) stops the others too. Polled in short
# waits rather than one `wait -n`: with job control on, bash may hold a trapped Ctrl-C
# until a child changes state (seen here: 40 s, until the next beat tick), and a short
# background sleep is a child that changes state twice a second.
while kill -0 "$worker" 2>/dev/null && kill -0 "$beat" 2>/dev/null && kill -0 "$web" 2>/dev/null; do
  sleep 0.5 &
  wait $! 2>/dev/null
done
status=0
for pid in "${pids[@]}"; do
  kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null; status=$?; break; }
done
echo "A process ended (status $status)."
exit "$status"
