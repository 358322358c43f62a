"""The clock: aware UTC now, and Beijing time (UTC+8, no daylight saving), the zone every person-
facing time is shown in."""

from __future__ import annotations

import datetime as dt

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
