"""Background work: the mail outbox and periodic jobs (escalations, reminders …).

The embedded default runs it in a thread of the web process, woken right after a commit
that queued work, so a newcomer needs no second process.  Production may instead run
``flask --app app worker`` (a loop) or ``flask --app app tick`` (once, from cron).
Every job is idempotent, so two runners never do harm.
"""
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy import event
from sqlalchemy.orm import Session

from hub.common.threads import ProcessThread
from hub.extensions import db

POLL_SECONDS = 5.0


@dataclass
class Job:
    name: str
    every_seconds: int
    func: Callable[[], object]
    last_run: float = field(default=0.0)


#: Periodic jobs, registered by the features at import time.
JOBS: dict[str, Job] = {}

#: A feature that queued work for the worker sets this in ``db.session.info``; the commit
#: then wakes the worker thread at once (a rollback forgets it).
WAKE_WORKER = "hub.wake_worker"


def register_delivery(app: Flask, deliver: Callable[[], int]) -> None:
    """Have every pass of the worker call ``deliver`` after the periodic jobs (the mail
    outbox's sender, registered in ``hub.register_hooks``); it returns how many items it
    delivered."""
    deliveries = app.extensions.setdefault("hub.worker_deliveries", [])
    if deliver not in deliveries:
        deliveries.append(deliver)


def periodic_job(name: str, every_seconds: int):
    def register(func):
        JOBS[name] = Job(name, every_seconds, func)
        return func
    return register


def run_jobs(force: bool = False) -> list[str]:
    """Run the jobs that are due (all of them when ``force``); returns their names."""
    ran = []
    now = time.monotonic()
    for job in list(JOBS.values()):
        if force or now - job.last_run >= job.every_seconds:
            job.last_run = now
            try:
                job.func()
                db.session.commit()
            except Exception:  # noqa: BLE001 - one failing job must not stop the others
                db.session.rollback()
                current_app.logger.exception("periodic job %s failed", job.name)
            ran.append(job.name)
    return ran


def work_once(force_jobs: bool = False) -> int:
    run_jobs(force=force_jobs)
    return sum(deliver() for deliver in current_app.extensions.get("hub.worker_deliveries", ()))


class BackgroundWorker(ProcessThread):
    def __init__(self, app: Flask):
        super().__init__("hub-worker")
        self.app = app

    def _run(self) -> None:
        while not self.stopping.is_set():
            self.wake.wait(POLL_SECONDS)
            self.wake.clear()
            if self.stopping.is_set():
                break
            with job_context(self.app):
                try:
                    work_once()
                except Exception:  # noqa: BLE001 - keep the worker alive
                    db.session.rollback()
                    self.app.logger.exception("background worker iteration failed")
                finally:
                    db.session.remove()


def _wake_after_commit(session: Session) -> None:
    if session.info.pop(WAKE_WORKER, False):
        worker = current_app.extensions.get("hub_worker") if current_app else None
        if worker is not None:
            worker.wake.set()


def _forget_after_rollback(session: Session, _previous_transaction) -> None:
    session.info.pop(WAKE_WORKER, None)


def job_context(app: Flask):
    """A request context on the configured base URL, so that work done outside a request
    (e-mails, notifications) can build links with ``url_for``."""
    return app.test_request_context("/", base_url=app.config["BASE_URL"])


def configure_worker(app: Flask) -> None:
    if not event.contains(Session, "after_commit", _wake_after_commit):
        event.listen(Session, "after_commit", _wake_after_commit)
        event.listen(Session, "after_soft_rollback", _forget_after_rollback)
    if app.config["BACKGROUND_WORKER"]:
        worker = BackgroundWorker(app)
        app.extensions["hub_worker"] = worker
        app.before_request(worker.ensure_started)


@click.command("tick")
@with_appcontext
def tick_command() -> None:
    """Run every periodic job once and send the mail that is due (for cron)."""
    with job_context(current_app._get_current_object()):
        sent = work_once(force_jobs=True)
    click.echo(f"jobs: {', '.join(JOBS) or '—'}; mail sent: {sent}")


@click.command("worker")
@with_appcontext
def worker_command() -> None:
    """Run the background worker in the foreground (production, instead of the thread)."""
    click.echo("hub worker running; Ctrl-C to stop")
    app = current_app._get_current_object()
    while True:
        with job_context(app):
            try:
                work_once()
            finally:
                db.session.remove()
        time.sleep(POLL_SECONDS)
