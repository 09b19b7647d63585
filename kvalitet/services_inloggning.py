"""Skrivningar kring inloggning: API-token, registreringskoder för tvåfaktor och reservkoder.

Ingen hemlighet lagras läsbart: en API-nyckel och en registreringskod sparas bara som hash och visas en
gång, för den som skapar dem.
"""

from __future__ import annotations

from django.db import transaction
from knox.models import AuthToken


class TokenFinnsRedan(Exception):
    """Användaren har redan en giltig token; dess nyckel kan inte visas igen."""

    def __init__(self, token: AuthToken):
        super().__init__(token.token_key)
        self.token = token


def giltiga_tokens(anvandare):
    from django.db.models import Q
    from django.utils import timezone

    return AuthToken.objects.filter(user=anvandare).filter(
        Q(expiry__isnull=True) | Q(expiry__gt=timezone.now())
    )


@transaction.atomic
def api_token_skapa(*, anvandare, ersatt: bool = False) -> tuple[AuthToken, str]:
    """Skapar en token och returnerar (token, nyckel); nyckeln finns bara i svaret, aldrig i databasen.

    Har användaren redan en giltig token krävs `ersatt=True`, som återkallar alla gamla först.
    """
    if ersatt:
        AuthToken.objects.filter(user=anvandare).delete()
    else:
        befintlig = giltiga_tokens(anvandare).order_by("-created").first()
        if befintlig is not None:
            raise TokenFinnsRedan(befintlig)
    return AuthToken.objects.create(user=anvandare)
