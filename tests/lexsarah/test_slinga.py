"""Issue 18 i lex Sarah: effektbedömning, strykning med motivering, skrivskydd och återöppning."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from lexsarah import services
from lexsarah.models import Atgard, Status
from tests.lexsarah.factories import AtgardFactory
from tests.lexsarah.test_tjanster import lamna, utred_och_bedom

pytestmark = pytest.mark.django_db


def _uppfoljd(cast, org):
    rapport = utred_och_bedom(lamna(cast, org), cast, allvarligt=False)
    atgard = AtgardFactory(rapport=rapport)
    return rapport, atgard


def test_uppfoljning_utan_effektbedomning_vagras_och_hindrar_avslut(cast, org, logga_in):
    rapport, atgard = _uppfoljd(cast, org)
    klient = logga_in(cast.kim)
    svar = klient.post(
        reverse("lexsarah:uppfoljning", args=[rapport.pk]),
        {"atgard": atgard.pk, "version": "0", "datum": timezone.localdate().isoformat(), "resultat": "Klart"},
    )
    assert svar.status_code == 400 and "Fick åtgärden avsedd effekt?" in svar.content.decode()
    assert Atgard.objects.get(pk=atgard.pk).uppfoljd is None
    with pytest.raises(ValidationError, match="inte genomförd"):
        services.byt_status(rapport=rapport, till=Status.ATGARDER_UPPFOLJDA, av=cast.kim)
    with pytest.raises(ValidationError, match="Fick åtgärden avsedd effekt"):
        services.atgard_folj_upp(
            atgard=atgard, av=cast.kim, datum=timezone.localdate(), resultat="Klart", version=0
        )


def test_struken_atgard_med_motivering_later_arendet_avslutas(cast, org, logga_in):
    rapport, atgard = _uppfoljd(cast, org)
    klient = logga_in(cast.kim)
    svar = klient.post(
        reverse("lexsarah:uppfoljning", args=[rapport.pk]),
        {"atgard": atgard.pk, "version": "0", "struken": "Ersatt av en kommungemensam rutin."},
    )
    assert svar.status_code == 302
    assert Atgard.objects.get(pk=atgard.pk).struken == "Ersatt av en kommungemensam rutin."
    rapport = services.byt_status(rapport=rapport, till=Status.ATGARDER_UPPFOLJDA, av=cast.kim)
    assert services.byt_status(rapport=rapport, till=Status.AVSLUTAD, av=cast.kim).status == Status.AVSLUTAD


def test_avslutat_arende_ar_skrivskyddat_tills_det_oppnas_med_motivering(cast, org, logga_in):
    rapport, atgard = _uppfoljd(cast, org)
    services.atgard_folj_upp(
        atgard=atgard,
        av=cast.kim,
        datum=timezone.localdate(),
        resultat="Rutinen följs.",
        version=0,
        effekt_bedomning="ja",
    )
    rapport = services.byt_status(rapport=rapport, till=Status.ATGARDER_UPPFOLJDA, av=cast.kim)
    rapport = services.byt_status(rapport=rapport, till=Status.AVSLUTAD, av=cast.kim)
    klient = logga_in(cast.kim)
    html = klient.get(reverse("lexsarah:detalj", args=[rapport.pk])).content.decode()
    assert 'id="skrivskyddad"' in html
    for namn in ("utredning", "atgard", "uppfoljning", "bilaga_ny", "kommentar", "berorda", "bedomning"):
        assert reverse(f"lexsarah:{namn}", args=[rapport.pk]) not in html
    antal = rapport.handelser.count()
    svar = klient.post(
        reverse("lexsarah:atgard", args=[rapport.pk]), {"text": "En till", "typ": "forebyggande"}
    )
    assert svar.status_code == 400 and "Ärendet är avslutat och kan inte ändras" in svar.content.decode()
    svar = klient.post(reverse("lexsarah:kommentar", args=[rapport.pk]), {"text": "Sent påpekande"})
    assert svar.status_code == 400 and "Ärendet är avslutat" in svar.content.decode()
    svar = klient.post(
        reverse("lexsarah:uppfoljning", args=[rapport.pk]),
        {"atgard": atgard.pk, "version": "1", "struken": "x"},
    )
    assert svar.status_code == 400 and "Ärendet är avslutat" in svar.content.decode()
    assert rapport.handelser.count() == antal and rapport.atgarder.count() == 1

    svar = klient.post(reverse("lexsarah:status", args=[rapport.pk]), {"till": Status.ATGARDER_UPPFOLJDA})
    assert svar.status_code == 400 and "Ange varför ärendet öppnas igen" in svar.content.decode()
    svar = klient.post(
        reverse("lexsarah:status", args=[rapport.pk]),
        {"till": Status.ATGARDER_UPPFOLJDA, "motivering": "Ny händelse av samma slag"},
    )
    assert svar.status_code == 302
    rapport.refresh_from_db()
    assert rapport.status == Status.ATGARDER_UPPFOLJDA and rapport.avslutad is None
    assert rapport.handelser.filter(text__endswith=": Ny händelse av samma slag").exists()
    assert rapport.history.filter(history_change_reason="Ny händelse av samma slag").exists()
    svar = klient.post(
        reverse("lexsarah:atgard", args=[rapport.pk]), {"text": "En till", "typ": "forebyggande"}
    )
    assert svar.status_code == 302


def test_struken_atgard_ar_ingen_uppgift_for_den_ansvarige(cast, org):
    # Den ansvarigas åtgärder kommer ur åtgärdsregistret (kvalitet.uppgifter).
    from kvalitet.uppgifter import mina_uppgifter

    def ar_atgard(u):
        return u.kalla == "lexsarah" and u.rubrik.startswith("Genomför åtgärd")

    rapport, atgard = _uppfoljd(cast, org)
    Atgard.objects.filter(pk=atgard.pk).update(ansvarig=cast.kim)
    assert any(ar_atgard(u) for u in mina_uppgifter(cast.kim))
    services.atgard_folj_upp(
        atgard=atgard, av=cast.kim, datum=None, resultat="", version=0, struken="Behövs inte längre."
    )
    assert not any(ar_atgard(u) for u in mina_uppgifter(cast.kim))
