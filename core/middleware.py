from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

_SUPPORTED = {code for code, _ in settings.LANGUAGES}


class QueryLanguageMiddleware:
    """`?lang=en` overrides Accept-Language and the language cookie for one request.

    Apps and shared links can then ask for a language explicitly; an unknown
    code is ignored so the negotiated language (Indonesian by default) stays.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        lang = request.GET.get("lang", "").strip().lower()
        if lang in _SUPPORTED:
            translation.activate(lang)
            request.LANGUAGE_CODE = lang
        return self.get_response(request)
