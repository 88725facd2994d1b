"""Production settings for gunicorn: ``gunicorn -c gunicorn.conf.py app:app``.

The access log leaves out the anonymous routes (hub.common.logging.QuietRoutesFilter).
"""
import os

bind = os.environ.get("HUB_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("HUB_WORKERS", "2"))
accesslog = "-"
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"quiet": {"()": "hub.common.logging.QuietRoutesFilter"}},
    "handlers": {
        "access": {"class": "logging.StreamHandler", "filters": ["quiet"],
                   "stream": "ext://sys.stdout"},
        "error": {"class": "logging.StreamHandler", "stream": "ext://sys.stderr"},
    },
    "loggers": {
        "gunicorn.access": {"handlers": ["access"], "level": "INFO", "propagate": False},
        "gunicorn.error": {"handlers": ["error"], "level": "INFO", "propagate": False},
    },
}
