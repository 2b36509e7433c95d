from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from core.api.filters import WibDateFromFilter, WibDateToFilter
from workshops.models import ClassSession, SessionStatus


class HostSessionFilter(filters.FilterSet):
    workshop = filters.CharFilter(field_name="batik_class__workshop__slug", max_length=140)
    batik_class = filters.CharFilter(field_name="batik_class__slug", max_length=180, label=_("Class slug"))
    status = filters.ChoiceFilter(field_name="status", choices=SessionStatus.choices)
    date_from = WibDateFromFilter(field_name="starts_at", label=_("From date (WIB)"))
    date_to = WibDateToFilter(field_name="starts_at", label=_("To date (WIB)"))

    class Meta:
        model = ClassSession
        fields = ["workshop", "batik_class", "status"]
