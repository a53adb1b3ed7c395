#!/usr/bin/env bash
# Serves the app on http://127.0.0.1:8000 with a Celery worker and beat beside it.
# Ctrl-C stops all three.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${VENV:-.venv}/bin
VAR=${VAR_DIR:-var}  # as the settings read it
mkdir -p "$VAR"
pids=()
stop() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop INT TERM EXIT
"$PY/celery" -A portfolio_site worker --loglevel=INFO --concurrency=2 &
pids+=($!)
"$PY/celery" -A portfolio_site beat --loglevel=INFO --schedule "$VAR/celerybeat-schedule" &
pids+=($!)
"$PY/python" manage.py runserver "${ADDRESS:-127.0.0.1:8000}" &
pids+=($!)
echo "Serving on http://${ADDRESS:-127.0.0.1:8000}/ with a Celery worker and beat. Ctrl-C stops all three."
wait -n
