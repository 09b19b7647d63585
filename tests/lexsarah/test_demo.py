import io
import random

from django.core.management import call_command
from django.utils import timezone

from kvalitet import demo
from lexsarah import demo as lexsarah_demo
from lexsarah import services
from lexsarah.models import Rapport, Status


def _kontext():
    kommun, namnder, omraden, enheter = demo.bygg_organisation()
    return demo.DemoKontext(
        skala=1,
        slump=random.Random(1),
        kommun=kommun,
        namnder=namnder,
        omraden=omraden,
        enheter=enheter,
        anvandare=demo.bygg_anvandare(),
        idag=timezone.localdate(),
        skriv=lambda *_: None,
    )


def test_demo_holds_cases_in_every_state_and_is_idempotent(db):
    call_command("seed_demo", "--utan-appar", stdout=io.StringIO())
    lexsarah_demo.seed(_kontext())
    antal = Rapport.objects.count()
    assert set(Rapport.objects.values_list("status", flat=True)) == set(Status.values)
    # Några demoärenden berör fler än en enskild.
    assert Rapport.objects.filter(brukare__isnull=False, ovriga_brukare__isnull=False).exists()
    # Demoärendena håller samma regler som tjänsterna: inget avslutat med öppna åtgärder eller utan IVO.
    for r in Rapport.objects.filter(status__in=[Status.AVSLUTAD, Status.ATGARDER_UPPFOLJDA]):
        assert services._hinder_for_uppfoljda(r) == []
    lexsarah_demo.seed(_kontext())
    assert Rapport.objects.count() == antal
