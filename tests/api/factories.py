"""Hjälp för API-testerna: tokenklienter."""

from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient


def token_klient(user) -> APIClient:
    """En klient som bara autentiseras med användarens token (ingen session)."""
    token, _ = Token.objects.get_or_create(user=user)
    klient = APIClient()
    klient.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return klient
