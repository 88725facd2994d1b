"""Writes search-outbox rows in the same transaction as the change that makes them needed.

After every flush, the changed rows of registered models (and of the models a provider
declared as ``stale`` triggers) become ``search_outbox`` rows, inserted through the flush's
own connection: they commit or roll back together with the change.  After the commit the
in-process indexer (if any) is woken; otherwise ``flask --app app search worker`` picks the
rows up.
"""
from __future__ import annotations

from sqlalchemy import event, insert, inspect, select
from sqlalchemy.orm import Session

from hub.common.time import utcnow
from hub.search.models import SearchOutbox
from hub.search.registry import ALL, PROVIDERS

QUEUED = "hub.search.queued"


def _changed(session: Session):
    for obj in session.new:
        yield obj
    for obj in session.dirty:
        if session.is_modified(obj, include_collections=False):
            yield obj
    for obj in session.deleted:
        yield obj


def _new_words(session: Session, obj) -> bool:
    """A department created or renamed with a name the segmenter does not know yet: every
    document must be cut again with it (a query for it is then cut as one word)."""
    from hub.org.models import Department
    from hub.search.analysis import jieba_instance

    if not isinstance(obj, Department) or obj in session.deleted:
        return False
    if obj not in session.new and not inspect(obj).attrs.name.history.has_changes():
        return False
    parts = [part for part in (obj.name or "").split() if len(part) > 1]
    return any(not jieba_instance().has_word(part) for part in parts)


def _renamed(obj) -> bool:
    """A person whose name changed: the items they wrote are found by the new name."""
    from hub.org.models import User

    if not isinstance(obj, User):
        return False
    state = inspect(obj)
    return not state.pending and state.attrs["name"].history.has_changes()


def _entries(session: Session) -> set[tuple[str, int | None]]:
    entries: set[tuple[str, int | None]] = set()
    for obj in _changed(session):
        if _new_words(session, obj):
            entries.add(("*", None))
        cls = type(obj)
        for provider in PROVIDERS.values():
            if isinstance(obj, provider.model):
                # the identity key of a new row is set only after this event: read the column
                ident = inspect(obj).mapper.primary_key_from_instance(obj)
                if ident and ident[0] is not None:
                    entries.add((provider.kind, int(ident[0])))
            if provider.author_column is not None and _renamed(obj):
                entries.update((provider.kind, int(i)) for i in session.connection().execute(
                    select(provider.model.id).where(provider.author_column == obj.id)
                ).scalars())
            for trigger, rule in provider.stale.items():
                if not issubclass(cls, trigger):
                    continue
                ids = rule(obj)
                if ids is ALL:
                    entries.add((provider.kind, None))
                elif ids:
                    entries.update((provider.kind, int(i)) for i in ids)
    return entries


def _after_flush(session: Session, _context) -> None:
    if not PROVIDERS:
        return
    entries = _entries(session)
    if not entries:
        return
    done = session.info.setdefault(QUEUED, set())
    new = entries - done
    if not new:
        return
    now = utcnow()
    session.connection().execute(
        insert(SearchOutbox),
        [{"kind": kind, "obj_id": obj_id, "created_at": now}
         for kind, obj_id in sorted(new, key=lambda e: (e[0], e[1] or 0))])
    done.update(new)


def _after_commit(session: Session) -> None:
    if session.info.pop(QUEUED, None):
        from hub.search.indexer import wake

        wake()


def _after_rollback(session: Session) -> None:
    session.info.pop(QUEUED, None)


def request_rebuild(session: Session) -> None:
    """Queue a rebuild of the whole index (after bulk changes that bypass the ORM)."""
    session.execute(insert(SearchOutbox), [{"kind": "*", "obj_id": None,
                                             "created_at": utcnow()}])
    session.info.setdefault(QUEUED, set()).add(("*", None))


def install() -> None:
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_rollback", _after_rollback)
