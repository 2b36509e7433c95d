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


# Attributes by which a view changes the policy of its own response (csp.decorators).
_PER_VIEW = (
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
)


class CSPMiddleware(BaseCSPMiddleware):
    """django-csp's, with the usual policy built once rather than for every answer (profiled)."""

    _built: dict = {}

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        if any(getattr(response, name, None) for name in _PER_VIEW) or hasattr(request, "_csp_nonce"):
            return super().process_response(request, response)
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", None)
        key = (
            id(policy),
            id(getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)),
            *gateway_page_origins(),
        )
        headers = self._built.get(key)
        if headers is None:
            probe = super().process_response(request, HttpResponseBase())
            headers = self._built[key] = {
                name: probe[name]
                for name in ("Content-Security-Policy", "Content-Security-Policy-Report-Only")
                if name in probe
            }
        prefixes = tuple((policy or {}).get("EXCLUDE_URL_PREFIXES", None) or ())
        if settings.DEBUG and response.status_code in (404, 500):
            return response
        if prefixes and request.path_info.startswith(prefixes):
            return response
        for name, value in headers.items():
            if name not in response:
                response[name] = value
        return response

    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only:
            update = dict(parts.update or {})
            update["form-action"] = [*update.get("form-action", []), *gateway_page_origins()]
            parts.update = update
        return parts
