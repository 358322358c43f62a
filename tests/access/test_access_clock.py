"""Working days on the official calendar: public holiday weeks (春节, 国庆) do not count, the
adjusted working weekend days (调休) do, dates are Beijing dates, and years the calendar does not
know yet fall back to Monday-Friday."""

from __future__ import annotations

import datetime as dt

import pytest

from access.clock import calendar_years, is_working_day, working_days_between
from foundation.clock import BEIJING

# (day, working?) from the State Council General Office notices for 2025 and 2026
DAYS = [
    (dt.date(2025, 1, 26), True),   # Sunday worked before 春节 2025
    (dt.date(2025, 1, 28), False),  # 除夕 2025
    (dt.date(2025, 2, 4), False),   # last day of 春节 2025
    (dt.date(2025, 2, 5), True),
    (dt.date(2025, 2, 8), True),    # Saturday worked after 春节 2025
    (dt.date(2025, 9, 28), True),   # Sunday worked before 国庆 2025
    (dt.date(2025, 10, 1), False),
    (dt.date(2025, 10, 8), False),  # 国庆 and 中秋 2025 together: eight days
    (dt.date(2025, 10, 9), True),
    (dt.date(2025, 10, 11), True),  # Saturday worked after 国庆 2025
    (dt.date(2025, 10, 12), False),
    (dt.date(2026, 2, 14), True),   # Saturday worked before 春节 2026
    (dt.date(2026, 2, 16), False),  # 除夕 2026 is a Monday: a holiday
    (dt.date(2026, 2, 23), False),
    (dt.date(2026, 2, 24), True),
    (dt.date(2026, 2, 28), True),   # Saturday worked after 春节 2026
    (dt.date(2026, 10, 5), False),  # a Monday in 国庆 2026
    (dt.date(2026, 10, 10), True),  # Saturday worked after 国庆 2026
]


@pytest.mark.parametrize(("day", "working"), DAYS, ids=[str(d) for d, _ in DAYS])
def test_official_calendar(day: dt.date, working: bool) -> None:
    assert is_working_day(day) is working


def _bj(y: int, m: int, d: int, h: int = 10) -> dt.datetime:
    return dt.datetime(y, m, d, h, tzinfo=BEIJING)


SPANS = [
    # 国庆 2025 filed the Friday before: 28 (Sun), 29, 30 Sep worked, 1-8 Oct off, 9-11 Oct worked
    # (a Monday-Friday count says 10 over the same span)
    (_bj(2025, 9, 26), _bj(2025, 10, 12), 6),
    (_bj(2026, 2, 13), _bj(2026, 2, 27), 5),  # 14 Feb worked, 15-23 off, 24-27 worked
    (_bj(2026, 2, 13), _bj(2026, 2, 28), 6),  # and the Saturday 28 Feb worked
    (_bj(2026, 3, 2), _bj(2026, 3, 9), 5),    # an ordinary week
    # the day is the Beijing day: 23:30 UTC on the 1st is 07:30 on the 2nd in Beijing
    (dt.datetime(2026, 3, 1, 23, 30, tzinfo=dt.UTC), _bj(2026, 3, 3), 1),
]


@pytest.mark.parametrize(("start", "end", "days"), SPANS)
def test_working_days_over_holiday_weeks(start: dt.datetime, end: dt.datetime, days: int) -> None:
    assert working_days_between(start, end) == days


def test_years_beyond_the_calendar_count_monday_to_friday() -> None:
    later = calendar_years().stop + 1
    monday = dt.date(later, 1, 1) + dt.timedelta(days=(7 - dt.date(later, 1, 1).weekday()) % 7)
    assert is_working_day(monday) and not is_working_day(monday + dt.timedelta(days=5))
    start = dt.datetime.combine(monday, dt.time(9), BEIJING)
    assert working_days_between(start, start + dt.timedelta(days=14)) == 10
