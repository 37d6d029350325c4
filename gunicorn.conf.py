"""gunicorn settings for the portal: `gunicorn -c gunicorn.conf.py wsgi:app`.

The access log never holds a client address or the token of a private follow-up link
(app/ops/access_log.py). Workers and bind address come from the environment so the same file
serves every machine.
"""
import os

from app.ops.access_log import ACCESS_LOG_FORMAT

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "4"))
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
access_log_format = ACCESS_LOG_FORMAT
logger_class = "app.ops.access_log.RedactingLogger"
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
