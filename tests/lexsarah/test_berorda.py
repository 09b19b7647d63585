"""En lex Sarah-rapport kan beröra flera enskilda: den som främst berörs (`brukare`) och övriga.

Samma urval, samma skydd för skyddad identitet och samma åtkomstlogg för varje enskild som för den första;
registret och statistiken förblir utan personuppgifter."""

import datetime
import io

from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from kvalitet.models import Atkomstlogg
from lexsarah import services
from lexsarah.forms import UTANFOR_URVAL
from lexsarah.models import Handelse, Rapport, Status
from tests.api.factories import token_klient
from tests.lexsarah.factories import RapportFactory
from tests.lexsarah.test_vyer import _pdf_text


def _tid(timmar):
    return (timezone.localtime() - datetime.timedelta(hours=timmar)).strftime("%Y-%m-%dT%H:%M")


def _rapportdata(org, **extra):
    return {
        "enhet": org.e1.pk,
        "handelsetid": _tid(5),
        "upptackt": _tid(4),
        "sammanfattning": "Utebliven tillsyn i dubbelrum",
        "beskrivning": "Ingen kom till rummet under natten.",
        "atgard_direkt": "Ringde in extra personal.",
        **extra,
    }


def _rapport_med_tre(org, cast, brukare, **kwargs):
    rapport = RapportFactory(enhet=org.e1, rapporterad_av=cast.pia, brukare=brukare.b1, **kwargs)
    rapport.ovriga_brukare.set([brukare.skyddad, brukare.b3])
    return rapport


def _logg(anvandare, vad):
    return sorted(
        Atkomstlogg.objects.filter(anvandare=anvandare, vad=vad).values_list("brukare_id", flat=True)
    )


def test_staff_reports_two_individuals_through_the_form(cast, org, brukare, logga_in):
    svar = logga_in(cast.pia).post(
        reverse("lexsarah:rapportera"),
        # Den främsta bland övriga räknas en gång.
        _rapportdata(org, brukare=brukare.b1.pk, ovriga_brukare=[brukare.skyddad.pk, brukare.b1.pk]),
    )
    assert svar.status_code == 302 and svar.url == reverse("lexsarah:mina")
    rapport = Rapport.objects.get()
    assert rapport.brukare == brukare.b1
    assert list(rapport.ovriga_brukare.all()) == [brukare.skyddad]
    assert rapport.berorda() == [brukare.b1, brukare.skyddad]
    # Historiken har de övriga, med rapportören som författare.
    senaste = rapport.history.latest()
    assert senaste.history_user == cast.pia
    assert list(senaste.ovriga_brukare.values_list("brukare_id", flat=True)) == [brukare.skyddad.pk]


def test_form_searches_additional_individuals_with_protected_identity_as_number(cast, brukare, logga_in):
    klient = logga_in(cast.pia)
    html = klient.get(reverse("lexsarah:rapportera")).content.decode()
    assert 'name="ovriga_brukare__sok"' in html and "Övriga berörda enskilda" in html
    assert "Skyddad identitet" not in html and "Greta" not in html  # ingen visas förrän Pia söker
    parametrar = {"urval": "valja", "falt": "ovriga_brukare", "sammanhang": "lex Sarah"}
    traffar = klient.get(
        reverse("kvalitet:enskild_sok"), {**parametrar, "ovriga_brukare__sok": f"nr {brukare.skyddad.pk}"}
    ).content.decode()
    assert f"Skyddad identitet (nr {brukare.skyddad.pk})" in traffar and 'name="ovriga_brukare"' in traffar
    assert "Hemlig" not in traffar
    # Tore Tall har ingen insats vid Pias enhet.
    traffar = klient.get(reverse("kvalitet:enskild_sok"), {**parametrar, "ovriga_brukare__sok": "Tall"})
    assert "Tall" not in traffar.content.decode()


def test_individual_outside_reporters_scope_is_refused_and_every_value_kept(cast, org, brukare, logga_in):
    data = _rapportdata(org, brukare=brukare.b1.pk, ovriga_brukare=[brukare.b3.pk])
    svar = logga_in(cast.pia).post(reverse("lexsarah:rapportera"), data)
    assert svar.status_code == 200
    html = svar.content.decode()
    assert UTANFOR_URVAL in html
    for varde in (data["sammanfattning"], data["beskrivning"], data["atgard_direkt"], data["handelsetid"]):
        assert varde in html, varde
    assert f'value="{brukare.b1.pk}" id="id_brukare_{brukare.b1.pk}" checked' in html
    assert "Tall" not in html
    assert Rapport.objects.count() == 0


