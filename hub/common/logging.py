"""Logging: to stderr, without request bodies or personal data."""
from __future__ import annotations

import logging

from flask import Flask


def configure_logging(app: Flask) -> None:
    if not app.debug and not app.testing:
        app.logger.setLevel(logging.INFO)
