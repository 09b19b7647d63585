import io
import random

from django.core.management import call_command
from django.utils import timezone

from kvalitet import access, demo
from kvalitet.models import Bevakning, NodTyp, OrgNod
from riskanalys import demo as riskanalys_demo
from riskanalys import queries
from riskanalys.models import AnalysStatus, Atgard, Mall, Riskanalys


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
    idag = timezone.localdate()
    assert Atgard.objects.filter(
        risk__analys__status=AnalysStatus.FASTSTALLD, klar_senast__lt=idag, status__in=["planerad", "pagar"]
    ).exists()
    assert Bevakning.objects.filter(nyckel__startswith="riskanalys:").exists()
    # Varje skapare kan öppna sin analys (ingen analys står på någon utan rätt till den).
    for analys in Riskanalys.objects.select_related("skapad_av"):
        assert access.kan(analys.skapad_av, analys, access.ANDRA), analys

    # Årets siffror för hela kommunen är desamma som en oberoende räkning i Python.
    ledning = demo.bygg_anvandare()["ledning"]
    kommun = OrgNod.objects.get(typ=NodTyp.KOMMUN)
    for ar in (idag.year - 1, idag.year):
        arets = [a for a in Riskanalys.objects.select_related("nod") if a.aktuell and a.datum.year == ar]
        assert queries.arssammanstallning(ledning, kommun, ar) == {
            "antal": len(arets),
            "per_niva": {
                t: sum(a.nod.typ == t for a in arets) for t in ("enhet", "verksamhetsomrade", "namnd")
            },
            "faststallda": sum(a.status != AnalysStatus.UTKAST for a in arets),
            "uppfoljda": sum(a.status == AnalysStatus.UPPFOLJD for a in arets),
        }
    riskanalys_demo.seed(_kontext())
    assert Riskanalys.objects.count() == antal
    assert Mall.objects.count() == len(riskanalys_demo.MALLAR)
