"""Två chefer redigerar samma utredning: den andra skriver inte tyst över den första."""

import re

from django.test import Client
from django.urls import reverse

from avvikelser.models import Avvikelse
from tests.avvikelser.test_avvikelser import _rapportera


def _versionen(html: str) -> str:
    return re.search(r'name="version" value="(\d+)"', html).group(1)


def test_second_save_of_same_version_is_refused_with_clear_message_and_keeps_input(org, cast):
    a = _rapportera(cast.pia, org.e1)
    erik, vera = Client(), Client()
    erik.force_login(cast.erik)
    vera.force_login(cast.vera)
    url = reverse("avvikelser:utred", args=[a.pk])
    detalj = reverse("avvikelser:detalj", args=[a.pk])
    v_erik = _versionen(erik.get(detalj).content.decode())
    v_vera = _versionen(vera.get(detalj).content.decode())
    assert v_erik == v_vera == "0"

    assert (
        erik.post(
            url, {"slutsats": "Eriks slutsats", "konsekvens": "2", "sannolikhet": "2", "version": v_erik}
        ).status_code
        == 302
    )
    svar = vera.post(
        url, {"slutsats": "Veras slutsats", "konsekvens": "4", "sannolikhet": "3", "version": v_vera}
    )
    html = svar.content.decode()
    assert svar.status_code == 400
    assert "har ändrats av Erik" in html and "Dina ändringar är inte sparade" in html
    assert "Veras slutsats" in html  # det hon skrev finns kvar
    assert "Eriks slutsats" in html  # och det sparade visas att jämföra med
    a.refresh_from_db()
    assert (a.slutsats, a.konsekvens, a.version) == ("Eriks slutsats", 2, 1)

    # Formuläret bär nu den sparade versionen: sparar hon igen är det ett medvetet val.
    assert _versionen(html) == "1"
    assert (
        vera.post(
            url, {"slutsats": "Veras slutsats", "konsekvens": "4", "sannolikhet": "3", "version": "1"}
        ).status_code
        == 302
    )
    a.refresh_from_db()
    assert (a.slutsats, a.konsekvens, a.version) == ("Veras slutsats", 4, 2)


def test_investigation_save_does_not_undo_a_concurrent_status_change(org, cast):
    from avvikelser import services

    a = _rapportera(cast.pia, org.e1)
    gammal = Avvikelse.objects.get(pk=a.pk)  # inläst före statusbytet
    services.avvikelse_byt_status(avvikelse=a, till="under_utredning", av=cast.erik)
    services.avvikelse_utred(
        avvikelse=gammal, av=cast.vera, orsaker=[], konsekvens=1, sannolikhet=1, slutsats="x", version=0
    )
    a.refresh_from_db()
    assert a.status == "under_utredning" and a.slutsats == "x"
