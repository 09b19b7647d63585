"""Hjälp för API-testerna: tokenklienter."""

from rest_framework.test import APIClient

from kvalitet.services_inloggning import api_token_skapa


def token_klient(user) -> APIClient:
    """En klient som bara autentiseras med användarens token (ingen session).

    Nyckeln visas bara när token skapas, så den sparas på användarobjektet för nästa klient i testet."""
    nyckel = getattr(user, "_test_api_nyckel", None)
    if nyckel is None:
        _, nyckel = api_token_skapa(anvandare=user, ersatt=True)
        user._test_api_nyckel = nyckel
    klient = APIClient()
    klient.credentials(HTTP_AUTHORIZATION=f"Token {nyckel}")
    return klient
