"""The one writer of the index: applies the search outbox, rebuilds, checks for drift.

``apply_pending()`` reads outbox rows, loads the items they name *after* reading them (so a
change committed meanwhile has a row of its own, still there for the next round), writes
the documents, commits the index, then deletes exactly the rows it read.  A crash anywhere
in between leaves the rows, and applying them again is harmless.  Only the holder of
``writer.lock`` writes, so gunicorn workers never meet in Whoosh's own lock.

Who runs it: the embedded default, a thread of the web process woken after each commit
that queued rows (``IndexerThread``); production, ``flask --app app search worker``.

Under sustained writes each batch must stay cheap: the documents it replaces are found
through one reader that shares the searcher's open segments (not a reader per document),
the commit merges nothing (a new small segment is searchable at once), and a ``Merger``
thread joins small segments beside the writer, swapping the joined segment in under the
lock with the deletions its parts received meanwhile.
"""
from __future__ import annotations

import io
import logging
import shutil
import threading
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask, current_app, has_app_context
from sqlalchemy import delete, func, select
from whoosh.filedb.filestore import FileStorage

from hub.common.pinyin import name_keys
from hub.common.threads import ProcessThread
from hub.extensions import db
from hub.search.analysis import title_keys
from hub.search.codec import writer_options
from hub.search.index import (
    IndexUnavailable,
    create_index,
    current_generation,
    index_root,
    load_user_words,
    new_generation,
    open_index,
    publish_generation,
    read_toc,
    searcher_cache,
    signature,
    writer_lock,
)
from hub.search.models import SearchOutbox
from hub.search.registry import PROVIDERS, Provider

log = logging.getLogger(__name__)

BATCH = 500
LOAD_CHUNK = 200
#: after a failed round the writer waits this long, doubled with each failure in a row
#: up to ``RETRY_MAX_SECONDS`` (a full disk, an unreachable database), then catches up
RETRY_FIRST_SECONDS = 1.0
RETRY_MAX_SECONDS = 60.0


def retry_delay(failures: int) -> float:
    """The wait before the next round after ``failures`` failed rounds in a row."""
    if failures <= 0:
        return 0.0
    return min(RETRY_MAX_SECONDS, RETRY_FIRST_SECONDS * 2 ** min(failures - 1, 16))


# --- Whoosh writers that always let go of their lock -----------------------------------
#
# A Whoosh writer takes the index's MAIN_WRITELOCK when it is made and lets go of it only
# at the end of a successful commit or cancel.  When writing fails (a full disk), its
# cancel fails the same way before it gets there, and a writer that fails while being
# made is never returned: either way the lock stays held by an object nobody can reach,
# and every later writer of the process gets a LockError until a restart.


def open_writer(ix, **options):
    """``ix.writer(**options)`` that releases the lock again if making the writer fails."""
    from whoosh.writing import SegmentWriter

    if options.get("procs", 1) > 1:
        return ix.writer(**options)  # only for a new generation, removed if it fails
    writer = SegmentWriter.__new__(SegmentWriter)
    try:
        writer.__init__(ix, **options)
    except BaseException:
        _let_go(writer)
        raise
    return writer


def discard(writer) -> None:
    """Give up ``writer`` whatever state a failure left it in: cancelled as far as that
    goes, its temporary files removed, and in any case its lock released."""
    try:
        if not writer.is_closed:
            writer.cancel()
    except Exception:  # the failure being handled is the one that counts
        log.debug("cancelling a failed index writer failed too", exc_info=True)
    _let_go(writer)


def _let_go(writer) -> None:
    _close_files(writer)
    lock = getattr(writer, "writelock", None)
    if lock is not None and getattr(lock, "fd", None) is not None:
        try:
            lock.release()
        except OSError:
            pass
    temp = getattr(writer, "_tempstorage", None)
    if temp is not None:
        try:
            temp.destroy()
        except OSError:
            pass
    writer.is_closed = True


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
    written = provider.author(obj) if provider.author is not None else None
    if written:
        name, terms = written
        fields["author"] = " ".join(["".join(name.split()), *name_keys(name)])
        fields["author_access"] = " ".join(sorted(terms))
    fields["content"] = f"{fields['title']}\n{fields['body']}"
    fields["sig"] = signature({k: v for k, v in fields.items() if k != "content"})
    # derived from the title (so not part of the signature)
    fields["pinyin"] = " ".join(title_keys(fields["title"]))
    fields["chars"] = fields["title"]
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


