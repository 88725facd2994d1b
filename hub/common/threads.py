"""One daemon thread per process, for the hub's in-process helpers (the background worker,
the search writer and merger, the searcher refresher).

Started on first use and again in a child process after a fork (threads do not survive
one, and gunicorn forks its workers after the app is made); ``wake`` nudges it, ``stop``
ends it for good.
"""
from __future__ import annotations

import os
import threading
from collections.abc import Callable


class ProcessThread:
    """A daemon thread run once per process; subclass and write ``_run``, or pass
    ``target``."""

    def __init__(self, name: str, target: Callable[[], None] | None = None):
        self.name = name
        self._target = target or self._run
        self.wake = threading.Event()
        self.stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._pid: int | None = None
        self._lock = threading.Lock()

    def running(self) -> bool:
        return (self._thread is not None and self._thread.is_alive()
                and self._pid == os.getpid())

    def ensure_started(self) -> None:
        """Start the thread in this process unless it runs or was stopped."""
        if self.stopping.is_set() or self.running():
            return
        with self._lock:
            if self.stopping.is_set() or self.running():
                return
            self._pid = os.getpid()
            self._thread = threading.Thread(target=self._target, name=self.name, daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self.stopping.set()
        self.wake.set()
        if self._thread is not None:
            self._thread.join(timeout=timeout)

    def _run(self) -> None:
        raise NotImplementedError
