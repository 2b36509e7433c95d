"""Host forms: shape and validate what a host typed; the workshops services decide the rest."""

from datetime import date, datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.timezones import WIB, wib_date
from workshops.models import MembershipRole

SESSION_LANGUAGES = [("id", _("Indonesian")), ("en", _("English")), ("zh", _("Mandarin")), ("ms", _("Malay"))]
WEEKDAYS = [
    (1, _("Monday")),
    (2, _("Tuesday")),
    (3, _("Wednesday")),
    (4, _("Thursday")),
    (5, _("Friday")),
    (6, _("Saturday")),
    (7, _("Sunday")),
]


def _today() -> date:
    return wib_date(timezone.now())


class _ClassChoiceForm(forms.Form):
    batik_class = forms.TypedChoiceField(label=_("Class"), coerce=int)

    def __init__(self, *args, classes: list[tuple[int, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["batik_class"].choices = classes


class SessionForm(_ClassChoiceForm):
    day = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    start = forms.TimeField(
        label=_("Start (WIB)"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    capacity = forms.IntegerField(
        label=_("Seats"),
        min_value=1,
        max_value=500,
        required=False,
        help_text=_("Empty: the class's maximum."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    language = forms.ChoiceField(label=_("Language"), choices=SESSION_LANGUAGES)

    def starts_at(self) -> datetime:
        # The host thinks in Singkawang's clock, whatever the browser's time zone.
        return datetime.combine(self.cleaned_data["day"], self.cleaned_data["start"], tzinfo=WIB)


class RuleForm(_ClassChoiceForm):
    weekdays = forms.TypedMultipleChoiceField(
        label=_("Every"), choices=WEEKDAYS, coerce=int, widget=forms.CheckboxSelectMultiple
    )
    start_time = forms.TimeField(
        label=_("Start (WIB)"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    capacity = forms.IntegerField(
        label=_("Seats"), min_value=1, max_value=500, widget=forms.NumberInput(attrs={"inputmode": "numeric"})
    )
    valid_from = forms.DateField(
        label=_("From"), initial=_today, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    valid_until = forms.DateField(
        label=_("Until (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    language = forms.ChoiceField(label=_("Language"), choices=SESSION_LANGUAGES)

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("valid_from"), data.get("valid_until")
        if start and end and end < start:
            self.add_error("valid_until", _("The last day comes after the first."))
        return data


class ClosedDayForm(forms.Form):
    workshop = forms.TypedChoiceField(label=_("Workshop"), coerce=int)
    date_from = forms.DateField(
        label=_("From"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    date_to = forms.DateField(
        label=_("Until (optional)"),
        required=False,
        help_text=_("Empty: one day."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=120, required=False, help_text=_("For example Imlek or Cap Go Meh.")
    )

    def __init__(self, *args, workshops: list[tuple[int, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["workshop"].choices = workshops

    def clean(self) -> dict:
        data = super().clean()
        if data.get("date_from") and not data.get("date_to"):
            data["date_to"] = data["date_from"]
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", _("The last day comes after the first."))
        return data


class CapacityForm(forms.Form):
    session = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    capacity = forms.IntegerField(label=_("Seats"), min_value=1, max_value=500)


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"), max_length=254)
    role = forms.ChoiceField(label=_("Role"), choices=MembershipRole.choices, initial=MembershipRole.STAFF)


class RoleForm(forms.Form):
    membership = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    role = forms.ChoiceField(label=_("Role"), choices=MembershipRole.choices)
