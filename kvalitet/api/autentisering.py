"""API-token: django-rest-knox, som bara lagrar en hash av nyckeln och låter den löpa ut."""

from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from knox.auth import TokenAuthentication
from rest_framework import exceptions


class TokenAutentisering(TokenAuthentication):
    """knox med svenskt fel, och 401 i stället för 500 för en nyckel som inte är UTF-8."""

    def authenticate_credentials(self, token):
        try:
            token.decode("utf-8")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("Ogiltig token.") from None
        return super().authenticate_credentials(token)


class TokenAutentiseringSchema(KnoxTokenScheme):
    """Schemat beskriver token som knox gör (Authorization: Token NYCKEL)."""

    target_class = "kvalitet.api.autentisering.TokenAutentisering"
    name = "tokenAuth"