def _close_files(obj, depth: int = 4, seen: set | None = None) -> None:
    """Close every file a failed writer still has open, however deep in its segment
    writers, pool and compound files (a full disk stops their own closing halfway)."""
    seen = set() if seen is None else seen
    if id(obj) in seen or depth < 0:
        return
    seen.add(id(obj))
    if isinstance(obj, io.IOBase):
        try:
            obj.close()
        except OSError:
            pass  # its last bytes did not fit; the file is closed all the same
        return
    if isinstance(obj, dict):
        children = list(obj.values())
    elif isinstance(obj, list | tuple | set):
        children = list(obj)
    elif hasattr(obj, "__dict__") and type(obj).__module__.startswith("whoosh"):
        children = list(vars(obj).values())
    else:
        return
    for child in children:
        _close_files(child, depth - 1, seen)


# --- applying the outbox ---------------------------------------------------------------

def _commit_index(writer) -> None:
    """Commit without merging: the new documents are searchable as soon as their own small
    segment is written.  Whoosh's default (MERGE_SMALL) merges inside the commit, which
    holds up every change behind it; the ``Merger`` merges small segments separately.
    The files of a merge in progress are not cleaned away."""
    from whoosh.index import TOC, clean_files

    def commit_toc(segments):
        TOC(writer.schema, segments, writer.generation).write(writer.storage,
                                                              writer.indexname)
        with _MERGING_LOCK:
            clean_files(writer.storage, writer.indexname, writer.generation,
                        list(segments) + _merging_in(writer.storage.folder))

    writer._commit_toc = commit_toc
    writer.commit(merge=False)


def apply_pending(app: Flask | None = None, limit: int = BATCH) -> int:
    """Apply outbox rows until none are left (or another writer holds the lock); returns
    how many rows were applied.  Then small segments are merged: by the merger thread
    when one runs, else (tests, CLI commands) here."""
    app = app or current_app._get_current_object()
    load_user_words()
    total, merging = 0, False
    while True:
        done = _apply_batch(app, limit)
        if done <= 0:
            break
        total += done
        # after every commit, not when the queue is empty: under a steady stream it
        # never is, and the small segments would pile up
        merging = _wake_merger(app)
    if total and not merging:
        # tests: merge here, so what a test sees does not depend on a thread
        while merge_once(app):
            pass
    return total


def _wake_merger(app: Flask) -> bool:
    """Wake this process's merger thread (started on first use, except under tests);
    False when there is none."""
    merger = app.extensions.get("hub_search_merger")
    if merger is None and not app.testing:  # 'flask search worker', CLI commands
        merger = app.extensions.setdefault("hub_search_merger", Merger(app))
    if merger is None:
        return False
    merger.ensure_started()
    if not merger.running():
        return False
    merger.wake.set()
    return True


