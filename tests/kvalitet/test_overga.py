"""Ärendekitets statusövergång (kvalitet.arende.overga): en funktion för alla ärenden som låser raden,
prövar arbetsflödets tabell, skriver status, historik och tidslinje tillsammans och köar sidoeffekter till
efter commit. Prövad på en avvikelse och ett klagomål (två olika modeller med samma kit)."""

import pytest
from django.core.exceptions import ValidationError

from avvikelser import services
from avvikelser.models import Avvikelse, AvvikelseStatus, Klagomal, KlagomalStatus
from kvalitet.arende import overga
from tests.avvikelser.factories import AvvikelseFactory, KlagomalFactory

pytestmark = pytest.mark.django_db
S = AvvikelseStatus


def test_overgangen_skriver_status_historik_och_tidslinje_tillsammans(org, cast):
    a = AvvikelseFactory(enhet=org.e1, rapporterad_av=cast.pia)
    a, fran = overga(a, till=S.UNDER_UTREDNING, tabell=services.OVERGANGAR, av=cast.erik, motivering="Börjar")
    assert fran == S.RAPPORTERAD
    assert Avvikelse.objects.get(pk=a.pk).status == S.UNDER_UTREDNING
    senaste = a.history.first()
    assert senaste.history_user == cast.erik and senaste.history_change_reason == "Börjar"
    handelse = a.handelser.order_by("-pk").first()
    assert (handelse.fran_status, handelse.till_status, handelse.av) == (
        S.RAPPORTERAD,
        S.UNDER_UTREDNING,
        cast.erik,
    )
    assert handelse.text == "Rapporterad → Under utredning: Börjar"


def test_en_overgang_utanfor_tabellen_eller_ett_villkor_som_stoppar_andrar_ingenting(org, cast):
    a = AvvikelseFactory(enhet=org.e1, rapporterad_av=cast.pia)
    handelser, historik = a.handelser.count(), a.history.count()
    with pytest.raises(ValidationError, match="Det går inte att gå från"):
        overga(a, till=S.AVSLUTAD, tabell=services.OVERGANGAR, av=cast.erik)

    def stopp(arende, fran):
        arende.slutsats = "skrivs aldrig"
        raise ValidationError("Villkoret stoppar.")

    with pytest.raises(ValidationError, match="Villkoret stoppar"):
        overga(a, till=S.UNDER_UTREDNING, tabell=services.OVERGANGAR, av=cast.erik, forbered=stopp)
    a.refresh_from_db()
    assert a.status == S.RAPPORTERAD and a.slutsats == ""
    assert (a.handelser.count(), a.history.count()) == (handelser, historik)


def test_forst_provas_fore_tabellen_och_appens_falt_sparas_med_statusen(org, cast):
    k = KlagomalFactory(enhet=org.e1)

    def forst(arende):
        raise ValidationError("Fel version.")

    with pytest.raises(ValidationError, match="Fel version"):
        # Klagomålet kan inte gå till Mottaget från Mottaget, men forst svarar först.
        overga(
            k, till=KlagomalStatus.MOTTAGET, tabell=services.KLAGOMAL_OVERGANGAR, av=cast.erik, forst=forst
        )

    def forbered(arende, fran):
        arende.aterkoppling_hur = "Per telefon"

    k, _ = overga(
        k,
        till=KlagomalStatus.UNDER_HANDLAGGNING,
        tabell=services.KLAGOMAL_OVERGANGAR,
        av=cast.erik,
        forbered=forbered,
    )
    k = Klagomal.objects.get(pk=k.pk)
    assert k.status == KlagomalStatus.UNDER_HANDLAGGNING and k.aterkoppling_hur == "Per telefon"
    assert k.handelser.filter(till_status=KlagomalStatus.UNDER_HANDLAGGNING).exists()


def test_sidoeffekterna_kors_forst_efter_commit(org, cast, django_capture_on_commit_callbacks):
    a = AvvikelseFactory(enhet=org.e1, rapporterad_av=cast.pia)
    korda = []
    with django_capture_on_commit_callbacks(execute=False) as koade:
        overga(
            a,
            till=S.UNDER_UTREDNING,
            tabell=services.OVERGANGAR,
            av=cast.erik,
            efter_commit=[lambda arende: korda.append(arende.status)],
        )
    assert korda == [] and len(koade) == 1
    koade[0]()
    assert korda == [S.UNDER_UTREDNING]
