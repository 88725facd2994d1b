"""``flask --app app search worker | reindex | check``."""
from __future__ import annotations

import time

import click
from flask import current_app
from sqlalchemy.exc import SQLAlchemyError
from whoosh.index import LockError

from hub.extensions import db
from hub.search import bp
from hub.search.index import IndexUnavailable


@bp.cli.command("worker")
@click.option("--poll", default=None, type=float, help="秒；默认 SEARCH_POLL_SECONDS")
def worker_command(poll: float | None) -> None:
    """Apply the search outbox as it fills (production's one index writer)."""
    from hub.search.indexer import retry_delay, run_round

    app = current_app._get_current_object()
    poll = poll or app.config["SEARCH_POLL_SECONDS"]
    from hub.search.analysis import jieba_instance
    from hub.search.index import load_user_words

    jieba_instance()  # ≈ 0.25 s, now rather than at the first change
    load_user_words()
    click.echo("search indexer running; Ctrl-C to stop")
    failures = 0
    while True:
        failures = run_round(app, failures)  # rows stay queued when it fails
        time.sleep(retry_delay(failures) if failures else poll)


@bp.cli.command("reindex")
@click.option("--procs", default=None, type=int, help="indexing processes (default: "
              "SEARCH_REINDEX_PROCS)")
def reindex_command(procs: int | None) -> None:
    """Rebuild the index from the database into a new folder, then swap it in (searches go
    on meanwhile)."""
    from hub.search.indexer import rebuild

    app = current_app._get_current_object()
    started = time.monotonic()
    count = rebuild(app, procs=procs or app.config["SEARCH_REINDEX_PROCS"])
    click.echo(f"indexed {count} documents in {time.monotonic() - started:.1f} s")


@bp.cli.command("check")
@click.option("--no-repair", is_flag=True, help="only report the drift")
def check_command(no_repair: bool) -> None:
    """Compare the index with the database; repair what differs (exit code 1 when the
    index had drifted)."""
    from hub.search.indexer import apply_pending, check, rebuild

    app = current_app._get_current_object()
    try:
        try:
            apply_pending(app)  # the outbox first: queued changes are not drift
            drift = check(app, repair=not no_repair)
        except IndexUnavailable as exc:
            click.echo(f"index unavailable ({exc})" + ("" if no_repair else "; rebuilding"))
            if not no_repair:
                rebuild(app, procs=app.config["SEARCH_REINDEX_PROCS"])
            raise SystemExit(1) from None
    except (LockError, OSError, SQLAlchemyError) as exc:
        # a full disk, an index another writer holds, the database away: a report, not
        # a traceback (the outbox keeps what is queued; the writer retries by itself)
        db.session.rollback()
        what = ("the index is locked by another writer" if isinstance(exc, LockError)
                else f"{type(exc).__name__}: {exc}")
        click.echo(f"search check could not run: {what}", err=True)
        raise SystemExit(2) from None
    if not drift.total:
        click.echo("no drift: the index matches the database")
        return
    click.echo(f"drift: {len(drift.missing)} missing, {len(drift.extra)} extra, "
               f"{len(drift.stale)} stale" + ("" if no_repair else " — repaired"))
    for label, keys in (("missing", drift.missing), ("extra", drift.extra),
                        ("stale", drift.stale)):
        for key in keys[:20]:
            click.echo(f"  {label} {key}")
    raise SystemExit(1)
