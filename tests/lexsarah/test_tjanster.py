import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from kvalitet.models import Bevakning, Notifikation
from lexsarah import services
from lexsarah.models import Beslut, Rapport, Status
from tests.avvikelser.factories import AvvikelseFactory
from tests.factories import aktuell_version
from tests.lexsarah.factories import AtgardFactory

UTREDNING = dict(
    forlopp="Natten till tisdag uteblev tillsynen.",
    konsekvenser="Den enskilde låg kvar på golvet i tre timmar.",
    enskildes_syn="Dottern anser att bemanningen är för låg.",
    orsaker="Schemat saknade en person; rutinen för överlämning följdes inte.",
    deltagare="Kim (kvalitetssamordnare), Erik (enhetschef)",
    kallor="Journal, larmlogg, samtal med personal",
)


def lamna(cast, org, av=None, **kw):
    rapport = Rapport(
        enhet=kw.pop("enhet", org.e1),
        handelsetid=timezone.now() - datetime.timedelta(hours=5),
        upptackt=timezone.now() - datetime.timedelta(hours=4),
        sammanfattning="Utebliven tillsyn nattetid",
        beskrivning="Ingen tillsyn under natten.",
        **kw,
    )
    return services.rapport_lamna(rapport=rapport, av=av or cast.pia)


def utred_och_bedom(rapport, cast, *, beslut=Beslut.MISSFORHALLANDE, allvarligt=False):
    rapport = services.utredning_spara(
        rapport=rapport, version=aktuell_version(rapport), av=cast.kim, **UTREDNING
    )
    return services.bedom(
        rapport=rapport,
        version=aktuell_version(rapport),
        av=cast.kim,
        konsekvens=3,
        sannolikhet=2,
        beslut=beslut,
        allvarligt=allvarligt,
        motivering="Tillsynen uteblev och den enskilde skadades.",
    )


def folj_upp_allt(rapport, cast):
    for a in rapport.atgarder.all():
        services.atgard_folj_upp(
            atgard=a,
            av=cast.kim,
            datum=timezone.localdate(),
            resultat="Rutinen följs.",
            version=a.version,
            effekt_bedomning="ja",
        )


def test_submitting_notifies_investigators_and_unit_manager_once_and_gives_receipt(cast, org):
    rapport = lamna(cast, org)
    assert rapport.referensnummer.startswith("LS-") and rapport.status == Status.RAPPORT
    mottagare = set(
        Notifikation.objects.filter(nyckel__startswith=f"lexsarah:{rapport.pk}:inlamnad").values_list(
            "mottagare__username", flat=True
        )
    )
    assert mottagare == {"kim", "erik"}
    assert (
        Notifikation.objects.filter(nyckel=f"lexsarah:{rapport.pk}:kvitto", mottagare=cast.pia).count() == 1
    )
    services._meddela_inlamnad(rapport)  # t.ex. ett nytt försök: inga dubbletter
    assert Notifikation.objects.filter(nyckel__startswith=f"lexsarah:{rapport.pk}:").count() == 3
    assert not rapport.rapportor_chef


def test_report_by_manager_is_counted_as_from_manager(cast, org):
    assert lamna(cast, org, av=cast.erik).rapportor_chef


def test_report_from_deviation_is_prefilled_linked_and_idempotent(cast, org, brukare):
    avvikelse = AvvikelseFactory(
        enhet=org.e1, brukare=brukare.b1, rapporterad_av=cast.pia, atgard_direkt="Ringde sjuksköterska."
    )
    rapport = services.rapport_fran_avvikelse(avvikelse=avvikelse, av=cast.erik)
    assert rapport.avvikelse == avvikelse and avvikelse.lexsarah_rapport == rapport
    assert (rapport.enhet, rapport.brukare, rapport.handelsetid) == (
        org.e1,
        brukare.b1,
        avvikelse.handelsetid,
    )
    assert rapport.beskrivning == avvikelse.beskrivning and rapport.atgard_direkt == "Ringde sjuksköterska."
    assert services.rapport_fran_avvikelse(avvikelse=avvikelse, av=cast.erik).pk == rapport.pk
    assert Rapport.objects.count() == 1


