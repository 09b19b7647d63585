import datetime
import subprocess

import pytest
from django.urls import reverse
from django.utils import timezone

from kvalitet.models import Notifikation
from lexsarah import services
from lexsarah.models import Beslut, Rapport, Status
from tests.factories import aktuell_version
from tests.lexsarah.factories import AtgardFactory, RapportFactory
from tests.lexsarah.test_tjanster import UTREDNING


def _tid(timmar):
    return (timezone.localtime() - datetime.timedelta(hours=timmar)).strftime("%Y-%m-%dT%H:%M")


def test_staff_can_report_and_is_sent_to_own_reports(cast, org, logga_in):
    klient = logga_in(cast.pia)
    svar = klient.post(
        reverse("lexsarah:rapportera"),
        {
            "enhet": org.e1.pk,
            "handelsetid": _tid(5),
            "upptackt": _tid(4),
            "sammanfattning": "Utebliven tillsyn",
            "beskrivning": "Ingen kom på natten.",
            "atgard_direkt": "Ringde in extra personal.",
        },
    )
    assert svar.status_code == 302 and svar.url == reverse("lexsarah:mina")
    rapport = Rapport.objects.get()
    assert rapport.rapporterad_av == cast.pia and rapport.enhet == org.e1
    assert Notifikation.objects.filter(mottagare=cast.kim).count() == 1
    assert rapport.referensnummer in klient.get(reverse("lexsarah:mina")).content.decode()


