"""gunicorn settings: `gunicorn -c config/gunicorn.conf.py` serves web.wsgi:app (`make serve`).

The background jobs run as their own process (`ombudsflow scheduler`), or inside every worker with
OMBUDSFLOW_SCHEDULER=1 (claims are row locks, so either is safe on any number of hosts). The bundled
BPMN is deployed once at start (a no-op when unchanged). With PROMETHEUS_MULTIPROC_DIR set, /metrics
adds up the numbers of every worker (the directory is emptied at start).
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
accesslog = os.environ.get("OMBUDSFLOW_ACCESS_LOG", "-") or None
# The request id (web/ops.py) in every access line: a request's log lines and audit events share it.
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms rid=%({x-request-id}o)s'
errorlog = "-"
loglevel = os.environ.get("OMBUDSFLOW_LOG_LEVEL", "info").lower()
# Several instances may run on one host (and tests start two): no shared control socket.
control_socket_disable = True
# Workers load the app themselves so that each has its own database connections and scheduler.
preload_app = False


def on_starting(server):
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        import shutil

        shutil.rmtree(directory, ignore_errors=True)
        os.makedirs(directory, exist_ok=True)
    if os.environ.get("OMBUDSFLOW_DEPLOY_ON_START", "1").lower() in {"1", "true", "yes", "on"}:
        from web.startup import deploy_bundled

        deploy_bundled()


def post_worker_init(worker):
    if os.environ.get("OMBUDSFLOW_SCHEDULER", "").lower() in {"1", "true", "yes", "on"}:
        from engine import scheduler

        scheduler.start(worker.wsgi)


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
