"""Production settings for gunicorn, which reads this file by itself when started from the
repository root: ``.venv/bin/gunicorn app:app`` (README, "Production").

- ``HUB_BIND`` (default ``127.0.0.1:8000``) and ``HUB_WORKERS`` (default ``2``); gunicorn's
  own command-line options (``--bind``, ``--workers``) still win over both.
- The access log goes to stdout in the combined format, one line per request:
  ``ADDRESS - - [TIME] "METHOD PATH PROTOCOL" STATUS BYTES "REFERER" "USER-AGENT"``; the
  address is the real client's when ``HUB_TRUSTED_PROXIES`` is set.  A request whose path
  or referer is one of the anonymous routes is not logged at all
  (``hub.common.logging.QuietRoutesFilter``).
- Everything else (gunicorn's own messages and the hub's) goes to stderr; gunicorn's
  "Error handling request PATH" of an anonymous route is left out too, and the hub's own
  records made while it serves one name neither the route nor what was written
  (``hub.common.logging.AnonymousRequestRedactor``).
"""
import os

bind = os.environ.get("HUB_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("HUB_WORKERS", "2"))
accesslog = "-"
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s"'

# gunicorn merges this over its own defaults (gunicorn.glogging.CONFIG_DEFAULTS), whose root
# logger and loggers name the handlers "console" and "error_console": every handler and
# logger is defined here, so no default refers to a handler that is gone.
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"quiet": {"()": "hub.common.logging.QuietRoutesFilter"}},
    "formatters": {
        "access": {"format": "%(message)s"},
        "generic": {
            "format": "%(asctime)s [%(process)d] [%(levelname)s] %(name)s: %(message)s",
            "datefmt": "[%Y-%m-%d %H:%M:%S %z]",
        },
    },
    "handlers": {
        "access": {"class": "logging.StreamHandler", "formatter": "access",
                   "filters": ["quiet"], "stream": "ext://sys.stdout"},
        "console": {"class": "logging.StreamHandler", "formatter": "generic",
                    "stream": "ext://sys.stderr"},
        "error_console": {"class": "logging.StreamHandler", "formatter": "generic",
                          "filters": ["quiet"], "stream": "ext://sys.stderr"},
    },
    # The hub's own logger ("hub") logs from INFO up; other libraries from WARNING up.
    "root": {"level": "WARNING", "handlers": ["console"]},
    "loggers": {
        "gunicorn.access": {"handlers": ["access"], "level": "INFO", "propagate": False},
        "gunicorn.error": {"handlers": ["error_console"], "level": "INFO",
                           "propagate": False},
    },
}
