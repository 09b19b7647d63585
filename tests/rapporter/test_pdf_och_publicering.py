"""PDF:en (text via pdftotext), Celery-uppgiften, kommandot och att publicering fryser siffrorna."""

import datetime
import hashlib
import io
import shutil
import subprocess

import pytest
from django.core.management import call_command
from django.utils import timezone

from rapporter import pdf as rapport_pdf
from rapporter import queries, services, tasks
from rapporter.models import Kvalitetsberattelse, Pdfstatus
from tests.avvikelser.factories import AvvikelseFactory, KategoriFactory
from tests.rapporter.factories import KontrollpunktFactory, KvalitetsberattelseFactory

AR = 2024

pytestmark = pytest.mark.skipif(not shutil.which("pdftotext"), reason="pdftotext saknas")


def pdftext(data: bytes, layout: bool = True) -> str:
    flaggor = ["-layout"] if layout else []
    return subprocess.run(
        ["pdftotext", *flaggor, "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()


@pytest.fixture
def berattelse(org, cast):
    kat = KategoriFactory(namn="Fall")
    for i in range(7):
        AvvikelseFactory(
            rapporterad_av=cast.pia,
            enhet=org.e1,
            kategori=kat,
            handelsetid=timezone.make_aware(datetime.datetime(AR, 1 + i, 3, 10)),
        )
    KontrollpunktFactory(plan__nod=org.n1, plan__ar=AR, aktivitet="Granskning av läkemedelslistor")
    return KvalitetsberattelseFactory(
        nod=org.n1, ar=AR, skapad_av=cast.kim, texter={"sammanfattning": "<p>Året präglades av arbete.</p>"}
    )


def test_pdf_has_cover_toc_with_page_numbers_and_the_numbers(berattelse, cast):
    data = queries.samla(cast.kim, berattelse.nod, AR)
    pdf = rapport_pdf.pdf(berattelse, data, berattelse.texter)
    assert pdf.startswith(b"%PDF")
    text = pdftext(pdf)
    platt = " ".join(pdftext(pdf, layout=False).split())  # tabellceller kan radbrytas
    assert "Kvalitetsberättelse 2024" in text
    assert "Innehåll" in text
    assert "Året präglades av arbete." in platt
    assert "Granskning av läkemedelslistor" in platt
    assert "Sida 2 av" in text
    # Taggad (PDF/UA) med titel och språk, för skärmläsare.
    info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert "Tagged:          yes" in info
    assert "Kvalitetsberättelse 2024" in info
    # Fyraårsöversikten: 7 avvikelser 2024, 0 tidigare år.
    rad = next(r for r in text.splitlines() if "Avvikelser enl. SoL, LSS" in r)
    assert rad.split()[-4:] == ["0", "0", "0", "7"]
    # Innehållsförteckningen har sidnummer (target-counter) – en rad per avsnitt slutar med en siffra.
    toc = next(r for r in text.splitlines() if "Sammanfattning" in r and "." in r)
    assert toc.strip()[-1].isdigit()


def test_pdf_fetcher_refuses_resources_outside_static():
    with pytest.raises(ValueError):
        rapport_pdf.url_hamtare("https://example.org/x.css")
    with pytest.raises(ValueError):
        rapport_pdf.url_hamtare("file:///etc/passwd")


def test_pdf_task_builds_once_and_records_progress(berattelse, cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert services.pdf_bestall(berattelse=berattelse, av=cast.kim)
    berattelse.refresh_from_db()
    assert berattelse.pdf_status == Pdfstatus.KLAR
    assert berattelse.pdf_framsteg == 100
    with berattelse.pdf.open("rb") as f:
        assert f.read(4) == b"%PDF"
    # Uppgiften igen (t.ex. en omleverans): inget byggs om.
    assert tasks.bygg_pdf(berattelse.pk, cast.kim.pk) is False


def test_publishing_freezes_numbers_pdf_and_checksum(berattelse, cast, org):
    v1 = services.berattelse_publicera(berattelse=berattelse, av=cast.kim)
    assert v1.nummer == 1
    assert v1.siffror["avvikelser"]["antal"] == 7
    with v1.pdf.open("rb") as f:
        innehall = f.read()
    assert innehall.startswith(b"%PDF")
    assert hashlib.sha256(innehall).hexdigest() == v1.checksumma
    # Registren ändras efteråt: den publicerade versionen är oförändrad, en ny version visar ändringen.
    AvvikelseFactory(
        rapporterad_av=cast.pia, enhet=org.e1, handelsetid=timezone.make_aware(datetime.datetime(AR, 11, 1))
    )
    services.berattelse_spara_text(berattelse=berattelse, avsnitt="bakgrund", text="<p>Ny</p>", av=cast.kim)
    v1.refresh_from_db()
    assert v1.siffror["avvikelser"]["antal"] == 7
    assert "bakgrund" not in v1.texter
    v2 = services.berattelse_publicera(berattelse=berattelse, av=cast.kim)
    assert v2.nummer == 2 and v2.siffror["avvikelser"]["antal"] == 8
    skillnader = {r["falt"]: (r["gammal"], r["ny"]) for r in services.jamfor(v1.siffror, v2.siffror)}
    assert skillnader["avvikelser.antal"] == (7, 8)


def test_command_renders_the_same_pdf_from_the_shell(berattelse, tmp_path, cast):
    ut = tmp_path / "b.pdf"
    call_command(
        "kvalitetsberattelse", "--namnd", str(berattelse.nod.pk), "--ar", str(AR), "--out", str(ut),
        "--anvandare", cast.kim.username, stdout=io.StringIO(),
    )  # fmt: skip
    data = ut.read_bytes()
    assert data.startswith(b"%PDF")
    assert "Granskning av läkemedelslistor" in " ".join(pdftext(data, layout=False).split())
    assert Kvalitetsberattelse.objects.count() == 1
