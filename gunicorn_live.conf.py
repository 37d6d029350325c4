"""gunicorn settings for the stream server: `gunicorn -c gunicorn_live.conf.py wsgi:app`.

The same app, under gevent workers, serving only /live/* (the reverse proxy sends that
prefix here, everything else to the main server of gunicorn.conf.py). An open stream costs
a greenlet and a socket, not a thread, so a few workers hold thousands of streams while the
main server's workers stay free for pages and forms. psycopg 3 (>= 3.1.14) cooperates with
gevent by itself once gunicorn's gevent worker has monkey-patched the process.
"""
import os

from app.ops.access_log import ACCESS_LOG_FORMAT

bind = os.environ.get("LIVE_BIND", "127.0.0.1:8001")
workers = int(os.environ.get("LIVE_WORKERS", "2"))
worker_class = "gevent"
worker_connections = int(os.environ.get("LIVE_WORKER_CONNECTIONS", "2000"))
graceful_timeout = 5  # open streams are cut on restart; browsers resume after Last-Event-ID
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
access_log_format = ACCESS_LOG_FORMAT
logger_class = "app.ops.access_log.RedactingLogger"
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
