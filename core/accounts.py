"""allauth's account adapter: Canting's one notion of the client's address for allauth's rate limits."""

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest

from core.throttling import client_ip


class AccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request: HttpRequest) -> str:
        # The same proxy-count-aware address the API throttles use, so a forged
        # X-Forwarded-For resets neither allauth's login limits nor ours.
        return client_ip(request)
