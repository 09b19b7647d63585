import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from kvalitet import riskmatris
from kvalitet.models import Bevakning, Notifikation
from kvalitet.services import bevakningar_svep
from riskanalys import services
from riskanalys.models import AnalysStatus, Atgard, AtgardStatus, Riskanalys
from tests.riskanalys.factories import (
    AtgardFactory,
    MallFactory,
    MallRiskFactory,
    RiskanalysFactory,
    RiskFactory,
)


@pytest.mark.parametrize(
    ("k", "s", "varde", "niva"),
    [
        (1, 1, 1, "lag"),
        (1, 3, 3, "lag"),
        (2, 2, 4, "mattlig"),
        (2, 3, 6, "mattlig"),
        (3, 3, 9, "hog"),
        (2, 4, 8, "hog"),
        (4, 3, 12, "mycket_hog"),
        (4, 4, 16, "mycket_hog"),
    ],
)
def test_risk_value_and_band_follow_the_matrix(db, k, s, varde, niva):
    risk = RiskFactory.build(konsekvens=k, sannolikhet=s, konsekvens_efter=1, sannolikhet_efter=2)
    assert risk.riskvarde == varde
    assert risk.riskniva.kod == niva
    assert risk.riskvarde_efter == 2
    assert risk.riskniva_efter.kod == "lag"


def test_risk_without_after_values_has_no_after_band(db):
    risk = RiskFactory.build(konsekvens=4, sannolikhet=4)
    assert risk.riskvarde_efter is None and risk.riskniva_efter is None


def test_approve_records_who_and_when_and_timeline(org, cast):
    analys = RiskanalysFactory(nod=org.e1, skapad_av=cast.erik)
    RiskFactory(analys=analys)
    services.analys_faststall(analys=analys, av=cast.vera)
    analys.refresh_from_db()
    assert analys.status == AnalysStatus.FASTSTALLD
    assert analys.faststalld_av == cast.vera and analys.faststalld is not None
    h = analys.handelser.last()
    assert (h.fran_status, h.till_status, h.av) == ("utkast", "faststalld", cast.vera)


def test_cannot_approve_analysis_without_risks(org, cast):
    analys = RiskanalysFactory(nod=org.e1)
    with pytest.raises(ValidationError):
        services.analys_faststall(analys=analys, av=cast.erik)


def test_follow_up_requires_approved_and_evaluation(org, cast):
    analys = RiskanalysFactory(nod=org.e1)
    RiskFactory(analys=analys)
    with pytest.raises(ValidationError):
        services.analys_folj_upp(analys=analys, av=cast.erik, utvardering="Bra")
    services.analys_faststall(analys=analys, av=cast.erik)
    with pytest.raises(ValidationError):
        services.analys_folj_upp(analys=analys, av=cast.erik, utvardering="  ")
    services.analys_folj_upp(
        analys=analys, av=cast.erik, utvardering="Åtgärderna fungerade", kvarstar="Inget"
    )
    analys.refresh_from_db()
    assert analys.status == AnalysStatus.UPPFOLJD and analys.uppfoljd_av == cast.erik


def test_approved_analysis_cannot_be_edited_in_place(org, cast):
    analys = RiskanalysFactory(nod=org.e1)
    risk = RiskFactory(analys=analys)
    services.analys_faststall(analys=analys, av=cast.erik)
    analys.refresh_from_db()
    risk.refresh_from_db()
    risk.beskrivning = "ändrad"
    with pytest.raises(ValidationError):
        services.risk_spara(risk=risk, av=cast.erik, version=risk.version)
    with pytest.raises(ValidationError):
        services.analys_spara(analys=analys, av=cast.erik, version=analys.andringsnummer)


def test_new_version_copies_risks_and_actions_and_keeps_old_readable(org, cast, brukare):
    analys = RiskanalysFactory(nod=org.e1, skapad_av=cast.erik)
    analys.brukare.set([brukare.b1])
    risk = RiskFactory(analys=analys, beskrivning="Fall i trappan")
    AtgardFactory(
        risk=risk, text="Sätt upp ledstång", ansvarig=cast.erik, klar_senast=datetime.date(2030, 6, 1)
    )
    services.analys_faststall(analys=analys, av=cast.erik)

    ny = services.analys_ny_version(analys=analys, av=cast.erik)

    analys.refresh_from_db()
    assert not analys.aktuell and analys.status == AnalysStatus.FASTSTALLD
    assert ny.aktuell and ny.version == 2 and ny.foregaende == analys and ny.status == AnalysStatus.UTKAST
    assert [r.beskrivning for r in ny.risker.all()] == ["Fall i trappan"]
    assert [a.text for a in Atgard.objects.filter(risk__analys=ny)] == ["Sätt upp ledstång"]
    assert list(ny.brukare.all()) == [brukare.b1]
    # Den gamla versionen är orörd.
    assert [r.beskrivning for r in analys.risker.all()] == ["Fall i trappan"]
    ny_risk = ny.risker.get()
    ny_risk.beskrivning = "Fall i trappan på natten"
    services.risk_spara(risk=ny_risk, av=cast.erik, version=ny_risk.version)
    assert analys.risker.get().beskrivning == "Fall i trappan"
    with pytest.raises(ValidationError):
        services.analys_ny_version(analys=analys, av=cast.erik)


