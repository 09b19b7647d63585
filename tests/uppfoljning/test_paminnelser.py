import datetime

from django.utils import timezone

from kvalitet.models import Notifikation
from kvalitet.uppgifter import mina_uppgifter
from tests.uppfoljning.factories import ForandringFactory, arende
from uppfoljning import services
from uppfoljning.models import Uppfoljningsarende
from uppfoljning.tasks import uppfoljning_svep

D = datetime.date


def _tid(dag):
    return timezone.make_aware(datetime.datetime.combine(dag, datetime.time(12)))


def _gammalt(a, dagar):
    Uppfoljningsarende.objects.filter(pk=a.pk).update(skapad=timezone.now() - datetime.timedelta(days=dagar))


def test_uncontacted_individual_reminds_case_officer_once(org, cast, brukare, settings):
    settings.UPPFOLJNING_KONTAKT_DAGAR = 10
    f = ForandringFactory(nod=org.n1, skapad_av=cast.hanna)
    ny = arende(brukare.b1, forandring=f)
    gammal = arende(brukare.skyddad, forandring=f)
    kontaktad = arende(BrukareFactory_n1(org, cast), forandring=f, forsta_kontakt=D(2026, 3, 1))
    for a in (gammal, kontaktad):
        _gammalt(a, 11)
    assert services.svep()["ej_kontaktade"] == 1
    assert services.svep()["ej_kontaktade"] == 0
    uppfoljning_svep.apply().get()
    assert Notifikation.objects.filter(nyckel__endswith=":ej_kontaktad").count() == 1
    n = Notifikation.objects.get(nyckel=f"uppfoljning:{gammal.pk}:ej_kontaktad")
    assert n.mottagare == cast.hanna and str(gammal.pk) in n.lank
    assert not Notifikation.objects.filter(nyckel=f"uppfoljning:{ny.pk}:ej_kontaktad").exists()


def BrukareFactory_n1(org, cast):
    from tests.factories import BrukareFactory

    return BrukareFactory(namnd=org.n1, handlaggare=cast.hanna)


def test_follow_up_due_reminds_then_escalates_to_coordinator_once(org, cast, brukare, settings):
    settings.UPPFOLJNING_ESKALERA_DAGAR = 7
    f = ForandringFactory(nod=org.n1, skapad_av=cast.hanna)
    a = arende(brukare.b1, forandring=f, forsta_kontakt=D(2026, 3, 1), uppfoljning_planerad=D(2026, 4, 1))
    services.svep(nu=_tid(D(2026, 3, 31)))
    assert not Notifikation.objects.exists()
    services.svep(nu=_tid(D(2026, 4, 1)))
    services.svep(nu=_tid(D(2026, 4, 2)))
    assert list(Notifikation.objects.values_list("mottagare__username", flat=True)) == ["hanna"]
    services.svep(nu=_tid(D(2026, 4, 8)))
    services.svep(nu=_tid(D(2026, 4, 9)))
    assert Notifikation.objects.filter(nyckel__contains=":eskalerad:", mottagare=cast.kim).count() == 1
    # Gjord uppföljning: inga fler påminnelser.
    Uppfoljningsarende.objects.filter(pk=a.pk).update(uppfoljning_gjord=D(2026, 4, 9), utfall="ja")
    antal = Notifikation.objects.count()
    services.svep(nu=_tid(D(2026, 4, 20)))
    assert Notifikation.objects.count() == antal


def test_my_tasks_list_incomplete_cases_for_the_case_officer(org, cast, brukare):
    f = ForandringFactory(nod=org.n1, skapad_av=cast.hanna)
    arende(brukare.b1, forandring=f, uppfoljning_planerad=D(2026, 4, 1))
    uppgifter = [u for u in mina_uppgifter(cast.hanna) if u.kalla == "uppfoljning"]
    assert len(uppgifter) == 1 and "Greta Gran" in uppgifter[0].rubrik and "kontakt" in uppgifter[0].detalj
    assert [u for u in mina_uppgifter(cast.hugo) if u.kalla == "uppfoljning"] == []
    assert [u for u in mina_uppgifter(cast.lars) if u.kalla == "uppfoljning"] == []


def test_sweep_task_is_scheduled_acks_late_and_retries_on_broker_errors():
    from kvalitet.celery import app

    app.loader.import_default_modules()
    schema = app.conf.beat_schedule["uppfoljning_svep"]
    assert schema["task"] == uppfoljning_svep.name and schema["task"] in app.tasks
    uppgift = app.tasks[uppfoljning_svep.name]
    assert uppgift.acks_late is True
    assert uppgift.max_retries and uppgift.autoretry_for


def test_a_retried_sweep_sends_each_reminder_once(org, cast, brukare, settings, monkeypatch):
    """Första försöket skapar påminnelsen och faller sedan på ett brokerfel (inskjutet fel); det nya
    försöket hittar inget nytt, och påminnelsen finns och e-postas exakt en gång."""
    from django.core import mail
    from kombu.exceptions import OperationalError

    from kvalitet import services as kvalitet_services

    settings.UPPFOLJNING_KONTAKT_DAGAR = 10
    f = ForandringFactory(nod=org.n1, skapad_av=cast.hanna)
    a = arende(brukare.b1, forandring=f)
    _gammalt(a, 11)
    riktig = kvalitet_services.utkorg_skicka
    forsok = []

    def forsta_gangen_nere(**kw):
        forsok.append(1)
        if len(forsok) == 1:
            raise OperationalError("Redis svarar inte")
        return riktig(**kw)

    monkeypatch.setattr(kvalitet_services, "utkorg_skicka", forsta_gangen_nere)
    resultat = uppfoljning_svep.apply(throw=False).get()
    assert len(forsok) == 2  # ett nytt försök gjordes
    assert resultat["ej_kontaktade"] == 0  # det nya försöket skapade inget nytt
    assert Notifikation.objects.filter(nyckel=f"uppfoljning:{a.pk}:ej_kontaktad").count() == 1
    assert [m.to for m in mail.outbox] == [[cast.hanna.email]]
    uppfoljning_svep.apply().get()
    assert len(mail.outbox) == 1


def test_reporting_windows_are_data_and_move_the_reminder(org, cast):
    from tests.uppfoljning.test_ej_verkstallda import _beslut
    from uppfoljning.models import Huvudrapportor, Rapporteringsperiod
    from uppfoljning.services import rapportfonster

    Huvudrapportor.objects.create(namnd=org.n1, anvandare=cast.kim)
    _beslut(org, D(2025, 10, 15))
    # IVO flyttar fönstret för kvartal 1 2026: 10 april–15 maj i stället för april.
    Rapporteringsperiod.objects.create(ar=2026, kvartal=1, oppnar=D(2026, 4, 10), stanger=D(2026, 5, 15))
    assert rapportfonster(2026, 1) == (D(2026, 4, 10), D(2026, 5, 15))
    assert rapportfonster(2026, 2) == (D(2026, 7, 1), D(2026, 8, 31))  # standard ur inställningarna
    nyckel = f"ivo:{org.n1.pk}:2026:1"
    services.svep(nu=_tid(D(2026, 4, 1)))
    services.svep(nu=_tid(D(2026, 4, 9)))
    assert not Notifikation.objects.filter(nyckel=nyckel).exists()
    services.svep(nu=_tid(D(2026, 4, 10)))
    services.svep(nu=_tid(D(2026, 5, 15)))
    assert Notifikation.objects.filter(nyckel=nyckel, mottagare=cast.kim).count() == 1