def test_bad_report_input_keeps_values_and_gives_swedish_message(cast, org, logga_in):
    framtid = (timezone.localtime() + datetime.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    svar = logga_in(cast.pia).post(
        reverse("lexsarah:rapportera"),
        {
            "enhet": org.e4.pk,
            "handelsetid": framtid,
            "upptackt": "inte ett datum",
            "sammanfattning": "Min rubrik",
            "beskrivning": "Min text",
        },
    )
    assert svar.status_code == 200
    html = svar.content.decode()
    assert "Min rubrik" in html and "Min text" in html
    assert "framtiden" in html or "giltigt" in html
    assert Rapport.objects.count() == 0


def test_investigator_runs_the_workflow_through_the_pages(cast, org, logga_in):
    rapport = services.rapport_lamna(rapport=RapportFactory.build(enhet=org.e1), av=cast.pia)
    klient = logga_in(cast.kim)
    utredning = {**UTREDNING, "version": "0"}
    assert klient.post(reverse("lexsarah:utredning", args=[rapport.pk]), utredning).status_code == 302
    svar = klient.post(
        reverse("lexsarah:bedomning", args=[rapport.pk]),
        {
            "version": "1",
            "konsekvens": "4",
            "sannolikhet": "2",
            "beslut": Beslut.MISSFORHALLANDE,
            "allvarligt": "ja",
            "motivering": "Fallskada.",
        },
    )
    assert svar.status_code == 302
    rapport.refresh_from_db()
    assert rapport.status == Status.BEDOMD and rapport.allvarligt is True and rapport.riskvarde == 8
    # kan inte stänga med öppna åtgärder: svensk text, ingen ändring
    AtgardFactory(rapport=rapport)
    svar = klient.post(reverse("lexsarah:status", args=[rapport.pk]), {"till": Status.ATGARDER_UPPFOLJDA})
    assert (
        svar.status_code == 400
        and "är inte genomförd: markera den som genomförd med effektbedömning" in svar.content.decode()
    )
    svar = klient.post(
        reverse("lexsarah:ivo_anmal", args=[rapport.pk]),
        {"skickad": timezone.localdate().isoformat(), "diarienummer": "3.1-99"},
    )
    assert svar.status_code == 302
    rapport.refresh_from_db()
    assert rapport.status == Status.ANMALD_IVO and rapport.ivo_diarienummer == "3.1-99"


def test_bad_values_never_give_500(cast, org, logga_in):
    rapport = RapportFactory(enhet=org.e1, rapporterad_av=cast.pia)
    klient = logga_in(cast.kim)
    for namn, data in [
        ("bedomning", {"konsekvens": "9", "beslut": "x", "motivering": ""}),
        ("status", {"till": "finns_inte"}),
        ("ivo_anmal", {"skickad": "2999-01-01"}),
        ("uppfoljning", {"atgard": "abc"}),
        ("uppfoljning", {"atgard": "999999", "datum": "2026-01-01", "resultat": "x"}),
        ("atgard", {"text": ""}),
        ("kommentar", {"text": ""}),
        ("ivo", {"ivo_komplettering": "igår"}),
    ]:
        svar = klient.post(reverse(f"lexsarah:{namn}", args=[rapport.pk]), data)
        assert svar.status_code in (400, 404), (namn, svar.status_code)
    assert klient.get(reverse("lexsarah:index") + "?status=<x>&sida=zz").status_code == 200
    assert klient.get(reverse("lexsarah:register") + "?ar=abc").status_code == 200
    assert klient.get(reverse("lexsarah:detalj", args=[999999])).status_code == 404
    rapport.refresh_from_db()
    assert rapport.status == Status.RAPPORT


def test_list_page_query_count_does_not_grow_with_rows(
    cast, org, logga_in, django_assert_max_num_queries, brukare
):
    for _ in range(15):
        RapportFactory(enhet=org.e1, rapporterad_av=cast.pia, brukare=brukare.b1)
    klient = logga_in(cast.kim)
    with django_assert_max_num_queries(14):
        assert klient.get(reverse("lexsarah:index")).status_code == 200
    with django_assert_max_num_queries(14):
        assert klient.get(reverse("lexsarah:register")).status_code == 200


def test_staff_is_redirected_from_case_list_to_own_reports(cast, logga_in):
    assert logga_in(cast.pia).get(reverse("lexsarah:index")).url == reverse("lexsarah:mina")
    assert logga_in(cast.pia).get(reverse("lexsarah:register")).status_code == 403


def _pdf_text(innehall: bytes, tmp_path) -> str:
    fil = tmp_path / "ivo.pdf"
    fil.write_bytes(innehall)
    return subprocess.run(
        ["pdftotext", "-layout", str(fil), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_ivo_document_contains_every_required_part(cast, org, brukare, logga_in, tmp_path):
    rapport = services.rapport_lamna(
        rapport=RapportFactory.build(enhet=org.e1, brukare=brukare.b1), av=cast.pia
    )
    services.utredning_spara(rapport=rapport, version=aktuell_version(rapport), av=cast.kim, **UTREDNING)
    services.bedom(
        rapport=rapport,
        version=aktuell_version(rapport),
        av=cast.kim,
        konsekvens=4,
        sannolikhet=3,
        beslut=Beslut.MISSFORHALLANDE,
        allvarligt=True,
        motivering="Skada uppstod.",
    )
    AtgardFactory(rapport=rapport, text="Inför dubbelbemanning nattetid")
    svar = logga_in(cast.kim).get(reverse("lexsarah:ivo_pdf", args=[rapport.pk]))
    assert svar.status_code == 200 and svar["Content-Type"] == "application/pdf"
    text = " ".join(_pdf_text(svar.content, tmp_path).split())
    for del_ in [
        "Uppgifter om vårdgivaren och verksamheten",
        "Huvudman",
        "Nämnd N1",
        "Område A1 › Enhet E1",
        "regionala avdelning",
        "Greta Gran",
        "Vad har hänt och när",
        "Upptäcktes",
        "Konsekvenser för den enskilde",
        "låg kvar på golvet",
        "Åtgärder som vidtagits direkt",
        "Orsaker",
        "Schemat saknade en person",
        "Inför dubbelbemanning nattetid",
        "Den enskildes eller närståendes syn",
        "bemanningen är för låg",
        "Information till den enskilde",
        "Bedömning",
        "Missförhållande",
        "allvarligt: ja",
        "Deltagare",
        "Källor",
    ]:
        assert del_.lower() in text.lower(), del_


def test_ivo_document_is_not_available_for_a_non_serious_case(cast, org, logga_in):
    rapport = RapportFactory(enhet=org.e1, rapporterad_av=cast.pia, allvarligt=False)
    assert logga_in(cast.kim).get(reverse("lexsarah:ivo_pdf", args=[rapport.pk])).status_code == 404


@pytest.mark.parametrize("user", ["erik", "pia", "lars"])
def test_only_investigators_may_change_a_case(cast, org, logga_in, user):
    rapport = RapportFactory(enhet=org.e1, rapporterad_av=cast.pia)
    svar = logga_in(getattr(cast, user)).post(
        reverse("lexsarah:utredning", args=[rapport.pk]), {**UTREDNING, "version": "0"}
    )
    assert svar.status_code == 404
    rapport.refresh_from_db()
    assert rapport.forlopp == ""


def test_attachments_are_stored_privately_and_only_shown_to_case_readers(cast, org, brukare, logga_in):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from kvalitet.models import Atkomstlogg
    from lexsarah.models import Bilaga

    rapport = RapportFactory(enhet=org.e1, rapporterad_av=cast.pia, brukare=brukare.b1)
    klient = logga_in(cast.kim)
    fil = SimpleUploadedFile("journal.pdf", b"%PDF-1.4 utdrag", content_type="application/pdf")
    assert klient.post(reverse("lexsarah:bilaga_ny", args=[rapport.pk]), {"fil": fil}).status_code == 302
    falsk = SimpleUploadedFile("virus.pdf", b"MZ inte en pdf", content_type="application/pdf")
    assert klient.post(reverse("lexsarah:bilaga_ny", args=[rapport.pk]), {"fil": falsk}).status_code == 400
    bilaga = Bilaga.objects.get()
    url = reverse("lexsarah:bilaga", args=[bilaga.pk])
    svar = logga_in(cast.erik).get(url)
    assert svar.status_code == 200 and b"".join(svar.streaming_content).startswith(b"%PDF")
    assert Atkomstlogg.objects.filter(anvandare=cast.erik, brukare=brukare.b1).exists()
    assert logga_in(cast.pia).get(url).status_code == 404
    assert logga_in(cast.elsa).get(url).status_code == 404


def test_ivo_report_supplement_decision_and_informing_the_individual_are_recorded(
    cast, org, brukare, logga_in, tmp_path
):
    """Anmälan före klar utredning: diarienummer, information till den enskilde (när och hur),
    kompletteringen när utredningen är klar och IVO:s beslut, allt i historiken och i dokumentet."""
    rapport = services.rapport_lamna(
        rapport=RapportFactory.build(enhet=org.e1, brukare=brukare.b1), av=cast.pia
    )
    services.markera_allvarligt_preliminart(rapport=rapport, av=cast.kim, motivering="Fraktur.")
    klient = logga_in(cast.kim)
    idag = timezone.localdate().isoformat()
    svar = klient.post(reverse("lexsarah:ivo_anmal", args=[rapport.pk]), {"skickad": idag})
    assert svar.status_code == 302
    ivo = reverse("lexsarah:ivo", args=[rapport.pk])
    svar = klient.post(
        ivo,
        {
            "version": "0",
            "ivo_diarienummer": "3.1-4711/2026",
            "enskild_informerad": idag,
            "enskild_informerad_hur": "Muntligt vid hembesök, med dottern närvarande",
        },
    )
    assert svar.status_code == 302
    # Kompletteringen kan inte registreras innan utredningen är klar.
    svar = klient.post(ivo, {"version": "1", "ivo_diarienummer": "3.1-4711/2026", "ivo_komplettering": idag})
    assert (
        svar.status_code == 400 and "Kompletteringen skickas när utredningen är klar" in svar.content.decode()
    )
    services.utredning_spara(rapport=rapport, version=aktuell_version(rapport), av=cast.kim, **UTREDNING)
    services.bedom(
        rapport=rapport,
        version=aktuell_version(rapport),
        av=cast.kim,
        konsekvens=4,
        sannolikhet=2,
        beslut=Beslut.MISSFORHALLANDE,
        allvarligt=True,
        motivering="Skada uppstod.",
    )
    svar = klient.post(
        ivo,
        {
            "version": str(aktuell_version(rapport)),
            "ivo_diarienummer": "3.1-4711/2026",
            "ivo_komplettering": idag,
            "ivo_beslut_datum": idag,
            "ivo_beslut": "IVO avslutar ärendet; vårdgivarens åtgärder bedöms tillräckliga.",
            "enskild_informerad": idag,
            "enskild_informerad_hur": "Muntligt vid hembesök, med dottern närvarande",
        },
    )
    assert svar.status_code == 302
    rapport.refresh_from_db()
    assert rapport.status == Status.ANMALD_IVO and rapport.ivo_fore_utredning
    assert rapport.ivo_komplettering == timezone.localdate()
    assert rapport.ivo_beslut.startswith("IVO avslutar") and rapport.ivo_beslut_datum == timezone.localdate()
    assert rapport.enskild_informerad == timezone.localdate()
    assert rapport.history.filter(ivo_beslut__startswith="IVO avslutar", history_user=cast.kim).exists()
    assert rapport.handelser.filter(text__contains="anmälan till IVO uppdaterades", av=cast.kim).count() == 2
    html = klient.get(reverse("lexsarah:detalj", args=[rapport.pk])).content.decode()
    assert "IVO avslutar ärendet" in html and "med dottern närvarande" in html
    text = " ".join(
        _pdf_text(klient.get(reverse("lexsarah:ivo_pdf", args=[rapport.pk])).content, tmp_path).split()
    )
    assert "3.1-4711/2026" in text and "med dottern närvarande" in text
    assert f"Informerad {idag}" in text


def test_comments_and_attachments_go_into_the_timeline_with_author(cast, org, logga_in):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from lexsarah.models import Handelse

    rapport = RapportFactory(enhet=org.e1, rapporterad_av=cast.pia)
    url = reverse("lexsarah:kommentar", args=[rapport.pk])
    assert logga_in(cast.erik).post(url, {"text": "Schemat är ändrat från måndag."}).status_code == 302
    fil = SimpleUploadedFile("schema.pdf", b"%PDF-1.4 schema", content_type="application/pdf")
    assert (
        logga_in(cast.kim).post(reverse("lexsarah:bilaga_ny", args=[rapport.pk]), {"fil": fil}).status_code
        == 302
    )
    for obehorig in (cast.pia, cast.elsa, cast.hugo):
        assert logga_in(obehorig).post(url, {"text": "Obehörig"}).status_code == 404
    rader = list(Handelse.objects.filter(rapport=rapport).values_list("av__username", "kommentar", "text"))
    assert rader == [
        ("erik", True, "Schemat är ändrat från måndag."),
        ("kim", False, "Bilagan ”schema.pdf” bifogades."),
    ]
    html = logga_in(cast.kim).get(reverse("lexsarah:detalj", args=[rapport.pk])).content.decode()
    assert "Schemat är ändrat från måndag." in html and "schema.pdf" in html
