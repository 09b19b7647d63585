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
    svg = html[html.index("<svg") : html.index("</svg>") + 6]
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
