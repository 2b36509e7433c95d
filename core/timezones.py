"""WIB (Asia/Pontianak, UTC+7) calendar dates and the UTC instants that bound them."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

WIB = ZoneInfo("Asia/Pontianak")


def wib_day_start(day: date) -> datetime:
    """The first instant of `day` as people in Singkawang count it."""
    return datetime.combine(day, time.min, tzinfo=WIB)


def wib_day_end(day: date) -> datetime:
    """The first instant after `day` in WIB (an exclusive bound)."""
    return wib_day_start(day + timedelta(days=1))


def wib_date(moment: datetime) -> date:
    return moment.astimezone(WIB).date()