def test_template_from_analysis_has_no_personal_data(org, cast, brukare):
    analys = RiskanalysFactory(nod=org.e1, deltagare="Erik Chef, Pia Personal")
    analys.brukare.set([brukare.b1])
    risk = RiskFactory(analys=analys, beskrivning="Oro vid flytt")
    AtgardFactory(risk=risk, text="Besök nya boendet i förväg", ansvarig=cast.pia)
    mall = services.mall_fran_analys(analys=analys, av=cast.erik, titel="Flytt mellan boenden")
    fält = {f.name for f in type(mall)._meta.get_fields()} | {
        f.name for f in type(mall.risker.get())._meta.get_fields()
    }
    assert not fält & {"brukare", "ansvarig", "deltagare", "avvikelser"}
    text = " ".join(
        [mall.titel, mall.beskrivning]
        + [f"{r.beskrivning} {r.orsak} {r.atgarder}" for r in mall.risker.all()]
    )
    for personligt in (brukare.b1.fornamn, brukare.b1.efternamn, "Pia", "Erik"):
        assert personligt not in text
    assert mall.risker.get().atgarder == "Besök nya boendet i förväg"


def test_start_from_template_copies_risks_and_counts_use(org, cast):
    mall = MallFactory(nod=org.n2, skapad_av=cast.sofia)
    MallRiskFactory(mall=mall)
    for _ in range(2):
        analys = services.analys_skapa(
            analys=Riskanalys(nod=org.e1, titel="Ny", forandring="x", datum=datetime.date(2026, 5, 1)),
            av=cast.erik,
            mall=mall,
        )
    mall.refresh_from_db()
    assert mall.antal_anvandningar == 2
    risk = analys.risker.get()
    assert (risk.konsekvens, risk.sannolikhet) == (2, 4)
    assert [a.text for a in risk.atgarder.all()] == [
        "Introduktion med checklista",
        "Dubbelbemanning första veckan",
    ]


def test_overdue_action_and_follow_up_remind_once(org, cast):
    igar = timezone.localdate() - datetime.timedelta(days=2)
    analys = RiskanalysFactory(nod=org.e1, skapad_av=cast.erik, uppfoljning_senast=igar)
    risk = RiskFactory(analys=analys)
    atgard = AtgardFactory(risk=risk, ansvarig=cast.pia, klar_senast=igar)
    services.analys_faststall(analys=analys, av=cast.erik)
    assert Bevakning.objects.filter(nyckel__startswith="riskanalys:").count() == 2

    assert bevakningar_svep() == 2
    assert bevakningar_svep() == 0
    # Att spara åtgärden igen lägger ingen ny påminnelse.
    atgard.refresh_from_db()
    atgard.resultat = "pågår"
    services.atgard_spara(atgard=atgard, av=cast.erik, version=atgard.version)
    assert bevakningar_svep() == 0
    assert Notifikation.objects.filter(mottagare=cast.pia).count() == 1
    assert Notifikation.objects.filter(mottagare=cast.erik).count() == 1


def test_completed_action_and_followed_up_analysis_cancel_reminders(org, cast):
    imorgon = timezone.localdate() + datetime.timedelta(days=1)
    analys = RiskanalysFactory(nod=org.e1, skapad_av=cast.erik, uppfoljning_senast=imorgon)
    atgard = AtgardFactory(risk=RiskFactory(analys=analys), ansvarig=cast.pia, klar_senast=imorgon)
    services.analys_faststall(analys=analys, av=cast.erik)
    atgard.refresh_from_db()
    services.atgard_folj_upp(
        atgard=atgard,
        av=cast.pia,
        version=atgard.version,
        genomford=timezone.localdate(),
        effekt_bedomning="ja",
        effekt="Fungerar",
    )
    services.analys_folj_upp(analys=analys, av=cast.erik, utvardering="Klart")
    assert bevakningar_svep(nu=timezone.now() + datetime.timedelta(days=10)) == 0


def test_matrix_has_sixteen_cells_with_bands():
    celler = [c for rad in riskmatris.matris() for c in rad]
    assert len(celler) == 16
    assert {c[3].kod for c in celler} == {"lag", "mattlig", "hog", "mycket_hog"}


def test_template_removes_names_and_personal_numbers_written_in_free_text(org, cast, brukare):
    analys = RiskanalysFactory(nod=org.e1)
    analys.brukare.set([brukare.b1])
    risk = RiskFactory(
        analys=analys,
        beskrivning="Greta Gran (19400101-1234) blir orolig vid flytten",
        orsak="GRETA har bott i Granhammar i tjugo år",
    )
    AtgardFactory(risk=risk, text="Pia ringer Gretas dotter, 400101-1234", ansvarig=cast.pia)
    mall = services.mall_fran_analys(analys=analys, av=cast.erik, titel="Flytt för Greta Gran")
    mr = mall.risker.get()
    assert mall.titel == "Flytt för [namn] [namn]"
    assert mr.beskrivning == "[namn] [namn] ([personnummer]) blir orolig vid flytten"
    # Hela ord byts: ortnamnet som börjar som efternamnet står kvar.
    assert mr.orsak == "[namn] har bott i Granhammar i tjugo år"
    assert mr.atgarder == "[namn] ringer [namn] dotter, [personnummer]"


