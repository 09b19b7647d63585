"""Diagrammen på sidorna: statistiksidans månadsdiagram har staplar med värden, axel och tabellen bredvid,
med punkt i koordinaterna också med svensk lokalisering och tusentalsavgränsare."""

import datetime
import re
import xml.etree.ElementTree as ET

from django.urls import reverse
from django.utils import timezone

from tests.avvikelser.factories import AvvikelseFactory

SVG = "{http://www.w3.org/2000/svg}"


def test_statistics_month_chart_has_bars_values_axis_and_table(org, cast, logga_in, settings):
    settings.USE_THOUSAND_SEPARATOR = True
    idag = timezone.localdate()
    forra = (idag.replace(day=1) - datetime.timedelta(days=1)).replace(day=15)
    for _ in range(3):
        AvvikelseFactory(
            enhet=org.e1,
            rapporterad_av=cast.pia,
            handelsetid=timezone.make_aware(datetime.datetime.combine(forra, datetime.time(12))),
        )
    fran = forra.replace(day=1) - datetime.timedelta(days=31)
    svar = logga_in(cast.kim).get(
        reverse("avvikelser:statistik"),
        {"nod": org.n1.pk, "fran": fran.isoformat(), "till": idag.isoformat()},
    )
    html = svar.content.decode()
    start = html.index("<svg", html.index("Per månad</h2>"))
    svg = html[start : html.index("</svg>", start) + 6]
    rot = ET.fromstring(svg)  # noqa: S314 (vår egen SVG)
    staplar = list(rot.iter(f"{SVG}rect"))
    manader = {
        "jan": 1,
        "feb": 2,
        "mar": 3,
        "apr": 4,
        "maj": 5,
        "jun": 6,
        "jul": 7,
        "aug": 8,
        "sep": 9,
        "okt": 10,
        "nov": 11,
        "dec": 12,
    }
    etikett = f"{[k for k, v in manader.items() if v == forra.month][0]} {forra.year}"
    assert len(staplar) == 3  # tre månader i perioden, också de utan avvikelser
    titlar = [s.find(f"{SVG}title").text for s in staplar]
    assert f"{etikett}: 3" in titlar
    for s in staplar:
        for attr in ("x", "y", "width", "height"):
            assert re.fullmatch(r"\d+(\.\d+)?", s.attrib[attr]), s.attrib
    texter = [t.text for t in rot.iter(f"{SVG}text")]
    assert "3" in texter and "Antal avvikelser" in texter  # värdet och axelns rubrik
    assert f'<th scope="row">{etikett}</th><td class="tal">3</td>' in html


def test_annual_report_pdf_has_the_month_chart_with_labels_values_and_visible_bars(
    org, cast, pdftotext, tmp_path
):
    """Kvalitetsberättelsens PDF: diagrammets rubrik, månader och värden i texten, och staplarna syns när
    sidan rastreras (med decimalkomma i koordinaterna var diagrammet tomt)."""
    import shutil
    import subprocess

    from PIL import Image

    from rapporter import pdf as rapport_pdf
    from rapporter import queries as rapport_queries
    from tests.avvikelser.factories import KategoriFactory
    from tests.rapporter.factories import KvalitetsberattelseFactory

    kat = KategoriFactory(namn="Fall")
    for manad, n in ((1, 3), (2, 12), (3, 7)):
        for _ in range(n):
            AvvikelseFactory(
                rapporterad_av=cast.pia,
                enhet=org.e1,
                kategori=kat,
                handelsetid=timezone.make_aware(datetime.datetime(2024, manad, 3, 10)),
            )
    b = KvalitetsberattelseFactory(nod=org.n1, ar=2024, skapad_av=cast.kim)
    data = rapport_queries.samla(cast.kim, org.n1, 2024)
    pdf = rapport_pdf.pdf(b, data, {})
    text = subprocess.run([pdftotext, "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert "Avvikelser per månad 2024" in text
    assert "Antal avvikelser" in text
    for m in ("jan", "feb", "mar", "apr", "dec"):
        assert m in text
    for v in ("3", "12", "7"):
        assert v in text.split()
    # Styrdiagrammet för nämnden (c-diagram: inga insatser): c̄ = 22/12, UCL ≈ 5,9; februari och mars
    # utanför.
    assert "Styrdiagram: avvikelser, Nämnd N1" in text
    assert "c-diagram" in text and "Utanför styrgränserna" in text
    sd = data["avvikelser"]["styrdiagram"]
    assert sd["typ"] == "c" and sd["manader"][0] == "2023-01-01" and sd["manader"][-1] == "2024-12-01"
    assert sd["signaler"][13] == sd["signaler"][14] == ["Utanför styrgränserna"]
    # april–december noll: nio under mittlinjen i rad.
    assert sd["signaler"][15:] == [["8 i rad under mittlinjen"]] * 9 and sd["signaler"][:13] == [[]] * 13
    # Sidan med diagrammet, rastrerad: staplarnas färg (#2f6690) finns på sidan.
    sida = next(i for i in range(1, 40) if "Avvikelser per månad 2024" in _sidtext(pdftotext, pdf, i))
    (tmp_path / "k.pdf").write_bytes(pdf)
    subprocess.run(
        [
            shutil.which("pdftoppm"),
            "-png",
            "-r",
            "60",
            "-f",
            str(sida),
            "-l",
            str(sida),
            str(tmp_path / "k.pdf"),
            str(tmp_path / "s"),
        ],
        check=True,
    )
    bild = Image.open(next(tmp_path.glob("s*.png"))).convert("RGB")
    punkter = bild.tobytes()
    stapelfarg = sum(
        1
        for i in range(0, len(punkter), 3)
        if abs(punkter[i] - 0x2F) < 12 and abs(punkter[i + 1] - 0x66) < 12 and abs(punkter[i + 2] - 0x90) < 12
    )
    assert stapelfarg > 500  # tre staplar; ett tomt diagram har inga


def _sidtext(pdftotext, pdf: bytes, sida: int) -> str:
    import subprocess

    return subprocess.run(
        [pdftotext, "-f", str(sida), "-l", str(sida), "-", "-"], input=pdf, capture_output=True
    ).stdout.decode()


def test_statistics_categories_are_a_pareto_with_share_and_cumulative_share(org, cast, logga_in):
    from tests.avvikelser.factories import KategoriFactory

    for namn, n in (("Fall", 3), ("Läkemedel", 1)):
        kat = KategoriFactory(namn=namn)
        for _ in range(n):
            AvvikelseFactory(enhet=org.e1, rapporterad_av=cast.pia, kategori=kat)
    html = logga_in(cast.kim).get(reverse("avvikelser:statistik"), {"nod": org.n1.pk}).content.decode()
    assert "(Pareto)" in html
    assert (
        '<th scope="row">Fall</th><td class="tal">3</td><td class="tal">75,0 %</td><td class="tal">75,0 %</td>'
        in html
    )
    assert (
        '<th scope="row">Läkemedel</th><td class="tal">1</td><td class="tal">25,0 %</td><td class="tal">100,0 %</td>'
        in html
    )
