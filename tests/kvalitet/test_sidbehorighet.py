"""Namngivna sidbehörigheter (kvalitet.access.SIDOR) och hur ett nekande ser ut.

Tabellen nedan är skriven för hand ur rolltabellen, inte läst ur access.SIDOR, så att en ändrad roll i
tabellen syns här. Nekandet: en sida rollen inte får använda ger den svenska 403-sidan; en post utanför
scope ger 404 (samma som om den inte fanns).
"""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.template import Context, Template

from kvalitet import access
from tests.riskanalys.factories import RiskanalysFactory
from tests.uppfoljning.factories import ForandringFactory

# namn -> användare i `cast` som får sidan; alla andra i ROLLER får den inte.
ROLLER = ["pia", "erik", "vera", "hanna", "kim", "lars", "ada", "utan"]
FORVANTAT = {
    "avvikelser.ko": {"erik", "vera", "kim"},
    "avvikelser.rapportera": {"pia", "erik", "vera", "kim"},
    "avvikelser.statistik": {"erik", "vera", "kim", "lars"},
    "avvikelser.affisch": {"erik", "vera", "kim"},
    "lexsarah.rapportera": {"pia", "erik", "vera", "hanna", "kim"},
    "avvikelser.namnder": {"kim", "lars"},
    "lexsarah.arenden": {"erik", "vera", "kim"},
    "lexsarah.register": {"erik", "vera", "kim", "lars"},
    "riskanalys.anvanda": {"erik", "vera", "kim"},
    "uppfoljning.mina_arenden": {"hanna"},
    "uppfoljning.oversikt": {"kim", "lars"},
    "uppfoljning.lasa": {"hanna", "kim", "vera"},
    "uppfoljning.registrera_forandring": {"hanna", "kim"},
    "uppfoljning.nytt_arende": {"hanna", "kim"},
    "uppfoljning.registrera_avbrott": {"hanna", "kim"},
    "uppfoljning.individrapporter": {"hanna", "kim"},
    "uppfoljning.personer": {"hanna", "kim"},
    "kvalitet.brukare": {"erik", "vera", "hanna", "kim"},
    "kvalitet.ny_brukare": {"hanna", "kim"},
    "kvalitet.loggkontroll": {"kim"},
    "kvalitet.atgardsregister": {"erik", "vera", "hanna", "kim"},
    "kvalitet.sok": {"pia", "erik", "vera", "hanna", "kim"},
    "kvalitetsarbete.andra": {"kim"},
    "kvalitetsarbete.kolada": {"kim", "ada"},
    "rapporter.lasa": {"kim", "lars"},
    "rapporter.samlad_analys": {"erik", "vera", "kim", "lars", "ada"},
    "kvalitet.administration": {"ada"},
}


def test_tabellen_har_varje_sida():
    assert set(FORVANTAT) == set(access.SIDOR)


@pytest.mark.parametrize("namn", sorted(FORVANTAT))
@pytest.mark.parametrize("roll", ROLLER)
def test_sidbehorighet_per_roll(cast, namn, roll):
    assert access.kan_sida(getattr(cast, roll), namn) is (roll in FORVANTAT[namn])


def test_okant_namn_ar_ett_fel(cast):
    with pytest.raises(ImproperlyConfigured):
        access.kan_sida(cast.kim, "uppfoljning.registrera_forandrng")
    with pytest.raises(ImproperlyConfigured):
        access.sida("finns.inte")


def test_nod_begransar_till_rollens_del(cast, org):
    # Erik är enhetschef vid E1: riskanalyser vid E1, inte vid E3 eller i nämnd N2.
    assert access.kan_sida(cast.erik, "riskanalys.anvanda", org.e1)
    assert not access.kan_sida(cast.erik, "riskanalys.anvanda", org.e3)
    assert access.kan_sida(cast.kim, "riskanalys.anvanda", org.e3.pk)
    assert not access.kan_sida(cast.kim, "riskanalys.anvanda", org.e4)


def test_utgangen_roll_ger_ingen_sida(utgangen):
    assert not access.kan_sida(utgangen, "avvikelser.ko")


def test_mallen_fragar_samma_sak(cast, rf):
    mall = Template(
        '{% load kvalitet_tags %}{% if user|kan_sida:"uppfoljning.registrera_forandring" %}ja{% endif %}'
    )
    assert mall.render(Context({"user": cast.hanna})) == "ja"
    assert mall.render(Context({"user": cast.vera})) == ""