def test_approved_action_is_followed_up_but_its_plan_changes_only_in_a_new_version(org, cast):
    analys = RiskanalysFactory(nod=org.e1)
    atgard = AtgardFactory(
        risk=RiskFactory(analys=analys),
        ansvarig=cast.pia,
        text="Ny rutin",
        klar_senast=datetime.date(2029, 1, 1),
    )
    services.analys_faststall(analys=analys, av=cast.erik)
    atgard.refresh_from_db()
    atgard.klar_senast = datetime.date(2030, 1, 1)
    with pytest.raises(ValidationError):
        services.atgard_spara(atgard=atgard, av=cast.erik, version=atgard.version)
    atgard.refresh_from_db()
    atgard.status, atgard.resultat = AtgardStatus.KLAR, "Rutinen används"
    services.atgard_spara(atgard=atgard, av=cast.pia, version=atgard.version)
    atgard.refresh_from_db()
    assert (atgard.status, atgard.resultat, atgard.klar_senast) == (
        AtgardStatus.KLAR,
        "Rutinen används",
        datetime.date(2029, 1, 1),
    )


def test_follow_up_ends_reminders_for_actions_dropped_with_a_reason(org, cast):
    igar = timezone.localdate() - datetime.timedelta(days=1)
    analys = RiskanalysFactory(nod=org.e1, skapad_av=cast.erik)
    atgard = AtgardFactory(risk=RiskFactory(analys=analys), ansvarig=cast.pia, klar_senast=igar)
    services.analys_faststall(analys=analys, av=cast.erik)
    services.atgard_folj_upp(
        atgard=atgard, av=cast.erik, version=atgard.version, struken="Ersätts av rutinen"
    )
    services.analys_folj_upp(analys=analys, av=cast.erik, utvardering="Delvis", kvarstar="Rutinen")
    assert bevakningar_svep(nu=timezone.now() + datetime.timedelta(days=10)) == 0


def test_action_without_owner_reminds_the_approver_once(org, cast):
    # Påminnelsen går kl. 07 dagen efter sista dag; två dagar bakåt är den förfallen vid varje klockslag.
    passerad = timezone.localdate() - datetime.timedelta(days=2)
    analys = RiskanalysFactory(nod=org.e1, skapad_av=cast.erik)
    atgard = AtgardFactory(
        risk=RiskFactory(analys=analys), klar_senast=passerad, text="Ingen ansvarig", ansvarig=cast.erik
    )
    services.analys_faststall(analys=analys, av=cast.vera)
    # En äldre fastställd analys (före kravet på ansvarig, issue 18): bevakningen läggs om utan ägare.
    type(atgard).objects.filter(pk=atgard.pk).update(ansvarig=None)
    atgard.refresh_from_db()
    services._bevaka_atgard(atgard)
    assert bevakningar_svep() == 1 and bevakningar_svep() == 0
    assert Notifikation.objects.get().mottagare == cast.vera


def test_faststalla_vagras_nar_en_atgard_saknar_ansvarig_eller_klar_senast(org, cast):
    """Issue 18: varje åtgärd i en fastställd plan har ansvarig och klar senast (kvalitet.arende)."""
    analys = RiskanalysFactory(nod=org.e1)
    risk = RiskFactory(analys=analys)
    AtgardFactory(risk=risk, text="Ledstång", ansvarig=cast.erik, klar_senast=datetime.date(2030, 1, 1))
    utan = AtgardFactory(risk=risk, text="Nattrond", ansvarig=None, klar_senast=None)
    with pytest.raises(ValidationError) as fel:
        services.analys_faststall(analys=analys, av=cast.erik)
    assert fel.value.messages == ["Åtgärden ”Nattrond” saknar ansvarig och klar senast."]
    analys.refresh_from_db()
    assert (
        analys.status == AnalysStatus.UTKAST
        and not analys.handelser.filter(till_status="faststalld").exists()
    )
    utan.ansvarig, utan.klar_senast = cast.pia, datetime.date(2030, 2, 1)
    utan.save()
    assert services.analys_faststall(analys=analys, av=cast.erik).status == AnalysStatus.FASTSTALLD


def test_faststall_sidan_visar_vad_som_saknas(org, cast, logga_in):
    from django.urls import reverse

    analys = RiskanalysFactory(nod=org.e1)
    AtgardFactory(risk=RiskFactory(analys=analys), text="Nattrond", ansvarig=cast.erik, klar_senast=None)
    svar = logga_in(cast.erik).post(reverse("riskanalys:faststall", args=[analys.pk]), follow=True)
    assert "Åtgärden ”Nattrond” saknar klar senast." in svar.content.decode()
    analys.refresh_from_db()
    assert analys.status == AnalysStatus.UTKAST
