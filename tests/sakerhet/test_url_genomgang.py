"""Går igenom varje URL-mönster som varje roll och som anonym, med id:n till poster utanför rollens del,
och kontrollerar att inget läcker (status och innehåll) och att inget skrivs.

Hemliga poster skapas i nämnd N2 med markörtext. Ingen i N1 (eller utan roll) får någonsin se markören,
och en POST med N2-id:n får inte ändra någon rad. Appar lägger till sina N2-poster i `hemligt` nedan.
"""

import importlib
import re

import pytest
from django.apps import apps
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.factories import BrukareFactory, InsatsFactory

MARKOR = "Hemlighetsmarkör"
# /metrics kräver en bärartoken i stället för inloggning (tests/kvalitet/test_metrik.py).
OPPNA = ("login/", "logout/", "health/", "oppen/", "oidc/", "tvafaktor/", "metrics")
# Tabeller som får ändras av ett anrop utan att något "skrivits" i sak.
BRUS = {
    "kvalitet.atkomstlogg",
    "sessions.session",
    "axes.accessattempt",
    "axes.accessfailurelog",
    "axes.accesslog",
    "otp_totp.totpdevice",
    "django_celery_beat.periodictask",
    "django_celery_beat.periodictasks",
    "django_celery_beat.intervalschedule",
    "django_celery_beat.crontabschedule",
    "django_celery_beat.solarschedule",
    "django_celery_beat.clockedschedule",
}


def _monster(resolver=None, prefix=""):
    """(sökväg med <param>, namn) för varje mönster i projektet, utom admin och statiska filer."""
    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        rad = prefix + str(p.pattern)
        if rad.startswith(("admin/", "static/", "api/schema", "api/docs")):
            continue
        if isinstance(p, URLResolver):
            yield from _monster(p, rad)
        elif isinstance(p, URLPattern):
            yield rad.lstrip("^").rstrip("$")


def _fyll(monster: str, varde) -> str | None:
    """Sökvägen med int-parametrar satta till `varde` och str/slug till "x"; None för andra omvandlare."""
    ersattningar = {"int": str(varde), "str": "x", "slug": "x"}
    parametrar = re.findall(r"<(?:(\w+):)?\w+>", monster)
    if any((konv or "str") not in ersattningar for konv in parametrar):
        return None
    return "/" + re.sub(r"<(?:(\w+):)?\w+>", lambda m: ersattningar[m.group(1) or "str"], monster)


def _radantal():
    return {
        m._meta.label_lower: m._default_manager.count()
        for m in apps.get_models()
        if m._meta.label_lower not in BRUS and not m._meta.proxy
    }


# Varje app lägger sina N2-poster i tests/<app>/hemligt.py: `skapa(org, cast, brukare, markor) -> set[int]`.
APPAR = ("avvikelser", "lexsarah", "riskanalys", "uppfoljning", "rapporter", "api")


def _skapa_i_n2(org, cast, markor: str) -> set[int]:
    b = BrukareFactory(namnd=org.n2, handlaggare=cast.hugo, fornamn=markor[:100], efternamn=markor[:100])
    i = InsatsFactory(brukare=b, enhet=org.e4)
    ids = {b.pk, i.pk}
    for app in APPAR:
        try:
            modul = importlib.import_module(f"tests.{app}.hemligt")
        except ModuleNotFoundError:
            continue
        ids |= set(modul.skapa(org, cast, b, markor))
    return ids


@pytest.fixture
def hemligt(org, cast):
    """Poster i N2 som bara hugo (handläggare N2) och sofia (kvalitetssamordnare N2) får se."""
    return _skapa_i_n2(org, cast, MARKOR)


@pytest.mark.parametrize("namn", ["pia", "erik", "elsa", "vera", "hanna", "kim", "lars", "ada", "utan"])
def test_no_url_shows_or_changes_another_committees_data(namn, cast, brukare, hemligt):
    klient = Client()
    klient.force_login(getattr(cast, namn))
    fore = _radantal()
    provade = 0
    for monster in _monster():
        for pk in sorted(hemligt) if "<" in monster else [None]:
            sokvag = _fyll(monster, pk)
            if sokvag is None:
                continue
            for metod in (klient.get, klient.post):
                svar = metod(sokvag)
                provade += 1
                assert svar.status_code < 500, f"{metod.__name__.upper()} {sokvag} gav {svar.status_code}"
                innehall = b"".join(svar.streaming_content) if svar.streaming else svar.content
                assert MARKOR.encode() not in innehall, f"{sokvag} visar N2:s data för {namn}"
    assert provade > 20
    assert _radantal() == fore, "ett anrop utanför rollens del skrev något"


def test_anonymous_is_sent_to_login_everywhere_except_open_pages(db, hemligt):
    klient = Client()
    for monster in _monster():
        sokvag = _fyll(monster, next(iter(hemligt)))
        if sokvag is None or sokvag.lstrip("/").startswith(OPPNA):
            continue
        svar = klient.get(sokvag)
        if sokvag.startswith("/api/"):
            assert svar.status_code in (401, 403), sokvag
        else:
            assert svar.status_code == 302 and svar.url.startswith("/login/"), sokvag
        assert MARKOR.encode() not in svar.content


def test_the_committee_itself_does_see_the_marker(cast, brukare, hemligt, logga_in):
    # Kontroll av att markören går att se för rätt roll, så att testet ovan kan fallera.
    from django.urls import reverse

    html = logga_in(cast.hugo).get(reverse("kvalitet:brukare_lista")).content.decode()
    assert MARKOR in html


XSS = "<script>alert('x')</script><img src=x onerror=alert(1)>"


@pytest.mark.parametrize("namn", ["hugo", "sofia"])
def test_xss_payload_in_every_text_field_renders_inert_everywhere(namn, org, cast):
    # Samma poster som ovan, med en skriptnyttolast i varje textfält, visade för dem som får se dem.
    ids = _skapa_i_n2(org, cast, XSS)
    klient = Client()
    klient.force_login(getattr(cast, namn))
    visade = 0
    for monster in _monster():
        for pk in sorted(ids) if "<" in monster else [None]:
            sokvag = _fyll(monster, pk)
            if sokvag is None:
                continue
            svar = klient.get(sokvag)
            assert svar.status_code < 500, sokvag
            innehall = (b"".join(svar.streaming_content) if svar.streaming else svar.content).decode(
                errors="replace"
            )
            if "html" not in svar.get("Content-Type", ""):
                continue
            assert "<script>alert('x')" not in innehall and "<img src=x onerror" not in innehall, sokvag
            visade += "&lt;script&gt;alert(" in innehall
    assert visade >= 2, "nyttolasten visades inte någonstans, så testet prövade ingenting"


def test_every_post_without_csrf_token_is_refused(cast, brukare, hemligt):
    klient = Client(enforce_csrf_checks=True)
    klient.force_login(cast.hugo)
    fore = _radantal()
    for monster in _monster():
        for pk in sorted(hemligt) if "<" in monster else [None]:
            sokvag = _fyll(monster, pk)
            if sokvag is None:
                continue
            svar = klient.post(sokvag, {"namn": "x", "text": "x"})
            assert svar.status_code in (403, 405), f"POST {sokvag} utan CSRF-token gav {svar.status_code}"
    assert _radantal() == fore
