"""Template helpers: people-facing money (whole rupiah, the Indonesian way) and the header's host links."""

from django import template

from core.formatting import rupiah as format_rupiah
from workshops.permissions import is_coordinator, is_host

register = template.Library()


@register.filter
def rupiah(amount) -> str:
    return "" if amount is None or amount == "" else format_rupiah(amount)


@register.simple_tag(takes_context=True)
def staff_links(context) -> dict[str, bool]:
    """Which of the host and coordinator pages the signed-in person may open (no query for guests)."""
    user = context["request"].user
    if not user.is_authenticated:
        return {"host": False, "coordinator": False}
    return {"host": is_host(user), "coordinator": is_coordinator(user)}
