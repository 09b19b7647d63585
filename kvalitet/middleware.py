"""Allt kräver inloggning utom ett fåtal öppna adresser."""

from django.conf import settings
from django.contrib.auth.views import redirect_to_login

OPPNA_PREFIX = (
    "/login/",
    "/logout/",
    "/health/",
    "/static/",
    "/oppen/",
    "/oidc/",
    "/favicon.ico",
    "/metrics",
)


class InloggningKravsMiddleware:
    """Skickar oinloggade till inloggningen, så att ingen vy av misstag blir öppen."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.user.is_authenticated and not request.path.startswith(OPPNA_PREFIX):
            if request.path.startswith("/api/"):
                from django.http import JsonResponse

                # En token autentiseras av DRF (django-rest-knox), inte av sessionen.
                if request.headers.get("Authorization", "").startswith("Token "):
                    return self.get_response(request)

                return JsonResponse({"detail": "Inloggning krävs."}, status=401)
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        return self.get_response(request)