def test_full_workflow_for_a_serious_case_records_every_transition(cast, org):
    rapport = lamna(cast, org)
    rapport = utred_och_bedom(rapport, cast, allvarligt=True)
    assert rapport.status == Status.BEDOMD and rapport.beslutad_av == cast.kim
    with pytest.raises(ValidationError):
        services.byt_status(rapport=rapport, till=Status.ATGARDER_UPPFOLJDA, av=cast.kim)
    rapport = services.anmal_till_ivo(
        rapport=rapport, av=cast.kim, skickad=timezone.localdate(), diarienummer="3.1-1234/2026"
    )
    assert rapport.status == Status.ANMALD_IVO and not rapport.ivo_fore_utredning
    AtgardFactory(rapport=rapport)
    with pytest.raises(ValidationError, match="”Ny rutin för nattillsyn” är inte genomförd"):
        services.byt_status(rapport=rapport, till=Status.ATGARDER_UPPFOLJDA, av=cast.kim)
    folj_upp_allt(rapport, cast)
    with pytest.raises(ValidationError, match="informerats"):
        services.byt_status(rapport=rapport, till=Status.ATGARDER_UPPFOLJDA, av=cast.kim)
    services.ivo_uppdatera(
        rapport=rapport,
        version=aktuell_version(rapport),
        av=cast.kim,
        enskild_informerad=timezone.localdate(),
        enskild_informerad_hur="Muntligt vid besök",
    )
    rapport = services.byt_status(rapport=rapport, till=Status.ATGARDER_UPPFOLJDA, av=cast.kim)
    rapport = services.byt_status(rapport=rapport, till=Status.AVSLUTAD, av=cast.kim)
    assert rapport.avslutad is not None
    tidslinje = list(rapport.handelser.exclude(till_status="").values_list("till_status", flat=True))
    assert tidslinje == [
        Status.RAPPORT,
        Status.UTREDNING,
        Status.BEDOMD,
        Status.ANMALD_IVO,
        Status.ATGARDER_UPPFOLJDA,
        Status.AVSLUTAD,
    ]
    assert all(h.av_id for h in rapport.handelser.exclude(till_status="RAPPORT"))


def test_cannot_report_to_ivo_without_a_serious_assessment(cast, org):
    rapport = utred_och_bedom(lamna(cast, org), cast, allvarligt=False)
    with pytest.raises(ValidationError):
        services.anmal_till_ivo(rapport=rapport, av=cast.kim, skickad=timezone.localdate())
    with pytest.raises(ValidationError):
        services.byt_status(rapport=rapport, till=Status.ANMALD_IVO, av=cast.kim)
    rapport.refresh_from_db()
    assert rapport.status == Status.BEDOMD and rapport.ivo_skickad is None
    utredning = services.utredning_spara(rapport=lamna(cast, org), version=0, av=cast.kim, forlopp="x")
    with pytest.raises(ValidationError):
        services.anmal_till_ivo(rapport=utredning, av=cast.kim, skickad=timezone.localdate())


def test_not_serious_case_goes_to_follow_up_without_ivo(cast, org):
    rapport = utred_och_bedom(lamna(cast, org), cast, beslut=Beslut.EJ_MISSFORHALLANDE, allvarligt=True)
    assert rapport.allvarligt is False
    AtgardFactory(rapport=rapport)
    folj_upp_allt(rapport, cast)
    rapport = services.byt_status(rapport=rapport, till=Status.ATGARDER_UPPFOLJDA, av=cast.kim)
    assert services.byt_status(rapport=rapport, till=Status.AVSLUTAD, av=cast.kim).status == Status.AVSLUTAD


def test_early_report_to_ivo_needs_supplement_and_finished_investigation_before_closing(cast, org):
    rapport = services.markera_allvarligt_preliminart(
        rapport=lamna(cast, org), av=cast.kim, motivering="Fallskada med fraktur."
    )
    assert rapport.status == Status.UTREDNING
    rapport = services.anmal_till_ivo(rapport=rapport, av=cast.kim, skickad=timezone.localdate())
    assert rapport.status == Status.ANMALD_IVO and rapport.ivo_fore_utredning
    AtgardFactory(rapport=rapport)
    folj_upp_allt(rapport, cast)
    services.ivo_uppdatera(
        rapport=rapport,
        version=aktuell_version(rapport),
        av=cast.kim,
        enskild_informerad_hur="Informerad per telefon",
    )
    with pytest.raises(ValidationError, match="Utredningen är inte klar"):
        services.byt_status(rapport=rapport, till=Status.ATGARDER_UPPFOLJDA, av=cast.kim)
    with pytest.raises(ValidationError):
        services.ivo_uppdatera(
            rapport=rapport,
            version=aktuell_version(rapport),
            av=cast.kim,
            ivo_komplettering=timezone.localdate(),
        )
    rapport = utred_och_bedom(rapport, cast, allvarligt=True)
    assert rapport.status == Status.ANMALD_IVO  # utredningen fortsatte efter anmälan
    with pytest.raises(ValidationError, match="komplettering"):
        services.byt_status(rapport=rapport, till=Status.ATGARDER_UPPFOLJDA, av=cast.kim)
    services.ivo_uppdatera(
        rapport=rapport, version=aktuell_version(rapport), av=cast.kim, ivo_komplettering=timezone.localdate()
    )
    assert (
        services.byt_status(rapport=rapport, till=Status.ATGARDER_UPPFOLJDA, av=cast.kim).status
        == Status.ATGARDER_UPPFOLJDA
    )


