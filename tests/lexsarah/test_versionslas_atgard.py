"""Versionslåset på lex Sarah-åtgärdens uppföljning: två utredare följer inte upp samma åtgärd över
varandra, en uppföljning utan version vägras, och krocken namnger aldrig en rapportör för den som inte
får se hen."""

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kvalitet import access
from kvalitet.samtidighet import Krock
from lexsarah import services
from lexsarah.models import Atgard
from tests.factories import RollFactory, UserFactory
from tests.lexsarah.factories import RapportFactory

MEDDELANDE = "Dina ändringar är inte sparade"


@pytest.fixture
def karin(org):
    user = UserFactory(username="karin", first_name="Karin", last_name="Kvist")
    RollFactory(anvandare=user, roll="kvalitetssamordnare", nod=org.n1)
    return user


@pytest.fixture
def atgard(org, cast):
    rapport = services.rapport_lamna(rapport=RapportFactory.build(enhet=org.e1), av=cast.pia)
    return services.atgard_spara(atgard=Atgard(rapport=rapport, text="Ny rutin för nattillsyn"), av=cast.kim)


def _klient(user) -> Client:
    klient = Client()
    klient.force_login(user)
    return klient


def _uppfoljningens_version(html: str, atgard_pk: int) -> str:
    m = re.search(
        rf'name="atgard" value="{atgard_pk}"><input type="hidden" name="version" value="(\d*)"', html
    )
    return m.group(1)


def test_stale_follow_up_after_another_investigators_is_refused_and_keeps_the_typed_result(
    cast, karin, atgard
):
    detalj = reverse("lexsarah:detalj", args=[atgard.rapport_id])
    url = reverse("lexsarah:uppfoljning", args=[atgard.rapport_id])
    kim, karins = _klient(cast.kim), _klient(karin)
    v_kim = _uppfoljningens_version(kim.get(detalj).content.decode(), atgard.pk)
    v_karin = _uppfoljningens_version(karins.get(detalj).content.decode(), atgard.pk)
    assert v_kim == v_karin == "0"
    dag = timezone.localdate().isoformat()

    svar = kim.post(
        url,
        {
            "atgard": atgard.pk,
            "datum": dag,
            "resultat": "Kims resultat",
            "effekt_bedomning": "ja",
            "version": v_kim,
        },
    )
    assert svar.status_code == 302
    svar = karins.post(
        url,
        {
            "atgard": atgard.pk,
            "datum": dag,
            "resultat": "Karins resultat",
            "effekt_bedomning": "ja",
            "version": v_karin,
        },
    )
    html = svar.content.decode()
    assert svar.status_code == 400
    assert "Åtgärden har ändrats av Kim" in html and MEDDELANDE in html
    assert 'value="Karins resultat"' in html  # det hon skrev står kvar
    assert "Kims resultat" in html  # och det sparade visas
    atgard.refresh_from_db()
    assert (atgard.resultat, atgard.version) == ("Kims resultat", 1)
    # Formuläret bär nu den sparade versionen, så ett nytt spara är ett medvetet val.
    assert _uppfoljningens_version(html, atgard.pk) == "1"
    svar = karins.post(
        url,
        {
            "atgard": atgard.pk,
            "datum": dag,
            "resultat": "Karins resultat",
            "effekt_bedomning": "ja",
            "version": "1",
        },
    )
    assert svar.status_code == 302
    atgard.refresh_from_db()
    assert (atgard.resultat, atgard.version) == ("Karins resultat", 2)


def test_follow_up_without_version_saves_nothing(cast, atgard):
    svar = _klient(cast.kim).post(
        reverse("lexsarah:uppfoljning", args=[atgard.rapport_id]),
        {
            "atgard": atgard.pk,
            "datum": timezone.localdate().isoformat(),
            "resultat": "Utan version",
            "effekt_bedomning": "ja",
        },
    )
    html = svar.content.decode()
    assert svar.status_code == 400 and MEDDELANDE in html and 'value="Utan version"' in html
    atgard.refresh_from_db()
    assert atgard.uppfoljd is None and atgard.resultat == "" and atgard.version == 0


def test_fresh_follow_up_is_saved(cast, atgard):
    svar = _klient(cast.kim).post(
        reverse("lexsarah:uppfoljning", args=[atgard.rapport_id]),
        {
            "atgard": atgard.pk,
            "datum": timezone.localdate().isoformat(),
            "resultat": "Klart",
            "version": "0",
            "effekt_bedomning": "ja",
        },
    )
    assert svar.status_code == 302
    atgard.refresh_from_db()
    assert (atgard.resultat, atgard.version) == ("Klart", 1)


def test_conflict_message_does_not_name_the_reporter_to_someone_who_may_not_see_them(org, cast):
    """Rapportören (Vera) står som den som senast ändrade åtgärden; för den som inte är utredare står
    inte namnet i krocken, utan regelns text (tjänsten prövas direkt: bara utredare når vyn)."""
    rapport = services.rapport_lamna(rapport=RapportFactory.build(enhet=org.e1), av=cast.vera)
    a = services.atgard_spara(atgard=Atgard(rapport=rapport, text="Rutin"), av=cast.kim)
    services.atgard_folj_upp(
        atgard=a,
        av=cast.vera,
        datum=datetime.date.today(),
        resultat="Veras",
        version=0,
        effekt_bedomning="ja",
    )
    with pytest.raises(Krock) as krock:
        services.atgard_folj_upp(
            atgard=a,
            av=cast.erik,
            datum=datetime.date.today(),
            resultat="x",
            version=0,
            effekt_bedomning="ja",
        )
    text = krock.value.message
    assert "Vera" not in text and access.DOLD_RAPPORTOR in text
    # Utredaren får se rapportören, också i krocken.
    with pytest.raises(Krock) as krock:
        services.atgard_folj_upp(
            atgard=a, av=cast.kim, datum=datetime.date.today(), resultat="x", version=0, effekt_bedomning="ja"
        )
    assert "av Vera" in krock.value.message
