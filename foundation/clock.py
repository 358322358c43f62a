"""The clock: aware UTC now, and Beijing time (UTC+8, no daylight saving), the zone every person-
facing time is shown in."""

from __future__ import annotations

import datetime as dt
import time

BEIJING = dt.timezone(dt.timedelta(hours=8), "Asia/Shanghai")
BEIJING_NAME = "Asia/Shanghai"


def utcnow() -> dt.datetime:
    """The current time, aware, in UTC."""
    return dt.datetime.now(dt.UTC)


def beijing_now() -> dt.datetime:
    """The current time, aware, in Beijing time."""
    return dt.datetime.now(BEIJING)


def in_beijing(moment: dt.datetime) -> dt.datetime:
    """`moment` in Beijing time (a naive value is taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(BEIJING)


class Stopwatch:
    """Seconds spent on each part of a piece of work: `lap(name)` ends the part begun at the
    previous lap (or at the start)."""

    def __init__(self) -> None:
        self.laps: list[tuple[str, float]] = []
        self._since = time.perf_counter()

    def lap(self, name: str) -> None:
        """Record the seconds since the previous lap as the part `name`."""
        now = time.perf_counter()
        self.laps.append((name, now - self._since))
        self._since = now
