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
