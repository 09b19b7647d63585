"""Den enskildes röst och kontaktvägen i riktig webbläsare (uppfoljning-appens sidor; här för att dela
tests/e2e:s server och chromium, som bara får startas en gång per körning):
handläggaren loggar en kontakt med röst, samordnaren väljer citatet, och täckningen, citatsidan och
ärendet klarar axe-core i mobil- och datorbredd. Skärmbilderna sparas för granskning."""

import os
import pathlib

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import axe_fel, forklara
from tests.uppfoljning.factories import ForandringFactory, arende
from uppfoljning.models import Kontakt

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

VANTA = 30_000


@pytest.fixture
def bilder(tmp_path):
    """Katalogen för skärmbilderna: KVALITET_TEST_BILDER om den är satt (för granskning), annars tmp."""
    katalog = pathlib.Path(os.environ.get("KVALITET_TEST_BILDER") or tmp_path)
    katalog.mkdir(parents=True, exist_ok=True)
    return katalog


def test_voice_is_logged_chosen_and_the_pages_pass_axe(ny_sida, server, bilder, org, cast, brukare):
    def _bild(sida, namn: str):
        sida.screenshot(path=str(bilder / f"{namn}.png"), full_page=True)

    f = ForandringFactory(nod=org.n1, skapad_av=cast.hanna, rubrik="Dagverksamheten flyttar")
    f.enheter.set([org.e1])
    a = arende(brukare.b1, forandring=f, nod=org.e1)
    sida = ny_sida(cast.hanna)
    sida.goto(f"{server}/uppfoljning/arenden/{a.pk}/")
    form = sida.locator("form[action$='/kontakt/']")
    form.get_by_label("Kanal").select_option(label="Hembesök")
    form.get_by_label("Med vem").select_option(label="Den enskilde")
    form.get_by_label("Var den enskilde delaktig i förändringen?").select_option(label="Delvis")
    form.get_by_label("Hur upplevde den enskilde kontakten?").select_option(label="Bra")
    form.get_by_label("Den enskildes ord (citat, utan namn)").fill("Jag vill fortsätta träffa de andra.")
    form.get_by_role("button", name="Logga kontakten").click()
    expect(sida.get_by_text("Kontakten är loggad.")).to_be_visible(timeout=VANTA)
    expect(sida.get_by_text("”Jag vill fortsätta träffa de andra.”")).to_be_visible()
    assert not axe_fel(sida), forklara(axe_fel(sida))
    _bild(sida, "arende-1280")

    for mobil, bredd in ((False, 1280), (True, 390)):
        kim = ny_sida(cast.kim, mobil=mobil)
        kim.goto(f"{server}/uppfoljning/tackning/?nod={org.n1.pk}")
        expect(kim.get_by_role("heading", name="Den enskildes röst")).to_be_visible()
        assert not axe_fel(kim), forklara(axe_fel(kim))
        _bild(kim, f"tackning-{bredd}")
        kim.get_by_role("link", name="Välj citat till kvalitetsberättelsen").click()
        expect(kim.get_by_role("heading", name="Den enskildes ord till kvalitetsberättelsen")).to_be_visible()
        assert "Greta" not in kim.content()
        assert not axe_fel(kim), forklara(axe_fel(kim))
        _bild(kim, f"citat-{bredd}")
    kim.get_by_role("button", name="Välj citatet").click()
    expect(kim.get_by_text("Citatet är valt till kvalitetsberättelsen.")).to_be_visible(timeout=VANTA)
    assert Kontakt.objects.get().citat_valt

    hanna = ny_sida(cast.hanna, mobil=True)
    # Ärendeformuläret med insatsfältet: sökningen visar den enskildes insatser.
    hanna.goto(f"{server}/uppfoljning/arenden/ny/")
    hanna.get_by_label("Insats som den enskilde pausat eller tackat nej till").fill("Gran")
    expect(hanna.get_by_text("Greta Gran:", exact=False).first).to_be_visible(timeout=VANTA)
    assert not axe_fel(hanna), forklara(axe_fel(hanna))
    _bild(hanna, "arende-ny-390")
    hanna.goto(f"{server}/uppfoljning/arenden/{a.pk}/")
    expect(hanna.get_by_text("Vald till kvalitetsberättelsen")).to_be_visible()
    assert not axe_fel(hanna), forklara(axe_fel(hanna))
    _bild(hanna, "arende-390")
