"""
Gunicorn's configuration for the portal (gunicorn reads ./gunicorn.conf.py by default).

Every value can be changed from the environment, so one file serves a laptop, a server and
the benchmarks. See docs/deployment.md.
"""

import multiprocessing
import os

wsgi_app = "malmo_portal.wsgi:application"

# Where to listen. Behind nginx on the same machine: the default. Several addresses may be
# given, separated by commas; a unix socket as unix:/run/malmo-portal/gunicorn.sock.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")

# Synchronous workers, as gunicorn recommends behind a buffering proxy such as nginx:
# (2 × cores) + 1 of them, or WEB_CONCURRENCY if set.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))

# A request that takes longer than this is stopped and its worker replaced.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5

# Replace each worker after this many requests (with jitter, so not all at once): bounds
# the effect of any slow memory growth.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = max_requests // 10

# Trust X-Forwarded-* only from the proxy in front of the portal.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Logs go to stdout/stderr, where systemd's journal (or the container runtime) collects them.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%(h)s "%(r)s" %(s)s %(B)s %(M)sms "%(a)s"'

# Temporary files of the worker heartbeat live in memory, not on a possibly slow disk.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
proc_name = "malmo-portal"
