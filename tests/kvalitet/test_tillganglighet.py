"""Issue 19, de gemensamma delarna: menyn per roll med aria-current, ett statusmärke överallt, felsammanfattningen
och "Fel:" i titeln efter ett skickat formulär med fel, breda tabeller som namngivna rutor, favicon och admin på
svenska. Webbläsardelarna (en rad vid 1280 px, telefonmenyn, färgerna, 320 px, axe) i tests/e2e/test_meny.py."""

import pathlib
import re
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.contrib import admin
from django.template import Context, Template
from django.urls import resolve
from django.utils.text import capfirst

from avvikelser.models import AvvikelseStatus, KlagomalStatus
from kvalitet import access
from kvalitet.templatetags.kvalitet_tags import STATUS_TON
from lexsarah.models import Status as LexSarahStatus
from riskanalys.models import AnalysStatus, AtgardStatus
from tests.avvikelser.factories import AvvikelseFactory
from tests.riskanalys.factories import RiskanalysFactory
from tests.uppfoljning.factories import arende

ROT = pathlib.Path(__file__).resolve().parents[2]
ROLLER = ["pia", "erik", "vera", "hanna", "kim", "lars", "ada"]


class _Delar(HTMLParser):
    """Menyns länkar, elementen med aria-current och de rullbara tabellrutorna i en sida."""

    def __init__(self):
        super().__init__()
        self.i_meny = 0
        self.menylankar: list[str] = []
        self.aktuella: list[tuple[str, str]] = []
        self.rutor: list[dict] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"])
        if a.get("id") == "meny":
            self.i_meny = 1
        elif self.i_meny and tag == "div":
            self.i_meny += 1
        if self.i_meny and tag == "a":
            self.menylankar.append(a["href"])
        if a.get("aria-current"):
            self.aktuella.append((a.get("href", ""), a["aria-current"]))
        if tag == "div" and "table-responsive" in (a.get("class") or "").split():
            self.rutor.append(a)

    def handle_endtag(self, tag):
        if self.i_meny and tag == "div":
            self.i_meny -= 1


def _delar(svar) -> _Delar:
    d = _Delar()
    d.feed(svar.content.decode())
    return d


# --- menyn ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("roll", ROLLER)
def test_the_menu_only_links_to_pages_the_role_may_use(client, cast, roll):
    user = getattr(cast, roll)
    client.force_login(user)
    lankar = _delar(client.get("/organisation/")).menylankar
    assert lankar, roll
    for href in lankar:
        if href.startswith("/admin/"):
            assert access.kan_sida(user, "kvalitet.administration") and user.is_staff
            continue
        vy = resolve(href).func
        namn = getattr(vy, "_kvalitet_sida", None)
        assert namn is None or access.kan_sida(user, namn), (roll, href)


@pytest.mark.parametrize(
    ("roll", "ser", "ser_inte"),
    [
        ("hanna", ["/lexsarah/rapportera/", "/lexsarah/mina/", "/uppfoljning/"], ["/avvikelser/rapportera/"]),
        (
            "lars",
            ["/lexsarah/register/", "/uppfoljning/tackning/", "/avvikelser/namnder/", "/rapporter/"],
            ["/lexsarah/rapportera/", "/avvikelser/", "/uppfoljning/"],
        ),
        ("erik", ["/avvikelser/", "/avvikelser/tratt/", "/riskanalys/"], ["/avvikelser/namnder/"]),
        ("pia", ["/avvikelser/rapportera/", "/lexsarah/rapportera/"], ["/avvikelser/statistik/"]),
    ],
)
def test_each_role_reaches_its_pages_from_the_menu(client, cast, roll, ser, ser_inte):
    client.force_login(getattr(cast, roll))
    lankar = _delar(client.get("/organisation/")).menylankar
    for href in ser:
        assert href in lankar, (roll, href)
    for href in ser_inte:
        assert href not in lankar, (roll, href)


def test_the_current_menu_entry_has_aria_current(client, cast, org):
    client.force_login(cast.erik)
    assert ("/avvikelser/", "page") in _delar(client.get("/avvikelser/")).aktuella
    # På en detaljsida är listans post aktuell avdelning ("true"), inte sidan själv.
    a = AvvikelseFactory(enhet=org.e1, rapporterad_av=cast.pia)
    aktuella = _delar(client.get(f"/avvikelser/{a.pk}/")).aktuella
    assert ("/avvikelser/", "true") in aktuella
    assert not [x for x in aktuella if x[1] == "page"]
    assert ("/", "page") in _delar(client.get("/")).aktuella


def test_the_active_tab_has_aria_current(client, cast):
    client.force_login(cast.hanna)
    aktuella = _delar(client.get("/uppfoljning/forandringar/")).aktuella
    assert ("/uppfoljning/forandringar/", "page") in aktuella
    aktuella = _delar(client.get("/uppfoljning/ej-verkstallda/sammanstallning/")).aktuella
    assert ("/uppfoljning/ej-verkstallda/sammanstallning/", "page") in aktuella
    assert ("/uppfoljning/ej-verkstallda/", "true") not in aktuella


def test_the_menu_costs_no_queries_of_its_own(client, cast, django_assert_max_num_queries):
    # Sessionen, användaren, sidans noder, rollerna (en gång per begäran), notiserna och sessionens sparning
    # (tre frågor): menyns alla behörighetsfrågor läser rollerna som redan hämtats.
    client.force_login(cast.kim)
    client.get("/organisation/")
    with django_assert_max_num_queries(8):
        client.get("/organisation/")


