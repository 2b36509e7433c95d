"""The translation catalogues are complete, keep their placeholders, and the committed .mo files match.

English is the source language, so `en` keeps empty msgstr on purpose; the other locales must be whole.
A .po edited without running `manage.py compilemessages` fails here, because the .mo is what Django reads.
"""

import re
from collections import Counter
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation

LOCALE_DIR = Path(settings.LOCALE_PATHS[0])
TRANSLATED_LOCALES = ["id", "zh_Hans", "ms"]
ALL_LOCALES = [*TRANSLATED_LOCALES, "en"]

# `%(name)s`, `%(count)d`, bare `%s`/`%d`; a literal `%%` is removed before matching.
PLACEHOLDER = re.compile(r"%\([A-Za-z_][A-Za-z0-9_]*\)[sdif]|%[sdif]")


def _po(locale: str) -> polib.POFile:
    return polib.pofile(str(LOCALE_DIR / locale / "LC_MESSAGES" / "django.po"))


def _mo_path(locale: str) -> Path:
    return LOCALE_DIR / locale / "LC_MESSAGES" / "django.mo"


def _entries(po: polib.POFile) -> list[polib.POEntry]:
    return [entry for entry in po if not entry.obsolete]


def _msgstrs(entry: polib.POEntry) -> list[str]:
    # A plural entry keeps its text in msgstr[0..n-1]; its plain msgstr is always empty.
    if entry.msgid_plural:
        return list(entry.msgstr_plural.values()) or [""]
    return [entry.msgstr]


def _placeholders(text: str) -> Counter[str]:
    return Counter(PLACEHOLDER.findall(text.replace("%%", "")))


@pytest.mark.parametrize("locale", TRANSLATED_LOCALES)
def test_every_msgid_has_a_translation(locale):
    entries = _entries(_po(locale))
    assert entries, f"{locale}: django.po has no entries"

    untranslated = [entry.msgid for entry in entries if not all(text.strip() for text in _msgstrs(entry))]

    assert untranslated == [], f"{locale}: {len(untranslated)} msgids without msgstr: {untranslated}"


@pytest.mark.parametrize("locale", ALL_LOCALES)
def test_no_entry_or_header_is_fuzzy(locale):
    po = _po(locale)

    fuzzy = [entry.msgid for entry in _entries(po) if "fuzzy" in entry.flags]

    assert not po.metadata_is_fuzzy, f"{locale}: the header is marked fuzzy"
    assert fuzzy == [], f"{locale}: fuzzy entries (msgfmt would drop them): {fuzzy}"


@pytest.mark.parametrize("locale", TRANSLATED_LOCALES)
def test_placeholders_are_kept(locale):
    mismatched = [
        (entry.msgid, text)
        for entry in _entries(_po(locale))
        for text in _msgstrs(entry)
        if text
        and _placeholders(text) != _placeholders(entry.msgid)
        and _placeholders(text) != _placeholders(entry.msgid_plural)
    ]

    assert mismatched == [], f"{locale}: placeholders differ between msgid and msgstr: {mismatched}"


@pytest.mark.parametrize("locale", ALL_LOCALES)
def test_compiled_mo_matches_po(locale):
    mo_path = _mo_path(locale)
    assert mo_path.exists(), f"{mo_path} is missing: run `manage.py compilemessages --ignore=.venv`"
    from_po = {entry.msgid: _msgstrs(entry) for entry in _po(locale).translated_entries()}

    from_mo = {entry.msgid: _msgstrs(entry) for entry in polib.mofile(str(mo_path)) if entry.msgid}

    assert from_mo == from_po, (
        f"{locale}: django.mo is stale; run `manage.py compilemessages --ignore=.venv` and commit the .mo"
    )


@pytest.mark.parametrize(
    ("language", "msgid", "expected"),
    [
        ("id", "Booking code", "Kode pemesanan"),
        ("id", "Cancel this booking", "Batalkan pemesanan ini"),
        ("zh-hans", "Booking code", "预订编号"),
        ("ms", "Booking code", "Kod tempahan"),
        ("en", "Booking code", "Booking code"),
    ],
)
def test_django_serves_the_compiled_catalogue(language, msgid, expected):
    assert any(entry.msgid == msgid for entry in _entries(_po("id"))), f"{msgid!r} is no longer a msgid"

    with translation.override(language):
        assert translation.gettext(msgid) == expected


@pytest.mark.parametrize("locale", TRANSLATED_LOCALES)
def test_every_project_string_is_served_as_in_the_po(locale):
    # Project catalogues (LOCALE_PATHS) win over Django's own, e.g. for "Permissions" in the admin.
    po = _po(locale)
    language = translation.to_language(locale)

    def served(entry: polib.POEntry) -> list[str]:
        if entry.msgid_plural:
            # nplurals=1 for id/zh_Hans/ms: every count reads msgstr[0].
            counts = range(len(entry.msgstr_plural)) or [0]
            return [translation.ngettext(entry.msgid, entry.msgid_plural, n) for n in counts]
        return [translation.gettext(entry.msgid)]

    with translation.override(language):
        served_differently = [
            (entry.msgid, served(entry))
            for entry in po.translated_entries()
            if served(entry) != _msgstrs(entry)
        ]

    assert served_differently == [], f"{locale}: Django serves other text than the .po: {served_differently}"
