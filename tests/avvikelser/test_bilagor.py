"""Bilagor: storleksgräns, typ efter innehåll, privat lagring, behörighetskontrollerad och loggad hämtning."""

import io
import zipfile
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from avvikelser.models import Bilaga
from kvalitet.models import Atkomstlogg
from tests.avvikelser.test_avvikelser import _rapportera

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40


def _docx() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<document/>")
    return buf.getvalue()


def _ladda_upp(klient, avvikelse, namn, innehall, typ="application/pdf"):
    return klient.post(
        reverse("avvikelser:bilaga_ny", args=[avvikelse.pk]), {"fil": SimpleUploadedFile(namn, innehall, typ)}
    )


def test_manager_attaches_pdf_stored_privately_with_timeline_entry(org, cast, brukare, logga_in):
    a = _rapportera(cast.pia, org.e1, brukare=brukare.b1)
    svar = _ladda_upp(logga_in(cast.erik), a, "Greta Gran journal.pdf", PDF)
    assert svar.status_code == 302
    b = Bilaga.objects.get()
    assert (b.mime, b.filnamn, b.storlek) == ("application/pdf", "Greta Gran journal.pdf", len(PDF))
    sokvag = Path(b.fil.path)
    # Utanför static och media, under ett slumpat namn utan personuppgifter.
    assert sokvag.is_relative_to(Path(settings.PRIVAT_MEDIA_ROOT)) and "Greta" not in sokvag.name
    assert not sokvag.is_relative_to(Path(settings.MEDIA_ROOT))
    assert a.handelser.filter(text__contains="Greta Gran journal.pdf").exists()


def test_type_is_decided_by_content_not_name(org, cast, logga_in):
    a = _rapportera(cast.pia, org.e1)
    klient = logga_in(cast.erik)
    svar = _ladda_upp(klient, a, "foto.pdf", b"MZ\x90\x00 inte en pdf utan ett program")
    assert svar.status_code == 400 and "Filtypen går inte att bifoga" in svar.content.decode()
    # En zip som utger sig för att vara Word godtas inte heller.
    falsk = io.BytesIO()
    with zipfile.ZipFile(falsk, "w") as z:
        z.writestr("skript.sh", "rm -rf /")
    assert _ladda_upp(klient, a, "brev.docx", falsk.getvalue()).status_code == 400
    assert not Bilaga.objects.exists()
    assert _ladda_upp(klient, a, "bild.bin", PNG, "application/octet-stream").status_code == 302
    assert _ladda_upp(klient, a, "brev.docx", _docx()).status_code == 302
    assert sorted(Bilaga.objects.values_list("mime", flat=True)) == [
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "image/png",
    ]


def test_size_limit_gives_swedish_message(org, cast, logga_in, settings):
    settings.BILAGA_MAX_MB = 1
    a = _rapportera(cast.pia, org.e1)
    svar = _ladda_upp(logga_in(cast.erik), a, "stor.pdf", PDF + b"0" * (1024 * 1024))
    assert svar.status_code == 400 and "Filen är för stor" in svar.content.decode()
    assert not Bilaga.objects.exists()


def test_download_only_within_scope_and_audit_logged(org, cast, brukare, logga_in, client):
    a = _rapportera(cast.pia, org.e1, brukare=brukare.b1)
    _ladda_upp(logga_in(cast.erik), a, "underlag.pdf", PDF)
    b = Bilaga.objects.get()
    url = reverse("avvikelser:bilaga", args=[b.pk])
    svar = client.get(url)
    assert svar.status_code == 200 and b"".join(svar.streaming_content) == PDF
    assert (
        svar["Content-Disposition"].startswith("attachment") and svar["X-Content-Type-Options"] == "nosniff"
    )
    assert Atkomstlogg.objects.filter(
        anvandare=cast.erik, brukare=brukare.b1, vad__startswith="avvikelse: bilaga"
    ).exists()
    for obehorig in (cast.elsa, cast.sofia, cast.pia, cast.lars):
        client.force_login(obehorig)
        assert client.get(url).status_code == 404, obehorig.username
    client.force_login(cast.kim)  # kvalitetssamordnaren i nämnden får läsa
    assert client.get(url).status_code == 200


def test_other_units_manager_cannot_attach(org, cast, logga_in):
    a = _rapportera(cast.pia, org.e1)
    assert _ladda_upp(logga_in(cast.elsa), a, "x.pdf", PDF).status_code == 404
    assert not Bilaga.objects.exists()


def test_pdf_named_html_downloads_as_pdf(org, cast, logga_in):
    a = _rapportera(cast.pia, org.e1)
    klient = logga_in(cast.erik)
    for namn in ("sida.html", "bild.svg", "program.exe", "utan_andelse"):
        assert _ladda_upp(klient, a, namn, PDF, typ="text/html").status_code == 302
    sparade = Bilaga.objects.order_by("pk")
    assert [b.filnamn for b in sparade] == ["sida.pdf", "bild.pdf", "program.pdf", "utan_andelse.pdf"]
    for b in sparade:
        svar = klient.get(reverse("avvikelser:bilaga", args=[b.pk]))
        assert svar["Content-Disposition"] == f'attachment; filename="{b.filnamn}"'
        assert svar["Content-Type"] == "application/pdf"


def test_attachment_saved_before_the_fix_still_downloads_with_detected_extension(org, cast, logga_in):
    a = _rapportera(cast.pia, org.e1)
    klient = logga_in(cast.erik)
    _ladda_upp(klient, a, "underlag.pdf", PDF)
    Bilaga.objects.update(filnamn="gammal.html")
    svar = klient.get(reverse("avvikelser:bilaga", args=[Bilaga.objects.get().pk]))
    assert svar["Content-Disposition"] == 'attachment; filename="gammal.pdf"'


def test_lex_sarah_pdf_named_svg_is_stored_and_served_as_pdf(org, cast, logga_in):
    from lexsarah.models import Bilaga as SarahBilaga
    from tests.lexsarah.factories import RapportFactory

    rapport = RapportFactory(enhet=org.e1, rapporterad_av=cast.pia)
    klient = logga_in(cast.kim)
    fil = SimpleUploadedFile("foto.svg", PDF, content_type="image/svg+xml")
    assert klient.post(reverse("lexsarah:bilaga_ny", args=[rapport.pk]), {"fil": fil}).status_code == 302
    bilaga = SarahBilaga.objects.get()
    assert bilaga.filnamn == "foto.pdf"
    svar = klient.get(reverse("lexsarah:bilaga", args=[bilaga.pk]))
    assert svar["Content-Disposition"] == 'attachment; filename="foto.pdf"'
