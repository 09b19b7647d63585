"""Samma låsning (kvalitet.samtidighet) på varje post två personer redigerar: utan version eller med en
gammal version sparas ingenting, det inskrivna står kvar och meddelandet säger vem och när."""

import re
import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from kvalitet.models import Insats
from kvalitet.samtidighet import Krock
from lexsarah import services as lexsarah_services
from tests.avvikelser.test_avvikelser import _rapportera
from tests.factories import RollFactory, UserFactory
from tests.lexsarah.factories import RapportFactory
from tests.rapporter.factories import (
    ForbattringsatgardFactory,
    KontrollplanFactory,
    KontrollpunktFactory,
    KvalitetsberattelseFactory,
)
from tests.riskanalys.factories import RiskanalysFactory, RiskFactory
from tests.uppfoljning.factories import arende
from uppfoljning.models import EjVerkstalltBeslut

MEDDELANDE = "Dina ändringar är inte sparade"


def _klient(user) -> Client:
    klient = Client()
    klient.force_login(user)
    return klient


def _version(html: str) -> str:
    return re.search(r'name="version" value="(\d+)"', html).group(1)


@pytest.fixture
def karin(org):
    """En andra kvalitetssamordnare (utredare) i N1."""
    user = UserFactory(username="karin", first_name="Karin", last_name="Kvist")
    RollFactory(anvandare=user, roll="kvalitetssamordnare", nod=org.n1)
    return user


# --- lex Sarah: utredningen och bedömningen ------------------------------------------------------------


def test_second_investigator_saving_a_stale_utredning_saves_nothing_and_keeps_the_text(org, cast, karin):
    rapport = lexsarah_services.rapport_lamna(rapport=RapportFactory.build(enhet=org.e1), av=cast.pia)
    detalj = reverse("lexsarah:detalj", args=[rapport.pk])
    url = reverse("lexsarah:utredning", args=[rapport.pk])
    kim, karins = _klient(cast.kim), _klient(karin)
    v_kim, v_karin = _version(kim.get(detalj).content.decode()), _version(karins.get(detalj).content.decode())

    assert kim.post(url, {"forlopp": "Kims förlopp", "version": v_kim}).status_code == 302
    svar = karins.post(url, {"forlopp": "Karins förlopp", "version": v_karin})
    html = svar.content.decode()
    assert svar.status_code == 400
    assert MEDDELANDE in html and "Utredningen har ändrats av Kim" in html
    assert "Karins förlopp" in html  # det hon skrev
    assert "Kims förlopp" in html  # och det sparade, att jämföra med
    rapport.refresh_from_db()
    assert rapport.forlopp == "Kims förlopp" and rapport.version == 1
    assert _version(html) == "1"  # nästa spara är ett medvetet val


def test_utredning_posted_without_version_saves_nothing(org, cast):
    rapport = lexsarah_services.rapport_lamna(rapport=RapportFactory.build(enhet=org.e1), av=cast.pia)
    svar = _klient(cast.kim).post(
        reverse("lexsarah:utredning", args=[rapport.pk]), {"forlopp": "Utan version"}
    )
    assert svar.status_code == 400 and MEDDELANDE in svar.content.decode()
    assert "Utan version" in svar.content.decode()
    rapport.refresh_from_db()
    assert rapport.forlopp == "" and rapport.status == "rapport"


def test_stale_assessment_is_refused(org, cast, karin):
    rapport = lexsarah_services.rapport_lamna(rapport=RapportFactory.build(enhet=org.e1), av=cast.pia)
    lexsarah_services.utredning_spara(
        rapport=rapport, av=cast.kim, version=0, forlopp="F", orsaker="O", enskildes_syn="S"
    )
    bedomning = {"konsekvens": "2", "sannolikhet": "2", "beslut": "ej", "motivering": "Ingen skada."}
    url = reverse("lexsarah:bedomning", args=[rapport.pk])
    assert _klient(cast.kim).post(url, {**bedomning, "version": "1"}).status_code == 302
    svar = _klient(karin).post(url, {**bedomning, "motivering": "Karins motivering", "version": "1"})
    assert svar.status_code == 400 and "Bedömningen har ändrats av Kim" in svar.content.decode()
    rapport.refresh_from_db()
    assert rapport.motivering == "Ingen skada." and rapport.beslutad_av == cast.kim


