"""The one writer of the index: applies the search outbox, rebuilds, checks for drift.

``apply_pending()`` reads outbox rows, loads the items they name *after* reading them (so a
change committed meanwhile has a row of its own, still there for the next round), writes
the documents, commits the index, then deletes exactly the rows it read.  A crash anywhere
in between leaves the rows, and applying them again is harmless.  Only the holder of
``writer.lock`` writes, so gunicorn workers never meet in Whoosh's own lock.

Who runs it: the embedded default, a thread of the web process woken after each commit
that queued rows (``IndexerThread``); production, ``flask --app app search worker``.
"""
from __future__ import annotations

import os
import threading
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from flask import Flask, current_app, has_app_context
from sqlalchemy import delete, func, select

from hub.extensions import db
from hub.search.index import (
    IndexUnavailable,
    create_index,
    index_root,
    load_user_words,
    new_generation,
    open_index,
    publish_generation,
    searcher_cache,
    signature,
    writer_lock,
)
from hub.search.models import SearchOutbox
from hub.search.registry import PROVIDERS, Provider

BATCH = 500
LOAD_CHUNK = 200


# --- documents -------------------------------------------------------------------------

def _text(value) -> str:
    return "" if value is None else str(value)


def build_document(provider: Provider, obj) -> dict | None:
    """The Whoosh document for ``obj``, or None when it is not to be found."""
    doc = provider.to_document(obj)
    if doc is None:
        return None
    fields = {
        "key": f"{provider.kind}:{obj.id}",
        "kind": provider.kind,
        "obj_id": obj.id,
        "number": _text(doc.get("number")),
        "title": _text(doc.get("title")),
        "body": _text(doc.get("body")),
        "content": "",
        "department": _text(doc.get("department_id")),
        "status": _text(doc.get("status")),
        "date": doc.get("date"),
        "access": " ".join(sorted(provider.access_terms(obj))),
        "url": _text(doc.get("url")),
    }
    fields["content"] = f"{fields['title']}\n{fields['body']}"
    fields["sig"] = signature({k: v for k, v in fields.items() if k != "content"})
    if fields["date"] is None:
        del fields["date"]
    return fields


def _load(provider: Provider, ids: list[int]) -> dict[int, object]:
    found = {}
    model = provider.model
    for start in range(0, len(ids), LOAD_CHUNK):
        chunk = ids[start:start + LOAD_CHUNK]
        stmt = select(model).where(model.id.in_(chunk)).options(*provider.load_options)
        for obj in db.session.scalars(stmt):
            found[obj.id] = obj
    return found


def documents(provider: Provider, ids: Iterable[int]) -> Iterator[tuple[str, dict | None]]:
    """(key, document or None) for each id; None: remove it from the index."""
    ids = sorted(set(ids))
    for start in range(0, len(ids), LOAD_CHUNK):
        chunk = ids[start:start + LOAD_CHUNK]
        objs = _load(provider, chunk)
        for obj_id in chunk:
            obj = objs.get(obj_id)
            yield f"{provider.kind}:{obj_id}", (build_document(provider, obj)
                                                  if obj is not None else None)


def all_documents() -> Iterator[dict]:
    for provider in PROVIDERS.values():
        for _key, doc in documents(provider, provider.all_ids()):
            if doc is not None:
                yield doc


# --- applying the outbox ---------------------------------------------------------------

def _commit_index(writer) -> None:
    # Merging small segments keeps queries fast; a big merge would hold up searchability,
    # so only the small ones (Whoosh's MERGE_SMALL) are merged here.
    writer.commit()


def apply_pending(app: Flask | None = None, limit: int = BATCH) -> int:
    """Apply outbox rows until none are left (or another writer holds the lock); returns
    how many rows were applied."""
    app = app or current_app._get_current_object()
    load_user_words()
    total = 0
    while True:
        done = _apply_batch(app, limit)
        if done <= 0:
            return total
        total += done


def _apply_batch(app: Flask, limit: int) -> int:
    root = index_root(app)
    with writer_lock(root, blocking=False) as locked:
        if not locked:
            return 0
        rows = list(db.session.execute(
            select(SearchOutbox.id, SearchOutbox.kind, SearchOutbox.obj_id)
            .order_by(SearchOutbox.id).limit(limit)))
        if not rows:
            db.session.rollback()
            return 0
        try:
            ix = open_index(root)
        except IndexUnavailable:
            ix = None
        if ix is None or any(kind == "*" for _id, kind, _obj in rows):
            top = db.session.scalar(select(func.max(SearchOutbox.id)))
            db.session.rollback()  # read the data fresh, after ``top``
            _rebuild_locked(app, procs=1)
            db.session.execute(delete(SearchOutbox).where(SearchOutbox.id <= top))
            db.session.commit()
            searcher_cache(app).refresh()
            return len(rows)
        wanted: dict[str, set[int]] = defaultdict(set)
        whole: set[str] = set()
        for _id, kind, obj_id in rows:
            if kind not in PROVIDERS:
                continue
            if obj_id is None:
                whole.add(kind)
            else:
                wanted[kind].add(obj_id)
        writer = ix.writer()
        try:
            for kind in whole:
                provider = PROVIDERS[kind]
                writer.delete_by_term("kind", kind)
                wanted.pop(kind, None)
                for _key, doc in documents(provider, provider.all_ids()):
                    if doc is not None:
                        writer.add_document(**doc)
            for kind, ids in wanted.items():
                for key, doc in documents(PROVIDERS[kind], ids):
                    # delete then add: update_document opens a searcher per call
                    writer.delete_by_term("key", key)
                    if doc is not None:
                        writer.add_document(**doc)
            _commit_index(writer)
        except BaseException:
            writer.cancel()
            db.session.rollback()
            raise
        db.session.execute(delete(SearchOutbox).where(
            SearchOutbox.id.in_([row_id for row_id, _k, _o in rows])))
        db.session.commit()
    searcher_cache(app).refresh()
    return len(rows)


