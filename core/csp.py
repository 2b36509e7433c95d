"""django-csp's middleware, plus the payment gateways' pages as allowed form targets.

Confirming a booking with a gateway answers the form with a redirect to the
gateway's payment page, and browsers hold that redirect to the form-action
directive. The gateway's address is a setting (the local fakes in development
and tests, Midtrans or Xendit in production), so it is read at each response.
"""

from urllib.parse import urlsplit

from csp.middleware import CSPMiddleware as BaseCSPMiddleware
from csp.middleware import PolicyParts
from django.conf import settings
from django.http import HttpRequest, HttpResponseBase


def _origin(url: str) -> str | None:
    parts = urlsplit(url or "")
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") and parts.netloc else None


def gateway_page_origins() -> list[str]:
    configured = [
        *settings.PAYMENT_PAGE_ORIGINS,
        _origin(settings.MIDTRANS_SNAP_URL),
        _origin(settings.XENDIT_API_URL),
    ]
    return list(dict.fromkeys(origin for origin in configured if origin))


class CSPMiddleware(BaseCSPMiddleware):
    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only:
            update = dict(parts.update or {})
            update["form-action"] = [*update.get("form-action", []), *gateway_page_origins()]
            parts.update = update
        return parts
