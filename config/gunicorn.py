"""Gunicorn's settings for production: `gunicorn -c config/gunicorn.py config.wsgi:application`.

The Dockerfile, docker-compose.yml and the throughput bench (benchmarks/web.py) all start the
web server with this file, so the bench measures what production runs. Each setting can be
changed by its environment variable; a flag on the command line wins over both.

Threaded workers (`gthread`): a thread waiting on PostgreSQL or Redis leaves the process's other
threads to use the CPU, and kept-alive connections spare a browser (or a proxy) a new TCP
connection per request, which sync workers close after every response; a connection opened
and left idle (a browser's preconnection, a proxy's pool) holds one thread, not a whole worker.
Two workers per core with 8 threads each was the best of those measured on the bench's 2-core
machine (benchmarks/README.md, "Throughput").

Behind a buffering proxy (nginx), `WEB_CONCURRENCY=<cores> GUNICORN_THREADS=1` answers the cached
`/public/` with a shorter tail: on a quiet 2-core machine (PostgreSQL + Redis, 50 connections)
p99 45-130 ms against 120-185 ms here, eight threads of one process taking turns at the GIL. It
is not the default because a new connection that sends nothing (a browser's preconnection) holds
a thread for up to 5 s before Gunicorn hands it back to the poller: with one thread a worker,
two such connections stop a 2-core server for 5 s. The proxy sends a request at once.
"""

from __future__ import annotations

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND") or "0.0.0.0:8000"
worker_class = os.environ.get("GUNICORN_WORKER_CLASS") or "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * multiprocessing.cpu_count())
threads = int(os.environ.get("GUNICORN_THREADS") or 8)
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
