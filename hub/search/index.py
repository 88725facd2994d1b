"""The Whoosh index on disk: its schema, its generations, the warm searcher, the writer lock.

Layout of ``SEARCH_INDEX_DIR``::

    CURRENT          the name of the generation searches read (replaced atomically)
    gen-<stamp>/     a complete Whoosh index
    writer.lock      held by the one process that writes (indexer or rebuild)

A rebuild writes a new generation next to the current one while searches go on, then
swaps ``CURRENT``; each process notices the swap at its next search (a ``stat``) and
opens the new generation.  A missing or unreadable index raises ``IndexUnavailable``; the
caller shows a message and queues a rebuild (the database is the truth).

Each process keeps one searcher open ("warm": a new searcher per query costs 5–10×).  Whether
it is still up to date is a cheap check.  Bringing it up to date opens only the segments
that changed (``ReaderPool``: unchanged segments keep their open readers, a segment that
only gained deletions gets a new view of the same open files), and when a background
refresher runs (every process except under tests), the request keeps the current searcher
and the refresher swaps in the new one within ``SEARCH_REFRESH_SECONDS``.
"""
from __future__ import annotations

import copy
import fcntl
import functools
import gc
import hashlib
import json
import os
import shutil
import threading
import time
import warnings
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from flask import Flask, current_app
from whoosh import index as whoosh_index
from whoosh.analysis import LowercaseFilter, RegexTokenizer, SpaceSeparatedTokenizer
from whoosh.fields import DATETIME, ID, KEYWORD, STORED, TEXT, Schema

from hub.common.threads import ProcessThread
from hub.search.analysis import index_analyzer
from hub.search.codec import HubPositions


class IndexUnavailable(RuntimeError):
    """The index is missing or cannot be read; a rebuild has to make it again."""


