"""Påminnelser som ett dagligt sammandrag: ett e-brev per person och dag, varje påminnelse en gång, med
titlar och länkar; eget val för e-post direkt."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from kvalitet import services
from kvalitet.models import Epostval, Notifikation, Sammandrag
from kvalitet.tasks import bevakningssvep

pytestmark = pytest.mark.django_db


def _paminnelse(nyckel, mottagare, rubrik, lank):
    services.bevakning_lagg(
        nyckel=nyckel,
        forfaller=timezone.now() - datetime.timedelta(minutes=5),
        mottagare=mottagare,
        rubrik=rubrik,
        text=f"Förföll i går ({nyckel}).",
        lank=lank,
    )


def _tre_till_erik_en_till_kim(cast):
    _paminnelse("a", cast.erik, "Avvikelse AV-1 är inte påbörjad", "/avvikelser/1/")
    _paminnelse("b", cast.erik, "Åtgärden ”Ledstång” är försenad", "/riskanalys/2/")
    _paminnelse("c", cast.erik, "Lex Sarah LS-3: åtgärden skulle vara klar", "/lexsarah/3/")
    _paminnelse("d", cast.kim, "Försenad uppföljning", "/uppfoljning/4/")


def test_ett_brev_per_person_med_varje_paminnelse_en_gang(cast, settings):
    settings.KVALITET_BAS_URL = "https://kvalitet.example"
    _tre_till_erik_en_till_kim(cast)
    assert bevakningssvep.apply().get() == {"notifikationer": 4, "epost": 2}
    assert sorted(m.to[0] for m in mail.outbox) == sorted([cast.erik.email, cast.kim.email])
    brev = next(m for m in mail.outbox if m.to == [cast.erik.email])
    assert brev.subject == f"Dina påminnelser {timezone.localdate():%Y-%m-%d}: 3 att göra"
    for rubrik, lank in (
        ("Avvikelse AV-1 är inte påbörjad", "/avvikelser/1/"),
        ("Åtgärden ”Ledstång” är försenad", "/riskanalys/2/"),
        ("Lex Sarah LS-3: åtgärden skulle vara klar", "/lexsarah/3/"),
    ):
        assert brev.body.count(rubrik) == 1 and brev.body.count(f"https://kvalitet.example{lank}") == 1
    assert "Försenad uppföljning" not in brev.body
    # Omkört (också som Celery-uppgift): inga fler brev, inga fler notiser.
    assert bevakningssvep.apply().get() == {"notifikationer": 0, "epost": 0}
    assert len(mail.outbox) == 2 and Notifikation.objects.count() == 4
    assert Notifikation.objects.filter(epost_skickad__isnull=True).count() == 0
    assert Sammandrag.objects.get(mottagare=cast.erik).antal == 3


def test_senare_paminnelse_kommer_i_morgondagens_sammandrag(cast):
    _paminnelse("a", cast.erik, "Första", "/a/")
    services.bevakningar_svep()
    assert services.utkorg_skicka() == 1
    _paminnelse("b", cast.erik, "Andra", "/b/")
    services.bevakningar_svep()
    assert services.utkorg_skicka() == 0 and len(mail.outbox) == 1
    imorgon = timezone.now() + datetime.timedelta(days=1)
    assert services.utkorg_skicka(nu=imorgon) == 1
    assert "Andra" in mail.outbox[1].body and "Första" not in mail.outbox[1].body


def test_sammandraget_gar_forst_fran_klockslaget(cast, settings):
    settings.KVALITET_SAMMANDRAG_TIMME = 7
    _paminnelse("a", cast.erik, "Första", "/a/")
    services.bevakningar_svep()
    idag = timezone.localdate()
    tidigt = timezone.make_aware(datetime.datetime.combine(idag, datetime.time(6, 30)))
    assert services.utkorg_skicka(nu=tidigt) == 0
    assert services.utkorg_skicka(nu=tidigt + datetime.timedelta(hours=1)) == 1


def test_eget_val_e_post_direkt_och_andra_notiser_gar_direkt(cast, logga_in, django_assert_max_num_queries):
    klient = logga_in(cast.erik)
    with django_assert_max_num_queries(10):
        svar = klient.get(reverse("kvalitet:notifikationer"))
    assert 'id="direkt-nej" checked' in svar.content.decode()
    assert klient.post(reverse("kvalitet:notifikationer"), {"direkt": "ja"}).status_code == 302
    assert Epostval.objects.get(anvandare=cast.erik).direkt is True
    assert 'id="direkt-ja" checked' in klient.get(reverse("kvalitet:notifikationer")).content.decode()
    _tre_till_erik_en_till_kim(cast)
    services.bevakningar_svep()
    # Erik: tre brev, ett per påminnelse. Kim: ett sammandrag.
    assert services.utkorg_skicka() == 4
    assert sorted(m.subject for m in mail.outbox if m.to == [cast.erik.email]) == sorted(
        [
            "Avvikelse AV-1 är inte påbörjad",
            "Åtgärden ”Ledstång” är försenad",
            "Lex Sarah LS-3: åtgärden skulle vara klar",
        ]
    )
    # En notis som inte är en påminnelse (t.ex. en ny lex Sarah-rapport) går alltid direkt.
    mail.outbox = []
    services.notifikation_skapa(nyckel="ny", mottagare=cast.kim, rubrik="Ny lex Sarah-rapport")
    assert services.utkorg_skicka() == 1 and mail.outbox[0].subject == "Ny lex Sarah-rapport"


def test_inget_sammandrag_till_en_chef_vars_roll_gatt_ut(org, cast, utgangen):
    from avvikelser import services as avvikelse_tjanster
    from tests.avvikelser.factories import AvvikelseFactory, KategoriFactory

    utgangen.email = "utgangen@kommun.example"
    utgangen.save()
    avvikelse_tjanster.avvikelse_rapportera(
        avvikelse=AvvikelseFactory.build(enhet=org.e1, kategori=KategoriFactory()), av=cast.pia
    )
    services.bevakningar_svep(nu=timezone.now() + datetime.timedelta(days=60))
    services.utkorg_skicka(nu=timezone.now() + datetime.timedelta(days=60))
    mottagare = [m.to[0] for m in mail.outbox]
    assert utgangen.email not in mottagare
    assert sorted(mottagare) == sorted([cast.erik.email, cast.vera.email])
    assert not Notifikation.objects.filter(mottagare=utgangen).exists()


def test_valet_utan_varde_sparar_ingenting(cast, logga_in):
    svar = logga_in(cast.erik).post(reverse("kvalitet:notifikationer"), {"direkt": "kanske"})
    assert svar.status_code == 400 and "Välj hur du vill få påminnelserna." in svar.content.decode()
    assert not Epostval.objects.exists()
