"""En sparad PDF som saknas i lagringen (databasen återställd utan media): API:t svarar 404 med ett svenskt
meddelande och adressen för att bygga om, webben erbjuder "Skapa PDF:en igen", aldrig ett 500-fel."""

import json

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from rapporter.models import Kvalitetsberattelse, Pdfstatus, PubliceradVersion
from tests.api.factories import token_klient
from tests.rapporter.factories import KvalitetsberattelseFactory

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.7\n%test\n"


@pytest.fixture
def b(org, cast):
    b = KvalitetsberattelseFactory(nod=org.n1, ar=2025, skapad_av=cast.kim)
    b.pdf.save("utkast.pdf", ContentFile(PDF))
    Kvalitetsberattelse.objects.filter(pk=b.pk).update(pdf_status=Pdfstatus.KLAR)
    b.refresh_from_db()
    return b


def _radera_filen(falt):
    falt.storage.delete(falt.name)
    assert not falt.storage.exists(falt.name)


def test_api_draft_pdf_missing_file_is_404_with_swedish_message_and_rebuild(cast, b):
    klient = token_klient(cast.kim)
    adress = f"/api/v1/kvalitetsberattelser/{b.pk}/pdf/"
    assert klient.get(adress, HTTP_ACCEPT="application/pdf").status_code == 200
    _radera_filen(b.pdf)
    for accept in ("application/json", "application/pdf"):
        svar = klient.get(adress, HTTP_ACCEPT=accept)
        assert svar.status_code == 404
        data = svar.json() if accept == "application/json" else json.loads(svar.content)
        assert "finns inte längre på servern" in data["detail"]
        assert data["bygg"].endswith(f"/api/v1/kvalitetsberattelser/{b.pk}/bygg/")
    # Vägen i svaret bygger om PDF:en.
    assert klient.post(f"/api/v1/kvalitetsberattelser/{b.pk}/bygg/").status_code == 202
    # Den som inte får ändra berättelsen får samma 404 som förut, utan adress att bygga om.
    svar = token_klient(cast.lars).get(adress)
    assert svar.status_code == 404 and "bygg" not in svar.json()


def test_api_published_version_missing_file_is_404_not_500(cast, b):
    v = PubliceradVersion(
        berattelse=b, nummer=1, publicerad_av=cast.kim, siffror={}, texter={}, checksumma="x"
    )
    v.pdf.save("v1.pdf", ContentFile(PDF), save=False)
    v.save()
    _radera_filen(v.pdf)
    svar = token_klient(cast.lars).get(f"/api/v1/kvalitetsberattelser/{b.pk}/versioner/1/pdf/")
    assert svar.status_code == 404
    assert "finns inte längre på servern" in svar.json()["detail"]


def test_web_offers_to_rebuild_a_missing_draft(logga_in, cast, b):
    klient = logga_in(cast.kim)
    assert "Hämta utkast-PDF" in klient.get(reverse("rapporter:pdf_status", args=[b.pk])).content.decode()
    _radera_filen(b.pdf)
    status = klient.get(reverse("rapporter:pdf_status", args=[b.pk])).content.decode()
    assert "Skapa PDF:en igen" in status and "Hämta utkast-PDF" not in status
    svar = klient.get(reverse("rapporter:pdf_hamta", args=[b.pk]), follow=True)
    assert svar.status_code == 200
    sida = svar.content.decode()
    assert "PDF-filen finns inte längre på servern" in sida and "Skapa PDF:en igen" in sida


def test_web_published_version_missing_file_shows_the_version_instead(logga_in, cast, b):
    v = PubliceradVersion(
        berattelse=b, nummer=1, publicerad_av=cast.kim, siffror={}, texter={}, checksumma="x"
    )
    v.pdf.save("v1.pdf", ContentFile(PDF), save=False)
    v.save()
    _radera_filen(v.pdf)
    svar = logga_in(cast.lars).get(reverse("rapporter:version_pdf", args=[b.pk, 1]), follow=True)
    assert svar.status_code == 200
    assert svar.redirect_chain[-1][0] == reverse("rapporter:version", args=[b.pk, 1])
    assert "Den publicerade PDF-filen finns inte längre på servern" in svar.content.decode()
