import io
import random

from django.core.management import call_command
from django.utils import timezone

from kvalitet import demo
from kvalitet.models import NodTyp
from riskanalys import demo as riskanalys_demo
from riskanalys.models import AnalysStatus, Mall, Riskanalys


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


def test_demo_has_analyses_at_every_level_some_from_templates_some_overdue_and_is_idempotent(db):
    call_command("seed_demo", "--utan-appar", stdout=io.StringIO())
    riskanalys_demo.seed(_kontext())
    antal = Riskanalys.objects.count()
    assert set(Riskanalys.objects.values_list("nod__typ", flat=True)) == {
        NodTyp.NAMND,
        NodTyp.VERKSAMHETSOMRADE,
        NodTyp.ENHET,
    }
    assert Riskanalys.objects.filter(mall__isnull=False).exists()
    assert Mall.objects.filter(antal_anvandningar__gt=0).exists()
    assert Riskanalys.objects.filter(
        status=AnalysStatus.FASTSTALLD, uppfoljning_senast__lt=timezone.localdate()
    ).exists()
    assert Riskanalys.objects.filter(brukare__isnull=False).exists()
    riskanalys_demo.seed(_kontext())
    assert Riskanalys.objects.count() == antal
    assert Mall.objects.count() == len(riskanalys_demo.MALLAR)
