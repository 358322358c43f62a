"""Time for the access package: the current UTC instant and working-day arithmetic for overdue
reviews on the official calendar of the State Council's General Office (法定节假日 and the
adjusted working weekends, 调休), as published in the `chinesecalendar` package. Pure functions;
no state."""

from __future__ import annotations

import datetime as dt

import chinese_calendar

from foundation.clock import BEIJING


def now() -> dt.datetime:
    """The current instant in UTC."""
    return dt.datetime.now(dt.UTC)


def aware(value: dt.datetime) -> dt.datetime:
    """`value` as an aware UTC datetime (SQLite hands back naive datetimes that were stored UTC)."""
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def calendar_years() -> range:
    """The years the official calendar is known for; outside them a day is a working day when it
    is Monday to Friday (the next year's notice is published each November)."""
    known = [*chinese_calendar.holidays, *chinese_calendar.workdays]
    return range(min(known).year, max(known).year + 1)


def is_working_day(day: dt.date) -> bool:
    """Whether `day` is a working day: not a public holiday and either Monday-Friday or an
    adjusted working weekend day; Monday-Friday for years the calendar does not know yet."""
    if day.year not in calendar_years():
        return day.weekday() < 5
    return bool(chinese_calendar.is_workday(day))


def working_days_between(start: dt.datetime, end: dt.datetime) -> int:
    """Whole working days elapsed from `start` to `end`, counted on Beijing dates: the days after
    the start day up to and including the end day that are working days."""
    day = aware(start).astimezone(BEIJING).date()
    last = aware(end).astimezone(BEIJING).date()
    count = 0
    while day < last:
        day += dt.timedelta(days=1)
        count += is_working_day(day)
    return count
