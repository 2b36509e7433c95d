"""CSV answers (`?format=csv`) that spreadsheet programs open with the right characters."""

import csv
import io
from collections.abc import Iterable
from typing import Any

from django.http import HttpResponse
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

# Excel on Windows reads a CSV without a byte-order mark as the local code page and
# turns "Siti Nurhaliza" fine but any accent or Chinese name into mojibake.
BOM = "\ufeff"


class CsvRenderer(BaseRenderer):
    """Lets DRF accept `?format=csv`; the view itself builds the file (see csv_response)."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context=None) -> bytes:
        if isinstance(data, bytes):
            return data
        return str(data).encode(self.charset)


class CsvOrJsonMixin:
    """JSON by default, CSV with `?format=csv`; errors are always JSON in the one error shape."""

    renderer_classes = [JSONRenderer, CsvRenderer]

    def wants_csv(self, request: Request) -> bool:
        return getattr(request.accepted_renderer, "format", None) == "csv"

    def finalize_response(self, request, response, *args, **kwargs):
        if isinstance(response, Response) and response.status_code >= 400:
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)


def csv_response(*, header: list[str], rows: Iterable[list[Any]], filename: str) -> HttpResponse:
    """A UTF-8 CSV file with a byte-order mark, offered for download as `filename`."""
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    response = HttpResponse(buffer.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
