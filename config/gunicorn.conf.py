"""gunicorn settings: `gunicorn -c config/gunicorn.conf.py` serves web.wsgi:app.

Every worker may run the background jobs (timer sweep, outbox delivery, digests) because their
claims are row locks; set OMBUDSFLOW_SCHEDULER=1 on the hosts that should. The bundled BPMN is
deployed once at start (a no-op when unchanged).
"""

import multiprocessing
import os

wsgi_app = "web.wsgi:app"
bind = os.environ.get("OMBUDSFLOW_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", max(2, min(multiprocessing.cpu_count() * 2, 8))))
worker_class = "gthread"
threads = int(os.environ.get("OMBUDSFLOW_THREADS", "4"))
keepalive = 5
timeout = 60
graceful_timeout = 30
accesslog = os.environ.get("OMBUDSFLOW_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("OMBUDSFLOW_LOG_LEVEL", "info").lower()
# Workers load the app themselves so that each has its own database connections and scheduler.
preload_app = False


def on_starting(server):
    if os.environ.get("OMBUDSFLOW_DEPLOY_ON_START", "1").lower() in {"1", "true", "yes", "on"}:
        from web.startup import deploy_bundled

        deploy_bundled()


def post_worker_init(worker):
    if os.environ.get("OMBUDSFLOW_SCHEDULER", "").lower() in {"1", "true", "yes", "on"}:
        from engine import scheduler

        scheduler.start(worker.wsgi)
