"""gunicorn's configuration for `make run` and production (`gunicorn -c config/gunicorn.conf.py`).

Sync workers: one request at a time per process, so each holds at most one database connection
(two without Redis: the shared cache's), kept for DB_CONN_MAX_AGE and health-checked before
reuse. The worker count follows the CPUs (WEB_CONCURRENCY overrides it). Each worker keeps its
Prometheus values in files under PROMETHEUS_MULTIPROC_DIR, summed at every scrape.
"""
import multiprocessing
import os
import shutil
import tempfile

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY") or multiprocessing.cpu_count() * 2 + 1)
worker_class = "sync"
timeout = int(os.environ.get("WEB_TIMEOUT", "30"))
# Keep-alive is for a proxy in front; sync workers close each connection after its request.
accesslog = os.environ.get("ACCESS_LOG") or None
wsgi_app = "config.wsgi:application"

# Set before any worker imports prometheus_client, so every worker writes to the shared files.
_OWN_METRICS_DIR = not os.environ.get("PROMETHEUS_MULTIPROC_DIR")
if _OWN_METRICS_DIR:
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="identity-metrics-")
_METRICS_DIR = os.environ["PROMETHEUS_MULTIPROC_DIR"]


def on_starting(server):
    """Start from empty metric files: values of an earlier run's workers must not be summed in."""
    os.makedirs(_METRICS_DIR, exist_ok=True)
    for name in os.listdir(_METRICS_DIR):
        if name.endswith(".db"):
            os.remove(os.path.join(_METRICS_DIR, name))


def child_exit(server, worker):
    """Fold a dead worker's gauges out of the totals (its counters stay counted)."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    if _OWN_METRICS_DIR:
        shutil.rmtree(_METRICS_DIR, ignore_errors=True)
