"""Issue 18 i riktig webbläsare: chefen kan avsluta avvikelsen först när åtgärden är genomförd och
effektbedömd, och rapportören läser sedan återkopplingen på en mobilskärm; axe på sidorna."""

import pytest
from django.utils import timezone

from avvikelser import services
from avvikelser.models import Atgard, Avvikelse, AvvikelseStatus
from tests.avvikelser.factories import AvvikelseFactory, KategoriFactory
from tests.e2e.conftest import axe_fel, forklara

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
S = AvvikelseStatus


@pytest.fixture
def atgardad(org, cast):
    a = services.avvikelse_rapportera(
        avvikelse=AvvikelseFactory.build(
            enhet=org.e1,
            kategori=KategoriFactory(namn="Omsorg"),
            beskrivning="Larmet på rum 4 fungerade inte under natten.",
            anonym=True,
        ),
        av=cast.pia,
    )
    for till in (S.UNDER_UTREDNING, S.ATGARDAD):
        a = services.avvikelse_byt_status(avvikelse=a, till=till, av=cast.erik)
    Avvikelse.objects.filter(pk=a.pk).update(slutsats="Batteriet i larmet byttes inte enligt schemat.")
    services.atgard_lagg_till(
        atgard=Atgard(avvikelse=a, text="Batteribyte läggs in i veckoschemat", ansvarig=cast.erik),
        av=cast.erik,
    )
    return a


def _avsluta(sida):
    sida.locator("#id_till").select_option(S.AVSLUTAD)
    sida.locator("#id_aterkoppling").fill(
        "Tack! Batteribytet står nu i veckoschemat och kontrolleras varje måndag."
    )
    sida.get_by_role("button", name="Byt status").click()


def test_chefen_avslutar_forst_efter_effektbedomningen_och_rapportoren_laser_aterkopplingen(
    ny_sida, server, cast, atgardad, tmp_path
):
    sida = ny_sida(cast.erik)
    sida.goto(f"{server}/avvikelser/{atgardad.pk}/")
    fel = axe_fel(sida)
    assert fel == [], forklara(fel)

    # Första försöket: åtgärden är inte genomförd, så avslutet vägras med ett svenskt besked.
    _avsluta(sida)
    sida.get_by_text("är inte genomförd").first.wait_for()
    atgardad.refresh_from_db()
    assert atgardad.status == S.ATGARDAD

    atgard = atgardad.atgarder.get()
    kort = sida.locator(f"#atgard-{atgard.pk}")
    kort.locator("summary", has_text="Följ upp åtgärden").click()
    kort.locator("[name=genomford]").fill(timezone.localdate().isoformat())
    kort.get_by_label("Ja").check()
    kort.locator("[name=effekt]").fill("Inga fler larmfel sedan bytet.")
    kort.get_by_role("button", name="Spara uppföljningen").click()
    sida.get_by_text("Åtgärden är uppföljd.").wait_for()
    assert sida.locator(f"#atgard-{atgard.pk}").inner_text().count("Fick åtgärden avsedd effekt? Ja") == 1

    _avsluta(sida)
    sida.get_by_text("Statusen är ändrad.").wait_for()
    sida.locator("#skrivskyddad").wait_for()
    atgardad.refresh_from_db()
    assert atgardad.status == S.AVSLUTAD and atgardad.aterkoppling.startswith("Tack!")
    # Skrivskyddad: inga formulär för utredning, åtgärder eller bilagor; enheten ser inte vem som rapporterade.
    html = sida.content()
    assert (
        f"/avvikelser/{atgardad.pk}/utred/" not in html and f"/avvikelser/{atgardad.pk}/atgard/" not in html
    )
    assert cast.pia.get_full_name() not in html and "Anonym rapportör" in html
    fel = axe_fel(sida)
    assert fel == [], forklara(fel)

    mobil = ny_sida(cast.pia, mobil=True)
    mobil.goto(f"{server}/avvikelser/mina/")
    fel = axe_fel(mobil)
    assert fel == [], forklara(fel)
    mobil.get_by_role("link", name="Läs återkopplingen").click()
    mobil.locator("#aterkoppling").wait_for()
    assert "kontrolleras varje måndag" in mobil.locator("#aterkoppling").inner_text()
    assert "Larmet på rum 4" in mobil.locator("#din-text").inner_text()
    assert "Batteribyte läggs in i veckoschemat" in mobil.locator("#atgarder").inner_text()
    # Inget rullar i sidled på en 390 px bred skärm.
    assert mobil.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    mobil.screenshot(path=str(tmp_path / "aterkoppling-390.png"), full_page=True)
    fel = axe_fel(mobil)
    assert fel == [], forklara(fel)