def test_assessment_requires_reasons_and_the_individuals_view(cast, org):
    rapport = services.utredning_spara(
        rapport=lamna(cast, org), version=0, av=cast.kim, forlopp="x", orsaker="y"
    )
    with pytest.raises(ValidationError, match="enskildes"):
        services.bedom(
            rapport=rapport,
            version=aktuell_version(rapport),
            av=cast.kim,
            konsekvens=2,
            sannolikhet=2,
            beslut=Beslut.MISSFORHALLANDE,
            allvarligt=False,
            motivering="m",
        )
    services.utredning_spara(
        rapport=rapport,
        version=aktuell_version(rapport),
        av=cast.kim,
        enskildes_syn_ej_orsak="Den enskilde avböjde.",
    )
    with pytest.raises(ValidationError, match="Motivera"):
        services.bedom(
            rapport=rapport,
            version=aktuell_version(rapport),
            av=cast.kim,
            konsekvens=2,
            sannolikhet=2,
            beslut=Beslut.MISSFORHALLANDE,
            allvarligt=False,
            motivering=" ",
        )
    with pytest.raises(ValidationError, match="allvarlig"):
        services.bedom(
            rapport=rapport,
            version=aktuell_version(rapport),
            av=cast.kim,
            konsekvens=2,
            sannolikhet=2,
            beslut=Beslut.PATAGLIG_RISK,
            allvarligt=None,
            motivering="m",
        )


def test_invalid_transitions_are_refused(cast, org):
    rapport = lamna(cast, org)
    for till in (Status.BEDOMD, Status.ANMALD_IVO, Status.AVSLUTAD, Status.ATGARDER_UPPFOLJDA):
        with pytest.raises(ValidationError):
            services.byt_status(rapport=rapport, till=till, av=cast.kim)
    rapport.refresh_from_db()
    assert rapport.status == Status.RAPPORT


def test_deadline_reminders_are_set_per_investigator_and_cancelled_by_assessment(cast, org):
    rapport = lamna(cast, org)
    nycklar = set(
        Bevakning.objects.filter(nyckel__startswith=f"lexsarah:{rapport.pk}:").values_list(
            "nyckel", flat=True
        )
    )
    assert nycklar == {
        f"lexsarah:{rapport.pk}:bedomning_fore:{cast.kim.pk}",
        f"lexsarah:{rapport.pk}:bedomning_passerad:{cast.kim.pk}",
    }
    passerad = Bevakning.objects.get(nyckel=f"lexsarah:{rapport.pk}:bedomning_passerad:{cast.kim.pk}")
    assert timezone.localdate(passerad.forfaller) > rapport.bedomning_senast
    utred_och_bedom(rapport, cast, allvarligt=True)
    assert set(Bevakning.objects.filter(nyckel__contains=":bedomning_").values_list("status", flat=True)) == {
        "avbruten"
    }
    assert Bevakning.objects.filter(
        nyckel=f"lexsarah:{rapport.pk}:ivo_passerad:{cast.kim.pk}", status="vantar"
    ).exists()


def test_reminders_fire_once_before_and_once_after_the_deadline(cast, org):
    from kvalitet.services import bevakningar_svep

    rapport = lamna(cast, org)
    frist = rapport.bedomning_senast
    strax_fore = timezone.make_aware(
        datetime.datetime.combine(frist - datetime.timedelta(days=1), datetime.time(12))
    )
    efter = timezone.make_aware(
        datetime.datetime.combine(frist + datetime.timedelta(days=2), datetime.time(12))
    )
    bevakningar_svep(nu=strax_fore)
    bevakningar_svep(nu=strax_fore)
    paminnelser = Notifikation.objects.filter(mottagare=cast.kim, nyckel__startswith="bevakning:lexsarah:")
    assert [n.rubrik for n in paminnelser] == [
        f"Lex Sarah {rapport.referensnummer}: bedömningen ska vara klar {frist:%Y-%m-%d}"
    ]
    bevakningar_svep(nu=efter)
    bevakningar_svep(nu=efter)
    assert paminnelser.all().count() == 2
    assert paminnelser.filter(rubrik__contains="har passerat").count() == 1


