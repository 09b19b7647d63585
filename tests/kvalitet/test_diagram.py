"""Diagrammodulen (kvalitet/diagram.py): SVG som tolkas som XML, koordinater med punkt i alla
språkinställningar, rubrik, textalternativ, axlar, värden och tabellen bredvid, och att PDF:en bär dem."""

import re
import subprocess
import xml.etree.ElementTree as ET

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from kvalitet import diagram

SVG = "{http://www.w3.org/2000/svg}"
KOORDINATER = ("x", "y", "width", "height", "x1", "y1", "x2", "y2", "cx", "cy", "r")
TAL = re.compile(r"^-?\d+(\.\d+)?$")


def _html(d) -> str:
    return render_to_string("kvalitet/diagram.html", {"d": d})


def _svg(html: str) -> ET.Element:
    return ET.fromstring(html[html.index("<svg") : html.index("</svg>") + 6])  # noqa: S314 (vår egen SVG)


def _alla_diagram(n: int) -> list:
    etiketter = [f"Etikett {i}" for i in range(n)]
    varden = [12345.5 + i * 1000 if i % 2 else i * 3 for i in range(n)]
    return [
        diagram.staplar("Stående", etiketter, varden),
        diagram.staplar("Liggande", etiketter, varden, liggande=True),
        diagram.linjer("Linjer", etiketter, [("A", varden), ("B", [v / 2 for v in varden])]),
        diagram.styrdiagram(
            "Styr",
            etiketter,
            varden,
            medel=4.5,
            ovre=[9.25] * n,
            nedre=[0.5] * n,
            signal=["Utanför gränserna" if i == 1 else "" for i in range(n)],
            basperiod=(0, min(n, 2)),
        ),
        diagram.andelar("Andelar", etiketter, [("Ja", varden), ("Nej", [1.5] * n)]),
        diagram.pareto("Pareto", etiketter, varden),
    ]


def _koordinater(rot: ET.Element) -> list[str]:
    varden = []
    for el in rot.iter():
        varden += [el.attrib[a] for a in KOORDINATER if a in el.attrib]
        if "points" in el.attrib:
            varden += [t for par in el.attrib["points"].split() for t in par.split(",")]
        if "viewBox" in el.attrib:
            varden += el.attrib["viewBox"].split()
    return varden


@pytest.mark.parametrize("n", [0, 1, 2, 13, 40])
def test_every_kind_parses_as_xml_with_plain_dot_decimals_in_swedish_locale(settings, n):
    settings.LANGUAGE_CODE = "sv"
    settings.USE_THOUSAND_SEPARATOR = True
    with translation.override("sv"):
        for d in _alla_diagram(n):
            html = _html(d)
            rot = _svg(html)
            koord = _koordinater(rot)
            assert koord, d.titel
            felaktiga = [k for k in koord if not TAL.match(k)]
            assert not felaktiga, (d.titel, felaktiga[:5])
            # Rubrik och textalternativ: role="img" med <title> och <desc>, som aria-labelledby pekar på.
            assert rot.attrib["role"] == "img"
            assert rot.find(f"{SVG}title").text == d.titel
            assert rot.find(f"{SVG}desc").text
            ids = rot.attrib["aria-labelledby"].split()
            assert ids == [f"{d.id}-titel", f"{d.id}-besk"]
            # Siffrorna som tabell bredvid.
            assert f'id="{d.id}-tabell"' in html
            assert html.count("<tr>") == max(n, 1) + 1


def test_large_values_keep_coordinates_plain_and_labels_swedish(settings):
    settings.USE_THOUSAND_SEPARATOR = True
    with translation.override("sv"):
        d = diagram.staplar("Stora tal", ["a", "b"], [12345, 2.5])
        html = _html(d)
    rot = _svg(html)
    texter = [t.text for t in rot.iter(f"{SVG}text")]
    assert "12\u202f345" in texter  # värdet, på svenska
    assert "2,5" in texter
    assert all(TAL.match(k) for k in _koordinater(rot))
    # Tabellen har samma värden.
    assert '<td class="tal">12\u202f345</td>' in html and '<td class="tal">2,5</td>' in html


