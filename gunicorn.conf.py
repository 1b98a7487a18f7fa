"""gunicorn settings for Tandem: gevent workers so thousands of open live streams cost little."""
import multiprocessing
import os

worker_class = "gevent"
workers = int(os.environ.get("WEB_CONCURRENCY", max(2, multiprocessing.cpu_count())))
worker_connections = int(os.environ.get("TANDEM_WORKER_CONNECTIONS", 4000))
# Live streams are long requests; the heartbeat keeps them alive through proxies.
timeout = 60
graceful_timeout = 10
keepalive = 5
accesslog = os.environ.get("TANDEM_ACCESS_LOG") or None
errorlog = "-"
# Database connections are opened after the fork, never at import (see app/__init__.py).
preload_app = False


def post_worker_init(worker):
    """Compile every template before the worker takes requests: the first move of a room to
    an activity kind must not pay for Jinja's compiling (a few hundred ms) while a thousand
    phones wait."""
    from app.templating import compile_all

    compile_all(worker.wsgi)
