"""The list of tourism villages: where a visitor starts when they do not know a workshop yet."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tourism.selectors import village_list


def village_index(request: HttpRequest) -> HttpResponse:
    return render(request, "tourism/village_index.html", {"villages": village_list()})
