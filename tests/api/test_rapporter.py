"""Kvalitetsberättelsen i API:t: läsare ser sina noders berättelser; bara samordnaren startar och hämtar
utkast-PDF:en; publicerade versioner hämtas av läsarna."""

import pytest
from django.core.files.base import ContentFile

from rapporter.models import Pdfstatus, PubliceradVersion
from tests.api.factories import token_klient
from tests.rapporter.factories import KvalitetsberattelseFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n%test\n"


@pytest.fixture(autouse=True)
def _media_i_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def berattelser(org, cast):
    return {
        "n1": KvalitetsberattelseFactory(nod=org.n1, ar=2025, skapad_av=cast.kim),
        "n2": KvalitetsberattelseFactory(nod=org.n2, ar=2025, skapad_av=cast.sofia),
    }


def _ids(svar):
    assert svar.status_code == 200, svar.content
    return {r["id"] for r in svar.json()["results"]}


@pytest.mark.parametrize(
    ("vem", "synliga"),
    [
        ("pia", set()),
        ("erik", {"n1"}),
        ("elsa", {"n1"}),
        ("kim", {"n1"}),
        ("sofia", {"n2"}),
        ("hanna", set()),
        ("lars", {"n1", "n2"}),
        ("ada", set()),
    ],
)
def test_each_role_sees_exactly_its_quality_reports(cast, berattelser, vem, synliga):
    svar = token_klient(getattr(cast, vem)).get("/api/v1/kvalitetsberattelser/")
    assert _ids(svar) == {berattelser[n].pk for n in synliga}


def test_coordinator_starts_a_pdf_build_once_and_polls_its_state(cast, berattelser):
    b = berattelser["n1"]
    klient = token_klient(cast.kim)
    svar = klient.post(f"/api/v1/kvalitetsberattelser/{b.pk}/bygg/")
    assert svar.status_code == 202
    assert svar.json()["startad"] is True
    assert svar.json()["berattelse"]["pdf_status"] == Pdfstatus.KOAD
    # En andra beställning medan den första ligger i kö startar inget nytt bygge.
    assert klient.post(f"/api/v1/kvalitetsberattelser/{b.pk}/bygg/").json()["startad"] is False
    assert klient.get(f"/api/v1/kvalitetsberattelser/{b.pk}/").json()["pdf_status"] == Pdfstatus.KOAD


def test_readers_cannot_start_a_build_or_fetch_the_draft(cast, berattelser):
    b = berattelser["n1"]
    b.pdf.save("utkast.pdf", ContentFile(PDF))
    for vem in ("erik", "lars", "sofia"):
        klient = token_klient(getattr(cast, vem))
        assert klient.post(f"/api/v1/kvalitetsberattelser/{b.pk}/bygg/").status_code == 404
        assert klient.get(f"/api/v1/kvalitetsberattelser/{b.pk}/pdf/").status_code == 404
    b.refresh_from_db()
    assert b.pdf_status == Pdfstatus.INGEN


def test_coordinator_downloads_the_draft_pdf(cast, berattelser):
    b = berattelser["n1"]
    klient = token_klient(cast.kim)
    assert klient.get(f"/api/v1/kvalitetsberattelser/{b.pk}/pdf/").status_code == 404  # inget byggt än
    b.pdf.save("utkast.pdf", ContentFile(PDF))
    svar = klient.get(f"/api/v1/kvalitetsberattelser/{b.pk}/pdf/", HTTP_ACCEPT="application/pdf")
    assert svar.status_code == 200
    assert svar["Content-Type"] == "application/pdf"
    assert b"".join(svar.streaming_content) == PDF


def test_published_version_pdf_for_readers_only(cast, berattelser):
    b = berattelser["n1"]
    v = PubliceradVersion(
        berattelse=b, nummer=1, publicerad_av=cast.kim, siffror={}, texter={}, checksumma="x"
    )
    v.pdf.save("v1.pdf", ContentFile(PDF), save=False)
    v.save()
    adress = f"/api/v1/kvalitetsberattelser/{b.pk}/versioner/1/pdf/"
    assert token_klient(cast.lars).get(adress).status_code == 200
    assert token_klient(cast.hanna).get(adress).status_code == 404
    assert (
        token_klient(cast.lars).get(f"/api/v1/kvalitetsberattelser/{b.pk}/versioner/2/pdf/").status_code
        == 404
    )
    data = token_klient(cast.erik).get(f"/api/v1/kvalitetsberattelser/{b.pk}/").json()
    assert [x["nummer"] for x in data["versioner"]] == [1]
