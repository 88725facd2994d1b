"""Calendar months in the company's timezone (statistics, compliance, summaries)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timezone

from hub.common.time import company_tz
from hub.common.workdays import local_date

MONTH_RE = re.compile(r"(\d{4})-(\d{2})")
FIRST_YEAR, LAST_YEAR = 2000, 2100


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    @classmethod
    def parse(cls, text: str | None) -> Month:
        """``YYYY-MM``; raises ``ValueError`` for anything else."""
        match = MONTH_RE.fullmatch((text or "").strip())
        if not match:
            raise ValueError(text)
        year, month = int(match[1]), int(match[2])
        if not (FIRST_YEAR <= year <= LAST_YEAR and 1 <= month <= 12):
            raise ValueError(text)
        return cls(year, month)

    @classmethod
    def of(cls, moment: datetime) -> Month:
        """The company-local month of a stored (naive UTC) moment."""
        day = local_date(moment)
        return cls(day.year, day.month)

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def next(self) -> Month:
        return Month(self.year + self.month // 12, self.month % 12 + 1)

    @property
    def previous(self) -> Month:
        return Month(self.year - (self.month == 1), (self.month - 2) % 12 + 1)

    def bounds_utc(self) -> tuple[datetime, datetime]:
        """The month as stored moments: [start, end)."""
        return _local_midnight_utc(self.first_day), _local_midnight_utc(self.next.first_day)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


def _local_midnight_utc(day: date) -> datetime:
    local = datetime.combine(day, time.min, tzinfo=company_tz())
    return local.astimezone(timezone.utc).replace(tzinfo=None)
