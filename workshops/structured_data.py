"""schema.org JSON-LD for the public pages, so search engines can show a class with its dates and price."""

import json
from collections.abc import Callable, Iterable

from django.utils.safestring import SafeString, mark_safe

from core.timezones import WIB
from workshops.models import BatikClass, ClassSession, Workshop

# Escapes that keep the JSON inert inside <script> (the same set as Django's json_script).
_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def as_script(data: dict) -> SafeString:
    text = json.dumps(data, ensure_ascii=False, indent=None).translate(_SCRIPT_ESCAPES)
    # Safe: the three characters that could end the script early are escaped above.
    return mark_safe(f'<script type="application/ld+json">{text}</script>')


def _place(workshop: Workshop) -> dict:
    village = workshop.village
    place = {
        "@type": "Place",
        "name": workshop.name,
        "address": {
            "@type": "PostalAddress",
            "streetAddress": workshop.address,
            "addressLocality": village.city,
            "addressRegion": village.province,
            "addressCountry": "ID",
        },
    }
    if workshop.latitude is not None and workshop.longitude is not None:
        place["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": float(workshop.latitude),
            "longitude": float(workshop.longitude),
        }
    return place


def _organization(workshop: Workshop, url: str) -> dict:
    org = {"@type": "Organization", "name": workshop.name, "url": url}
    if workshop.whatsapp:
        org["telephone"] = workshop.whatsapp
    return org


def workshop_data(workshop: Workshop, *, url: str) -> dict:
    data = {
        "@context": "https://schema.org",
        "@type": "LocalBusiness",
        "name": workshop.name,
        "description": workshop.description,
        "url": url,
        "address": _place(workshop)["address"],
        "knowsLanguage": workshop.language_list,
    }
    if workshop.whatsapp:
        data["telephone"] = workshop.whatsapp
    if "geo" in (place := _place(workshop)):
        data["geo"] = place["geo"]
    return data


def class_data(
    batik_class: BatikClass,
    *,
    url: str,
    workshop_url: str,
    sessions: Iterable[ClassSession],
    session_url: Callable[[ClassSession], str],
) -> dict:
    """The class as a schema.org Course whose dated sessions are CourseInstances (a kind of Event)."""
    workshop = batik_class.workshop
    tiers = list(batik_class.price_tiers.all())
    instances = []
    for session in sessions:
        availability = (
            "https://schema.org/InStock" if session.seats_left > 0 else "https://schema.org/SoldOut"
        )
        instances.append(
            {
                "@type": "CourseInstance",
                "name": batik_class.title,
                "courseMode": "onsite",
                "startDate": session.starts_at.astimezone(WIB).isoformat(),
                "endDate": session.ends_at.astimezone(WIB).isoformat(),
                "eventStatus": "https://schema.org/EventScheduled",
                "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
                "location": _place(workshop),
                "organizer": _organization(workshop, workshop_url),
                "maximumAttendeeCapacity": session.capacity,
                "remainingAttendeeCapacity": session.seats_left,
                "offers": [
                    {
                        "@type": "Offer",
                        "name": tier.label,
                        "price": tier.amount,
                        "priceCurrency": "IDR",
                        "availability": availability,
                        "url": session_url(session),
                    }
                    for tier in tiers
                ],
            }
        )
    data = {
        "@context": "https://schema.org",
        "@type": "Course",
        "name": batik_class.title,
        "description": batik_class.description or batik_class.title,
        "url": url,
        "provider": _organization(workshop, workshop_url),
        "inLanguage": batik_class.language_list,
        "timeRequired": f"PT{batik_class.duration_minutes}M",
        "hasCourseInstance": instances,
    }
    if tiers:
        data["offers"] = {
            "@type": "AggregateOffer",
            "priceCurrency": "IDR",
            "lowPrice": min(tier.amount for tier in tiers),
            "highPrice": max(tier.amount for tier in tiers),
            "offerCount": len(tiers),
        }
    return data