def make_schema() -> Schema:
    analyzer = index_analyzer()
    return Schema(
        key=ID(unique=True, stored=True),            # "letter:12"
        kind=ID(stored=True, sortable=True),
        obj_id=STORED(),
        number=ID(stored=True),                      # registration number, exact match
        # title and body are searched as one text (a two-word query may find one word in
        # each, and one field is read instead of two); both are stored for snippets.
        # Positions as arrays (hub.search.codec: read whole, in C)
        content=_text_with_positions(analyzer),
        # the pinyin and the initials of the title's words (shitang, st: 食堂), and the
        # title's single characters (食 finds 食堂's title, ranked after whole words)
        pinyin=TEXT(analyzer=SpaceSeparatedTokenizer() | LowercaseFilter(), phrase=False),
        chars=TEXT(analyzer=RegexTokenizer(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"),
                   phrase=False),
        # who wrote it (the name and its pinyin), searchable only by those holding one of
        # ``author_access`` (the writer is not shown to everyone who may open the item)
        author=TEXT(analyzer=SpaceSeparatedTokenizer() | LowercaseFilter(), phrase=False),
        author_access=KEYWORD(lowercase=False, scorable=False),
        title=STORED(),
        body=STORED(),
        department=ID(stored=True, sortable=True),  # department id as text, "" for none
        status=ID(stored=True, sortable=True),
        date=DATETIME(stored=True, sortable=True),
        access=KEYWORD(stored=True, lowercase=False, scorable=False),
        url=STORED(),
        sig=STORED(),                                # what the document was made from
    )


def _text_with_positions(analyzer) -> TEXT:
    field = TEXT(analyzer=analyzer, phrase=True)
    field.format = HubPositions(field_boost=1.0)
    return field


def signature(fields: dict) -> str:
    """A digest of everything a document holds, so ``search check`` sees stale documents
    (changed text, status or access terms), not only missing and extra ones."""
    payload = json.dumps(fields, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha1(payload.encode()).hexdigest()


#: how often a process looks for new department names (a tiny query)
USER_WORDS_SECONDS = 30.0
_user_words_checked: float | None = None


def load_user_words(max_age: float = USER_WORDS_SECONDS) -> None:
    """Before indexing or searching: the departments' names become jieba user words, so
    质量管理部 is one word at index and query time alike.  Read again when older than
    ``max_age`` seconds (a new department's name reaches every process within that time;
    the rebuild its creation queued cuts the older documents the same way)."""
    global _user_words_checked
    now = time.monotonic()
    if _user_words_checked is not None and now - _user_words_checked < max_age:
        return
    from sqlalchemy import select

    from hub.extensions import db
    from hub.org.models import Department
    from hub.search.analysis import add_user_words

    add_user_words(db.session.scalars(select(Department.name)))
    _user_words_checked = now


# --- the folder ------------------------------------------------------------------------

def index_root(app: Flask | None = None) -> Path:
    return Path((app or current_app).config["SEARCH_INDEX_DIR"])


def _current_file(root: Path) -> Path:
    return root / "CURRENT"


def current_generation(root: Path) -> Path | None:
    try:
        name = _current_file(root).read_text().strip()
    except OSError:
        return None
    path = root / name
    return path if name and path.is_dir() else None


def new_generation(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d%H%M%S")
    path = root / f"gen-{stamp}-{os.getpid()}-{time.monotonic_ns() % 10**6}"
    path.mkdir()
    return path


def publish_generation(root: Path, gen: Path) -> None:
    """Make ``gen`` the generation searches read, then remove the older ones (processes
    still reading them keep their open files; POSIX frees them on close)."""
    tmp = root / f"CURRENT.{os.getpid()}.tmp"
    tmp.write_text(gen.name)
    os.replace(tmp, _current_file(root))
    for other in root.glob("gen-*"):
        if other.is_dir() and other.name != gen.name:
            shutil.rmtree(other, ignore_errors=True)


def open_index(root: Path, check: bool = True):
    """The current generation's index.  ``check`` opens every segment once to see that it
    can be read (at 100 000 documents that costs as much as a new searcher); without it
    only the table of contents is read — for those who then open the segments through
    the process's shared readers (``SearcherCache``), which checks them when it opens
    them."""
    gen = current_generation(root)
    if gen is None:
        raise IndexUnavailable(f"no search index in {root}")
    # Whoosh leaves open the file it failed on; it is closed when the exception goes, and
    # that must be quiet (the error itself is what counts).
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        try:
            ix = whoosh_index.open_dir(str(gen))
            if _layout(ix.schema) != _schema_layout():
                # written by an older version of the hub: a rebuild makes it anew
                raise IndexUnavailable(f"search index in {gen} has an older schema")
            if check:
                ix.doc_count()  # reads every segment's header
            return ix
        except Exception as exc:  # noqa: BLE001 - any unreadable index is rebuilt
            message = f"search index in {gen} cannot be opened: {exc}"
        gc.collect()
    raise IndexUnavailable(message)


def _layout(schema: Schema) -> frozenset[tuple[str, str, str]]:
    """What an index's format depends on: each field's name, type and posting format (so
    an index written with Whoosh's own ``Positions`` in ``content`` — before issue 16 —
    counts as an older schema and is rebuilt)."""
    return frozenset((name, type(field).__name__, type(field.format).__name__
                      if field.format is not None else "")
                     for name, field in schema.items())


@functools.cache
def _schema_layout() -> frozenset[tuple[str, str, str]]:
    return _layout(make_schema())


def create_index(gen: Path):
    return whoosh_index.create_in(str(gen), make_schema())


@contextmanager
def writer_lock(root: Path, blocking: bool):
    """The one-writer lock (fcntl, so it dies with its process).  Yields False when not
    blocking and another process or thread holds it."""
    root.mkdir(parents=True, exist_ok=True)
    with open(root / "writer.lock", "a+") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


# --- the warm searcher -----------------------------------------------------------------

#: how long a swapped-out searcher stays open for the requests still reading it
RETIRE_SECONDS = 10.0


def read_toc(ix, tries: int = 10):
    """The index's current table of contents (schema, segments, generation).  A writer may
    delete a segment's files between reading the TOC and opening them: read it again."""
    for attempt in range(tries):
        try:
            return ix._read_toc()
        except OSError:
            if attempt == tries - 1:
                raise
            time.sleep(0.01)
    raise AssertionError("unreachable")


class _SegmentFiles:
    """One segment's open reader (the owner of its files) and the readers derived from it
    for later versions of its deletions, with how many searchers or writers hold each."""

    __slots__ = ("segid", "base", "users", "views")

    def __init__(self, segid: str, base):
        self.segid = segid
        self.base = base
        self.users = 0
        self.views: dict[int, list] = {}   # deleted count -> [reader, users]


def _with_deletions(reader, segment, generation):
    """``reader`` seeing ``segment``'s deletions: a new SegmentReader over the same open
    files (Whoosh keeps a segment's deletions on the segment object, read from the TOC,
    and every cache of the per-document reader is a dict the copies share)."""
    view = copy.copy(reader)
    perdoc = copy.copy(reader._perdoc)
    perdoc._segment = segment
    view._perdoc = perdoc
    view._segment = segment
    view._gen = generation
    return view


class ReaderPool:
    """The open segment readers of one index generation, shared by its versions.

    A commit adds a segment, may merge small ones away, and may mark documents deleted in
    others; the segments it leaves alone keep their open readers, so a new searcher opens
    only what changed instead of every segment (150–500 ms at 100 000 documents: Whoosh
    copies each segment's postings into memory when it opens it).

    A reader is reused as it is only for the same segment with the same deletions (they
    are part of the version it was read from; they only grow, so an equal count is an
    equal set).  A segment that gained deletions gets a reader of its own over the same
    open files.  The files are closed when the last searcher (or writer) holding any
    reader of the segment gives it back — never while a retired searcher that a request
    may still be reading uses them.  (Whoosh's own ``reader(reuse=…)`` keys readers by
    segment alone, ignores deletions, and closes the rest at once.)"""

    def __init__(self, storage):
        self.storage = storage
        self._lock = threading.Lock()
        self._open: dict[str, _SegmentFiles] = {}
        self.opened = 0  # segments opened from disk so far (tests, the benchmark)

    def take(self, toc) -> tuple[object, list]:
        """A reader over the TOC's segments, in its order (document numbers are the
        index's), and what it holds: give that back with ``release``."""
        from whoosh.reading import EmptyReader, MultiReader, SegmentReader

        held: list = []
        try:
            for segment in toc.segments:
                segid, deleted = segment.segment_id(), segment.deleted_count()
                with self._lock:
                    shared = self._share(segid, deleted, segment, toc.generation)
                if shared is None:
                    # opened outside the lock (a big segment takes a while); if another
                    # thread opened it meanwhile, theirs is kept
                    fresh = SegmentReader(self.storage, toc.schema, segment,
                                          generation=toc.generation)
                    with self._lock:
                        self.opened += 1
                        if segid not in self._open:
                            files = self._open[segid] = _SegmentFiles(segid, fresh)
                            files.views[deleted] = [fresh, 0]
                            fresh = None
                        shared = self._share(segid, deleted, segment, toc.generation)
                    if fresh is not None:
                        fresh.close()
                held.append((shared[0], deleted, shared[1]))
        except BaseException:
            self.release(held)
            raise
        if not held:
            return EmptyReader(toc.schema), held
        # a MultiReader even for one segment: its generation is this version's, so
        # ``Searcher.up_to_date`` is right whichever version opened the readers
        return MultiReader([reader for _files, _deleted, reader in held],
                           generation=toc.generation), held

    def _share(self, segid: str, deleted: int, segment, generation):
        """(files, reader) of an open segment, counted as held; None if not open.  Called
        with the lock held."""
        files = self._open.get(segid)
        if files is None:
            return None
        view = files.views.get(deleted)
        if view is None:
            view = files.views[deleted] = [
                _with_deletions(files.base, segment, generation), 0]
        view[1] += 1
        files.users += 1
        return files, view[0]

    def release(self, held: list) -> None:
        closing = []
        with self._lock:
            for files, deleted, _reader in held:
                view = files.views.get(deleted)
                if view is not None:
                    view[1] -= 1
                    if view[1] <= 0 and view[0] is not files.base:
                        del files.views[deleted]
                files.users -= 1
                if files.users <= 0:
                    if self._open.get(files.segid) is files:
                        del self._open[files.segid]
                    closing.append(files.base)
        for reader in closing:
            try:
                reader.close()
            except Exception:  # noqa: BLE001 - closing is best effort
                pass

    def open_segments(self) -> dict[str, set[int]]:
        """Open segment id -> the deletion counts readers are held for (tests)."""
        with self._lock:
            return {segid: set(files.views) for segid, files in self._open.items()}


class _Version:
    """A searcher over one version of the index and the shared readers it holds."""

    __slots__ = ("searcher", "pool", "held")

    def __init__(self, searcher, pool: ReaderPool, held: list):
        self.searcher, self.pool, self.held = searcher, pool, held

    def close(self) -> None:
        self.searcher.close()  # closereader=False: the pool closes the readers
        self.pool.release(self.held)


class SearcherCache:
    """One open searcher per process and index folder, brought up to date by opening only
    the segments that changed (``ReaderPool``)."""

    def __init__(self, root: Path, background: bool, refresh_seconds: float):
        self.root = root
        self.background = background
        self.refresh_seconds = refresh_seconds
        self._lock = threading.Lock()
        self._gen_stamp: tuple | None = None
        self._gen_name: str | None = None
        self._index = None
        self._pool: ReaderPool | None = None
        self._current: _Version | None = None
        self._searcher = None
        self._retired: list = []
        self._refresher = ProcessThread("hub-search-refresher", target=self._refresh_loop)

    def _stamp(self) -> tuple | None:
        try:
            st = _current_file(self.root).stat()
        except OSError:
            return None
        return (st.st_ino, st.st_mtime_ns)

    def _version(self, ix, pool: ReaderPool) -> _Version:
        from whoosh.searching import Searcher

        for attempt in range(10):
            toc = read_toc(ix)
            try:
                reader, held = pool.take(toc)
                break
            except FileNotFoundError:
                # a merge or commit cleaned away a segment of the version just read:
                # there is a newer one
                if attempt == 9:
                    raise
                time.sleep(0.01)
        try:
            searcher = Searcher(reader, fromindex=ix, closereader=False)
        except BaseException:
            pool.release(held)
            raise
        return _Version(searcher, pool, held)

    def _swap(self, version: _Version) -> None:
        self._retire(self._current)
        self._current, self._searcher = version, version.searcher

    def _open(self, stamp) -> None:
        ix = open_index(self.root, check=False)
        pool = ReaderPool(ix.storage)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)
            try:
                version = self._version(ix, pool)  # opens, so checks, every segment
            except Exception as exc:  # noqa: BLE001 - any unreadable index is rebuilt
                message = f"search index in {self.root} cannot be read: {exc}"
            else:
                message = None
            if message:
                gc.collect()
                raise IndexUnavailable(message)
        self._swap(version)
        self._index, self._pool, self._gen_stamp = ix, pool, stamp
        self._gen_name = Path(ix.storage.folder).name

    def _retire(self, version: _Version | None) -> None:
        """Close searchers a while after they were swapped out (``RETIRE_SECONDS``): a
        request may still be reading them, and counting swaps is not enough — under a
        stream of commits the refresher swaps every half second."""
        now = time.monotonic()
        if version is not None:
            self._retired.append((now, version))
        while self._retired and (self._retired[0][0] < now - RETIRE_SECONDS
                                 or len(self._retired) > 40):
            _when, old = self._retired.pop(0)
            try:
                old.close()
            except Exception:  # noqa: BLE001
                pass

    def refresh(self) -> None:
        """Bring the searcher up to date now (the writer calls this after a commit)."""
        with self._lock:
            stamp = self._stamp()
            if stamp is None:
                return
            if stamp != self._gen_stamp or self._searcher is None:
                self._open(stamp)
            elif not self._searcher.up_to_date():
                # Not Searcher.refresh(): that one re-uses the old searcher's segment
                # readers and CLOSES the rest at once, while other threads may still be
                # searching with it.  The pool shares the unchanged readers instead.
                self._swap(self._version(self._index, self._pool))

    @contextmanager
    def reader_for(self, gen: Path, toc):
        """A reader over ``toc``'s segments of generation folder ``gen`` (a writer's, to
        find the documents it replaces) sharing this process's open readers."""
        with self._lock:
            pool = self._pool if self._gen_name == gen.name else None
        own = pool is None
        if own:
            from whoosh.filedb.filestore import FileStorage

            pool = ReaderPool(FileStorage(str(gen)))
        reader, held = pool.take(toc)
        try:
            yield reader
        finally:
            pool.release(held)

    def searcher(self):
        """The warm searcher; raises ``IndexUnavailable``."""
        stamp = self._stamp()
        if stamp is None:
            self.forget()
            raise IndexUnavailable(f"no search index in {self.root}")
        if self._searcher is None or stamp != self._gen_stamp:
            with self._lock:
                if self._searcher is None or stamp != self._gen_stamp:
                    self._open(stamp)
        elif self.background:
            self._refresher.ensure_started()
        elif not self._searcher.up_to_date():
            self.refresh()
        return self._searcher

    def forget(self) -> None:
        with self._lock:
            self._retire(self._current)
            self._current = self._index = self._searcher = self._gen_stamp = None
            self._pool = self._gen_name = None

    def _refresh_loop(self) -> None:
        while not self._refresher.stopping.is_set():
            self._refresher.wake.wait(self.refresh_seconds)
            try:
                self.refresh()
            except Exception:  # noqa: BLE001 - the next search reports a broken index
                self.forget()


def searcher_cache(app: Flask | None = None) -> SearcherCache:
    app = app or current_app._get_current_object()
    cache = app.extensions.get("hub_search_searcher")
    if cache is None or cache.root != index_root(app):
        cache = SearcherCache(index_root(app), background=app.config["SEARCH_BACKGROUND_REFRESH"],
                              refresh_seconds=app.config["SEARCH_REFRESH_SECONDS"])
        app.extensions["hub_search_searcher"] = cache
    return cache