def test_report_submitted_before_a_holiday_gets_the_next_working_day_as_deadline(cast, org, settings):
    settings.LEXSARAH_BEDOMNING_DAGAR = 14
    rapporterad = timezone.make_aware(datetime.datetime(2026, 12, 17, 10))
    assert services.bedomning_frist(rapporterad) == datetime.date(2027, 1, 4)
    settings.LEXSARAH_BEDOMNING_DAGAR = 7
    assert services.bedomning_frist(
        timezone.make_aware(datetime.datetime(2026, 11, 16, 10))
    ) == datetime.date(2026, 11, 23)


def test_action_with_owner_and_deadline_gets_a_reminder_cancelled_by_follow_up(cast, org):
    from lexsarah.models import Atgard

    rapport = lamna(cast, org)
    atgard = services.atgard_spara(
        atgard=Atgard(
            rapport=rapport,
            text="Utbilda nattpersonalen",
            ansvarig=cast.erik,
            klar_senast=datetime.date(2026, 12, 1),
        ),
        av=cast.kim,
    )
    bevakning = Bevakning.objects.get(nyckel=f"lexsarah:atgard:{atgard.pk}:forfallen")
    assert bevakning.mottagare == cast.erik and bevakning.status == "vantar"
    services.atgard_folj_upp(
        atgard=atgard,
        av=cast.kim,
        datum=timezone.localdate(),
        resultat="Genomförd utbildning.",
        version=0,
        effekt_bedomning="delvis",
    )
    bevakning.refresh_from_db()
    assert bevakning.status == "avbruten"
    with pytest.raises(ValidationError):
        services.atgard_folj_upp(
            atgard=atgard, av=cast.kim, datum=timezone.localdate(), resultat=" ", version=1
        )


def test_notifications_are_emailed_once_and_the_receipt_stays_in_the_app(cast, org):
    from django.core import mail

    from kvalitet.services import utkorg_skicka

    rapport = lamna(cast, org)
    services._meddela_inlamnad(rapport)  # ett nytt försök skapar inget nytt
    utkorg_skicka()
    utkorg_skicka()
    assert sorted(m.to[0] for m in mail.outbox) == sorted([cast.kim.email, cast.erik.email])
    assert all(rapport.referensnummer in m.subject for m in mail.outbox)
    kvitto = Notifikation.objects.get(nyckel=f"lexsarah:{rapport.pk}:kvitto")
    assert kvitto.mottagare == cast.pia and not kvitto.epost


def test_cannot_close_when_an_action_is_added_after_follow_up_and_left_open(cast, org):
    rapport = utred_och_bedom(lamna(cast, org), cast, allvarligt=False)
    AtgardFactory(rapport=rapport)
    folj_upp_allt(rapport, cast)
    rapport = services.byt_status(rapport=rapport, till=Status.ATGARDER_UPPFOLJDA, av=cast.kim)
    AtgardFactory(rapport=rapport, text="Ny åtgärd efter uppföljningen")
    with pytest.raises(ValidationError, match="”Ny åtgärd efter uppföljningen” är inte genomförd"):
        services.byt_status(rapport=rapport, till=Status.AVSLUTAD, av=cast.kim)
    rapport.refresh_from_db()
    assert rapport.status == Status.ATGARDER_UPPFOLJDA and rapport.avslutad is None
    folj_upp_allt(rapport, cast)
    assert services.byt_status(rapport=rapport, till=Status.AVSLUTAD, av=cast.kim).avslutad is not None


def test_cannot_close_without_actions_or_while_the_investigation_is_reopened(cast, org):
    rapport = utred_och_bedom(lamna(cast, org), cast, allvarligt=False)
    with pytest.raises(ValidationError, match="inga åtgärder"):
        services.byt_status(rapport=rapport, till=Status.ATGARDER_UPPFOLJDA, av=cast.kim)
    AtgardFactory(rapport=rapport)
    folj_upp_allt(rapport, cast)
    # Bedömningen öppnas igen: utredningen är då inte klar, och ärendet kan inte gå vidare mot avslut.
    rapport = services.byt_status(rapport=rapport, till=Status.UTREDNING, av=cast.kim)
    assert not rapport.utredning_klar
    for till in (Status.BEDOMD, Status.ATGARDER_UPPFOLJDA, Status.AVSLUTAD):
        with pytest.raises(ValidationError):
            services.byt_status(rapport=rapport, till=till, av=cast.kim)
