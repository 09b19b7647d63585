"""Issue 18: klagomål har åtgärder och tidslinje med samma regler som avvikelser (avslut, skrivskydd, återöppning)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from avvikelser import services
from avvikelser.models import Klagomal, KlagomalAtgard, KlagomalStatus
from kvalitet.arende import STANGT
from tests.avvikelser.factories import KlagomalFactory

pytestmark = pytest.mark.django_db
K = KlagomalStatus


def _klagomal(org, chef):
    k = services.klagomal_registrera(
        klagomal=KlagomalFactory.build(enhet=org.e1, namn="Anna", kontakt="anna@example.se"), av=chef
    )
    atgard = services.klagomal_atgard_lagg_till(
        atgard=KlagomalAtgard(klagomal=k, text="Varm mat vid leverans", ansvarig=chef), av=chef
    )
    return Klagomal.objects.get(pk=k.pk), atgard


def _avsluta(klient, k):
    return klient.post(
        reverse("avvikelser:klagomal_detalj", args=[k.pk]),
        {"aterkoppling_datum": timezone.localdate().isoformat(), "aterkoppling_hur": "Telefonsamtal"},
    )


def _folj_upp(klient, k, atgard, **data):
    return klient.post(
        reverse("avvikelser:klagomal_atgard_uppfoljning", args=[k.pk]),
        {"atgard": atgard.pk, "version": str(KlagomalAtgard.objects.get(pk=atgard.pk).version), **data},
    )


def test_an_action_moves_the_complaint_to_handling_and_is_in_the_timeline(org, cast):
    k, _ = _klagomal(org, cast.erik)
    assert k.status == K.UNDER_HANDLAGGNING
    texter = list(k.handelser.values_list("text", flat=True))
    assert texter[0] == "Registrerat." and "Åtgärd tillagd: Varm mat vid leverans" in texter


def test_closing_is_refused_with_an_open_action(org, cast, logga_in):
    k, _ = _klagomal(org, cast.erik)
    svar = _avsluta(logga_in(cast.erik), k)
    assert svar.status_code == 400
    assert "”Varm mat vid leverans” är inte genomförd" in svar.content.decode()
    assert Klagomal.objects.get(pk=k.pk).status == K.UNDER_HANDLAGGNING


def test_closing_requires_feedback_also_when_actions_are_done(org, cast):
    k, atgard = _klagomal(org, cast.erik)
    services.klagomal_atgard_folj_upp(
        atgard=atgard,
        av=cast.erik,
        version=0,
        genomford=timezone.localdate(),
        effekt_bedomning="ja",
        effekt="Maten är varm nu",
    )
    with pytest.raises(ValidationError, match="återkoppling"):
        services.klagomal_avsluta(klagomal=k, av=cast.erik, aterkoppling_hur=" ")


def test_done_without_effect_is_refused_and_nothing_is_lost(org, cast, logga_in):
    k, atgard = _klagomal(org, cast.erik)
    svar = _folj_upp(
        logga_in(cast.erik), k, atgard, genomford=timezone.localdate().isoformat(), effekt="Bra nu"
    )
    assert svar.status_code == 400
    html = svar.content.decode()
    assert "Fick åtgärden avsedd effekt?" in html and "Bra nu" in html
    assert KlagomalAtgard.objects.get(pk=atgard.pk).genomford is None


def test_closing_is_allowed_after_done_and_evaluated(org, cast, logga_in):
    k, atgard = _klagomal(org, cast.erik)
    klient = logga_in(cast.erik)
    svar = _folj_upp(
        klient,
        k,
        atgard,
        genomford=timezone.localdate().isoformat(),
        effekt_bedomning="delvis",
        effekt="Varmare, men inte alltid",
    )
    assert svar.status_code == 302
    assert _avsluta(klient, k).status_code == 302
    k.refresh_from_db()
    assert (k.status, k.aterkoppling_hur) == (K.AVSLUTAT, "Telefonsamtal")
    assert k.handelser.filter(till_status=K.AVSLUTAT).count() == 1


def test_closing_is_allowed_after_the_action_is_dropped_with_a_reason(org, cast, logga_in):
    k, atgard = _klagomal(org, cast.erik)
    klient = logga_in(cast.erik)
    assert _folj_upp(klient, k, atgard, struken="Leverantören byttes").status_code == 302
    assert _avsluta(klient, k).status_code == 302
    assert Klagomal.objects.get(pk=k.pk).status == K.AVSLUTAT
    assert k.handelser.filter(text__startswith="Åtgärd struken").count() == 1


def _avslutat(org, chef):
    k, atgard = _klagomal(org, chef)
    services.klagomal_atgard_folj_upp(atgard=atgard, av=chef, version=0, struken="Inte aktuell")
    k = services.klagomal_avsluta(
        klagomal=k, av=chef, aterkoppling_datum=timezone.localdate(), aterkoppling_hur="Brev"
    )
    return k, atgard


def test_a_closed_complaint_is_read_only(org, cast, logga_in):
    k, atgard = _avslutat(org, cast.erik)
    with pytest.raises(ValidationError, match="avslutat"):
        services.klagomal_atgard_lagg_till(atgard=KlagomalAtgard(klagomal=k, text="Ny"), av=cast.erik)
    with pytest.raises(ValidationError, match="avslutat"):
        services.klagomal_atgard_folj_upp(atgard=atgard, av=cast.erik, version=1, struken="Igen")
    with pytest.raises(ValidationError, match="avslutat"):
        services.klagomal_satt_tema(klagomal=k, tema=None, av=cast.erik, version=k.version)
    klient = logga_in(cast.erik)
    svar = klient.post(reverse("avvikelser:klagomal_atgard", args=[k.pk]), {"text": "Ny åtgärd"})
    assert svar.status_code == 400 and STANGT in svar.content.decode()
    assert "Ny åtgärd" in svar.content.decode()
    assert k.atgarder.count() == 1
    sida = klient.get(reverse("avvikelser:klagomal_detalj", args=[k.pk])).content.decode()
    # Inga formulär för att ändra, bara för att öppna igen.
    assert "Lägg till åtgärden" not in sida and "Spara temat" not in sida and "Avsluta ärendet" not in sida
    assert "Öppna ärendet igen" in sida


def test_reopening_requires_a_reason_and_is_recorded(org, cast, logga_in):
    k, _ = _avslutat(org, cast.erik)
    klient = logga_in(cast.erik)
    url = reverse("avvikelser:klagomal_oppna", args=[k.pk])
    svar = klient.post(url, {"motivering": " "})
    assert svar.status_code == 400 and "Ange varför ärendet öppnas igen." in svar.content.decode()
    assert Klagomal.objects.get(pk=k.pk).status == K.AVSLUTAT
    assert klient.post(url, {"motivering": "Anna hörde av sig igen"}).status_code == 302
    k.refresh_from_db()
    assert (k.status, k.avslutat) == (K.UNDER_HANDLAGGNING, None)
    assert k.handelser.filter(
        fran_status=K.AVSLUTAT, till_status=K.UNDER_HANDLAGGNING, text__endswith="Anna hörde av sig igen"
    ).exists()
    assert k.history.first().history_change_reason == "Anna hörde av sig igen"
    # Öppet igen: nya åtgärder går att lägga till.
    services.klagomal_atgard_lagg_till(atgard=KlagomalAtgard(klagomal=k, text="Ny"), av=cast.erik)


def test_only_those_who_may_change_can_act(org, cast, logga_in):
    k, atgard = _klagomal(org, cast.erik)
    # Kvalitetssamordnaren läser (sidan visas) men får inte ändra: inga knappar, och en POST ger 404.
    klient = logga_in(cast.kim)
    sida = klient.get(reverse("avvikelser:klagomal_detalj", args=[k.pk]))
    assert sida.status_code == 200 and "Följ upp åtgärden" not in sida.content.decode()
    assert _folj_upp(klient, k, atgard, struken="Nej").status_code == 404
    assert KlagomalAtgard.objects.get(pk=atgard.pk).struken == ""


def test_the_owner_list_is_scoped_to_the_unit_with_full_names(org, cast, logga_in):
    k, _ = _klagomal(org, cast.erik)
    sida = logga_in(cast.erik).get(reverse("avvikelser:klagomal_detalj", args=[k.pk])).content.decode()
    assert f"{cast.vera.get_full_name()} (Verksamhetschef, Område A1)" in sida
    # Elsa är chef i en annan nämnd, Ada administratör: ingen av dem kan väljas.
    assert f'value="{cast.elsa.pk}"' not in sida and f'value="{cast.ada.pk}"' not in sida


def test_the_detail_page_has_a_bounded_number_of_queries(org, cast, logga_in, django_assert_max_num_queries):
    k, _ = _klagomal(org, cast.erik)
    for i in range(5):
        services.klagomal_atgard_lagg_till(
            atgard=KlagomalAtgard(klagomal=k, text=f"Åtgärd {i}"), av=cast.erik
        )
    klient = logga_in(cast.erik)
    with django_assert_max_num_queries(30):
        assert klient.get(reverse("avvikelser:klagomal_detalj", args=[k.pk])).status_code == 200
