import io
import random

from django.core.management import call_command
from django.db.models import F
from django.utils import timezone

from avvikelser import demo as avvikelser_demo
from avvikelser.models import Avvikelse, Kategori, Klagomal
from kvalitet import demo
from kvalitet.models import NodTyp, OrgNod


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


def test_demo_gives_every_unit_a_year_of_deviations_and_is_idempotent(db):
    call_command("seed_demo", "--utan-appar", stdout=io.StringIO())
    avvikelser_demo.seed(_kontext())
    antal, klagomal = Avvikelse.objects.count(), Klagomal.objects.count()
    enheter = OrgNod.objects.filter(typ=NodTyp.ENHET)
    assert antal > 0 and klagomal > 0
    assert set(Avvikelse.objects.values_list("enhet_id", flat=True).distinct()) == set(
        enheter.values_list("pk", flat=True)
    )
    assert not Kategori.objects.get(namn="Annat").aktiv
    # Klagomålen har teman (de flesta) och kom in under hela året, så att årsrapportens tabeller har innehåll.
    assert Klagomal.objects.filter(tema__isnull=False).count() > klagomal / 2
    manader = {d.month for d in Klagomal.objects.values_list("inkommet", flat=True)}
    assert len(manader) >= 6
    assert not Avvikelse.objects.exclude(rapporterad=F("handelsetid")).exists()
    avvikelser_demo.seed(_kontext())
    assert (Avvikelse.objects.count(), Klagomal.objects.count()) == (antal, klagomal)