def test_bar_chart_has_a_bar_value_and_label_per_category_and_a_y_axis():
    d = diagram.staplar("Per månad", ["jan", "feb", "mar"], [4, 0, 7], vardesrubrik="Antal")
    rot = _svg(_html(d))
    staplar = [r for r in rot.iter(f"{SVG}rect")]
    assert [r.find(f"{SVG}title").text for r in staplar] == ["jan: 4", "feb: 0", "mar: 7"]
    hojder = [float(r.attrib["height"]) for r in staplar]
    assert hojder[1] == 0 and hojder[2] > hojder[0] > 0
    assert abs(hojder[0] / hojder[2] - 4 / 7) < 0.01
    texter = [t.text for t in rot.iter(f"{SVG}text")]
    for etikett in ("jan", "feb", "mar", "4", "0", "7", "Antal"):
        assert etikett in texter
    # Axeletiketterna 0, 2, 4, 6, 8.
    assert {"2", "6", "8"} <= set(texter)


def test_empty_chart_says_so_and_still_has_title_and_table():
    for d in _alla_diagram(0):
        html = _html(d)
        assert d.tom
        assert "Inga värden att visa." in html
        assert "Inga värden." in html


def test_control_chart_marks_signals_with_form_and_text_not_only_colour():
    d = diagram.styrdiagram(
        "Styrdiagram",
        ["jan", "feb", "mar"],
        [1.0, 9.0, None],
        medel=2.0,
        ovre=[5.0, 4.5, None],
        nedre=[0.0, 0.0, None],
        signal=["", "Över övre gränsen", ""],
    )
    html = _html(d)
    rot = _svg(html)
    ringar = [c for c in rot.iter(f"{SVG}circle") if c.attrib.get("fill") == "none"]
    assert [c.find(f"{SVG}title").text for c in ringar if c.find(f"{SVG}title") is not None] == [
        "feb: Över övre gränsen"
    ]
    assert "Över övre gränsen" in html and "Signaler: feb: Över övre gränsen." in d.beskrivning
    # Månaden utan värde är ett glapp, inte en nolla.
    assert '<th scope="row">mar</th><td class="tal">–</td>' in html


def test_pareto_sorts_descending_with_cumulative_share():
    d = diagram.pareto("Pareto", ["a", "b", "c"], [1, 6, 3])
    assert d.rader == [
        ["b", "6", "60,0 %", "60,0 %"],
        ["c", "3", "30,0 %", "90,0 %"],
        ["a", "1", "10,0 %", "100,0 %"],
    ]


def test_stacked_shares_sum_to_100_per_row():
    d = diagram.andelar("Andel", ["N1", "N2"], [("Ja", [3, 0]), ("Nej", [1, 0])])
    assert d.rader[0] == ["N1", "3 (75,0 %)", "1 (25,0 %)", "4"]
    assert d.rader[1] == ["N2", "0 (0,0 %)", "0 (0,0 %)", "0"]


def test_chart_labels_and_values_are_in_the_pdf_text(pdftotext):
    from rapporter import pdf as rapport_pdf

    d = diagram.staplar("Avvikelser per månad", ["jan", "feb", "mar"], [14, 3, 27], vardesrubrik="Antal")
    html = (
        '<!doctype html><html lang="sv"><head><meta charset="utf-8"><title>t</title></head><body>'
        + _html(d)
        + "</body></html>"
    )
    data = rapport_pdf.rendera(
        html,
        base_url=str(rapport_pdf.ROT / "rapporter" / "static" / "rapporter") + "/",
        url_fetcher=rapport_pdf.url_hamtare,
        stylesheets=[rapport_pdf.PDF_CSS],
    )
    text = subprocess.run([pdftotext, "-", "-"], input=data, capture_output=True, check=True).stdout.decode()
    for ord_ in ("Avvikelser per månad", "jan", "feb", "mar", "14", "27"):
        assert ord_ in text
