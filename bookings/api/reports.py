"""`/api/v1/reports/...`: programme coordinators' monthly figures, as JSON or CSV."""

from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bookings.api.csv import CsvOrJsonMixin, csv_response
from bookings.reports import GROUP_BY, ReportRow, monthly_report
from workshops.permissions import IsCoordinator


class MonthlyReportInput(serializers.Serializer):
    year = serializers.IntegerField(min_value=2020, max_value=2100)
    month = serializers.IntegerField(min_value=1, max_value=12)
    group_by = serializers.ChoiceField(choices=GROUP_BY, default="workshop")


class ReportRowOutput(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True)
    slug = serializers.CharField()
    name = serializers.CharField()
    village = serializers.CharField(allow_null=True, help_text=gettext_lazy("The workshop's village."))
    sessions_held = serializers.IntegerField(help_text=gettext_lazy("Scheduled or completed sessions."))
    sessions_cancelled = serializers.IntegerField()
    bookings = serializers.IntegerField(help_text=gettext_lazy("Confirmed, attended and no-show bookings."))
    seats = serializers.IntegerField(help_text=gettext_lazy("Seats of those bookings."))
    attended = serializers.IntegerField(help_text=gettext_lazy("Seats of checked-in bookings."))
    no_shows = serializers.IntegerField(help_text=gettext_lazy("Seats of bookings marked no-show."))
    gross_income = serializers.IntegerField(help_text=gettext_lazy("Whole rupiah, totals of those bookings."))
    fill_rate = serializers.DecimalField(
        max_digits=5,
        decimal_places=1,
        coerce_to_string=False,
        allow_null=True,
        help_text=gettext_lazy(
            "Booked seats / capacity of held sessions, in percent; null without sessions."
        ),
    )


class MonthlyReportOutput(serializers.Serializer):
    year = serializers.IntegerField()
    month = serializers.IntegerField()
    group_by = serializers.CharField()
    currency = serializers.CharField(default="IDR")
    rows = ReportRowOutput(many=True)
    totals = ReportRowOutput()


def _csv_header(group_by: str) -> list[str]:
    first = [_("Workshop"), _("Village")] if group_by == "workshop" else [_("Village")]
    return [
        *first,
        _("Sessions held"),
        _("Sessions cancelled"),
        _("Bookings"),
        _("Seats"),
        _("Attended"),
        _("No-shows"),
        _("Gross income (Rp)"),
        _("Fill rate (%)"),
    ]


def _csv_row(row: ReportRow, group_by: str) -> list:
    first = [row.name, row.village or ""] if group_by == "workshop" else [row.name]
    return [
        *first,
        row.sessions_held,
        row.sessions_cancelled,
        row.bookings,
        row.seats,
        row.attended,
        row.no_shows,
        row.gross_income,
        "" if row.fill_rate is None else str(row.fill_rate),
    ]


class MonthlyReport(CsvOrJsonMixin, APIView):
    """Per workshop or village for one month (WIB), with a totals row."""

    permission_classes = [IsCoordinator]

    @extend_schema(
        tags=["reports"],
        parameters=[
            MonthlyReportInput,
            OpenApiParameter(
                "format", OpenApiTypes.STR, enum=["json", "csv"], description="`csv`: a UTF-8 file."
            ),
        ],
        responses={(200, "application/json"): MonthlyReportOutput, (200, "text/csv"): OpenApiTypes.BINARY},
        summary="Monthly impact figures per workshop or village",
    )
    def get(self, request: Request) -> Response:
        form = MonthlyReportInput(data=request.query_params)
        form.is_valid(raise_exception=True)
        report = monthly_report(**form.validated_data)
        if self.wants_csv(request):
            return report_csv_response(report)
        return Response(MonthlyReportOutput(report).data)


def report_csv_response(report) -> HttpResponse:
    """The month's figures as a CSV download (the API and the coordinator page share it)."""
    totals = report.totals
    totals.name = _("Total")
    return csv_response(
        header=_csv_header(report.group_by),
        rows=[_csv_row(row, report.group_by) for row in [*report.rows, totals]],
        filename=f"canting-report-{report.year}-{report.month:02d}-{report.group_by}.csv",
    )
