"""gunicorn settings for ``make serve`` (see tracker/serving.py and the README).

Refuses to start without a PostgreSQL ``DATABASE_URL``. Workers from
``GUNICORN_WORKERS`` (default 2 × cores + 1). The access log goes to stdout, with the
app's own logs (settings.LOGGING); gunicorn's start-up and error messages to stderr.
"""

from tracker.serving import gunicorn_workers, production_database_url

production_database_url()

wsgi_app = "tracker.wsgi:application"
workers = gunicorn_workers()
# "-": the access log (with the time each request took) to stdout, errors to stderr.
accesslog = "-"
errorlog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
# Recycle workers now and then so that a slow leak cannot grow without bound.
max_requests = 2000
max_requests_jitter = 200
timeout = 60
graceful_timeout = 30