SIDOR_MED_KRAV = [
    ("/uppfoljning/forandringar/ny/", "vera"),
    ("/uppfoljning/arenden/ny/", "vera"),
    ("/uppfoljning/ej-verkstallda/avbrott/", "vera"),
    ("/brukare/ny/", "erik"),
    ("/loggkontroll/", "hanna"),
    ("/sok/", "lars"),
    ("/riskanalys/", "hanna"),
    ("/riskanalys/ny/", "pia"),
    ("/riskanalys/mallar/", "lars"),
    ("/lexsarah/register/", "pia"),
    ("/lexsarah/register/export/", "hanna"),
    ("/kvalitetsarbete/mal/ny/", "erik"),
    ("/kvalitetsarbete/kolada/", "vera"),
]


@pytest.mark.parametrize(("sokvag", "roll"), SIDOR_MED_KRAV)
def test_sida_rollen_inte_far_anvanda_ger_svensk_403(client, cast, sokvag, roll):
    client.force_login(getattr(cast, roll))
    svar = client.get(sokvag)
    assert svar.status_code == 403
    text = svar.content.decode()
    assert 'lang="sv"' in text and "behörighet" in text.lower()


def test_individrapporter_utan_behorighet_ger_403(client, cast):
    client.force_login(cast.vera)
    assert client.post("/uppfoljning/ej-verkstallda/individrapporter/", {}).status_code == 403


def test_post_utanfor_scope_ger_404_inte_403(client, cast, org):
    """Samma roll, post i en annan nämnd: 404, som om den inte fanns (existensen röjs inte)."""
    annan = RiskanalysFactory(nod=org.n2, skapad_av=cast.sofia)
    forandring = ForandringFactory(nod=org.n2, skapad_av=cast.sofia)
    client.force_login(cast.kim)
    assert client.get(f"/riskanalys/{annan.pk}/").status_code == 404
    assert client.get("/riskanalys/999999/").status_code == 404
    assert client.get(f"/uppfoljning/forandringar/{forandring.pk}/").status_code == 404


def test_knapparna_syns_bara_for_den_som_far(client, cast):
    client.force_login(cast.vera)
    assert "Registrera förändring" not in client.get("/uppfoljning/forandringar/").content.decode()
    ej = client.get("/uppfoljning/ej-verkstallda/").content.decode()
    assert "Registrera avbrott" not in ej and "Skapa individrapporter" not in ej
    assert "Nytt ärende" not in client.get("/uppfoljning/mina/").content.decode()
    client.force_login(cast.hanna)
    assert "Registrera förändring" in client.get("/uppfoljning/forandringar/").content.decode()
    ej = client.get("/uppfoljning/ej-verkstallda/").content.decode()
    assert "Registrera avbrott" in ej and "Skapa individrapporter" in ej
    assert "Nytt ärende" in client.get("/uppfoljning/mina/").content.decode()


@pytest.mark.parametrize(
    ("roll", "ser", "ser_inte"),
    [
        (
            "pia",
            ["/avvikelser/rapportera/", "/lexsarah/rapportera/", "/avvikelser/mina/", "/lexsarah/mina/"],
            ["/riskanalys/", "/uppfoljning/", "/brukare/", "/rapporter/"],
        ),
        (
            "vera",
            ["/avvikelser/", "/riskanalys/", "/uppfoljning/", "/brukare/"],
            ["/rapporter/", "/loggkontroll/"],
        ),
        (
            "lars",
            ["/avvikelser/statistik/", "/rapporter/", "/lexsarah/register/", "/uppfoljning/tackning/"],
            ["/riskanalys/", "/brukare/", "/loggkontroll/", "/lexsarah/rapportera/"],
        ),
        ("hanna", ["/lexsarah/rapportera/", "/uppfoljning/", "/brukare/"], ["/avvikelser/rapportera/"]),
        ("ada", ["/admin/"], ["/avvikelser/", "/brukare/", "/riskanalys/"]),
    ],
)
def test_menyn_foljer_tabellen(client, cast, roll, ser, ser_inte):
    client.force_login(getattr(cast, roll))
    text = client.get("/organisation/").content.decode()
    for sokvag in ser:
        assert f'href="{sokvag}"' in text, sokvag
    for sokvag in ser_inte:
        assert f'href="{sokvag}"' not in text, sokvag
