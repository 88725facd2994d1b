"""The search outbox: index changes written in the same transaction as the change itself.

One writer (``hub.search.indexer``) applies the rows after the commit and deletes them; a
crash before that loses nothing, because the rows are still there and are applied again
(applying is idempotent: each row only says *which* item to look at again).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from hub.common.time import utcnow
from hub.extensions import db


class SearchOutbox(db.Model):
    __tablename__ = "search_outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: a provider's kind, or "*" for "rebuild the whole index"
    kind: Mapped[str] = mapped_column(String(20))
    #: the item's id; None: every item of the kind
    obj_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
