"""Personalens rapport på telefonen (390 px) i riktig webbläsare: från startsidan till skickad rapport med
ett foto på högst fem tryck plus texten, QR-affischens länk (också genom inloggningen), utkastet som
fylls i igen efter en ny inloggning och varningen innan sessionen går ut."""

import re

import pytest
from playwright.sync_api import expect

from avvikelser.models import Avvikelse, Bilaga
from tests.avvikelser.factories import KategoriFactory
from tests.e2e.conftest import LOSENORD, axe_fel, forklara

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# En liten riktig PNG (1 × 1 bildpunkt), som kameran hade lämnat.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cfc0f01f0005000201e2216fd30000000049454e44ae426082"
)


@pytest.fixture
def kategorier(db):
    return [KategoriFactory(namn=n) for n in ("Utebliven insats", "Omsorg", "Bemötande")]


class Tryck:
    """Räknar trycken: varje tryck på sidan går genom `tryck`."""

    def __init__(self):
        self.antal = 0

    def __call__(self, locator):
        self.antal += 1
        locator.tap()


def _logga_in(sida, user):
    sida.get_by_label("Användarnamn").fill(user.username)
    sida.get_by_label("Lösenord").fill(LOSENORD)
    sida.get_by_role("button", name="Logga in").click()


def test_staff_reports_with_a_photo_in_five_taps_plus_the_text(
    ny_sida, server, org, cast, brukare, kategorier
):
    sida = ny_sida(cast.pia, mobil=True)
    tryck = Tryck()
    tryck(sida.get_by_role("link", name="Rapportera avvikelse"))
    sida.wait_for_url(f"{server}/avvikelser/rapportera/")
    # Enheten (Pias enda), tiden (nu) och lagen (enheten har bara SoL-insatser) är redan ifyllda.
    expect(sida.locator("select[name=enhet]")).to_have_value(str(org.e1.pk))
    expect(sida.get_by_label("SoL", exact=True)).to_be_checked()
    assert axe_fel(sida) == [], forklara(axe_fel(sida))
    tryck(sida.get_by_label("Utebliven insats"))
    tryck(sida.get_by_label("Vad hände"))
    sida.keyboard.type("Kvällsbesöket blev inte av; ingen ringde.")
    # Ett tryck på filfältet öppnar kameran; fotot som tas är filen nedan.
    fil = sida.locator("input[type=file][name=fil]")
    assert fil.get_attribute("capture") == "environment"
    tryck.antal += 1
    fil.set_input_files(files=[{"name": "foto.png", "mimeType": "image/png", "buffer": PNG}])
    tryck(sida.get_by_role("button", name="Skicka avvikelsen"))
    kvitto = sida.get_by_text(re.compile(r"referensnummer AV-"))
    kvitto.wait_for()
    assert tryck.antal <= 5, tryck.antal
    a = Avvikelse.objects.get()
    assert (a.enhet_id, a.lag, a.kategori.namn) == (org.e1.pk, "SoL", "Utebliven insats")
    assert a.referensnummer in kvitto.inner_text()
    b = Bilaga.objects.get()
    assert b.avvikelse_id == a.pk and b.mime == "image/png"
    # Utkastet är borta ur fliken när rapporten sparats.
    assert sida.evaluate("Object.keys(sessionStorage).filter(k => k.startsWith('kv-utkast:'))") == []


def test_qr_link_goes_through_login_to_the_form_with_the_unit_preselected(
    ny_sida, server, org, cast, brukare, kategorier
):
    sida = ny_sida(mobil=True)
    sida.goto(f"{server}/r/{org.e2.pk}/")
    expect(sida.get_by_label("Användarnamn")).to_be_visible()
    _logga_in(sida, cast.vera)  # verksamhetschefen har två enheter: länken väljer E2, inte den första
    sida.wait_for_url(f"{server}/avvikelser/rapportera/?enhet={org.e2.pk}")
    expect(sida.locator("select[name=enhet]")).to_have_value(str(org.e2.pk))
    # En främmande enhet i länken: ett svenskt meddelande, formuläret står kvar.
    sida.goto(f"{server}/r/{org.e4.pk}/")
    expect(sida.get_by_role("alert")).to_contain_text("finns inte bland de enheter du kan rapportera för")
    expect(sida.locator("select[name=enhet]")).to_be_visible()
    assert axe_fel(sida) == [], forklara(axe_fel(sida))


def test_manager_opens_the_poster_page_and_downloads_the_pdf(ny_sida, server, org, cast):
    sida = ny_sida(cast.erik, mobil=True)
    sida.get_by_role("link", name="QR-affisch för rapportering").tap()
    expect(sida.get_by_role("heading", level=1)).to_have_text("QR-affisch för rapportering")
    assert axe_fel(sida) == [], forklara(axe_fel(sida))
    with sida.expect_download() as nedladdning:
        sida.get_by_role("link", name=re.compile("Skriv ut affisch")).click()
    assert nedladdning.value.suggested_filename == f"qr-affisch-{org.e1.pk}.pdf"


def test_what_was_typed_is_restored_after_the_session_ended_and_the_user_logged_in_again(
    ny_sida, server, org, cast, brukare, kategorier
):
    sida = ny_sida(cast.pia, mobil=True)
    sida.goto(f"{server}/avvikelser/rapportera/")
    sida.get_by_label("Omsorg").check()
    sida.get_by_label("Vad hände").fill("Halvskriven rapport om natten.")
    sida.get_by_label("Vad gjordes direkt").fill("Ringde sjuksköterskan.")
    # Sessionen tar slut (kakan borta, som efter 30 minuter); Skicka hamnar på inloggningen.
    sida.context.clear_cookies()
    sida.get_by_role("button", name="Skicka avvikelsen").click()
    expect(sida.get_by_label("Användarnamn")).to_be_visible()
    assert not Avvikelse.objects.exists()
    _logga_in(sida, cast.pia)
    sida.wait_for_url(re.compile(r"/avvikelser/rapportera/"))
    expect(sida.get_by_label("Vad hände")).to_have_value("Halvskriven rapport om natten.")
    expect(sida.get_by_label("Vad gjordes direkt")).to_have_value("Ringde sjuksköterskan.")
    expect(sida.get_by_label("Omsorg")).to_be_checked()
    expect(sida.get_by_role("status").filter(has_text="fyllts i igen")).to_be_visible()
    sida.get_by_role("button", name="Skicka avvikelsen").click()
    sida.get_by_text(re.compile(r"referensnummer AV-")).wait_for()
    assert Avvikelse.objects.get().beskrivning == "Halvskriven rapport om natten."


def test_session_warning_is_an_accessible_dialog_and_continue_renews(ny_sida, server, cast):
    sida = ny_sida(cast.pia, mobil=True)
    sida.evaluate("window.kvSession.visa()")  # som när tiden nästan gått ut
    dialog = sida.get_by_role("alertdialog", name="Du loggas snart ut")
    expect(dialog).to_be_visible()
    fortsatt = dialog.get_by_role("button", name="Fortsätt")
    expect(fortsatt).to_be_focused()
    assert axe_fel(sida) == [], forklara(axe_fel(sida))
    with sida.expect_response(lambda r: r.url.endswith("/sessionen/fortsatt/")) as svar:
        fortsatt.tap()
    assert svar.value.status == 200
    expect(dialog).to_be_hidden()
