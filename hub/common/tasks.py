"""A task somebody was asked to do is finished: what the rest of the hub may act on.

A feature tells it where the task completes (a letter accepted, a report triaged, an
announcement confirmed, a meeting answered, a talk acknowledged…) with ``finished``; the
notifications that asked for the task connect to ``task_finished`` (``hub.register_hooks``)
and mark themselves done.  Receivers run in the sender's transaction.

An item is named ``"<kind>:<id>"`` (``item_key``); a task by the step that finishes it
(``"accept"``, ``"confirm"``…).
"""
from __future__ import annotations

from datetime import datetime

from blinker import Namespace
from flask import current_app

_signals = Namespace()

#: Sent with the current app, ``item`` (``"letter:12"``), ``task`` (None: every task of the
#: item, e.g. when it is closed), ``user`` (None: whoever was asked) and ``at``.
task_finished = _signals.signal("task-finished")


def item_key(kind: str, item_id: int) -> str:
    return f"{kind}:{item_id}"


def finished(item: str, task: str | None = None, *, user=None, at: datetime | None = None) -> None:
    task_finished.send(current_app._get_current_object(), item=item, task=task, user=user, at=at)
