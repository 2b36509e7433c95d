"""How Canting writes times and money for people: always WIB, always whole rupiah."""

from datetime import datetime

from django.utils import formats
from django.utils.translation import gettext as _

from core.fields import rupiah
from core.timezones import WIB


def wib_datetime(moment: datetime) -> str:
    """'Sabtu, 5 Desember 2026, 09.00 WIB' in the active language."""
    local = moment.astimezone(WIB)
    return _("%(date)s, %(time)s WIB") % {
        "date": formats.date_format(local, "l, j F Y"),
        "time": local.strftime("%H:%M"),
    }


def wib_range(starts: datetime, ends: datetime) -> str:
    """'Sabtu, 5 Desember 2026, 09:00–11:00 WIB'."""
    start, end = starts.astimezone(WIB), ends.astimezone(WIB)
    return _("%(date)s, %(start)s–%(end)s WIB") % {
        "date": formats.date_format(start, "l, j F Y"),
        "start": start.strftime("%H:%M"),
        "end": end.strftime("%H:%M"),
    }


def map_link(*, latitude, longitude, address: str) -> str:
    from urllib.parse import quote_plus

    query = f"{latitude},{longitude}" if latitude is not None and longitude is not None else address
    return f"https://www.google.com/maps/search/?api=1&query={quote_plus(str(query))}"


__all__ = ["map_link", "rupiah", "wib_datetime", "wib_range"]