def test_additional_individuals_need_the_primary_one(cast, org, brukare, logga_in):
    svar = logga_in(cast.pia).post(
        reverse("lexsarah:rapportera"), _rapportdata(org, ovriga_brukare=[brukare.skyddad.pk])
    )
    assert svar.status_code == 200
    html = svar.content.decode()
    assert "Välj den enskilde som främst berörs" in html
    assert f'value="{brukare.skyddad.pk}" id="id_ovriga_brukare_{brukare.skyddad.pk}" checked' in html
    assert Rapport.objects.count() == 0


def test_protected_additional_individual_is_not_shown_to_the_unit_manager(cast, org, brukare, logga_in):
    rapport = _rapport_med_tre(org, cast, brukare)
    svar = logga_in(cast.erik).get(reverse("lexsarah:detalj", args=[rapport.pk]))
    assert svar.status_code == 200
    html = svar.content.decode()
    assert "Övriga berörda enskilda" in html
    assert "Greta Gran" in html and "Tore Tall" in html
    assert f"Skyddad identitet (nr {brukare.skyddad.pk})" in html
    assert "Hemlig" not in html and brukare.skyddad.personnummer not in html
    assert "Spara de berörda" not in html  # chefen läser, utredarna ändrar


def test_detail_page_logs_one_entry_per_individual_shown(cast, org, brukare, logga_in):
    rapport = _rapport_med_tre(org, cast, brukare)
    assert logga_in(cast.kim).get(reverse("lexsarah:detalj", args=[rapport.pk])).status_code == 200
    assert _logg(cast.kim, "lex Sarah: ärende") == sorted([brukare.b1.pk, brukare.skyddad.pk, brukare.b3.pk])
    # Rapportören ser bara status, ingen enskild: ingen loggpost.
    logga_in(cast.pia).get(reverse("lexsarah:detalj", args=[rapport.pk]))
    assert _logg(cast.pia, "lex Sarah: ärende") == []


def test_list_and_attachment_log_the_additional_individuals_too(cast, org, brukare, logga_in):
    from django.core.files.uploadedfile import SimpleUploadedFile

    rapport = _rapport_med_tre(org, cast, brukare)
    klient = logga_in(cast.kim)
    assert klient.get(reverse("lexsarah:index")).status_code == 200
    assert _logg(cast.kim, "lex Sarah: lista") == sorted([brukare.b1.pk, brukare.skyddad.pk, brukare.b3.pk])
    fil = SimpleUploadedFile("journal.pdf", b"%PDF-1.4 utdrag", content_type="application/pdf")
    assert klient.post(reverse("lexsarah:bilaga_ny", args=[rapport.pk]), {"fil": fil}).status_code == 302
    bilaga = rapport.bilagor.get()
    assert klient.get(reverse("lexsarah:bilaga", args=[bilaga.pk])).status_code == 200
    assert _logg(cast.kim, f"lex Sarah: bilaga {bilaga.pk}") == sorted(
        [brukare.b1.pk, brukare.skyddad.pk, brukare.b3.pk]
    )


def test_ivo_document_lists_every_individual_concerned(cast, org, brukare, logga_in, tmp_path):
    rapport = _rapport_med_tre(org, cast, brukare, allvarligt=True)
    svar = logga_in(cast.kim).get(reverse("lexsarah:ivo_pdf", args=[rapport.pk]))
    assert svar.status_code == 200 and svar["Content-Type"] == "application/pdf"
    text = " ".join(_pdf_text(svar.content, tmp_path).split())
    assert "Den eller de enskilda som berörs" in text
    assert "Greta Gran" in text and "Tore Tall" in text
    assert f"Skyddad identitet (nr {brukare.skyddad.pk})" in text and "Hemlig" not in text
    assert _logg(cast.kim, "lex Sarah: anmälan till IVO (PDF)") == sorted(
        [brukare.b1.pk, brukare.skyddad.pk, brukare.b3.pk]
    )


