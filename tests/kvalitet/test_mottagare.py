"""En fråga för "vem har rollen här den dagen" (kvalitet.queries.ansvariga) och påminnelserna som läser den."""

import datetime

import pytest
from django.utils import timezone

from avvikelser import services as avvikelse_tjanster
from kvalitet.models import Bevakning
from kvalitet.queries import ansvarig, ansvariga, giltiga_tilldelningar
from tests.avvikelser.factories import AvvikelseFactory, KategoriFactory
from tests.factories import RollFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_utgangen_roll_kommande_roll_och_inaktiv_nod_raknas_inte(org, cast, utgangen):
    idag = timezone.localdate()
    kommande = UserFactory(username="kommande")
    RollFactory(
        anvandare=kommande, roll="enhetschef", nod=org.e1, giltig_fran=idag + datetime.timedelta(days=5)
    )
    inaktiv = UserFactory(username="inaktiv", is_active=False)
    RollFactory(anvandare=inaktiv, roll="enhetschef", nod=org.e1)

    assert ansvariga(org.e1, "enhetschef") == [cast.erik]
    # Den kommande chefen har rollen om fem dagar, den utgångna hade den i förrgår.
    assert kommande in ansvariga(org.e1, "enhetschef", idag + datetime.timedelta(days=5))
    assert utgangen in ansvariga(org.e1, "enhetschef", idag - datetime.timedelta(days=2))

    org.e1.aktiv = False
    org.e1.save()
    assert ansvariga(org.e1, "enhetschef") == []


def test_narmast_forst_och_ovanfor_men_aldrig_under_eller_annan_namnd(org, cast):
    ovan = UserFactory(username="omradeschef")
    RollFactory(anvandare=ovan, roll="enhetschef", nod=org.a1)
    assert ansvariga(org.e1, "enhetschef") == [cast.erik, ovan]
    assert ansvarig(org.e1, "enhetschef") == cast.erik
    # Elsa är chef på E3 (under A2), inte ovanför A1.
    assert ansvariga(org.a1, "enhetschef") == [ovan]
    assert ansvariga(org.e1, ("kvalitetssamordnare", "verksamhetschef")) == [cast.vera, cast.kim]
    assert cast.sofia not in ansvariga(org.e1, "kvalitetssamordnare")
    assert set(
        giltiga_tilldelningar(org.n1, "enhetschef", och_under=True).values_list(
            "anvandare__username", flat=True
        )
    ) == {"erik", "elsa", "omradeschef"}


def test_ingen_paminnelse_till_chef_vars_roll_gatt_ut(org, cast, utgangen):
    # Den utgångna chefen skapades först (äldsta tilldelningen), men får ingenting.
    cast.erik.roller.all().delete()
    ny = UserFactory(username="nychef")
    RollFactory(anvandare=ny, roll="enhetschef", nod=org.e1)
    avvikelse = avvikelse_tjanster.avvikelse_rapportera(
        avvikelse=AvvikelseFactory.build(enhet=org.e1, kategori=KategoriFactory()), av=cast.pia
    )
    paminnelse = Bevakning.objects.get(nyckel=f"avvikelse:{avvikelse.pk}:ej_paborjad")
    assert paminnelse.mottagare == ny
    assert not Bevakning.objects.filter(mottagare=utgangen).exists()


def test_paminnelsen_gar_till_den_som_har_rollen_nar_den_forfaller(org, cast, settings):
    """Erik slutar om tre dagar och Nina börjar då: påminnelsen efter 14 dagar är Ninas."""
    idag = timezone.localdate()
    erik_roll = cast.erik.roller.get()
    erik_roll.giltig_till = idag + datetime.timedelta(days=3)
    erik_roll.save()
    nina = UserFactory(username="nina")
    RollFactory(anvandare=nina, roll="enhetschef", nod=org.e1, giltig_fran=idag + datetime.timedelta(days=4))
    avvikelse = avvikelse_tjanster.avvikelse_rapportera(
        avvikelse=AvvikelseFactory.build(enhet=org.e1, kategori=KategoriFactory()), av=cast.pia
    )
    assert Bevakning.objects.get(nyckel=f"avvikelse:{avvikelse.pk}:ej_paborjad").mottagare == nina


def test_lex_sarah_och_uppfoljning_fragar_samma_urval(org, cast):
    from lexsarah.services import _chefer, _utredare
    from uppfoljning.services import _kvalitetssamordnare

    kim_roll = cast.kim.roller.get()
    kim_roll.giltig_till = timezone.localdate() - datetime.timedelta(days=400)
    kim_roll.save()

    class Rapport:
        enhet = org.e1

    assert _utredare(Rapport()) == []
    assert _chefer(Rapport()) == [cast.erik]
    assert _kvalitetssamordnare(org.n1.pk) is None
    assert _kvalitetssamordnare(org.n2.pk) == cast.sofia.pk
