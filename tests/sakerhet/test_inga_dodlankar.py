"""Inga återvändsgränder: varje länk och knapp en roll ser leder till något den får använda.

Per demoroll går testet från startsidan och menyn igenom varje sida det når (länkar, GET-formulär och
hx-get), hämtar varje adress och kräver att ingen ger 403 eller 404 (eller ett serverfel). Ett POST-formulär
skickas inte (det skulle ändra data); dess action ska finnas och, om vyn har en namngiven sidbehörighet
(`@access.sida`), ska användaren ha den. Data: markörorakelns poster i båda nämnderna
(tests/sakerhet/markorer.py), så att listorna har rader att klicka på.
"""

from collections import Counter, deque
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.test import Client
from django.urls import Resolver404, resolve

from kvalitet import access
from tests.sakerhet import markorer

ROLLER = ["pia", "erik", "vera", "hanna", "kim", "lars", "ada"]
# Utloggning avslutar genomgången; Django-admin och API:t har egna tester (och egna behörigheter).
HOPPA_OVER = ("/logout/", "/admin/", "/api/", "/static/", "/oidc/")
MAX_SIDOR = 600
MAX_PER_VY = 4  # olika adresser (id, filter) per vy räcker för att se att knapparna stämmer


class _Lankar(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hamta: list[str] = []  # adresser att hämta med GET
        self.post: list[str] = []  # POST-formulärens action

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.hamta.append(a["href"])
        if a.get("hx-get"):
            self.hamta.append(a["hx-get"])
        if a.get("hx-post"):
            self.post.append(a["hx-post"])
        if tag == "form":
            action = a.get("action") or ""
            if (a.get("method") or "get").lower() == "post":
                self.post.append(action)
            else:
                self.hamta.append(action)


def _intern(bas: str, lank: str) -> str | None:
    if lank.startswith(("mailto:", "tel:", "javascript:", "#")):
        return None
    delar = urlsplit(urljoin(bas, lank))
    if delar.netloc not in ("", "testserver"):
        return None
    adress = delar.path + (f"?{delar.query}" if delar.query else "")
    return None if delar.path.startswith(HOPPA_OVER) else adress


def genomga(klient: Client, user, start: str = "/"):
    """(döda: [(adress, status, hittad på)], nekade POST: [(action, hittad på)], antal sidor)."""
    ko, sett = deque([(start, "start")]), {start}
    per_vy: Counter = Counter()
    doda, nekade_post, antal = [], [], 0
    while ko and antal < MAX_SIDOR:
        adress, kalla = ko.popleft()
        try:
            match = resolve(urlsplit(adress).path)
        except Resolver404:
            doda.append((adress, 404, kalla))
            continue
        per_vy[match.view_name] += 1
        if per_vy[match.view_name] > MAX_PER_VY:
            continue
        svar = klient.get(adress)
        antal += 1
        if svar.status_code in (403, 404) or svar.status_code >= 500:
            doda.append((adress, svar.status_code, kalla))
            continue
        if svar.status_code in (301, 302):
            mal = _intern(adress, svar["Location"])
            if mal and mal not in sett and not mal.startswith("/login/"):
                sett.add(mal)
                ko.append((mal, adress))
            continue
        if "text/html" not in svar.get("Content-Type", ""):
            continue
        tolk = _Lankar()
        tolk.feed(svar.content.decode())
        for lank in tolk.hamta:
            mal = _intern(adress, lank)
            if mal and mal not in sett:
                sett.add(mal)
                ko.append((mal, adress))
        for action in tolk.post:
            mal = _intern(adress, action or adress)
            if mal is None or mal.startswith("/logout/"):
                continue
            try:
                vy = resolve(urlsplit(mal).path).func
            except Resolver404:
                nekade_post.append((mal, adress))
                continue
            namn = getattr(vy, "_kvalitet_sida", None)
            if namn and not access.kan_sida(user, namn):
                nekade_post.append((mal, adress))
    return doda, nekade_post, antal


@pytest.fixture
def data(org, cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return markorer.bygg(org, cast, pdf=False)


@pytest.mark.parametrize("roll", ROLLER)
def test_varje_synlig_lank_och_knapp_fungerar(roll, cast, data):
    user = getattr(cast, roll)
    klient = Client()
    klient.force_login(user)
    doda, nekade_post, antal = genomga(klient, user)
    print(roll, antal)
    assert antal >= 3, f"{roll}: genomgången nådde bara {antal} sidor"
    assert not doda, f"{roll}: döda länkar (adress, status, hittad på): {doda}"
    assert not nekade_post, f"{roll}: knappar till formulär rollen inte får använda: {nekade_post}"


def test_genomgangen_hittar_en_dod_knapp(cast, data, settings):
    """Testet av testet: verksamhetschefen fick förut "Registrera förändring" (som gav 404). Med knappen
    tillbaka i mallen utan villkor ska genomgången hitta den."""
    from django.template import engines

    mall = "uppfoljning/forandringar.html"
    kalla = engines["django"].engine.find_template(mall)[0].source
    utan_villkor = kalla.replace('{% if user|kan_sida:"uppfoljning.registrera_forandring" %}', "{% if 1 %}")
    assert utan_villkor != kalla
    settings.TEMPLATES = [
        {
            **settings.TEMPLATES[0],
            "APP_DIRS": False,
            "OPTIONS": {
                **settings.TEMPLATES[0].get("OPTIONS", {}),
                "loaders": [
                    ("django.template.loaders.locmem.Loader", {mall: utan_villkor}),
                    "django.template.loaders.filesystem.Loader",
                    "django.template.loaders.app_directories.Loader",
                ],
            },
        }
    ]
    klient = Client()
    klient.force_login(cast.vera)
    doda, _nekade, _antal = genomga(klient, cast.vera, "/uppfoljning/forandringar/")
    assert ("/uppfoljning/forandringar/ny/", 403, "/uppfoljning/forandringar/") in doda
