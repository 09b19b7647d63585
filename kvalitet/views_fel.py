"""Felsidorna, på svenska i varje läge (också med DEBUG på, som i demon).

Utan DEBUG använder Django `handler400/403/404/500` i kvalitet/urls.py och `CSRF_FAILURE_VIEW`. Med DEBUG
visar Django annars sina engelska tekniska sidor för 404, 400 och 500; `SvenskaFelsidorMiddleware` ger
samma svenska sidor där och loggar felet som Django gör. `TEKNISKA_FELSIDOR=true` (bara med DEBUG) ger
utvecklaren Djangos sidor tillbaka.
"""

import logging
import sys

from django.conf import settings
from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template import loader

logger = logging.getLogger("django.request")


def _markera(svar):
    svar.kvalitet_felsida = True  # middleware ska inte byta ut den
    return svar


def felaktig_begaran(request, exception=None):
    """400. Renderas utan begäran (inga kontextprocessorer): begäran kan vara trasig (för stor, för många
    fält), och då får felsidan inte läsa den igen och själv falla."""
    return _markera(HttpResponse(loader.get_template("400.html").render(), status=400))


def forbjuden(request, exception=None):
    return _markera(render(request, "403.html", status=403))


def saknas(request, exception=None):
    return _markera(render(request, "404.html", status=404))


def csrf_fel(request, reason=""):
    """CSRF-kontrollen stoppade ett formulär: oftast har sidan varit öppen länge eller sessionen gått ut."""
    return _markera(render(request, "403_csrf.html", status=403))


def serverfel(request):
    """500, eller 503 när databasen inte svarar (omstart, nätverk). Renderas utan databasen: inga
    kontextprocessorer, så att felsidan själv inte faller."""
    fel = sys.exc_info()[1]
    if isinstance(fel, OperationalError | InterfaceError) or (
        isinstance(fel, DatabaseError) and "connection" in str(fel).lower()
    ):
        svar = HttpResponse(loader.get_template("503.html").render(), status=503)
        svar["Retry-After"] = "30"
        return _markera(svar)
    return _markera(HttpResponse(loader.get_template("500.html").render(), status=500))


class SvenskaFelsidorMiddleware:
    """Med DEBUG: svenska felsidor i stället för Djangos tekniska (som bara finns på engelska)."""

    def __init__(self, get_response):
        self.get_response = get_response

    @staticmethod
    def _aktiv() -> bool:
        return settings.DEBUG and not getattr(settings, "TEKNISKA_FELSIDOR", False)

    def __call__(self, request):
        svar = self.get_response(request)
        # En adress som inte finns (Resolver404) når aldrig process_exception; Django har då redan gjort
        # sin tekniska 404-sida.
        if (
            self._aktiv()
            and svar.status_code == 404
            and not getattr(svar, "kvalitet_felsida", False)
            and "text/html" in svar.get("Content-Type", "")
        ):
            return saknas(request)
        return svar

    def process_exception(self, request, exception):
        if not self._aktiv():
            return None
        if isinstance(exception, Http404):
            return saknas(request, exception)
        if isinstance(exception, PermissionDenied):
            return None  # handler403 används redan i alla lägen
        if isinstance(exception, BadRequest | SuspiciousOperation):
            logger.warning("Felaktig begäran: %s", request.path, exc_info=exception)
            return felaktig_begaran(request, exception)
        logger.error("Internt fel: %s", request.path, exc_info=exception)
        return serverfel(request)