def _delete_terms(app: Flask, ix, writer, fieldname: str, texts: list[str]) -> int:
    """Mark deleted, in ``writer``, the documents holding any of ``texts`` in
    ``fieldname``.  One reader over the version the writer started from (its TOC read
    again: the writer's own segment objects change as it deletes), sharing the open
    readers of this process's searcher — opening a big segment copies it into memory, and
    Whoosh's ``delete_by_term`` opens every segment per call."""
    if not texts or not writer.segments:
        return 0
    toc = read_toc(ix)
    if toc.generation != writer.generation - 1:  # pragma: no cover - we hold the lock
        raise RuntimeError("the index changed under its writer")
    count = 0
    with searcher_cache(app).reader_for(Path(ix.storage.folder), toc) as reader:
        for leaf, offset in reader.leaf_readers():
            for text in texts:
                if (fieldname, text) in leaf:
                    for docnum in leaf.postings(fieldname, text).all_ids():
                        writer.delete_document(offset + docnum)
                        count += 1
    return count


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
            ix = open_index(root, check=False)
            # the warm searcher's readers are the ones the writer shares: opening them
            # (once per generation) is what checks the segments can be read
            searcher_cache(app).searcher()
        except IndexUnavailable:
            ix = None
        if ix is None or any(kind == "*" for _id, kind, _obj in rows):
            top = db.session.scalar(select(func.max(SearchOutbox.id)))
            db.session.rollback()  # read the data fresh, after ``top``
            load_user_words(max_age=0)  # a rebuild may be for a new department name
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
        writer = open_writer(ix, **writer_options())
        try:
            for kind in whole:
                provider = PROVIDERS[kind]
                _delete_terms(app, ix, writer, "kind", [kind])
                wanted.pop(kind, None)
                for _key, doc in documents(provider, provider.all_ids()):
                    if doc is not None:
                        writer.add_document(**doc)
            replaced = []
            for kind, ids in wanted.items():
                replaced.extend(documents(PROVIDERS[kind], ids))
            # delete then add (update_document opens a reader over every segment per
            # call), the old versions found through the readers searches already hold
            _delete_terms(app, ix, writer, "key", [key for key, _doc in replaced])
            for _key, doc in replaced:
                if doc is not None:
                    writer.add_document(**doc)
            _commit_index(writer)
        except BaseException:
            discard(writer)
            db.session.rollback()
            raise
        db.session.execute(delete(SearchOutbox).where(
            SearchOutbox.id.in_([row_id for row_id, _k, _o in rows])))
        db.session.commit()
    searcher_cache(app).refresh()
    return len(rows)


# --- merging small segments ------------------------------------------------------------
#
# Each commit of the writer adds one small segment.  Queries and memory want few segments,
# and merging is slow in Whoosh (milliseconds per document), so it must not hold up the
# next change: a merge reads a snapshot of the segments it joins and writes the joined
# segment WITHOUT the writer lock, while commits go on; then, under the lock, it carries
# over the deletions those segments received meanwhile and swaps the joined segment in.

#: segments of about the same size joined in one merge (and the most of one size kept)
MERGE_FACTOR = 8
#: segments with more live documents than this are left alone (a rebuild joins them)
MERGE_MAX_DOCS = 10_000

_MERGING_LOCK = threading.Lock()
_MERGING: dict[str, list] = {}   # index folder -> segments being written by a merge


def _merging_in(folder) -> list:
    return list(_MERGING.get(str(folder), ()))


def _live(segment) -> int:
    return segment.doc_count_all() - segment.deleted_count()


def merge_choice(segments, factor: int | None = None, max_docs: int | None = None) -> list:
    """The segments to join next, or []: the smallest size class (powers of ``factor``
    live documents) holding ``factor`` segments, with every smaller one, or the segments
    left empty by deletions.  So each class holds fewer than ``factor`` segments (at most
    ~35 small ones); segments over ``max_docs`` stay (a rebuild joins them)."""
    factor = factor or MERGE_FACTOR
    max_docs = max_docs or MERGE_MAX_DOCS
    small = sorted((seg for seg in segments if _live(seg) <= max_docs), key=_live)
    if len(small) < 2:
        return []
    level_of = {}
    for seg in small:
        live, level = max(1, _live(seg)), 0
        while live >= factor ** (level + 1):
            level += 1
        level_of[seg.segment_id()] = level
    counts: dict[int, int] = defaultdict(int)
    for seg in small:
        counts[level_of[seg.segment_id()]] += 1
    for level in sorted(counts):
        if counts[level] >= factor:
            return [seg for seg in small if level_of[seg.segment_id()] <= level]
    # empty segments (everything deleted) go at once
    empty = [seg for seg in small if _live(seg) == 0]
    if empty:
        return small[:max(2, len(empty))]
    return []


class _MergeStorage(FileStorage):
    """The index folder, but with a temporary folder of the merge's own: the writer's
    temporary folder has a fixed name and is removed when its commit ends."""

    def temp_storage(self, name=None):
        return super().temp_storage(None)


class _MergeIndex:
    """What ``SegmentWriter`` needs of an index, for an unlocked merge writer."""

    def __init__(self, ix, folder: str):
        self.storage = _MergeStorage(folder)
        self.indexname = ix.indexname
        self._ix = ix

    def _read_toc(self):
        return self._ix._read_toc()


