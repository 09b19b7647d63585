"""Säkerhetshuvuden på varje svar och CSRF på ändrande anrop."""

from django.test import Client
from django.urls import reverse


def test_security_headers_are_set(cast, logga_in):
    svar = logga_in(cast.kim).get(reverse("kvalitet:start"))
    csp = svar.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert svar.headers["X-Frame-Options"] == "DENY"
    assert svar.headers["Referrer-Policy"] == "same-origin"
    assert svar.headers["X-Content-Type-Options"] == "nosniff"


def test_pages_have_no_inline_script(cast, brukare, logga_in):
    klient = logga_in(cast.hanna)
    for url in (
        reverse("kvalitet:start"),
        reverse("kvalitet:brukare_lista"),
        reverse("kvalitet:brukare", args=[brukare.b1.pk]),
    ):
        html = klient.get(url).content.decode()
        for bit in html.split("<script")[1:]:
            assert bit.lstrip().startswith("src="), f"inline-skript på {url}"
        assert " onclick=" not in html and " onload=" not in html


def test_state_changing_post_without_csrf_token_is_refused(cast, brukare):
    from kvalitet import services

    notis = services.notifikation_skapa(nyckel="a", mottagare=cast.erik, rubrik="x")
    klient = Client(enforce_csrf_checks=True)
    klient.force_login(cast.erik)
    assert klient.post(reverse("kvalitet:notifikation_last", args=[notis.pk])).status_code == 403
    notis.refresh_from_db()
    assert notis.last is None


def test_user_text_is_escaped(cast, org, logga_in):
    from tests.factories import BrukareFactory, InsatsFactory

    b = BrukareFactory(
        namnd=org.n1, fornamn="<script>alert(1)</script>", efternamn="<img src=x onerror=alert(1)>"
    )
    InsatsFactory(brukare=b, enhet=org.e1)
    html = logga_in(cast.kim).get(reverse("kvalitet:brukare", args=[b.pk])).content.decode()
    assert "<script>alert(1)</script>" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_database_outage_gives_clean_503_in_swedish_without_touching_the_database(rf):
    # Ingen db-fixtur: pytest-django stoppar varje databasanrop, så felsidan bevisat klarar sig utan databasen.
    from django.db import OperationalError

    from kvalitet.views_fel import serverfel

    try:
        raise OperationalError("connection to server at 127.0.0.1 failed")
    except OperationalError:
        svar = serverfel(rf.get("/avvikelser/"))
    assert svar.status_code == 503 and svar["Retry-After"] == "30"
    assert "tillfälligt otillgänglig" in svar.content.decode()
    try:
        raise ValueError("annat fel")
    except ValueError:
        assert serverfel(rf.get("/")).status_code == 500