# --- rebuilding ------------------------------------------------------------------------

def rebuild(app: Flask | None = None, procs: int = 1, limitmb: int = 128) -> int:
    """Build a new generation from the database and swap it in; searches go on reading the
    old one meanwhile.  Outbox rows queued before the start are covered and deleted; rows
    queued during the build stay for the writer.  Returns the number of documents."""
    app = app or current_app._get_current_object()
    load_user_words()
    with writer_lock(index_root(app), blocking=True):
        top = db.session.scalar(select(func.max(SearchOutbox.id))) or 0
        db.session.rollback()
        count = _rebuild_locked(app, procs=procs, limitmb=limitmb)
        db.session.execute(delete(SearchOutbox).where(SearchOutbox.id <= top))
        db.session.commit()
    searcher_cache(app).refresh()
    return count


def _rebuild_locked(app: Flask, procs: int = 1, limitmb: int = 128) -> int:
    root = index_root(app)
    gen = new_generation(root)
    ix = create_index(gen)
    if procs > 1:
        writer = ix.writer(procs=procs, multisegment=True, limitmb=limitmb)
    else:
        writer = ix.writer(limitmb=limitmb)
    count = 0
    try:
        for doc in all_documents():
            writer.add_document(**doc)
            count += 1
        writer.commit()
    except BaseException:
        writer.cancel()
        raise
    finally:
        db.session.rollback()
    publish_generation(root, gen)
    return count


def request_rebuild() -> None:
    """Queue one rebuild (unless one is queued already) and wake the writer."""
    queued = db.session.scalar(select(SearchOutbox.id).where(SearchOutbox.kind == "*")
                               .limit(1))
    if queued is None:
        db.session.add(SearchOutbox(kind="*", obj_id=None))
        db.session.commit()
    wake()


# --- checking --------------------------------------------------------------------------

@dataclass
class Drift:
    missing: list[str] = field(default_factory=list)   # in the database, not the index
    extra: list[str] = field(default_factory=list)     # in the index, not the database
    stale: list[str] = field(default_factory=list)     # in both, but different

    @property
    def total(self) -> int:
        return len(self.missing) + len(self.extra) + len(self.stale)


def check(app: Flask | None = None, repair: bool = True) -> Drift:
    """Compare every document the database makes with what the index holds; with
    ``repair``, queue the differences in the outbox and apply them."""
    app = app or current_app._get_current_object()
    drift = Drift()
    wanted = {doc["key"]: doc["sig"] for doc in all_documents()}
    db.session.rollback()
    ix = open_index(index_root(app))
    with ix.searcher() as searcher:
        held = {f["key"]: f.get("sig") for f in searcher.all_stored_fields()}
    for key, sig in wanted.items():
        if key not in held:
            drift.missing.append(key)
        elif held[key] != sig:
            drift.stale.append(key)
    drift.extra = [key for key in held if key not in wanted]
    if repair and drift.total:
        for key in drift.missing + drift.stale + drift.extra:
            kind, obj_id = key.split(":", 1)
            db.session.add(SearchOutbox(kind=kind, obj_id=int(obj_id)))
        db.session.commit()
        apply_pending(app)
    return drift


# --- the in-process writer -------------------------------------------------------------

class IndexerThread:
    """The embedded default's writer: a daemon thread woken after each commit that queued
    outbox rows, polling now and then for rows other processes (CLI commands) queued."""

    def __init__(self, app: Flask, poll_seconds: float):
        self.app = app
        self.poll_seconds = poll_seconds
        self.wake = threading.Event()
        self.stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._pid: int | None = None
        self._lock = threading.Lock()

    def ensure_started(self) -> None:
        if self.stopping.is_set():
            return
        if self._thread is not None and self._thread.is_alive() and self._pid == os.getpid():
            return
        with self._lock:
            if self._thread is not None and self._thread.is_alive() \
                    and self._pid == os.getpid():
                return
            self._pid = os.getpid()
            self._thread = threading.Thread(target=self._run, name="hub-search-indexer",
                                            daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self.stopping.set()
        self.wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def _run(self) -> None:
        from hub.search.analysis import jieba_instance

        jieba_instance()  # ≈ 1 s once, before the first change waits for it
        while not self.stopping.is_set():
            self.wake.wait(self.poll_seconds)
            self.wake.clear()
            if self.stopping.is_set():
                break
            with self.app.app_context():
                try:
                    apply_pending(self.app)
                except Exception:  # noqa: BLE001 - keep the writer alive; rows stay queued
                    db.session.rollback()
                    self.app.logger.exception("search indexer failed; will retry")
                    time.sleep(self.poll_seconds)
                finally:
                    db.session.remove()


def wake() -> None:
    if not has_app_context():
        return
    thread = current_app.extensions.get("hub_search_indexer")
    if thread is not None:
        thread.ensure_started()
        thread.wake.set()


def configure_indexer(app: Flask) -> None:
    if app.config["SEARCH_INDEXER"]:
        thread = IndexerThread(app, app.config["SEARCH_POLL_SECONDS"])
        app.extensions["hub_search_indexer"] = thread
        app.before_request(thread.ensure_started)
