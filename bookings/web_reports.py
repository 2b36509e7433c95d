"""The coordinators' impact dashboard: one month's figures per workshop or village, drawn and tabled.

The figures are bookings.reports.monthly_report, the same as the reports API;
the charts are inline SVG drawn here so the page needs no chart library.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# The reports API's CSV columns, so the page's download and the API's file are the same file.
from bookings.api.reports import report_csv_response
from bookings.reports import GROUP_BY, MonthlyReport, ReportRow, monthly_report
from core.formatting import rupiah
from core.timezones import wib_date
from workshops.permissions import coordinator_page

# The drawing: a 320-unit-wide SVG (a phone's width), one labelled bar per row.
CHART_WIDTH = 320
BAR_MAX = 220
ROW_HEIGHT = 38
LABEL_CHARS = 38

METRICS = [
    ("bookings", gettext_lazy("Bookings")),
    ("seats", gettext_lazy("Visitors (seats booked)")),
    ("gross_income", gettext_lazy("Income")),
    ("fill_rate", gettext_lazy("Fill rate")),
]


@dataclass
class Bar:
    name: str
    label: str
    text: str
    # Strings, not floats: a localised template would write "12,5" into the SVG.
    width: str
    text_x: str
    y: int


@dataclass
class Chart:
    key: str
    title: str
    bars: list[Bar]
    height: int


def _value_text(key: str, value: int | Decimal | None) -> str:
    if value is None:
        return "–"
    if key == "gross_income":
        return rupiah(int(value))
    if key == "fill_rate":
        return f"{formats.number_format(value, 1)}%"
    return str(value)


def _short(name: str) -> str:
    return name if len(name) <= LABEL_CHARS else name[: LABEL_CHARS - 1] + "…"


def chart(rows: list[ReportRow], key: str, title: str) -> Chart:
    """Bars of one figure, largest first, scaled to the largest (fill rate to 100%)."""
    values = [(row, getattr(row, key)) for row in rows]
    values.sort(key=lambda pair: (-(pair[1] or 0), pair[0].name))
    top = 100 if key == "fill_rate" else max((value or 0 for _row, value in values), default=0)
    bars = []
    for index, (row, value) in enumerate(values):
        # A zero still gets a hairline, so an empty month reads as "nothing", not "missing".
        width = round(max(BAR_MAX * float(value or 0) / float(top), 1.0), 1) if top else 1.0
        bars.append(
            Bar(
                name=row.name,
                label=_short(row.name),
                text=_value_text(key, value),
                width=str(width),
                text_x=str(round(width + 4, 1)),
                y=index * ROW_HEIGHT,
            )
        )
    return Chart(key=key, title=str(title), bars=bars, height=max(len(bars), 1) * ROW_HEIGHT + 4)


def _month(raw: str) -> tuple[int, int]:
    """`YYYY-MM` from the month picker; anything else is this month (WIB)."""
    try:
        year, month = (int(part) for part in raw.split("-"))
        date(year, month, 1)
    except ValueError:
        today = wib_date(timezone.now())
        return today.year, today.month
    if not 2020 <= year <= 2100:
        today = wib_date(timezone.now())
        return today.year, today.month
    return year, month


def _report(request: HttpRequest) -> MonthlyReport:
    year, month = _month(request.GET.get("month", ""))
    group_by = request.GET.get("group_by", "workshop")
    if group_by not in GROUP_BY:
        group_by = "workshop"
    return monthly_report(year=year, month=month, group_by=group_by)


def _shift(year: int, month: int, by: int) -> str:
    index = year * 12 + (month - 1) + by
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


@coordinator_page
def dashboard(request: HttpRequest) -> HttpResponse:
    report = _report(request)
    month_value = f"{report.year:04d}-{report.month:02d}"
    return render(
        request,
        "bookings/host/coordinator.html",
        {
            "report": report,
            "charts": [chart(report.rows, key, title) for key, title in METRICS],
            "month_value": month_value,
            "month_label": formats.date_format(date(report.year, report.month, 1), "F Y"),
            "previous_month": _shift(report.year, report.month, -1),
            "next_month": _shift(report.year, report.month, 1),
            "group_by_choices": [("workshop", _("Workshop")), ("village", _("Village"))],
            "chart_width": CHART_WIDTH,
            "bar_max": BAR_MAX,
        },
    )


@coordinator_page
def report_csv(request: HttpRequest) -> HttpResponse:
    return report_csv_response(_report(request))
