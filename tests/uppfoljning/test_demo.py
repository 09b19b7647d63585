import io
import random

from django.core.management import call_command
from django.utils import timezone

from kvalitet import demo
from kvalitet.models import NodTyp, OrgNod
from uppfoljning import demo as uppfoljning_demo
from uppfoljning import queries
from uppfoljning.models import Forandring, Kontakt, Uppfoljningsarende


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


def _grunddata():
    # Transaktionella tester tömmer tabellerna, också migreringens insatstyper.
    import importlib

    from tests.factories import insatstyp

    migrering = importlib.import_module("kvalitet.migrations.0002_grunddata_och_loggskydd")
    for namn, lag in migrering.INSATSTYPER:
        insatstyp(namn, lag)


def test_demo_gives_every_committee_a_change_with_gaps_and_is_idempotent(db):
    _grunddata()
    call_command("seed_demo", "--utan-appar", stdout=io.StringIO())
    uppfoljning_demo.seed(_kontext())
    namnder = OrgNod.objects.filter(typ=NodTyp.NAMND)
    assert set(Forandring.objects.values_list("nod_id", flat=True)) == set(
        namnder.values_list("pk", flat=True)
    )
    assert Forandring.objects.filter(riskanalys__isnull=True).exists()
    antal = Uppfoljningsarende.objects.count()
    assert antal > 0
    kim = demo.bygg_anvandare()["kvalitetssamordnare"]
    t = queries.tackning(kim, OrgNod.objects.get(kod="N"))
    assert 0 < t["kompletta"] < t["kontaktade"] < t["berorda"]
    lars = demo.bygg_anvandare()["ledning"]
    # Varje nämnd har något att agera på: ofullständiga ärenden och en förändring utan riskanalys.
    for namnd in namnder:
        per = queries.tackning(lars, namnd)
        assert per["berorda"] > 0, namnd
        assert per["kompletta"] < per["berorda"], namnd
        assert per["forandringar_utan_riskanalys"] >= 1, namnd
    uppfoljning_demo.seed(_kontext())
    assert Uppfoljningsarende.objects.count() == antal


def test_demo_has_indirect_contacts_and_voices_without_protected_quotes(db):
    _grunddata()
    call_command("seed_demo", "--utan-appar", stdout=io.StringIO())
    uppfoljning_demo.seed(_kontext())
    kim = demo.bygg_anvandare()["kvalitetssamordnare"]
    nod = OrgNod.objects.get(kod="N")
    t = queries.tackning(kim, nod)
    assert t["bara_indirekt_kontakt"] > 0 and t["uppfoljda_utan_kontakt"] > 0
    rost = queries.enskildas_rost(kim, nod)
    assert rost["svar"] > 0 and rost["citat"]
    assert not Kontakt.objects.filter(citat_valt=True, arende__brukare__skyddad_identitet=True).exists()
    # Indirekta kontakter sätter aldrig första (direkta) kontakt.
    assert (
        not Uppfoljningsarende.objects.filter(forsta_kontakt__isnull=False, kontakter__med_vem="utforare")
        .exclude(kontakter__med_vem__in=["enskild", "narstaende", "foretradare"])
        .exists()
    )
