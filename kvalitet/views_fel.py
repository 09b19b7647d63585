import sys

from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpResponse
from django.shortcuts import render
from django.template import loader


def forbjuden(request, exception=None):
    return render(request, "403.html", status=403)


def saknas(request, exception=None):
    return render(request, "404.html", status=404)


def serverfel(request):
    """500, eller 503 när databasen inte svarar (omstart, nätverk). Renderas utan databasen: inga
    kontextprocessorer, så att felsidan själv inte faller."""
    fel = sys.exc_info()[1]
    if isinstance(fel, OperationalError | InterfaceError) or (
        isinstance(fel, DatabaseError) and "connection" in str(fel).lower()
    ):
        svar = HttpResponse(loader.get_template("503.html").render(), status=503)
        svar["Retry-After"] = "30"
        return svar
    return HttpResponse(loader.get_template("500.html").render(), status=500)
