"""gunicorn's settings for production; gunicorn reads ./gunicorn.conf.py when started from this folder.

    .venv/bin/gunicorn portfolio_site.wsgi --bind 0.0.0.0:8000

Each setting below can be changed by an environment variable (or on the command line, which wins).

Workers: sync workers, one request at a time each. The site's requests are short and
CPU-bound in Python (page rendering, the rules engine, password hashing), and anything long
(portfolio exports, reminders) runs on Celery workers, so more threads would only queue on
the same cores. gunicorn's usual (2 x cores) + 1 keeps every core busy while one worker waits
on PostgreSQL or a file; each worker holds about 100-150 MB. WEB_CONCURRENCY sets another number.

Timeout: a worker silent for longer is killed and restarted, and its request answers 502.
Pages take well under a second; the longest ordinary requests are evidence uploads, checked
(type by content, PDF and photo cleaning) and stored (to S3: 8 MiB parts) in the request, up
to EVIDENCE_MAX_FILE_SIZE (500 MB): about half a minute for the largest on a fast link to S3.
Files over 5 MiB go up resumably in parts of 5 MiB, each a request of its own. The proxy in
front must buffer request bodies (nginx does by default), so a slow phone's upload never
holds a worker while it trickles in. 120 s lets the largest upload finish and still frees a
worker that hangs. GUNICORN_TIMEOUT sets another.
"""

from __future__ import annotations

import os


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))  # the cores this process may use (containers, taskset)
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


workers = int(os.environ.get("WEB_CONCURRENCY", 2 * _cores() + 1))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 120))
# Time a worker gets to finish its request on a restart or shutdown (SIGTERM) before it is killed.
graceful_timeout = 30
# Seconds an idle keep-alive connection from the proxy stays open; the proxy is on the same network.
keepalive = 5
# A worker is replaced after this many requests (jittered, so not all at once), so slow memory growth never builds up.
max_requests = 2000
max_requests_jitter = 200
# The workers' heartbeat files in memory, not on a disk that may stall (gunicorn's advice for containers).
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
# Large request headers are refused: 8 KiB lines, 100 fields (gunicorn's defaults, stated).
limit_request_line = 8190
limit_request_fields = 100
# Access log to standard output, errors to standard error, for the service manager's journal.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None  # empty: no access log
errorlog = "-"
