"""Template filters for people-facing money: whole rupiah, the Indonesian way."""

from django import template

from core.formatting import rupiah as format_rupiah

register = template.Library()


@register.filter
def rupiah(amount) -> str:
    return "" if amount is None or amount == "" else format_rupiah(amount)
