"""Projektets adresser plus tre som fallerar med flit (för tests/kvalitet/test_felsidor.py)."""

from django.core.exceptions import BadRequest
from django.urls import path

from kvalitet.urls import handler400, handler403, handler404, handler500, urlpatterns  # noqa: F401


def _trasig(request):
    raise RuntimeError("Avsiktligt fel i testet")


def _felaktig(request):
    raise BadRequest("Avsiktligt felaktig begäran i testet")


urlpatterns = [
    path("test-fel/500/", _trasig),
    path("test-fel/400/", _felaktig),
    *urlpatterns,
]