class MergeJob:
    """One merge: ``build`` writes the joined segment without the writer lock (commits go
    on meanwhile), ``commit`` swaps it in under the lock.  ``merge_once`` runs both."""

    def __init__(self, app: Flask, ix, gen: Path, writer, chosen: list):
        self.app, self.ix, self.gen, self.mw, self.chosen = app, ix, gen, writer, chosen
        self.folder = str(gen)
        self.maps: list = []  # (segment id, deletions then, first new number, docmap)
        self.merged = None

    @classmethod
    def start(cls, app: Flask) -> MergeJob | None:
        from whoosh.writing import SegmentWriter

        root = index_root(app)
        gen = current_generation(root)
        try:
            ix = open_index(root, check=False)
        except IndexUnavailable:
            return None
        if not merge_choice(read_toc(ix).segments):
            return None  # the usual case: no writer (it makes files) needed
        # registered before any file of the new segment exists, so no commit cleans
        # them away (the writer's commits spare what is in _MERGING)
        with _MERGING_LOCK:
            mw = SegmentWriter(_MergeIndex(ix, str(gen)), _lk=False, **writer_options())
            chosen = merge_choice(mw.segments)
            if chosen:
                _MERGING.setdefault(str(gen), []).append(mw.newsegment)
        if not chosen:
            mw.cancel()
            return None
        return cls(app, ix, gen, mw, chosen)

    def build(self) -> None:
        from whoosh.reading import SegmentReader

        mw, schema = self.mw, self.mw.schema
        try:
            for seg in self.chosen:
                reader = SegmentReader(mw.storage, schema, seg)
                try:
                    base = mw.docnum
                    names = set(schema.names()) | {
                        name for name in reader.indexed_field_names() if name in schema}
                    docmap = mw.write_per_doc(names, reader)
                    mw.add_postings_to_pool(reader, base, docmap)
                    mw._added = True
                finally:
                    reader.close()
                self.maps.append((seg.segment_id(), set(seg.deleted_docs()), base, docmap))
            self.merged = mw._finalize_segment()
            mw._tempstorage.destroy()
            mw.is_closed = True
        except BaseException:
            self.abandon()
            raise

    def commit(self) -> bool:
        """Swap the joined segment in, with the deletions its parts received since the
        build started; False (and nothing changed) if the index moved on without them."""
        from whoosh.index import TOC, clean_files

        mw, root = self.mw, index_root(self.app)
        try:
            with writer_lock(root, blocking=True):
                if current_generation(root) != self.gen:
                    return False  # a rebuild replaced the whole index meanwhile
                lock = self.ix.lock("WRITELOCK")
                lock.acquire(blocking=True)
                try:
                    toc = self.ix._read_toc()
                    now = {seg.segment_id(): seg for seg in toc.segments}
                    if any(segid not in now for segid, *_rest in self.maps) \
                            or not self.merged.list_files(mw.storage):
                        return False  # another process merged or cleaned meanwhile
                    for segid, deleted_then, base, docmap in self.maps:
                        for docnum in set(now[segid].deleted_docs()) - deleted_then:
                            new = base + docnum if docmap is None else docmap.get(docnum)
                            if new is not None:
                                self.merged.delete_document(new)
                    gone = {segid for segid, *_rest in self.maps}
                    segments = [seg for seg in toc.segments if seg.segment_id() not in gone]
                    segments.append(self.merged)
                    generation = toc.generation + 1
                    TOC(toc.schema, segments, generation).write(mw.storage,
                                                                self.ix.indexname)
                    with _MERGING_LOCK:
                        self._unregister()
                        clean_files(mw.storage, self.ix.indexname, generation,
                                    segments + _merging_in(self.folder))
                finally:
                    lock.release()
        finally:
            self.abandon()
        searcher_cache(self.app).refresh()
        return True

    def _unregister(self) -> None:
        merging = _MERGING.get(self.folder, [])
        if self.mw.newsegment in merging:
            merging.remove(self.mw.newsegment)

    def abandon(self) -> None:
        with _MERGING_LOCK:
            self._unregister()
        if not self.mw.is_closed:
            self.mw.cancel()


