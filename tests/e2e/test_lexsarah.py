"""Lex Sarah i riktig webbläsare: personal rapporterar på telefon, kvalitetssamordnaren utreder, bedömer,
hämtar anmälan som PDF och registrerar att den skickats till IVO."""

import datetime
import re

import pytest
from django.utils import timezone

from lexsarah.models import Rapport
from tests.e2e.conftest import axe_fel, forklara

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _rapportera_pa_telefon(ny_sida, server, pia):
    sida = ny_sida(pia, mobil=True)
    sida.goto(f"{server}/lexsarah/rapportera/")
    sida.locator("[name=sammanfattning]").fill("Utebliven tillsyn nattetid")
    sida.locator("[name=beskrivning]").fill("Den enskilde låg på golvet i flera timmar utan tillsyn.")
    igar = timezone.localtime() - datetime.timedelta(hours=20)
    for falt in ("handelsetid", "upptackt"):
        if sida.locator(f"[name={falt}]").count():
            sida.locator(f"[name={falt}]").fill(igar.strftime("%Y-%m-%dT%H:%M"))
    sida.get_by_role("button", name=re.compile("Skicka|Lämna")).click()
    sida.get_by_text(re.compile(r"LS-")).first.wait_for()
    return Rapport.objects.get()


def test_coordinator_investigates_assesses_and_records_report_to_ivo(ny_sida, server, cast, brukare):
    rapport = _rapportera_pa_telefon(ny_sida, server, cast.pia)
    assert rapport.rapporterad_av == cast.pia

    sida = ny_sida(cast.kim)
    sida.goto(f"{server}/lexsarah/{rapport.pk}/")
    assert sida.get_by_text("Pia").first.is_visible()  # utredaren ser vem som rapporterade
    sida.get_by_label("Ny status").select_option(label="Utredning")
    sida.get_by_role("button", name="Byt status").click()
    sida.wait_for_load_state()
    sida.locator("[name=forlopp]").fill("Nattpersonalen var en person kort; tillsynen kl 02 uteblev.")
    sida.locator("[name=konsekvenser]").fill("Den enskilde blev nedkyld och rädd.")
    sida.locator("[name=enskildes_syn]").fill("Dottern anser att bemanningen är för låg.")
    sida.locator("[name=orsaker]").fill("Bemanningsplanen saknade ersättare vid sjukfrånvaro.")
    sida.locator("[name=deltagare]").fill("Kim (kvalitetssamordnare), Erik (enhetschef)")
    sida.get_by_role("button", name="Spara utredningen").click()
    sida.wait_for_load_state()

    sida.get_by_label("Konsekvens för den enskilde (1–4)").select_option("4")
    sida.get_by_label("Sannolikhet att det händer igen (1–4)").select_option("3")
    sida.locator("[name=beslut]").select_option(label="Missförhållande")
    sida.get_by_label("Allvarligt?").select_option("ja")
    sida.get_by_label("Motivering").fill("Allvarlig konsekvens för den enskildes hälsa och trygghet.")
    sida.get_by_role("button", name="Spara bedömningen").click()
    sida.wait_for_load_state()
    rapport.refresh_from_db()
    assert rapport.allvarligt is True and rapport.beslutad_av == cast.kim

    with sida.expect_download() as nedladdning:
        sida.get_by_role("link", name="Hämta anmälan som PDF").click()
    pdf = open(nedladdning.value.path(), "rb").read()
    assert pdf.startswith(b"%PDF")

    sida.get_by_label("Anmälan skickad").fill(timezone.localdate().isoformat())
    sida.get_by_label("IVO:s diarienummer").fill("3.5.1-12345/2026")
    sida.get_by_role("button", name="Registrera att anmälan skickats").click()
    sida.wait_for_load_state()
    rapport.refresh_from_db()
    assert rapport.status == "anmald_ivo" and rapport.ivo_skickad == timezone.localdate()
    assert sida.get_by_text(re.compile("Anmäld till IVO")).first.is_visible()

    # Enhetschefen ser ärendet men inte vem som rapporterade; rapportören ser bara status.
    chef = ny_sida(cast.erik)
    chef.goto(f"{server}/lexsarah/{rapport.pk}/")
    assert "(visas bara för utredarna)" in chef.content()


@pytest.mark.parametrize(
    "sokvag,vem", [("/lexsarah/rapportera/", "pia"), ("/lexsarah/", "kim"), ("/lexsarah/register/", "kim")]
)
def test_lexsarah_pages_have_no_serious_accessibility_violations(ny_sida, server, cast, sokvag, vem):
    sida = ny_sida(getattr(cast, vem))
    sida.goto(f"{server}{sokvag}")
    fel = axe_fel(sida)
    assert fel == [], forklara(fel)


def test_staff_chooses_the_affected_by_search_and_choices_survive_the_next_search(
    ny_sida, server, cast, brukare
):
    sida = ny_sida(cast.pia, mobil=True)
    sida.goto(f"{server}/lexsarah/rapportera/")
    sida.get_by_label("Enskild som berörs (valfritt)").fill("Greta")
    sida.get_by_label(re.compile("^Greta Gran")).check()
    ovriga = sida.get_by_label("Övriga berörda enskilda (valfritt)")
    ovriga.fill(f"nr {brukare.skyddad_annan.pk}")
    sida.get_by_label(f"Skyddad identitet (nr {brukare.skyddad_annan.pk})").check()
    # En ny sökning byter träffarna men inte de valda.
    ovriga.fill("xx")
    sida.get_by_text("Ingen träff.").wait_for()
    assert sida.get_by_label(f"Skyddad identitet (nr {brukare.skyddad_annan.pk})").is_checked()
    assert "Doldsson" not in sida.content()
    sida.locator("[name=sammanfattning]").fill("Utebliven tillsyn nattetid")
    sida.locator("[name=beskrivning]").fill("Två boende fick ingen tillsyn under natten.")
    igar = timezone.localtime() - datetime.timedelta(hours=20)
    for falt in ("handelsetid", "upptackt"):
        sida.locator(f"[name={falt}]").fill(igar.strftime("%Y-%m-%dT%H:%M"))
    sida.get_by_role("button", name=re.compile("Skicka|Lämna")).click()
    sida.get_by_text(re.compile(r"LS-")).first.wait_for()
    rapport = Rapport.objects.get()
    assert rapport.brukare == brukare.b1
    assert list(rapport.ovriga_brukare.all()) == [brukare.skyddad_annan]
