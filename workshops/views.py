"""Public catalogue pages: home with search, village, workshop and class pages.

Reads go through workshops.selectors and the API's own SessionFilter, so a page
and the API never disagree about what is bookable.
"""

from collections import OrderedDict

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.formatting import map_link, rupiah
from core.timezones import wib_date
from tourism.models import Village
from workshops import selectors
from workshops.api.filters import SessionFilter
from workshops.models import BatikClass, ClassSession, Technique, Workshop
from workshops.structured_data import as_script, class_data, workshop_data

FEATURED_CLASSES = 6
SEARCH_RESULTS = 30
# Enough weeks to plan a trip, few enough that the page stays small on a village signal.
CLASS_PAGE_SESSIONS = 40
LANGUAGE_NAMES = {
    "id": _("Indonesian"),
    "en": _("English"),
    "zh": _("Mandarin"),
    "hak": _("Hakka"),
    "ms": _("Malay"),
}


class SearchForm(forms.Form):
    date = forms.DateField(label=_("Date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    technique = forms.ChoiceField(label=_("Technique"), required=False)
    village = forms.ChoiceField(label=_("Village"), required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["technique"].choices = [("", _("Any technique")), *Technique.choices]
        villages = Village.objects.published().order_by("name").values_list("slug", "name")
        self.fields["village"].choices = [("", _("Any village")), *villages]

    def session_filter_data(self) -> dict:
        """The search as the API's session filter understands it."""
        data = self.cleaned_data
        query = {"technique": data["technique"], "village": data["village"]}
        if data["date"]:
            query["date_from"] = query["date_to"] = data["date"].isoformat()
        return query


def _languages(codes: list[str]) -> list[str]:
    return [str(LANGUAGE_NAMES.get(code, code)) for code in codes]


def _whatsapp_url(number: str) -> str:
    digits = "".join(ch for ch in number if ch.isdigit())
    return f"https://wa.me/{digits}" if digits else ""


def _upcoming(batik_class: BatikClass | None = None):
    sessions = selectors.session_list().open_for_booking()
    if batik_class is not None:
        sessions = sessions.filter(batik_class=batik_class)
    return sessions


def _featured(classes=None) -> list[tuple[BatikClass, ClassSession]]:
    """The next session with free seats of each class, soonest first."""
    sessions = _upcoming().with_seats_left(1)
    if classes is not None:
        sessions = sessions.filter(batik_class__in=classes)
    featured: OrderedDict[int, ClassSession] = OrderedDict()
    for session in sessions[:200]:
        featured.setdefault(session.batik_class_id, session)
        if len(featured) >= FEATURED_CLASSES:
            break
    return [(session.batik_class, session) for session in featured.values()]


def _by_day(sessions) -> list[tuple[object, list[ClassSession]]]:
    days: OrderedDict = OrderedDict()
    for session in sessions:
        days.setdefault(wib_date(session.starts_at), []).append(session)
    return list(days.items())


def home(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    results = None
    if form.is_bound and form.is_valid():
        found = SessionFilter(data=form.session_filter_data(), queryset=_upcoming())
        results = list(found.qs[:SEARCH_RESULTS])
    return render(
        request,
        "workshops/home.html",
        {"form": form, "results": results, "featured": _featured()},
    )


def village_page(request: HttpRequest, slug: str) -> HttpResponse:
    village = selectors.village_detail_queryset().filter(slug=slug).first()
    if village is None:
        raise Http404
    workshops = selectors.workshop_list().filter(village=village)
    classes = selectors.class_list().filter(workshop__village=village)
    return render(
        request,
        "workshops/village.html",
        {
            "village": village,
            "workshops": workshops,
            "classes": classes,
            "featured": _featured(classes),
            "map_url": map_link(
                latitude=village.latitude,
                longitude=village.longitude,
                address=village.address or village.name,
            ),
            "whatsapp_url": _whatsapp_url(village.whatsapp),
        },
    )


def _workshop_links(workshop: Workshop) -> dict:
    return {
        "map_url": map_link(
            latitude=workshop.latitude,
            longitude=workshop.longitude,
            address=workshop.address or workshop.name,
        ),
        "whatsapp_url": _whatsapp_url(workshop.whatsapp),
        "spoken_languages": _languages(workshop.language_list),
    }


def workshop_page(request: HttpRequest, slug: str) -> HttpResponse:
    workshop = selectors.workshop_list().filter(slug=slug).first()
    if workshop is None:
        raise Http404
    classes = selectors.class_list().filter(workshop=workshop)
    url = request.build_absolute_uri(reverse("workshop-page", args=[workshop.slug]))
    return render(
        request,
        "workshops/workshop.html",
        {
            "workshop": workshop,
            "classes": classes,
            "featured": _featured(classes),
            "jsonld": as_script(workshop_data(workshop, url=url)),
            **_workshop_links(workshop),
        },
    )


def class_page(request: HttpRequest, slug: str) -> HttpResponse:
    batik_class = selectors.class_list().filter(slug=slug).first()
    if batik_class is None:
        raise Http404
    workshop = batik_class.workshop
    sessions = list(_upcoming(batik_class)[:CLASS_PAGE_SESSIONS])
    tiers = list(batik_class.price_tiers.all())
    url = request.build_absolute_uri(reverse("class-page", args=[batik_class.slug]))
    jsonld = class_data(
        batik_class,
        url=url,
        workshop_url=request.build_absolute_uri(reverse("workshop-page", args=[workshop.slug])),
        sessions=sessions,
        session_url=lambda s: request.build_absolute_uri(reverse("session-book", args=[s.pk])),
    )
    return render(
        request,
        "workshops/class.html",
        {
            "batik_class": batik_class,
            "workshop": workshop,
            "village": workshop.village,
            "tiers": [(tier.label, rupiah(tier.amount)) for tier in tiers],
            "price_from": rupiah(batik_class.price_from) if batik_class.price_from is not None else "",
            "days": _by_day(sessions),
            "class_languages": _languages(batik_class.language_list),
            "jsonld": as_script(jsonld),
            **_workshop_links(workshop),
        },
    )
