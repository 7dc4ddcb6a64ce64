"""gunicorn settings for Start Smart: ``gunicorn -c docs/deployment/gunicorn.conf.py wsgi:app``."""

import multiprocessing
import os

bind = os.environ.get("STARTSMART_BIND", "127.0.0.1:8000")  # the reverse proxy connects here
# Sync workers: each request is short and database-bound; two per core keeps the CPU busy
# while others wait on PostgreSQL.
workers = int(os.environ.get("STARTSMART_WORKERS", multiprocessing.cpu_count() * 2))
worker_class = "sync"
timeout = 30  # a request that takes longer is stuck; the worker is replaced
graceful_timeout = 30
keepalive = 5
max_requests = 2000  # recycle workers now and then; jitter avoids all at once
max_requests_jitter = 200
accesslog = None  # the app writes one JSON line per request itself (no personal data)
errorlog = "-"
forwarded_allow_ips = os.environ.get("STARTSMART_FORWARDED_ALLOW_IPS", "127.0.0.1")
