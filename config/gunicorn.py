"""Gunicorn's settings for production: `gunicorn -c config/gunicorn.py config.wsgi:application`.

The Dockerfile, docker-compose.yml and the throughput bench (benchmarks/web.py) all start the
web server with this file, so the bench measures what production runs. Each setting can be
changed by its environment variable; a flag on the command line wins over both.

Threaded workers (`gthread`), two per core with two threads each: a thread waiting on
PostgreSQL or Redis leaves the process's other thread the CPU, kept-alive connections spare a
browser a new TCP connection per request, and a process's threads seldom take turns at the GIL
(with eight a worker, a cached `/public/` at 50 connections had a p99 of 77-185 ms on the
bench's 2-core machine; with two, 66-110 ms: benchmarks/README.md, "Throughput").

A connection opened and left silent (a browser's preconnection) holds a thread only while
Gunicorn waits for its first request, `DATA_WAIT` (50 ms; Gunicorn's own wait is 5 s, which
let twenty silent connections stop a server of few threads): then its poller keeps it, and
hands it to a thread when it speaks.
"""

from __future__ import annotations

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND") or "0.0.0.0:8000"
worker_class = os.environ.get("GUNICORN_WORKER_CLASS") or "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * multiprocessing.cpu_count())
threads = int(os.environ.get("GUNICORN_THREADS") or 2)
# Idle kept-alive connections are closed after this many seconds (behind a proxy, keep this
# longer than the proxy's own idle timeout).
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE") or 5)
# A request still running after this long is a stuck worker: it is restarted.
timeout = int(os.environ.get("GUNICORN_TIMEOUT") or 60)
graceful_timeout = 30
# Workers are not restarted after a number of requests unless GUNICORN_MAX_REQUESTS says so:
# a new worker imports Django again (about a second of CPU), at a busy moment.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS") or 0)
max_requests_jitter = max_requests // 10
# No access log by default: the proxy in front keeps one, and a line per request costs ~15% of a
# cached page's CPU. GUNICORN_ACCESS_LOG=- writes it to standard output.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
# The application (every view: config/wsgi.py) is loaded once, before the workers are forked:
# a new worker answers its first request at once, and shares the loaded code's memory. Nothing
# connects to the database or Redis while loading.
preload_app = True
# The heartbeat files live in memory, never on a container's slow overlay disk.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

# Gunicorn 27's threaded worker hands a new connection to a thread at once, and the thread waits
# for its first request up to `gthread.DEFAULT_WORKER_DATA_TIMEOUT` (5 s; not a setting) before
# giving the connection back to the poller. Set in each worker as it starts.
DATA_WAIT = float(os.environ.get("GUNICORN_DATA_WAIT") or 0.05)


def post_fork(server: object, worker: object) -> None:
    from gunicorn.workers import gthread

    gthread.DEFAULT_WORKER_DATA_TIMEOUT = DATA_WAIT
