"""Anonymous filings held back, then released into the records in shuffled batches.

An anonymous letter or report written *now* would otherwise enter the records at the moment
of writing: its registration number, row ids, history, search-index segment and
notifications would sit between exactly timed neighbours (the filer's own session activity,
a colleague's named filing a minute earlier), and whoever can read them could narrow the
filer down by time.  So it first goes to a holding table that keeps only what the filing
needs — its kind, its fields (subject, body, category or kind, named persons, attachments),
the receipt code's HMAC and the moment it will be released — and no user, address, browser
or creation time.

Time is cut into windows of ``ANONYMOUS_RELEASE_MINUTES`` (default 60), counted from the
epoch.  Everything filed in one window is released together at one moment of the next
window; the moment is fixed per window but unpredictable (an HMAC of the window under the
secret key), the same in every process.  The background worker (``flask --app app tick`` /
``worker``, or the thread of the embedded default) releases what is due in one transaction,
in random order, every released item's times set to the moment of release, and deletes the
holding rows in the same transaction.  A worker that was down releases on its next run:
nothing is lost, only later.

``ANONYMOUS_RELEASE_MINUTES = 0`` records anonymous filings within the request, as before;
a filing the filer marks urgent, and a safety hazard, are recorded at once too (the forms
say that such a filing is easier to trace by its time).

The features register how one of their filings is recorded (``releases``); this module
knows nothing of letters or reports.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import random
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import JSON, DateTime, String, func, inspect, select
from sqlalchemy.orm import Mapped, mapped_column

from hub.common import receipts
from hub.common.models import Attachment
from hub.common.time import utcnow
from hub.common.worker import periodic_job
from hub.common.workdays import local_date
from hub.extensions import db

EPOCH = datetime(1970, 1, 1)
#: How often the background worker looks for a batch that is due (``tick`` always looks).
CHECK_SECONDS = 20


class HeldFiling(db.Model):
    """One anonymous filing waiting for its release.  The key is random, so the rows say
    nothing about their order; there is deliberately no user, address, agent or creation
    time: ``release_after`` only names the window the filing belongs to."""

    __tablename__ = "held_filings"

    id: Mapped[str] = mapped_column(String(32), primary_key=True,
                                    default=lambda: secrets.token_hex(16))
    kind: Mapped[str] = mapped_column(String(20))  # "letter" | "report"
    fields: Mapped[dict] = mapped_column(JSON)
    receipt_hash: Mapped[str] = mapped_column(String(64), unique=True)
    release_after: Mapped[datetime] = mapped_column(DateTime, index=True)


@dataclass(frozen=True)
class Release:
    """How a feature records one of its held filings, and tells its people afterwards."""

    #: ``record(fields, receipt_hash, attachments, now)`` puts the filing into the records.
    record: Callable[[dict, str, list[Attachment], datetime], object]
    #: Called once after a batch that held this kind (the feature's anonymous digest).
    announce: Callable[[], object] | None = None


RELEASES: dict[str, Release] = {}


def releases(kind: str, *, announce: Callable[[], object] | None = None):
    """Register ``record`` as the way a held filing of ``kind`` enters the records."""
    def register(record):
        RELEASES[kind] = Release(record, announce)
        return record
    return register


# --- when -------------------------------------------------------------------------------

def window() -> timedelta | None:
    """The release window, or None when anonymous filings are recorded at once."""
    try:
        minutes = int(current_app.config.get("ANONYMOUS_RELEASE_MINUTES") or 0)
    except (TypeError, ValueError):
        minutes = 0
    return timedelta(minutes=minutes) if minutes > 0 else None


def holds(*, urgent: bool = False) -> bool:
    """Whether an anonymous filing made now is held back."""
    return not urgent and window() is not None


def release_moment(now: datetime) -> datetime:
    """When the batch of the window ``now`` falls in is released: a moment of the next
    window, the same for every filing of this window, that nobody can tell in advance
    without the secret key."""
    size = window() or timedelta(minutes=1)
    seconds = int(size.total_seconds())
    slot = int((now - EPOCH).total_seconds()) // seconds
    key = hashlib.sha256(b"hub anonymous release\x00"
                         + str(current_app.config["SECRET_KEY"]).encode()).digest()
    mac = hmac.new(key, f"{seconds}:{slot}".encode(), hashlib.sha256).digest()
    offset = int.from_bytes(mac[:8], "big") % seconds
    return EPOCH + timedelta(seconds=(slot + 1) * seconds + offset)


# --- holding -------------------------------------------------------------------------------

def _attachment_fields(attachment: Attachment) -> dict:
    return {"filename": attachment.filename, "content_type": attachment.content_type,
            "size": attachment.size, "sha256": attachment.sha256,
            "data": base64.b64encode(attachment.data).decode("ascii")}


def hold(kind: str, fields: dict, receipt_hash: str, *,
         attachments: list[Attachment] = (), now: datetime | None = None) -> HeldFiling:
    """Keep a filing back for the next release.  ``attachments`` were checked (and cleaned)
    by ``hub.common.attachments``; they are taken out of the attachments table again and
    kept with the filing, so that no attachment row or id is written at filing time."""
    if kind not in RELEASES:
        raise LookupError(kind)
    kept = []
    for attachment in attachments:
        kept.append(_attachment_fields(attachment))
        state = inspect(attachment)
        if state.pending:
            db.session.expunge(attachment)
        elif state.persistent:
            db.session.delete(attachment)
    row = HeldFiling(kind=kind, fields={**fields, "attachments": kept},
                     receipt_hash=receipt_hash,
                     release_after=release_moment(now or utcnow()))
    db.session.add(row)
    db.session.flush()
    return row


def held_by_receipt(code: str | None) -> HeldFiling | None:
    digest = receipts.digest(code)
    if digest is None:
        return None
    return db.session.scalar(select(HeldFiling).where(HeldFiling.receipt_hash == digest))


# --- releasing ---------------------------------------------------------------------------

def _attachments(row: HeldFiling, now: datetime) -> list[Attachment]:
    made = []
    for kept in row.fields.get("attachments") or []:
        attachment = Attachment(filename=kept["filename"], content_type=kept["content_type"],
                                size=kept["size"], sha256=kept["sha256"],
                                data=base64.b64decode(kept["data"]),
                                created_on=local_date(now))
        db.session.add(attachment)
        made.append(attachment)
    return made


def release_due(now: datetime | None = None) -> int:
    """Record every held filing that is due, in random order, all at the moment ``now``;
    the holding rows go in the same transaction.  Returns how many were released."""
    now = now or utcnow()
    rows = list(db.session.scalars(
        select(HeldFiling).where(HeldFiling.release_after <= now)
        .with_for_update(skip_locked=True)))
    if not rows:
        return 0
    random.SystemRandom().shuffle(rows)
    kinds: list[str] = []
    released = 0
    for row in rows:
        try:
            with db.session.begin_nested():
                RELEASES[row.kind].record(dict(row.fields), row.receipt_hash,
                                          _attachments(row, now), now)
                db.session.delete(row)
                db.session.flush()
        except Exception as error:  # noqa: BLE001 - one bad row must not hold back the rest
            # It stays held and is tried again with the next run.  Nothing of the filing in
            # the log: not its text, not its code.
            current_app.logger.error("a held anonymous filing could not be recorded (%s); "
                                     "it stays held", type(error).__name__)
            continue
        released += 1
        if row.kind not in kinds:
            kinds.append(row.kind)
    for kind in kinds:
        if RELEASES[kind].announce is not None:
            RELEASES[kind].announce()
    db.session.flush()
    return released


def held_count() -> int:
    return db.session.scalar(select(func.count()).select_from(HeldFiling)) or 0


@periodic_job("holding.release_anonymous", every_seconds=CHECK_SECONDS)
def _release() -> None:
    release_due()