def test_investigator_changes_the_individuals_in_the_workspace(cast, org, brukare, logga_in):
    rapport = services.rapport_lamna(rapport=RapportFactory.build(enhet=org.e1), av=cast.pia)
    # Redan kopplad men utanför utredarens urval (annan nämnd): faller inte bort när utredaren sparar.
    rapport.ovriga_brukare.set([brukare.b4])
    Rapport.objects.filter(pk=rapport.pk).update(brukare=brukare.b1)
    url = reverse("lexsarah:berorda", args=[rapport.pk])
    klient = logga_in(cast.kim)
    html = klient.get(reverse("lexsarah:detalj", args=[rapport.pk])).content.decode()
    assert "Spara de berörda" in html
    assert f'value="{brukare.b4.pk}" id="id_ovriga_brukare_{brukare.b4.pk}" checked' in html

    svar = klient.post(
        url, {"brukare": brukare.b1.pk, "ovriga_brukare": [brukare.b4.pk, brukare.b3.pk], "version": "0"}
    )
    assert svar.status_code == 302
    rapport.refresh_from_db()
    assert set(rapport.ovriga_brukare.all()) == {brukare.b3, brukare.b4}
    handelse = Handelse.objects.filter(rapport=rapport, av=cast.kim).get()
    assert handelse.text == "Berörda enskilda ändrades (nu 3)."  # antal, inga namn i tidslinjen
    senaste = rapport.history.latest()
    assert senaste.history_user == cast.kim
    assert set(senaste.ovriga_brukare.values_list("brukare_id", flat=True)) == {brukare.b3.pk, brukare.b4.pk}

    # Tas b4 bort kan den inte läggas tillbaka av den som inte får välja den.
    ny = {"brukare": brukare.b1.pk, "ovriga_brukare": [brukare.b3.pk], "version": "1"}
    assert klient.post(url, ny).status_code == 302
    svar = klient.post(
        url, {"brukare": brukare.b1.pk, "ovriga_brukare": [brukare.b3.pk, brukare.b4.pk], "version": "2"}
    )
    assert svar.status_code == 400 and UTANFOR_URVAL in svar.content.decode()
    assert list(rapport.ovriga_brukare.all()) == [brukare.b3]

    # Chefen läser men ändrar inte.
    svar = logga_in(cast.erik).post(url, {"brukare": brukare.b1.pk, "ovriga_brukare": [], "version": "2"})
    assert svar.status_code == 404
    assert list(rapport.ovriga_brukare.all()) == [brukare.b3]


def test_closed_case_keeps_its_individuals(cast, org, brukare, logga_in):
    rapport = _rapport_med_tre(org, cast, brukare, status=Status.AVSLUTAD)
    svar = logga_in(cast.kim).post(
        reverse("lexsarah:berorda", args=[rapport.pk]),
        {"brukare": brukare.b1.pk, "ovriga_brukare": [], "version": "0"},
    )
    assert svar.status_code == 400 and "Ärendet är avslutat och kan inte ändras" in svar.content.decode()
    assert rapport.ovriga_brukare.count() == 2


def test_api_returns_the_additional_ids_and_logs_each_individual(cast, org, brukare):
    rapport = _rapport_med_tre(org, cast, brukare)
    svar = token_klient(cast.kim).get(f"/api/v1/lexsarah/{rapport.pk}/")
    assert svar.status_code == 200
    data = svar.json()
    assert data["brukare"] == brukare.b1.pk
    assert sorted(data["ovriga_brukare"]) == sorted([brukare.skyddad.pk, brukare.b3.pk])
    assert _logg(cast.kim, "Lex Sarah (API)") == sorted([brukare.b1.pk, brukare.skyddad.pk, brukare.b3.pk])
    lista = token_klient(cast.erik).get("/api/v1/lexsarah/").json()["results"]
    assert [sorted(r["ovriga_brukare"]) for r in lista] == [sorted([brukare.skyddad.pk, brukare.b3.pk])]
    assert _logg(cast.erik, "Lex Sarah (API)") == sorted([brukare.b1.pk, brukare.skyddad.pk, brukare.b3.pk])
    # Filtret på enskild hittar ärendet också via en av de övriga berörda, en gång.
    for enskild, antal in ((brukare.b1, 1), (brukare.b3, 1), (brukare.skyddad_annan, 0)):
        svar = token_klient(cast.kim).get("/api/v1/lexsarah/", {"brukare": enskild.pk}).json()
        assert [r["id"] for r in svar["results"]] == [rapport.pk] * antal, enskild


def test_register_and_statistics_show_no_individual(cast, org, brukare, logga_in):
    rapport = _rapport_med_tre(org, cast, brukare)
    ar = rapport.rapporterad.year
    klient = logga_in(cast.lars)
    html = klient.get(reverse("lexsarah:register") + f"?ar={ar}").content.decode()
    assert rapport.referensnummer in html
    for namn in ("Greta Gran", "Tore Tall", "Hemlig", "Skyddad identitet"):
        assert namn not in html, namn
    export = klient.get(reverse("lexsarah:register_export") + f"?ar={ar}")
    celler = [
        str(c)
        for rad in load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True)
        for c in rad
    ]
    assert rapport.referensnummer in celler
    assert not [c for c in celler if any(n in c for n in ("Greta Gran", "Tore Tall", "Hemlig", "Skyddad"))]
    assert Atkomstlogg.objects.filter(anvandare=cast.lars).count() == 0
    data = token_klient(cast.lars).get(f"/api/v1/lexsarah-register/?ar={ar}").json()
    assert "ovriga_brukare" not in data["rader"][0] and "brukare" not in data["rader"][0]