# --- statusmärket ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("etikett", "val"),
    [
        ("avvikelser.avvikelse", AvvikelseStatus),
        ("avvikelser.klagomal", KlagomalStatus),
        ("lexsarah.rapport", LexSarahStatus),
        ("riskanalys.riskanalys", AnalysStatus),
        ("riskanalys.atgard", AtgardStatus),
    ],
)
def test_every_workflow_state_has_a_tone(etikett, val):
    assert set(STATUS_TON[etikett]) == set(val.values)
    modell = apps.get_model(etikett)
    for varde, text in val.choices:
        html = Template("{% load kvalitet_tags %}{% status_badge obj %}").render(
            Context({"obj": modell(status=varde)})
        )
        assert f'data-status="{varde}">{text}</span>' in html
        assert "kv-status-" in html


def test_the_badge_is_used_in_the_lists(client, cast, org):
    AvvikelseFactory(enhet=org.e1, rapporterad_av=cast.pia, status=AvvikelseStatus.UNDER_UTREDNING)
    RiskanalysFactory(nod=org.e1, skapad_av=cast.erik)
    client.force_login(cast.erik)
    ko = client.get("/avvikelser/").content.decode()
    assert (
        'class="badge kv-status kv-status-pagar" data-status="under_utredning">Under utredning</span>' in ko
    )
    lista = client.get("/riskanalys/").content.decode()
    assert 'kv-status-utkast" data-status="utkast">Utkast</span>' in lista


def test_the_case_officers_list_shows_what_is_missing_as_a_badge(client, cast, brukare):
    arende(brukare.b1)
    client.force_login(cast.hanna)
    text = client.get("/uppfoljning/mina/").content.decode()
    assert 'kv-status-pagar" data-status="saknas">Saknar kontakt' in text


# --- fel i formulär ----------------------------------------------------------------------------------------


def _titel(html: str) -> str:
    return re.search(r"<title>(.*?)</title>", html, re.S).group(1).strip()


@pytest.mark.parametrize(
    ("roll", "sokvag", "falt"),
    [
        ("pia", "/avvikelser/rapportera/", "beskrivning"),
        ("hanna", "/brukare/ny/", "fornamn"),
        ("erik", "/riskanalys/ny/", "titel"),
    ],
)
def test_an_invalid_post_gets_an_error_summary_and_fel_in_the_title(client, cast, roll, sokvag, falt):
    client.force_login(getattr(cast, roll))
    fore = client.get(sokvag).content.decode()
    assert not _titel(fore).startswith("Fel:")
    assert "data-felsammanfattning" not in fore
    # Ett tomt fält, inte en tom POST: vyerna gör `Form(request.POST or None)`, och en tom POST är obunden.
    svar = client.post(sokvag, {falt: ""})
    html = svar.content.decode()
    assert svar.status_code in (200, 400)
    assert _titel(html).startswith("Fel: ")
    sammanfattning = re.search(r"<div[^>]*data-felsammanfattning.*?</div>", html, re.S).group(0)
    assert 'role="alert"' in sammanfattning and 'tabindex="-1"' in sammanfattning
    ankare = re.findall(r'href="#([^"]+)"', sammanfattning)
    assert f"id_{falt}" in ankare
    # Varje länk i sammanfattningen leder till ett fält som finns på sidan.
    ids = _delar(svar).ids
    assert set(ankare) <= ids, set(ankare) - ids


# --- breda tabeller ----------------------------------------------------------------------------------------


def test_no_template_writes_a_scroll_box_by_hand():
    # Varje rullbar tabell går genom {% tabellruta %}, som ger rutan namn och tangentbordsfokus.
    for mall in ROT.glob("*/templates/**/*.html"):
        assert 'class="table-responsive' not in mall.read_text(), mall
    for mall in (ROT / "templates").glob("**/*.html"):
        assert 'class="table-responsive' not in mall.read_text(), mall


@pytest.mark.parametrize(
    ("roll", "sokvag"),
    [
        ("erik", "/avvikelser/"),
        ("kim", "/lexsarah/"),
        ("hanna", "/uppfoljning/ej-verkstallda/"),
        ("kim", "/brukare/"),
    ],
)
def test_wide_tables_are_named_focusable_regions(client, cast, org, roll, sokvag):
    AvvikelseFactory(enhet=org.e1, rapporterad_av=cast.pia)
    client.force_login(getattr(cast, roll))
    rutor = _delar(client.get(sokvag)).rutor
    assert rutor, sokvag
    for r in rutor:
        assert r.get("role") == "region" and r.get("tabindex") == "0" and r.get("aria-label"), r


# --- favicon och admin ---------------------------------------------------------------------------------


def test_favicon_is_linked_and_served(client):
    html = client.get("/login/").content.decode()
    assert 'rel="icon" href="/static/favicon.svg" type="image/svg+xml"' in html
    assert 'href="/static/favicon.png"' in html
    for fil, typ in [("favicon.svg", "image/svg+xml"), ("favicon.png", "image/png")]:
        svar = client.get(f"/static/{fil}")
        assert svar.status_code == 200 and svar["Content-Type"].startswith(typ)
        assert b"".join(svar.streaming_content if svar.streaming else [svar.content])


def test_admin_index_names_every_app_and_model_in_swedish(client, cast):
    cast.ada.is_superuser = True
    cast.ada.save()
    client.force_login(cast.ada)
    html = client.get("/admin/").content.decode()
    for engelska in ["Periodic Tasks", "periodic tasks", "Access attempts", "Auth tokens", "TOTP devices"]:
        assert engelska.lower() not in html.lower(), engelska
    for model in admin.site._registry:
        assert str(capfirst(model._meta.verbose_name_plural)) in html, model
    assert "Schemalagda uppgifter" in html and "Inloggningsförsök" in html
