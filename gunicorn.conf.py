# gunicorn settings, read from the environment (gunicorn loads ./gunicorn.conf.py itself).
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# Sync workers: the photo checks are CPU-bound (decode, colour and face checks),
# so one request per process; about two per core.
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "sync"
# A photo upload of ~1 MB checked on a slow core takes a few seconds at most;
# a worker stuck beyond this is killed and replaced.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
# Recycle workers now and then so that slow leaks (image libraries) stay bounded.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "1000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "100"))
# Worker heartbeat files in memory, not on a container's overlay disk.
worker_tmp_dir = os.environ.get("GUNICORN_WORKER_TMP_DIR", "/dev/shm" if os.path.isdir("/dev/shm") else None)

# The proxy in front terminates TLS; Django reads X-Forwarded-Proto itself
# (SECURE_PROXY_SSL_HEADER). Only the proxy's addresses may set it for gunicorn.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# The path only (%(U)s), never the query string nor the referrer: they may carry
# personal data (a NIP in a search, a token in a link).
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'
# Admin URLs carry the NIP (the participant's key): the logger masks it in every value.
logger_class = "smartbangkom.access_log.NipMaskingLogger"