def merge_once(app: Flask | None = None) -> bool:
    """Join the segments ``merge_choice`` picks, if any; returns whether it merged.  Runs
    next to the writer (one merge at a time per process; a merge that another process's
    commit cleaned away is given up)."""
    job = MergeJob.start(app or current_app._get_current_object())
    if job is None:
        return False
    job.build()
    return job.commit()


class Merger(ProcessThread):
    """The merger thread of a process that runs a writer: woken after each commit."""

    def __init__(self, app: Flask):
        super().__init__("hub-search-merger")
        self.app = app

    def running(self) -> bool:
        return super().running() and not self.stopping.is_set()

    def stop(self, timeout: float = 30.0) -> None:
        super().stop(timeout)

    def _run(self) -> None:
        while not self.stopping.is_set():
            self.wake.wait(30)
            self.wake.clear()
            with self.app.app_context():
                try:
                    while not self.stopping.is_set() and merge_once(self.app):
                        pass
                except Exception:  # noqa: BLE001 - merging is an optimisation; retry later
                    self.app.logger.exception("search merge failed; will retry")
                    time.sleep(5)
                finally:
                    db.session.remove()


# --- rebuilding ------------------------------------------------------------------------

def rebuild(app: Flask | None = None, procs: int = 1, limitmb: int = 128) -> int:
    """Build a new generation from the database and swap it in; searches go on reading the
    old one meanwhile.  Outbox rows queued before the start are covered and deleted; rows
    queued during the build stay for the writer.  Returns the number of documents."""
    app = app or current_app._get_current_object()
    load_user_words(max_age=0)  # a rebuild may be for a new department name
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
    writer = None
    count = 0
    try:
        ix = create_index(gen)
        if procs > 1:
            writer = open_writer(ix, procs=procs, multisegment=True, limitmb=limitmb,
                                 **writer_options())
        else:
            writer = open_writer(ix, limitmb=limitmb, **writer_options())
        for doc in all_documents():
            writer.add_document(**doc)
            count += 1
        writer.commit()
    except BaseException:
        if writer is not None:
            discard(writer)
        # the half-made generation would only take the space a retry needs
        shutil.rmtree(gen, ignore_errors=True)
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

class IndexerThread(ProcessThread):
    """The embedded default's writer: a daemon thread woken after each commit that queued
    outbox rows, polling now and then for rows other processes (CLI commands) queued."""

    def __init__(self, app: Flask, poll_seconds: float):
        super().__init__("hub-search-indexer")
        self.app = app
        self.poll_seconds = poll_seconds

    def stop(self, timeout: float = 10.0) -> None:
        super().stop(timeout)
        merger = self.app.extensions.get("hub_search_merger")
        if merger is not None:
            merger.stop()

    def _run(self) -> None:
        from hub.search.analysis import jieba_instance

        merger = self.app.extensions.get("hub_search_merger")
        if merger is not None:
            merger.ensure_started()
        jieba_instance()  # ≈ 0.25 s once, before the first change waits for it
        failures = 0
        while not self.stopping.is_set():
            if failures:
                # commits waking it meanwhile would only fail the same way
                self.stopping.wait(retry_delay(failures))
            else:
                self.wake.wait(self.poll_seconds)
            self.wake.clear()
            if self.stopping.is_set():
                break
            with self.app.app_context():
                failures = run_round(self.app, failures)


def run_round(app: Flask, failures: int) -> int:
    """One round of the writer (thread or ``search worker``): apply the outbox; returns
    the failures in a row so far (0 after a success).  A failure leaves the rows queued
    and every lock released, for the next round after ``retry_delay``."""
    try:
        apply_pending(app)
    except Exception:  # keep the writer alive; rows stay queued
        failures += 1
        try:
            db.session.rollback()
        except Exception:  # the database may be what failed
            log.debug("rollback after a failed round failed too", exc_info=True)
        app.logger.exception("search indexer failed (%d in a row); retrying in %.0f s",
                             failures, retry_delay(failures))
        return failures
    finally:
        db.session.remove()
    return 0


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
        app.extensions["hub_search_merger"] = Merger(app)
        app.before_request(thread.ensure_started)