# --- avvikelsens utredning: versionen kan inte utelämnas -------------------------------------------------


def test_deviation_investigation_without_version_saves_nothing(org, cast):
    a = _rapportera(cast.pia, org.e1)
    svar = _klient(cast.erik).post(
        reverse("avvikelser:utred", args=[a.pk]),
        {"slutsats": "Utan version", "konsekvens": "", "sannolikhet": ""},
    )
    assert svar.status_code == 400 and MEDDELANDE in svar.content.decode()
    assert "Utan version" in svar.content.decode()
    a.refresh_from_db()
    assert a.slutsats == "" and a.version == 0


# --- riskanalysen, kvalitetsberättelsen, uppföljningsärendet, ej verkställt beslut ------------------------


def test_stale_risk_analysis_edit_saves_nothing_and_keeps_input(org, cast):
    analys = RiskanalysFactory(nod=org.e1, skapad_av=cast.erik, titel="Sommarstängning")
    url = reverse("riskanalys:redigera", args=[analys.pk])
    erik, vera = _klient(cast.erik), _klient(cast.vera)
    v_erik, v_vera = _version(erik.get(url).content.decode()), _version(vera.get(url).content.decode())
    data = {"nod": org.e1.pk, "forandring": "Stängt i juli.", "datum": "2026-03-01"}
    assert erik.post(url, {**data, "titel": "Eriks titel", "version": v_erik}).status_code == 302
    svar = vera.post(url, {**data, "titel": "Veras titel", "version": v_vera})
    html = svar.content.decode()
    assert svar.status_code == 400 and "Analysen har ändrats av Erik" in html
    assert "Veras titel" in html and "Eriks titel" in html
    analys.refresh_from_db()
    assert analys.titel == "Eriks titel" and analys.andringsnummer == 1


def test_stale_risk_edit_in_the_editor_saves_nothing(org, cast):
    risk = RiskFactory(analys=RiskanalysFactory(nod=org.e1), beskrivning="Fall i trappan")
    url = reverse("riskanalys:risk", args=[risk.pk])
    p = f"r{risk.pk}"
    data = {f"{p}-konsekvens": "3", f"{p}-sannolikhet": "2", f"{p}-version": "0"}
    erik, vera = _klient(cast.erik), _klient(cast.vera)
    assert erik.post(url, {**data, f"{p}-beskrivning": "Eriks risk"}).status_code == 302
    svar = vera.post(url, {**data, f"{p}-beskrivning": "Veras risk"}, HTTP_HX_REQUEST="true")
    html = svar.content.decode()
    assert "Risken har ändrats av Erik" in html and MEDDELANDE in html
    assert "Veras risk" in html and "Eriks risk" in html
    risk.refresh_from_db()
    assert risk.beskrivning == "Eriks risk" and risk.version == 1


def test_stale_quality_report_text_saves_nothing(org, cast, karin):
    b = KvalitetsberattelseFactory(nod=org.n1, ar=2025, skapad_av=cast.kim)
    url = reverse("rapporter:text", args=[b.pk, "bakgrund"])
    kim, karins = _klient(cast.kim), _klient(karin)
    v_kim, v_karin = _version(kim.get(url).content.decode()), _version(karins.get(url).content.decode())
    assert kim.post(url, {"text": "<p>Kims text</p>", "version": v_kim}).status_code == 302
    svar = karins.post(url, {"text": "<p>Karins text</p>", "version": v_karin})
    html = svar.content.decode()
    assert svar.status_code == 400 and "Berättelsen har ändrats av Kim" in html
    assert "Karins text" in html
    b.refresh_from_db()
    assert b.texter["bakgrund"] == "<p>Kims text</p>" and b.version == 1


def test_stale_follow_up_case_assessment_saves_nothing(org, cast, brukare):
    a = arende(brukare.b1)
    url = reverse("uppfoljning:arende_bedom", args=[a.pk])
    detalj = reverse("uppfoljning:arende", args=[a.pk])
    hanna, kim = _klient(cast.hanna), _klient(cast.kim)
    v_hanna, v_kim = _version(hanna.get(detalj).content.decode()), _version(kim.get(detalj).content.decode())
    assert hanna.post(url, {"behov": "Hannas bedömning", "version": v_hanna}).status_code == 302
    svar = kim.post(url, {"behov": "Kims bedömning", "version": v_kim})
    html = svar.content.decode()
    assert svar.status_code == 400 and "Ärendet har ändrats av Hanna" in html
    assert "Kims bedömning" in html and "Hannas bedömning" in html
    a.refresh_from_db()
    assert a.behov == "Hannas bedömning" and a.version == 1


