"""Trattdiagrammet i diagrammodulen: SVG som tolkas som XML med punkt som decimaltecken också i svensk
lokalisering, punkterna med etiketter, mittlinjen, gränskurvorna, markerade punkter med form och text,
tabellen bredvid och att PDF:en bär texten."""

import re
import subprocess
import xml.etree.ElementTree as ET

from django.template.loader import render_to_string
from django.utils import translation

from kvalitet import diagram

SVG = "{http://www.w3.org/2000/svg}"
KOORDINATER = ("x", "y", "width", "height", "x1", "y1", "x2", "y2", "cx", "cy", "r")
TAL = re.compile(r"^-?\d+(\.\d+)?$")


def _tratt(n=3, **kw):
    punkter = [
        {
            "etikett": f"Enhet {i}",
            "x": 12.5 + 1000 * i,
            "y": 2.25 + i,
            "antal": 3 * i,
            "granser": {"95 %": (0.5, 4.25), "99,8 %": (0.1, 5.75)},
            "flagga": ["Inom gränserna", "Över 99,8 %-gränsen – undersök orsaken", "Tyst enhet – varning"][
                i % 3
            ],
            "niva": ["", "over", "under"][i % 3],
        }
        for i in range(n)
    ]
    xs = [10.0 * (i + 1) for i in range(30)] + [3000.0]
    kurvor = [
        ("95 %", xs, [max(0, 3 - 9 / (x**0.5)) for x in xs], [3 + 9 / (x**0.5) for x in xs]),
        ("99,8 %", xs, [max(0, 3 - 15 / (x**0.5)) for x in xs], [3 + 15 / (x**0.5) for x in xs]),
    ]
    return diagram.tratt("Tratt", punkter, medel=3.0, kurvor=kurvor, xrubrik="Volym", yrubrik="Per 100", **kw)


def _html(d):
    return render_to_string("kvalitet/diagram.html", {"d": d})


def _svg(html):
    return ET.fromstring(html[html.index("<svg") : html.index("</svg>") + 6])  # noqa: S314 (vår egen SVG)


def test_funnel_parses_as_xml_with_dot_decimals_in_swedish_locale(settings):
    settings.LANGUAGE_CODE = "sv"
    settings.USE_THOUSAND_SEPARATOR = True
    with translation.override("sv"):
        d = _tratt()
        html = _html(d)
    rot = _svg(html)
    koord = []
    for el in rot.iter():
        koord += [el.attrib[a] for a in KOORDINATER if a in el.attrib]
        if "points" in el.attrib:
            koord += [t for par in el.attrib["points"].split() for t in par.split(",")]
    assert koord and all(TAL.match(k) for k in koord), [k for k in koord if not TAL.match(k)][:5]
    assert rot.attrib["role"] == "img" and rot.find(f"{SVG}title").text == "Tratt"
    assert "Sammanvägt värde 3,0" in rot.find(f"{SVG}desc").text
    # Tabellen bredvid: en rad per punkt, gränserna och bedömningen i text; svenska decimaler där.
    assert f'id="{d.id}-tabell"' in html
    assert d.kolumner == [
        "Enhet", "Volym", "Antal", "Per 100", "Nedre 95 %", "Övre 95 %", "Nedre 99,8 %", "Övre 99,8 %",
        "Bedömning",
    ]  # fmt: skip
    assert d.rader[1] == ["Enhet 1", "1\u202f012,5", "3", "3,2", "0,5", "4,2", "0,1", "5,8", d.rader[1][-1]]
    assert d.rader[1][-1] == "Över 99,8 %-gränsen – undersök orsaken"


def test_funnel_draws_labelled_points_centre_line_and_both_limit_curves():
    d = _tratt()
    rot = _svg(_html(d))
    texter = [t.text for t in rot.iter(f"{SVG}text")]
    assert {"Enhet 0", "Enhet 1", "Enhet 2", "Volym", "Per 100"} <= set(texter)
    fyllda = [
        c
        for c in rot.iter(f"{SVG}circle")
        if c.attrib.get("fill") != "none" and c.find(f"{SVG}title") is not None
    ]
    assert len(fyllda) == 3
    # Markerade punkter (över och under) har en ring med bedömningen som titel: form och text, inte bara färg.
    ringar = [
        c.find(f"{SVG}title").text
        for c in rot.iter(f"{SVG}circle")
        if c.find(f"{SVG}title") is not None and c.attrib.get("fill") == "none"
    ]
    assert ringar == ["Över 99,8 %-gränsen – undersök orsaken", "Tyst enhet – varning"]
    # Fyra gränskurvor (nedre och övre per nivå), streckade, och mittlinjen vid y = 3.
    kurvor = [p for p in rot.iter(f"{SVG}polyline") if p.attrib.get("stroke-dasharray")]
    assert len(kurvor) == 4
    # Kurvorna klipps mot ritytan: ingen punkt ovanför överkanten (y = 18) eller under x-axeln.
    for k in kurvor:
        for par in k.attrib["points"].split():
            x, y = map(float, par.split(","))
            assert 18 - 0.01 <= y <= 230.01
    # Punkten med högre värde ligger högre upp (mindre y) och längre till höger med större volym.
    pos = {c.find(f"{SVG}title").text.split(":")[0]: c for c in fyllda}
    assert float(pos["Enhet 2"].attrib["cy"]) < float(pos["Enhet 0"].attrib["cy"])
    assert float(pos["Enhet 2"].attrib["cx"]) > float(pos["Enhet 0"].attrib["cx"])


def test_empty_funnel_says_so():
    d = diagram.tratt("Tom", [], medel=0, kurvor=[])
    html = _html(d)
    assert d.tom and "Inga värden att visa." in html and "Inga värden." in html
    _svg(html)


def test_funnel_text_is_in_the_pdf(pdftotext):
    from rapporter import pdf as rapport_pdf

    html = (
        '<!doctype html><html lang="sv"><head><meta charset="utf-8"><title>t</title></head><body>'
        + _html(_tratt())
        + "</body></html>"
    )
    data = rapport_pdf.rendera(
        html,
        base_url=str(rapport_pdf.ROT / "rapporter" / "static" / "rapporter") + "/",
        url_fetcher=rapport_pdf.url_hamtare,
        stylesheets=[rapport_pdf.PDF_CSS],
    )
    text = subprocess.run([pdftotext, "-", "-"], input=data, capture_output=True, check=True).stdout.decode()
    text = " ".join(text.split())
    for ord_ in ("Tratt", "Enhet 1", "Gräns 99,8 %", "Över 99,8 %-gränsen", "2 012,5"):
        assert ord_ in text
