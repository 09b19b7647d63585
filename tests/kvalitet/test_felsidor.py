"""Svenska felsidor (400, 403, 404, 500 och CSRF) med och utan DEBUG.

Demon kör med DEBUG på; där visade Django förut sin engelska tekniska 404-sida. Varje fall prövas i båda
lägena, och ett test visar att de tekniska sidorna finns kvar bakom TEKNISKA_FELSIDOR (så att testerna
verkligen skiljer på dem).
"""

import logging

import pytest
from django.test import Client

from tests.riskanalys.factories import RiskanalysFactory

pytestmark = pytest.mark.urls("tests.kvalitet.felsidor_urls")

ENGELSKA = (
    "Page not found",
    "Using the URLconf",
    "Traceback",
    "Server Error",
    "Bad Request",
    "CSRF verification",
)


@pytest.fixture(params=[False, True], ids=["utan-debug", "med-debug"])
def debug(request, settings):
    settings.DEBUG = request.param
    settings.TEKNISKA_FELSIDOR = False
    return request.param


def _svensk(svar, status, rubrik):
    text = svar.content.decode()
    assert svar.status_code == status
    assert 'lang="sv"' in text
    assert rubrik in text
    for ord_ in ENGELSKA:
        assert ord_ not in text, ord_
    return text


def test_adress_som_inte_finns(debug, client, cast):
    client.force_login(cast.kim)
    text = _svensk(client.get("/finns-inte/alls/"), 404, "Sidan finns inte")
    assert (
        "Kvalitetssamordnare" in text or "Loggkontroll" in text
    )  # sidan har menyn: användaren kan gå vidare


def test_post_utanfor_scope(debug, client, cast, org):
    annan = RiskanalysFactory(nod=org.n2, skapad_av=cast.sofia)
    client.force_login(cast.kim)
    _svensk(client.get(f"/riskanalys/{annan.pk}/"), 404, "Sidan finns inte")


def test_sida_rollen_inte_far(debug, client, cast):
    client.force_login(cast.vera)
    _svensk(client.get("/uppfoljning/forandringar/ny/"), 403, "Ingen behörighet")


def test_serverfel(debug, cast, caplog):
    klient = Client(raise_request_exception=False)
    klient.force_login(cast.kim)
    with caplog.at_level(logging.ERROR, logger="django.request"):
        _svensk(klient.get("/test-fel/500/"), 500, "Något gick fel")
    # Felet försvinner inte: det loggas med undantaget, i båda lägena.
    assert any(r.exc_info and "Avsiktligt fel" in str(r.exc_info[1]) for r in caplog.records)


def test_felaktig_begaran(debug, client, cast):
    client.force_login(cast.kim)
    _svensk(client.get("/test-fel/400/"), 400, "Felaktig begäran")


def test_csrf_fel(debug, cast):
    klient = Client(enforce_csrf_checks=True)
    klient.force_login(cast.kim)
    _svensk(klient.post("/notifikationer/1/last/"), 403, "Formuläret kunde inte skickas")


def test_formularets_egen_400_byts_inte_ut(debug, client, cast):
    """Ett formulär med fel svarar 400 med formuläret kvar; felsidan får inte ersätta det."""
    client.force_login(cast.kim)
    svar = client.post("/kvalitetsarbete/mal/ny/", {"ar": "inte ett år"})
    assert svar.status_code == 400
    assert "Felaktig begäran" not in svar.content.decode()
    assert "<form" in svar.content.decode()


def test_api_404_forblir_json(debug, client, cast):
    client.force_login(cast.kim)
    svar = client.get("/api/v1/brukare/999999/")
    assert svar.status_code == 404
    assert "json" in svar["Content-Type"]


def test_tekniska_sidor_finns_bakom_installningen(settings, client, cast):
    settings.DEBUG = True
    settings.TEKNISKA_FELSIDOR = True
    client.force_login(cast.kim)
    text = client.get("/finns-inte/alls/").content.decode()
    assert "Using the URLconf" in text or "Page not found" in text


def test_for_manga_falt_ger_svensk_400_inte_500(debug, settings, cast):
    """En trasig begäran (fler fält än tillåtet) ska ge 400-sidan, som inte läser begäran igen."""
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
    klient = Client(raise_request_exception=False)
    klient.force_login(cast.kim)
    svar = klient.post("/kvalitetsarbete/mal/ny/", {f"f{i}": "x" for i in range(20)})
    _svensk(svar, 400, "Felaktig begäran")
