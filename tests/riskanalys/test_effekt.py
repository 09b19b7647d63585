"""Issue 18: riskanalysens åtgärder följs upp med effektbedömning, och analysen följs upp först när varje åtgärd
är genomförd och bedömd eller struken med motivering (samma regel som avvikelser, kvalitet.arende)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from riskanalys import services
from riskanalys.models import AnalysStatus, Atgard, AtgardStatus
from riskanalys.pdf import html as pdf_html
from tests.riskanalys.factories import AtgardFactory, RiskanalysFactory, RiskFactory

pytestmark = pytest.mark.django_db


def _faststalld(org, cast):
    analys = RiskanalysFactory(nod=org.e1, skapad_av=cast.erik)
    atgard = AtgardFactory(
        risk=RiskFactory(analys=analys),
        text="Dubbelbemanning kvällstid",
        ansvarig=cast.pia,
        klar_senast=timezone.localdate() + datetime.timedelta(days=30),
    )
    services.analys_faststall(analys=analys, av=cast.erik)
    return analys, atgard


def _folj_upp_atgard(klient, analys, atgard, **data):
    return klient.post(
        reverse("riskanalys:atgard_uppfoljning", args=[analys.pk]),
        {"atgard": atgard.pk, "version": str(Atgard.objects.get(pk=atgard.pk).version), **data},
    )


def test_follow_up_is_refused_while_an_action_is_open(org, cast, logga_in):
    analys, atgard = _faststalld(org, cast)
    with pytest.raises(ValidationError, match="”Dubbelbemanning kvällstid” är inte genomförd"):
        services.analys_folj_upp(analys=analys, av=cast.erik, utvardering="Bra")
    # Markerad klar i redigeringen men utan effektbedömning räcker inte heller.
    Atgard.objects.filter(pk=atgard.pk).update(status=AtgardStatus.KLAR)
    svar = logga_in(cast.erik).post(reverse("riskanalys:folj_upp", args=[analys.pk]), {"utvardering": "Bra"})
    assert svar.status_code == 400 and "är inte genomförd" in svar.content.decode()
    assert "Bra" in svar.content.decode()  # utvärderingen som skrevs står kvar
    analys.refresh_from_db()
    assert analys.status == AnalysStatus.FASTSTALLD


def test_follow_up_requires_the_effect(org, cast, logga_in):
    analys, atgard = _faststalld(org, cast)
    klient = logga_in(cast.erik)
    svar = _folj_upp_atgard(
        klient, analys, atgard, genomford=timezone.localdate().isoformat(), effekt="Lugnare"
    )
    assert svar.status_code == 400 and "Fick åtgärden avsedd effekt?" in svar.content.decode()
    assert Atgard.objects.get(pk=atgard.pk).genomford is None


def test_follow_up_is_allowed_after_done_and_evaluated(org, cast, logga_in):
    analys, atgard = _faststalld(org, cast)
    # Den ansvariga (personal, utan rätt att ändra analysen) följer upp sin egen åtgärd.
    svar = _folj_upp_atgard(
        logga_in(cast.pia),
        analys,
        atgard,
        genomford=timezone.localdate().isoformat(),
        effekt_bedomning="delvis",
        effekt="Färre incidenter, men inte på helger",
    )
    assert svar.status_code == 302
    atgard.refresh_from_db()
    assert (atgard.status, atgard.effekt_bedomning, atgard.resultat) == (
        AtgardStatus.KLAR,
        "delvis",
        "Färre incidenter, men inte på helger",
    )
    assert analys.handelser.filter(text__startswith="Åtgärd genomförd: Dubbelbemanning").exists()
    svar = logga_in(cast.erik).post(
        reverse("riskanalys:folj_upp", args=[analys.pk]), {"utvardering": "Delvis bättre"}
    )
    assert svar.status_code == 302
    analys.refresh_from_db()
    assert analys.status == AnalysStatus.UPPFOLJD


def test_follow_up_is_allowed_after_the_action_is_dropped_with_a_reason(org, cast):
    analys, atgard = _faststalld(org, cast)
    services.atgard_folj_upp(atgard=atgard, av=cast.erik, version=0, struken="Verksamheten lades ned")
    services.analys_folj_upp(analys=analys, av=cast.erik, utvardering="Inte aktuellt")
    analys.refresh_from_db()
    assert analys.status == AnalysStatus.UPPFOLJD


def test_actions_are_followed_up_only_in_an_approved_current_analysis(org, cast):
    utkast = RiskanalysFactory(nod=org.e1)
    atgard = AtgardFactory(risk=RiskFactory(analys=utkast))
    with pytest.raises(ValidationError, match="fastställd"):
        services.atgard_folj_upp(atgard=atgard, av=cast.erik, version=0, struken="x")
    analys, atgard = _faststalld(org, cast)
    services.atgard_folj_upp(atgard=atgard, av=cast.erik, version=0, struken="x")
    services.analys_folj_upp(analys=analys, av=cast.erik, utvardering="Klart")
    # Uppföljd: stängd (ändras genom en ny version).
    with pytest.raises(ValidationError):
        services.atgard_folj_upp(atgard=atgard, av=cast.erik, version=1, struken="igen")


def test_the_effect_is_shown_on_the_page_and_in_the_pdf(org, cast, logga_in, django_assert_max_num_queries):
    analys, atgard = _faststalld(org, cast)
    services.atgard_folj_upp(
        atgard=atgard,
        av=cast.pia,
        version=0,
        genomford=timezone.localdate(),
        effekt_bedomning="ja",
        effekt="Inga fall sedan april",
    )
    klient = logga_in(cast.erik)
    with django_assert_max_num_queries(40):
        sida = klient.get(reverse("riskanalys:detalj", args=[analys.pk])).content.decode()
    assert "Inga fall sedan april" in sida and "<strong>Ja</strong>" in sida
    html = pdf_html(analys, cast.erik)
    assert "Inga fall sedan april" in html and "Fick åtgärden avsedd effekt?" in html