def test_stale_decision_documentation_saves_nothing(org, cast, brukare):
    insats = Insats.objects.filter(brukare=brukare.b1).first()
    beslut = EjVerkstalltBeslut.objects.create(
        insats=insats, fran=insats.beslutsdatum, brukare=brukare.b1, namnd=org.n1, lag="SoL", pseudonym="x"
    )
    url = reverse("uppfoljning:beslut", args=[beslut.pk])
    hanna, kim = _klient(cast.hanna), _klient(cast.kim)
    v_hanna, v_kim = _version(hanna.get(url).content.decode()), _version(kim.get(url).content.decode())
    assert hanna.post(url, {"orsak": "Hannas orsak", "version": v_hanna}).status_code == 302
    svar = kim.post(url, {"orsak": "Kims orsak", "version": v_kim})
    html = svar.content.decode()
    assert svar.status_code == 400 and "Dokumentationen har ändrats av Hanna" in html
    assert "Kims orsak" in html and "Hannas orsak" in html
    beslut.refresh_from_db()
    assert beslut.orsak == "Hannas orsak" and beslut.version == 1


def test_stale_control_point_and_improvement_saves_nothing(org, cast, karin):
    punkt = KontrollpunktFactory(plan=KontrollplanFactory(nod=org.n1))
    forbattring = ForbattringsatgardFactory(nod=org.n1)
    fall = [
        (
            reverse("kvalitetsarbete:kontrollpunkt", args=[punkt.pk]),
            {"aktivitet": "Journalgranskning", "ansvarig": "MAS", "nar": "Oktober"},
            "iakttagelser",
            "Kontrollpunkten",
        ),
        (
            reverse("kvalitetsarbete:forbattring", args=[forbattring.pk]),
            {
                "nod": org.n1.pk,
                "ar": "2025",
                "omrade": "Avvikelser",
                "ansvarig": "KS",
                "uppfoljning": "Kvartal",
            },
            "atgard",
            "Förbättringen",
        ),
    ]
    kim, karins = _klient(cast.kim), _klient(karin)
    for url, data, falt, vad in fall:
        v_kim, v_karin = _version(kim.get(url).content.decode()), _version(karins.get(url).content.decode())
        assert kim.post(url, {**data, falt: "Kims text", "version": v_kim}).status_code == 302
        svar = karins.post(url, {**data, falt: "Karins text", "version": v_karin})
        html = svar.content.decode()
        assert svar.status_code == 400 and f"{vad} har ändrats av Kim" in html
        assert "Karins text" in html and "Kims text" in html
    punkt.refresh_from_db()
    forbattring.refresh_from_db()
    assert (punkt.iakttagelser, forbattring.atgard) == ("Kims text", "Kims text")


# --- två samtidiga sparningar av samma version: bara en går igenom ---------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_saves_of_the_same_version_cannot_both_pass(postgres, org, cast, karin):
    rapport = lexsarah_services.rapport_lamna(rapport=RapportFactory.build(enhet=org.e1), av=cast.pia)
    start = threading.Barrier(2)
    utfall = {}

    def spara(user, text):
        try:
            start.wait(timeout=10)
            lexsarah_services.utredning_spara(rapport=rapport, av=user, version=0, forlopp=text)
            utfall[text] = "sparad"
        except Krock:
            utfall[text] = "krock"
        finally:
            connection.close()

    tradar = [threading.Thread(target=spara, args=a) for a in ((cast.kim, "Kim"), (karin, "Karin"))]
    for t in tradar:
        t.start()
    for t in tradar:
        t.join(timeout=30)
    assert sorted(utfall.values()) == ["krock", "sparad"]
    rapport.refresh_from_db()
    vinnare = next(text for text, u in utfall.items() if u == "sparad")
    assert rapport.forlopp == vinnare and rapport.version == 1
