"""Time for the access package: the current UTC instant and working-day arithmetic for overdue
reviews. Pure functions; no state."""

from __future__ import annotations

import datetime as dt


def now() -> dt.datetime:
    """The current instant in UTC."""
    return dt.datetime.now(dt.UTC)


def aware(value: dt.datetime) -> dt.datetime:
    """`value` as an aware UTC datetime (SQLite hands back naive datetimes that were stored UTC)."""
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def working_days_between(start: dt.datetime, end: dt.datetime) -> int:
    """Whole Monday-Friday days elapsed from `start` to `end` (holidays not modelled)."""
    day, last = aware(start).date(), aware(end).date()
    count = 0
    while day < last:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            count += 1
    return count
