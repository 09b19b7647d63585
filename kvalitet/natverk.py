"""Klientens adress, rätt tagen bakom en omvänd proxy."""

from django.conf import settings


def klientadress(request) -> str | None:
    """Adressen som ska loggas och låsas på.

    X-Forwarded-For kan sättas av vem som helst; bara de sista BETRODDA_PROXYER posterna är skrivna av
    våra egna proxyer. Klienten är posten strax till vänster om dem.
    """
    remote = request.META.get("REMOTE_ADDR")
    antal = settings.BETRODDA_PROXYER
    if antal <= 0:
        return remote
    kedja = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
    if len(kedja) < antal:
        return remote
    return kedja[-antal]
