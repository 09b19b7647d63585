"""PDF:en (text via pdftotext), Celery-uppgiften, kommandot och att publicering fryser siffrorna."""

import datetime
import hashlib
import io
import subprocess

import pytest
from django.core.management import call_command
from django.utils import timezone

from rapporter import pdf as rapport_pdf
from rapporter import queries, services, tasks
from rapporter.models import Kvalitetsberattelse, Pdfstatus
from tests.avvikelser.factories import AvvikelseFactory, KategoriFactory
from tests.factories import aktuell_version
from tests.rapporter.factories import KontrollplanFactory, KontrollpunktFactory, KvalitetsberattelseFactory

AR = 2024

pytestmark = pytest.mark.usefixtures("pdftotext")


def pdftext(data: bytes, layout: bool = True) -> str:
    flaggor = ["-layout"] if layout else []
    return subprocess.run(
        ["pdftotext", *flaggor, "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()


def xmp(data: bytes) -> str:
    """PDF:ens XMP-metadata (där PDF/A- och PDF/UA-deklarationerna står)."""
    return subprocess.run(
        ["pdfinfo", "-meta", "-"], input=data, capture_output=True, check=True
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
    services.berattelse_spara_text(
        berattelse=berattelse,
        version=aktuell_version(berattelse),
        avsnitt="bakgrund",
        text="<p>Ny</p>",
        av=cast.kim,
    )
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


def test_pdf_layout_running_header_logo_fonts_and_repeated_table_headers(org, cast, settings, monkeypatch):
    hamtade = []
    riktig = rapport_pdf.url_hamtare

    def spara(url, *args, **kwargs):  # den riktiga hämtaren, som också noterar vad som hämtades
        hamtade.append(url)
        return riktig(url, *args, **kwargs)

    monkeypatch.setattr(rapport_pdf, "url_hamtare", spara)
    # Så många kontrollpunkter att tabellen bryts över flera sidor.
    plan = KontrollplanFactory(nod=org.n1, ar=AR)
    for i in range(45):
        KontrollpunktFactory(
            plan=plan, aktivitet=f"Kontroll{i:02d}",
            iakttagelser="Iakttagelse som tar plats. " * 6,
        )  # fmt: skip
    b = KvalitetsberattelseFactory(nod=org.n1, ar=AR, skapad_av=cast.kim)
    texter = {"bakgrund": "<p><strong>Fet</strong>, <em>kursiv</em> och <strong><em>båda</em></strong>.</p>"}
    pdf = rapport_pdf.pdf(b, queries.samla(cast.kim, org.n1, AR), texter)
    sidor = pdftext(pdf).split("\f")
    # Löpande sidhuvud på varje sida utom omslaget; "Sida X av Y" i sidfoten.
    sidhuvud = f"{settings.KOMMUN_NAMN} · Kvalitetsberättelse {AR} · Nämnd N1"
    assert sidhuvud not in sidor[0]
    assert all(sidhuvud in s for s in sidor[1:] if s.strip())
    antal = len([s for s in sidor if s.strip()])
    assert f"Sida {antal} av {antal}" in sidor[antal - 1]
    # Logotypen hämtades (annars hade WeasyPrint skrivit ut alt-texten) och typsnitten är projektets egna.
    assert "logotyp" not in sidor[0]
    filer = {u.rsplit("/", 1)[-1] for u in hamtade}
    assert {"logo.svg", "DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf",
            "DejaVuSans-BoldOblique.ttf"} <= filer  # fmt: skip
    assert all("/rapporter/static/rapporter/" in u for u in hamtade), hamtade
    fonter = subprocess.run(["pdffonts", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    rader = [r for r in fonter.splitlines()[2:] if r.strip()]
    # Bara de egna typsnitten (också i SVG-diagrammet), inbäddade; inga typsnitt ur systemet.
    assert len(rader) == 4 and all("+Rapport" in r and " yes " in r for r in rader), fonter
    # Kontrollplanens rubrikrad upprepas på varje sida som tabellen fortsätter på.
    med_rader = [s for s in sidor if "Kontroll07" in s or "Kontroll40" in s]
    assert len(med_rader) >= 2
    for s in med_rader:
        rubrik = next(r for r in s.splitlines() if "Aktivitet" in r)
        assert "Ansvarig" in rubrik and "Iakttagelser" in rubrik


def test_archive_variant_is_pdf_a_and_published_versions_use_it(berattelse, cast):
    data = queries.samla(cast.kim, berattelse.nod, AR)
    arkiv = xmp(rapport_pdf.pdf(berattelse, data, {}, variant="pdf/a-3b"))
    assert 'pdfaid:part="3"' in arkiv and 'pdfaid:conformance="B"' in arkiv
    assert 'pdfuaid:part="1"' in xmp(rapport_pdf.pdf(berattelse, data, {}))
    v = services.berattelse_publicera(berattelse=berattelse, av=cast.kim)
    with v.pdf.open("rb") as f:
        assert 'pdfaid:part="3"' in xmp(f.read())


def test_render_time_limit_stops_a_slow_render():
    import time

    with pytest.raises(rapport_pdf.Tidsgrans):
        with rapport_pdf.tidsgrans(1):
            time.sleep(3)
    # Efteråt finns inget larm kvar som kan slå till senare.
    time.sleep(0)
    with rapport_pdf.tidsgrans(5):
        pass


def test_pdf_fetcher_serves_project_static_files_only(settings):
    from pathlib import Path

    logo = Path(settings.BASE_DIR) / "rapporter" / "static" / "rapporter" / "logo.svg"
    assert rapport_pdf.url_hamtare(logo.resolve().as_uri())
    utanfor = Path(settings.BASE_DIR) / "kvalitet" / "settings.py"
    with pytest.raises(ValueError):
        rapport_pdf.url_hamtare(utanfor.resolve().as_uri())
    with pytest.raises(ValueError):
        rapport_pdf.url_hamtare((logo.parent / ".." / ".." / ".." / "manage.py").as_uri())
