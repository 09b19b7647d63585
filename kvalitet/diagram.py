"""Diagram som SVG på servern, för webbsidorna och PDF:en (WeasyPrint) alike.

Python räknar all geometri och skriver koordinaterna som färdiga strängar med punkt som decimaltecken
(`_k`), så att Djangos lokalisering (sv: decimalkomma, tusentalsavgränsare) aldrig rör dem; mallen
(`kvalitet/diagram.html`) ritar bara. Talen som läses (värden, axeletiketter, tabellen) skrivs på svenska
(`tal`). Varje diagram har rubrik, en textbeskrivning (`role="img"` med `<title>`/`<desc>`), axlar med
etiketter, värdena utskrivna och samma siffror som en HTML-tabell bredvid (WCAG 1.1.1, 1.4.1).

Kärnan importerar ingen app; apparna anropar funktionerna här och skickar resultatet till mallen:
``{% include "kvalitet/diagram.html" with d=diagram %}``.
"""

import dataclasses
import html
import itertools
import math
from collections.abc import Sequence

from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify

BREDD = 640
# Färger med kontrast mot vitt (≥ 3:1 för grafik); signaler markeras också med form och text, inte bara färg.
FARGER = ("#2f6690", "#d1495b", "#3a7d44", "#8a5a00", "#6a4c93", "#5c5c5c", "#00798c", "#9c3d54")
SIGNALFARG = "#b3261e"
TEXTFARG = "#222"
AXELFARG = "#555"
RUTNAT = "#ddd"

_raknare = itertools.count(1)


def _e(v) -> str:
    """Ett värde i SVG/HTML: escapat, None som tomt (som i en mall); tal utan lokalisering."""
    if v is None:
        return ""
    # Som Djangos escape (html.escape), utan dess lata omslag: ett diagram har tusen värden.
    return v.__html__() if hasattr(v, "__html__") else html.escape(str(v))


def _k(x: float) -> str:
    """En koordinat: alltid punkt, högst en decimal, aldrig tusentalsavgränsare."""
    s = f"{float(x):.1f}"
    return s[:-2] if s.endswith(".0") else s


def tal(x, decimaler: int | None = None) -> str:
    """Ett värde som text på svenska: decimalkomma, smalt mellanslag som tusentalsavgränsare."""
    if x is None:
        return "–"
    if decimaler is None:
        decimaler = 0 if float(x) == int(x) else 1
    s = f"{float(x):,.{decimaler}f}"
    return s.replace(",", "\u202f").replace(".", ",").replace("-", "−")


MANADER_KORT = ("jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec")


def manadsetikett(d) -> str:
    """ "jan 2025" för månaden som börjar med datumet d (samma i alla språkinställningar)."""
    return f"{MANADER_KORT[d.month - 1]} {d.year}"


@dataclasses.dataclass
class Text:
    x: str
    y: str
    text: str
    ankare: str = "middle"  # start | middle | end
    storlek: int = 10
    fet: bool = False
    farg: str = TEXTFARG
    rotera: str = ""  # "x y" för rotate(-90 x y)


@dataclasses.dataclass
class Diagram:
    titel: str
    beskrivning: str
    bredd: int
    hojd: int
    kolumner: list[str]
    rader: list[list[str]]
    id: str = ""
    rektanglar: list[dict] = dataclasses.field(default_factory=list)
    linjer: list[dict] = dataclasses.field(default_factory=list)
    kurvor: list[dict] = dataclasses.field(default_factory=list)
    punkter: list[dict] = dataclasses.field(default_factory=list)
    texter: list[Text] = dataclasses.field(default_factory=list)
    forklaring: list[dict] = dataclasses.field(default_factory=list)
    tom: bool = False

    def __post_init__(self):
        if not self.id:
            self.id = f"diagram-{slugify(self.titel)[:40] or 'x'}-{next(_raknare)}"

    def html(self) -> SafeString:
        """SVG:n och tabellen med siffrorna, som `kvalitet/diagram.html` visar. Skrivs här i stället för i en
        mall: ett diagram är hundratals element, och Djangos mallmotor tog mer tid för dem än resten av sidan
        (mätt i bench/samlad_bench.py). Varje värde escapas; koordinaterna är redan strängar med punkt."""
        e = _e
        d = self
        delar = [
            f'<div class="diagram-block"><figure class="diagram" id="{e(d.id)}" tabindex="0">\n'
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{e(d.bredd)}" height="{e(d.hojd)}" '
            f'viewBox="0 0 {e(d.bredd)} {e(d.hojd)}" role="img" aria-labelledby="{e(d.id)}-titel {e(d.id)}-besk" '
            'class="diagram-svg" font-family="Rapport, DejaVu Sans, sans-serif">\n'
            f'<title id="{e(d.id)}-titel">{e(d.titel)}</title>\n'
            f'<desc id="{e(d.id)}-besk">{e(d.beskrivning)}</desc>\n'
        ]
        for r in d.rektanglar:
            delar.append(
                f'<rect x="{e(r["x"])}" y="{e(r["y"])}" width="{e(r["b"])}" height="{e(r["h"])}" '
                f'fill="{e(r["farg"])}"><title>{e(r.get("titel", ""))}</title></rect>\n'
            )
        for li in d.linjer:
            streck = f' stroke-dasharray="{e(li["streck"])}"' if li.get("streck") else ""
            delar.append(
                f'<line x1="{e(li["x1"])}" y1="{e(li["y1"])}" x2="{e(li["x2"])}" y2="{e(li["y2"])}" '
                f'stroke="{e(li["farg"])}" stroke-width="1"{streck}/>\n'
            )
        for k in d.kurvor:
            streck = f' stroke-dasharray="{e(k["streck"])}"' if k.get("streck") else ""
            delar.append(
                f'<polyline points="{e(k["punkter"])}" fill="none" stroke="{e(k["farg"])}" '
                f'stroke-width="{"1.2" if k.get("streck") else "2"}"{streck}/>\n'
            )
        for pk in d.punkter:
            fyllning = (
                f'fill="none" stroke="{e(pk["farg"])}" stroke-width="2"'
                if pk.get("ring")
                else f'fill="{e(pk["farg"])}"'
            )
            delar.append(
                f'<circle cx="{e(pk["x"])}" cy="{e(pk["y"])}" r="{e(pk["r"])}" {fyllning}>'
                f"<title>{e(pk.get('titel', ''))}</title></circle>\n"
            )
        for t in d.texter:
            fet = ' font-weight="bold"' if t.fet else ""
            rotera = f' transform="rotate(-90 {e(t.rotera)})"' if t.rotera else ""
            delar.append(
                f'<text x="{e(t.x)}" y="{e(t.y)}" font-size="{e(t.storlek)}" text-anchor="{e(t.ankare)}" '
                f'dominant-baseline="middle" fill="{e(t.farg)}"{fet}{rotera}>{e(t.text)}</text>\n'
            )
        for f in d.forklaring:
            g = f.get
            if g("form") == "ruta":
                symbol = f'<rect x="{e(g("x", ""))}" y="{e(g("y", ""))}" width="16" height="8" fill="{e(g("farg", ""))}"/>'
            elif g("form") == "ring":
                symbol = (
                    f'<circle cx="{e(g("cx", ""))}" cy="{e(g("ty", ""))}" r="5" fill="none" '
                    f'stroke="{e(g("farg", ""))}" stroke-width="2"/>'
                )
            else:
                streck = f' stroke-dasharray="{e(g("streck") or "5 3")}"' if g("form") == "streckad" else ""
                symbol = (
                    f'<line x1="{e(g("x", ""))}" y1="{e(g("ty", ""))}" x2="{e(g("x2", ""))}" y2="{e(g("ty", ""))}" '
                    f'stroke="{e(g("farg", ""))}" stroke-width="2"{streck}/>'
                )
            delar.append(
                f'{symbol}<text x="{e(g("tx", ""))}" y="{e(g("ty", ""))}" font-size="9" '
                f'dominant-baseline="middle" fill="#222">{e(g("namn", ""))}</text>\n'
            )
        delar.append(
            f"</svg>\n<figcaption>{e(d.titel)}</figcaption>\n</figure>\n"
            f'<div class="diagramtabell-ruta" tabindex="0" role="region" aria-label="{e(d.titel)}: siffrorna">'
            f'<table class="tabell table table-sm diagramtabell" id="{e(d.id)}-tabell">\n'
            f"<caption>{e(d.titel)}: siffrorna i diagrammet</caption>\n"
            "<thead><tr>"
            + "".join(f'<th scope="col">{e(k)}</th>' for k in d.kolumner)
            + "</tr></thead>\n<tbody>"
        )
        for rad in d.rader:
            celler = [
                f'<th scope="row">{e(c)}</th>' if i == 0 else f'<td class="tal">{e(c)}</td>'
                for i, c in enumerate(rad)
            ]
            delar.append("<tr>" + "".join(celler) + "</tr>")
        if not d.rader:
            delar.append(f'<tr><td colspan="{len(d.kolumner)}">Inga värden.</td></tr>')
        delar.append("</tbody>\n</table></div></div>")
        return mark_safe("".join(delar))  # noqa: S308  # nosec: varje värde ovan går genom _e (escape)


def skala(storst: float, steg_max: int = 5) -> tuple[float, float]:
    """(axelns max, steg) med "jämna" steg (1, 2, 2,5, 5 × 10^n) och högst `steg_max` steg."""
    if storst <= 0:
        return 1.0, 1.0
    rå = storst / steg_max
    potens = 10 ** math.floor(math.log10(rå))
    for f in (1, 2, 2.5, 5, 10):
        steg = f * potens
        if steg >= rå:
            break
    if float(storst).is_integer() and steg < 1:
        steg = 1.0
    return math.ceil(storst / steg - 1e-9) * steg, steg


def _yaxel(d: Diagram, x0, x1, y0, y1, ymax, steg, decimaler=None, rubrik: str = "") -> None:
    """Vågrätt rutnät och etiketter på y-axeln; y0 är nederkanten, y1 överkanten (pixlar)."""
    n = round(ymax / steg)
    for i in range(n + 1):
        v = i * steg
        y = y0 - (y0 - y1) * v / ymax
        d.linjer.append({"x1": _k(x0), "y1": _k(y), "x2": _k(x1), "y2": _k(y), "farg": RUTNAT, "streck": ""})
        d.texter.append(Text(_k(x0 - 4), _k(y + 3.5), tal(v, decimaler), ankare="end", storlek=9))
    d.linjer.append({"x1": _k(x0), "y1": _k(y0), "x2": _k(x1), "y2": _k(y0), "farg": AXELFARG, "streck": ""})
    d.linjer.append({"x1": _k(x0), "y1": _k(y0), "x2": _k(x0), "y2": _k(y1), "farg": AXELFARG, "streck": ""})
    if rubrik:
        d.texter.append(
            Text(_k(12), _k((y0 + y1) / 2), rubrik, storlek=9, rotera=f"{_k(12)} {_k((y0 + y1) / 2)}")
        )


def _glesa(n: int, plats: float, bredd_per_etikett: float = 34) -> int:
    """Var hur många x-etiketter som ryms utan att överlappa."""
    return max(1, math.ceil(n * bredd_per_etikett / max(plats, 1)))


def _tom(d: Diagram, text: str = "Inga värden att visa.") -> Diagram:
    d.tom = True
    d.texter.append(Text(_k(d.bredd / 2), _k(d.hojd / 2), text, storlek=11))
    return d


def staplar(
    titel: str,
    etiketter: Sequence[str],
    varden: Sequence[float],
    *,
    liggande: bool = False,
    kolumnrubrik: str = "",
    vardesrubrik: str = "Antal",
    beskrivning: str = "",
    bredd: int = BREDD,
    decimaler: int | None = None,
) -> Diagram:
    """Stapeldiagram, stående (kategorier längs x, t.ex. månader) eller liggande (kategorier i rader,
    t.ex. kategorier eller enheter med långa namn)."""
    etiketter, varden = [str(e) for e in etiketter], [v or 0 for v in varden]
    rader = [[e, tal(v, decimaler)] for e, v in zip(etiketter, varden, strict=True)]
    if not beskrivning:
        beskrivning = (
            f"{titel}. " + "; ".join(f"{e}: {t}" for e, t in rader) + "."
            if rader
            else f"{titel}: inga värden."
        )
    storst = max(varden, default=0)
    ymax, steg = skala(storst)
    if liggande:
        radhojd = 22
        hojd = 40 + radhojd * max(len(etiketter), 1) + 24
        d = Diagram(titel, beskrivning, bredd, hojd, [kolumnrubrik or "Kategori", vardesrubrik], rader)
        if not etiketter:
            return _tom(d)
        langst = max(len(e) for e in etiketter)
        x0 = min(bredd * 0.45, 12 + 6.2 * langst)
        x1 = bredd - 40
        y_topp, y_bas = 12, 12 + radhojd * len(etiketter)
        n = round(ymax / steg)
        for i in range(n + 1):
            x = x0 + (x1 - x0) * i * steg / ymax
            d.linjer.append(
                {"x1": _k(x), "y1": _k(y_topp), "x2": _k(x), "y2": _k(y_bas), "farg": RUTNAT, "streck": ""}
            )
            d.texter.append(Text(_k(x), _k(y_bas + 14), tal(i * steg, decimaler), storlek=9))
        d.linjer.append(
            {"x1": _k(x0), "y1": _k(y_topp), "x2": _k(x0), "y2": _k(y_bas), "farg": AXELFARG, "streck": ""}
        )
        d.texter.append(Text(_k((x0 + x1) / 2), _k(y_bas + 30), vardesrubrik, storlek=9))
        for i, (e, v) in enumerate(zip(etiketter, varden, strict=True)):
            y = y_topp + i * radhojd + 3
            b = (x1 - x0) * v / ymax
            d.rektanglar.append(
                {
                    "x": _k(x0),
                    "y": _k(y),
                    "b": _k(b),
                    "h": _k(radhojd - 6),
                    "farg": FARGER[0],
                    "titel": f"{e}: {tal(v, decimaler)}",
                }
            )
            d.texter.append(Text(_k(x0 - 4), _k(y + radhojd / 2), e, ankare="end", storlek=9))
            d.texter.append(
                Text(
                    _k(x0 + b + 3),
                    _k(y + radhojd / 2),
                    tal(v, decimaler),
                    ankare="start",
                    storlek=9,
                    fet=True,
                )
            )
        d.hojd = int(y_bas + 40)
        return d
    hojd = 220
    d = Diagram(titel, beskrivning, bredd, hojd, [kolumnrubrik or "Kategori", vardesrubrik], rader)
    if not etiketter:
        return _tom(d)
    x0, x1, y_topp, y_bas = 44, bredd - 8, 18, hojd - 30
    _yaxel(d, x0, x1, y_bas, y_topp, ymax, steg, decimaler, vardesrubrik)
    plats = (x1 - x0) / len(etiketter)
    var = _glesa(len(etiketter), x1 - x0, 6 * max(len(e) for e in etiketter) + 6)
    for i, (e, v) in enumerate(zip(etiketter, varden, strict=True)):
        h = (y_bas - y_topp) * v / ymax
        x = x0 + i * plats + plats * 0.15
        d.rektanglar.append(
            {
                "x": _k(x),
                "y": _k(y_bas - h),
                "b": _k(plats * 0.7),
                "h": _k(h),
                "farg": FARGER[0],
                "titel": f"{e}: {tal(v, decimaler)}",
            }
        )
        mitt = x0 + i * plats + plats / 2
        d.texter.append(Text(_k(mitt), _k(y_bas - h - 3), tal(v, decimaler), storlek=9, fet=True))
        if i % var == 0:
            d.texter.append(Text(_k(mitt), _k(y_bas + 14), e, storlek=9))
    return d


def linjer(
    titel: str,
    etiketter: Sequence[str],
    serier: Sequence[tuple[str, Sequence[float | None]]],
    *,
    kolumnrubrik: str = "Period",
    vardesrubrik: str = "Antal",
    beskrivning: str = "",
    bredd: int = BREDD,
    decimaler: int | None = None,
) -> Diagram:
    """Linjediagram med en eller flera serier över samma x-etiketter; None är ett glapp i linjen."""
    etiketter = [str(e) for e in etiketter]
    rader = [[e, *(tal(s[1][i], decimaler) for s in serier)] for i, e in enumerate(etiketter)]
    if not beskrivning:
        delar = [
            f"{namn}: " + ", ".join(f"{e} {tal(v, decimaler)}" for e, v in zip(etiketter, v_, strict=True))
            for namn, v_ in serier
        ]
        beskrivning = f"{titel}. " + "; ".join(delar) + "." if etiketter else f"{titel}: inga värden."
    hojd = 240
    d = Diagram(titel, beskrivning, bredd, hojd, [kolumnrubrik, *(s[0] for s in serier)], rader)
    alla = [v for _, vs in serier for v in vs if v is not None]
    if not etiketter or not alla:
        return _tom(d)
    ymax, steg = skala(max(alla))
    x0, x1, y_topp, y_bas = 44, bredd - 8, 18, hojd - 50
    _yaxel(d, x0, x1, y_bas, y_topp, ymax, steg, decimaler, vardesrubrik)
    _linjeserier(d, etiketter, serier, x0, x1, y_bas, y_topp, ymax, decimaler, skriv_varden=len(serier) == 1)
    return d


def _xpos(i: int, n: int, x0: float, x1: float) -> float:
    return x0 + (x1 - x0) * (i + 0.5) / n


def _linjeserier(d, etiketter, serier, x0, x1, y_bas, y_topp, ymax, decimaler, skriv_varden) -> None:
    n = len(etiketter)

    def y(v):
        return y_bas - (y_bas - y_topp) * v / ymax

    var = _glesa(n, x1 - x0, 6 * max(len(e) for e in etiketter) + 6)
    for i, e in enumerate(etiketter):
        if i % var == 0:
            d.texter.append(Text(_k(_xpos(i, n, x0, x1)), _k(y_bas + 14), e, storlek=9))
    for s, (namn, varden) in enumerate(serier):
        farg = FARGER[s % len(FARGER)]
        for bit in _sammanhangande(varden):
            d.kurvor.append(
                {
                    "punkter": " ".join(f"{_k(_xpos(i, n, x0, x1))},{_k(y(varden[i]))}" for i in bit),
                    "farg": farg,
                    "streck": "",
                }
            )
        for i, v in enumerate(varden):
            if v is None:
                continue
            d.punkter.append(
                {
                    "x": _k(_xpos(i, n, x0, x1)),
                    "y": _k(y(v)),
                    "r": "3",
                    "farg": farg,
                    "titel": f"{namn}, {etiketter[i]}: {tal(v, decimaler)}",
                }
            )
            if skriv_varden and n <= 16:
                d.texter.append(Text(_k(_xpos(i, n, x0, x1)), _k(y(v) - 6), tal(v, decimaler), storlek=8))
        if len(serier) > 1:
            d.forklaring.append({"namn": namn, "farg": farg, "form": "linje"})
    _placera_forklaring(d, y_bas + 30)


def _sammanhangande(varden) -> list[list[int]]:
    bitar, bit = [], []
    for i, v in enumerate(varden):
        if v is None:
            if bit:
                bitar.append(bit)
            bit = []
        else:
            bit.append(i)
    if bit:
        bitar.append(bit)
    return bitar


def _placera_forklaring(d: Diagram, y: float) -> None:
    x = 44.0
    for f in d.forklaring:
        f["x"], f["y"] = _k(x), _k(y)
        f["tx"], f["ty"] = _k(x + 22), _k(y + 4)
        f["x2"] = _k(x + 16)
        f["cx"] = _k(x + 8)
        x += 34 + 6.2 * len(f["namn"])


def styrdiagram(
    titel: str,
    etiketter: Sequence[str],
    varden: Sequence[float | None],
    *,
    medel: float,
    ovre: Sequence[float | None],
    nedre: Sequence[float | None],
    signal: Sequence[str],
    vardesrubrik: str = "Avvikelser per 100 insatser",
    basperiod: tuple[int, int] = (0, 0),
    beskrivning: str = "",
    bredd: int = BREDD,
    decimaler: int | None = 1,
) -> Diagram:
    """Styrdiagram: värdena som linje med punkter, mittlinje, övre och nedre styrgräns (får variera per
    punkt, som i ett u-diagram) och punkter med signal (`signal[i]` är en text, tom utan signal) markerade
    med färg, större form och text i tabellen. `basperiod`: (första, efter sista) punkten i basperioden (skuggas)."""
    etiketter = [str(e) for e in etiketter]
    # Före basperioden (serien hade inte börjat) finns ingen mittlinje.
    rader = [
        [
            e,
            tal(v, decimaler),
            tal(medel if i >= basperiod[0] else None, decimaler),
            tal(lo, decimaler),
            tal(hi, decimaler),
            sig or "–",
        ]
        for i, (e, v, lo, hi, sig) in enumerate(zip(etiketter, varden, nedre, ovre, signal, strict=True))
    ]
    if not beskrivning:
        signaler = [f"{e}: {s}" for e, s in zip(etiketter, signal, strict=True) if s]
        beskrivning = f"{titel}. Mittlinje {tal(medel, decimaler)}. " + (
            "Signaler: " + "; ".join(signaler) + "." if signaler else "Inga signaler."
        )
    hojd = 260
    d = Diagram(
        titel,
        beskrivning,
        bredd,
        hojd,
        ["Månad", vardesrubrik, "Mittlinje", "Nedre gräns", "Övre gräns", "Signal"],
        rader,
    )
    alla = [v for v in [*varden, *ovre, medel] if v is not None]
    if not etiketter or not alla:
        return _tom(d)
    ymax, steg = skala(max(alla) * 1.05)
    x0, x1, y_topp, y_bas = 48, bredd - 8, 18, hojd - 50
    n = len(etiketter)

    def y(v):
        return y_bas - (y_bas - y_topp) * v / ymax

    fran, till = basperiod
    if 0 <= fran < till <= n:
        d.rektanglar.append(
            {
                "x": _k(x0 + (x1 - x0) * fran / n),
                "y": _k(y_topp),
                "b": _k((x1 - x0) * (till - fran) / n),
                "h": _k(y_bas - y_topp),
                "farg": "#eef3f7",
                "titel": f"Basperiod: {etiketter[fran]}–{etiketter[till - 1]}",
            }
        )
    _yaxel(d, x0, x1, y_bas, y_topp, ymax, steg, None, vardesrubrik)
    mx0 = x0 + (x1 - x0) * min(max(fran, 0), n - 1) / n
    d.linjer.append(
        {"x1": _k(mx0), "y1": _k(y(medel)), "x2": _k(x1), "y2": _k(y(medel)), "farg": FARGER[2], "streck": ""}
    )
    for grans in (ovre, nedre):
        # Trappsteg: gränsen gäller hela månadens bredd (den varierar med månadens volym).
        for bit in _sammanhangande(grans):
            pts = []
            for i in bit:
                pts += [
                    f"{_k(x0 + (x1 - x0) * i / n)},{_k(y(grans[i]))}",
                    f"{_k(x0 + (x1 - x0) * (i + 1) / n)},{_k(y(grans[i]))}",
                ]
            d.kurvor.append({"punkter": " ".join(pts), "farg": SIGNALFARG, "streck": "5 3"})
    _linjeserier(
        d, etiketter, [(vardesrubrik, varden)], x0, x1, y_bas, y_topp, ymax, decimaler, skriv_varden=n <= 16
    )
    for i, (v, s) in enumerate(zip(varden, signal, strict=True)):
        if s and v is not None:
            d.punkter.append(
                {
                    "x": _k(_xpos(i, n, x0, x1)),
                    "y": _k(y(v)),
                    "r": "6",
                    "farg": SIGNALFARG,
                    "titel": f"{etiketter[i]}: {s}",
                    "ring": True,
                }
            )
    d.forklaring = [
        {"namn": "Värde", "farg": FARGER[0], "form": "linje"},
        {"namn": "Mittlinje", "farg": FARGER[2], "form": "linje"},
        {"namn": "Styrgränser", "farg": SIGNALFARG, "form": "streckad"},
        {"namn": "Signal", "farg": SIGNALFARG, "form": "ring"},
    ]
    _placera_forklaring(d, y_bas + 30)
    return d


def andelar(
    titel: str,
    etiketter: Sequence[str],
    serier: Sequence[tuple[str, Sequence[float]]],
    *,
    kolumnrubrik: str = "",
    beskrivning: str = "",
    bredd: int = BREDD,
) -> Diagram:
    """Staplade andelar: en liggande stapel per etikett som delas i seriernas andelar (summa 100 %)."""
    etiketter = [str(e) for e in etiketter]
    summor = [sum((s[1][i] or 0) for s in serier) for i in range(len(etiketter))]

    def andel(i, v):
        return 100 * (v or 0) / summor[i] if summor[i] else 0.0

    rader = [
        [e, *(f"{tal(s[1][i])} ({tal(andel(i, s[1][i]), 1)} %)" for s in serier), tal(summor[i])]
        for i, e in enumerate(etiketter)
    ]
    if not beskrivning:
        beskrivning = (
            f"{titel}. "
            + "; ".join(
                f"{e}: " + ", ".join(f"{namn} {tal(andel(i, v[i]), 1)} %" for namn, v in serier)
                for i, e in enumerate(etiketter)
            )
            + "."
            if etiketter
            else f"{titel}: inga värden."
        )
    radhojd = 26
    hojd = 20 + radhojd * max(len(etiketter), 1) + 60
    d = Diagram(
        titel,
        beskrivning,
        bredd,
        hojd,
        [kolumnrubrik or "Kategori", *(s[0] for s in serier), "Totalt"],
        rader,
    )
    if not etiketter or not any(summor):
        return _tom(d)
    langst = max(len(e) for e in etiketter)
    x0 = min(bredd * 0.4, 12 + 6.2 * langst)
    x1 = bredd - 12
    y_topp = 12
    y_bas = y_topp + radhojd * len(etiketter)
    for p in (0, 25, 50, 75, 100):
        x = x0 + (x1 - x0) * p / 100
        d.linjer.append(
            {"x1": _k(x), "y1": _k(y_topp), "x2": _k(x), "y2": _k(y_bas), "farg": RUTNAT, "streck": ""}
        )
        d.texter.append(Text(_k(x), _k(y_bas + 14), f"{p} %", storlek=9))
    for i, e in enumerate(etiketter):
        y = y_topp + i * radhojd + 3
        x = x0
        d.texter.append(Text(_k(x0 - 4), _k(y + radhojd / 2), e, ankare="end", storlek=9))
        for s, (namn, varden) in enumerate(serier):
            a = andel(i, varden[i])
            b = (x1 - x0) * a / 100
            farg = FARGER[s % len(FARGER)]
            d.rektanglar.append(
                {
                    "x": _k(x),
                    "y": _k(y),
                    "b": _k(b),
                    "h": _k(radhojd - 6),
                    "farg": farg,
                    "titel": f"{e}, {namn}: {tal(a, 1)} %",
                }
            )
            if b >= 34:
                d.texter.append(
                    Text(
                        _k(x + b / 2), _k(y + radhojd / 2), f"{tal(a, 0)} %", storlek=9, farg="#fff", fet=True
                    )
                )
            x += b
    d.forklaring = [
        {"namn": namn, "farg": FARGER[s % len(FARGER)], "form": "ruta"} for s, (namn, _) in enumerate(serier)
    ]
    _placera_forklaring(d, y_bas + 30)
    d.hojd = int(y_bas + 46)
    return d


def pareto_rader(etiketter: Sequence[str], varden: Sequence[float]) -> list[tuple[str, float, float, float]]:
    """(etikett, värde, andel %, kumulativ andel %) i fallande ordning (lika värden: i namnordning); samma
    tal som Paretodiagrammet visar, för tabeller och exporter."""
    par = sorted(
        zip([str(e) for e in etiketter], [v or 0 for v in varden], strict=True), key=lambda p: (-p[1], p[0])
    )
    summa = sum(v for _, v in par)
    rader, acc = [], 0
    for e, v in par:
        acc += v
        rader.append((e, v, 100 * v / summa if summa else 0.0, 100 * acc / summa if summa else 0.0))
    return rader


def pareto(
    titel: str,
    etiketter: Sequence[str],
    varden: Sequence[float],
    *,
    kolumnrubrik: str = "Kategori",
    beskrivning: str = "",
    bredd: int = BREDD,
) -> Diagram:
    """Pareto: staplar i fallande ordning och den kumulativa andelen (0–100 %) som linje på högeraxeln."""
    tabell = pareto_rader(etiketter, varden)
    par = [(e, v) for e, v, _, _ in tabell]
    summa = sum(v for _, v in par)
    kumulativ = [k for *_, k in tabell]
    rader = [[e, tal(v), f"{tal(a, 1)} %", f"{tal(k, 1)} %"] for e, v, a, k in tabell]
    if not beskrivning:
        beskrivning = (
            f"{titel}. " + "; ".join(f"{r[0]}: {r[1]} (kumulativt {r[3]})" for r in rader) + "."
            if rader
            else f"{titel}: inga värden."
        )
    hojd = 250
    d = Diagram(titel, beskrivning, bredd, hojd, [kolumnrubrik, "Antal", "Andel", "Kumulativ andel"], rader)
    if not par or not summa:
        return _tom(d)
    ymax, steg = skala(par[0][1])
    x0, x1, y_topp, y_bas = 44, bredd - 44, 18, hojd - 60
    _yaxel(d, x0, x1, y_bas, y_topp, ymax, steg, None, "Antal")
    n = len(par)
    plats = (x1 - x0) / n
    for p in (0, 50, 80, 100):
        yy = y_bas - (y_bas - y_topp) * p / 100
        d.texter.append(Text(_k(x1 + 4), _k(yy + 3.5), f"{p} %", ankare="start", storlek=9))
    yy80 = y_bas - (y_bas - y_topp) * 0.8
    d.linjer.append(
        {"x1": _k(x0), "y1": _k(yy80), "x2": _k(x1), "y2": _k(yy80), "farg": FARGER[5], "streck": "2 3"}
    )
    var = _glesa(n, x1 - x0, 6 * min(max(len(e) for e, _ in par), 14) + 6)
    pts = []
    for i, ((e, v), k) in enumerate(zip(par, kumulativ, strict=True)):
        h = (y_bas - y_topp) * v / ymax
        d.rektanglar.append(
            {
                "x": _k(x0 + i * plats + plats * 0.15),
                "y": _k(y_bas - h),
                "b": _k(plats * 0.7),
                "h": _k(h),
                "farg": FARGER[0],
                "titel": f"{e}: {tal(v)}",
            }
        )
        mitt = x0 + i * plats + plats / 2
        d.texter.append(Text(_k(mitt), _k(y_bas - h - 3), tal(v), storlek=9, fet=True))
        if i % var == 0:
            d.texter.append(Text(_k(mitt), _k(y_bas + 14), e[:14], storlek=9))
        ky = y_bas - (y_bas - y_topp) * k / 100
        pts.append(f"{_k(mitt)},{_k(ky)}")
        d.punkter.append(
            {
                "x": _k(mitt),
                "y": _k(ky),
                "r": "3",
                "farg": FARGER[1],
                "titel": f"{e}: kumulativt {tal(k, 1)} %",
            }
        )
    d.kurvor.append({"punkter": " ".join(pts), "farg": FARGER[1], "streck": ""})
    d.forklaring = [
        {"namn": "Antal", "farg": FARGER[0], "form": "ruta"},
        {"namn": "Kumulativ andel", "farg": FARGER[1], "form": "linje"},
    ]
    _placera_forklaring(d, y_bas + 36)
    return d


def tratt(
    titel: str,
    punkter: Sequence[dict],
    *,
    medel: float,
    kurvor: Sequence[tuple[str, Sequence[float], Sequence[float | None], Sequence[float | None]]],
    xrubrik: str = "Volym",
    yrubrik: str = "Värde",
    kolumnrubrik: str = "Enhet",
    beskrivning: str = "",
    bredd: int = BREDD,
    decimaler: int | None = 1,
) -> Diagram:
    """Trattdiagram (funnel plot): en punkt per enhet med volymen längs x och värdet längs y, mittlinjen
    (det sammanvägda värdet) och kontrollgränserna som kurvor som smalnar av med volymen.

    `punkter`: [{"etikett", "x", "y", "antal", "granser": {namn: (nedre, övre)}, "flagga": text, "niva":
    "over" | "under" | ""}]; `kurvor`: [(namn, x-värden, nedre, övre)] i stigande x (None: ingen gräns där).
    Statistiken räknas av anroparen; här ritas bara. Punkter med `niva` markeras med form och färg, och
    bedömningen står i tabellen (inte bara färg)."""
    punkter = list(punkter)
    grans_namn = [k[0] for k in kurvor]
    kolumner = [kolumnrubrik, xrubrik, "Antal", yrubrik]
    for namn in grans_namn:
        kolumner += [f"Nedre {namn}", f"Övre {namn}"]
    kolumner.append("Bedömning")
    rader = []
    for p in punkter:
        rad = [p["etikett"], tal(p["x"], decimaler), tal(p["antal"]), tal(p["y"], decimaler)]
        for namn in grans_namn:
            lo, hi = p.get("granser", {}).get(namn, (None, None))
            rad += [tal(lo, decimaler), tal(hi, decimaler)]
        rad.append(p.get("flagga") or "Inom gränserna")
        rader.append(rad)
    if not beskrivning:
        flaggade = [f"{p['etikett']}: {p['flagga']}" for p in punkter if p.get("niva")]
        beskrivning = (
            f"{titel}. Sammanvägt värde {tal(medel, decimaler)}. {len(punkter)} punkter. "
            + ("Utanför gränserna: " + "; ".join(flaggade) + "." if flaggade else "Alla inom gränserna.")
            if punkter
            else f"{titel}: inga värden."
        )
    hojd = 300
    d = Diagram(titel, beskrivning, bredd, hojd, kolumner, rader)
    if not punkter:
        return _tom(d)
    x0, x1, y_topp, y_bas = 48, bredd - 16, 18, hojd - 70
    xmax, xsteg = skala(max(p["x"] for p in punkter) * 1.05)
    # Gränserna vid små volymer går mot oändligheten; axeln följer punkterna och mittlinjen, och kurvorna
    # klipps mot ritytan.
    ymax, ysteg = skala(max([p["y"] for p in punkter] + [medel * 2, 1e-9]) * 1.1)

    def px(v):
        return x0 + (x1 - x0) * v / xmax

    def py(v):
        return y_bas - (y_bas - y_topp) * v / ymax

    _yaxel(d, x0, x1, y_bas, y_topp, ymax, ysteg, None, yrubrik)
    for i in range(round(xmax / xsteg) + 1):
        v = i * xsteg
        d.texter.append(Text(_k(px(v)), _k(y_bas + 14), tal(v), storlek=9))
    d.texter.append(Text(_k((x0 + x1) / 2), _k(y_bas + 30), xrubrik, storlek=9))
    d.linjer.append(
        {
            "x1": _k(x0),
            "y1": _k(py(medel)),
            "x2": _k(x1),
            "y2": _k(py(medel)),
            "farg": FARGER[2],
            "streck": "",
        }
    )
    streck = ("5 3", "2 2", "8 3")
    for s, (_namn, xs, nedre, ovre) in enumerate(kurvor):
        for grans in (nedre, ovre):
            synliga = [
                v if v is not None and x <= xmax * 1.0001 and 0 <= v <= ymax else None
                for x, v in zip(xs, grans, strict=True)
            ]
            for bit in _sammanhangande(synliga):
                if len(bit) < 2:
                    continue
                d.kurvor.append(
                    {
                        "punkter": " ".join(f"{_k(px(xs[i]))},{_k(py(synliga[i]))}" for i in bit),
                        "farg": SIGNALFARG if s == len(kurvor) - 1 else FARGER[3],
                        "streck": streck[s % len(streck)],
                    }
                )
    for p in punkter:
        niva = p.get("niva") or ""
        farg = SIGNALFARG if niva == "over" else FARGER[3] if niva == "under" else FARGER[0]
        x, y = px(p["x"]), py(min(p["y"], ymax))
        d.punkter.append(
            {
                "x": _k(x),
                "y": _k(y),
                "r": "4",
                "farg": farg,
                "titel": f"{p['etikett']}: {tal(p['y'], decimaler)} ({p.get('flagga') or 'inom gränserna'})",
            }
        )
        if niva:
            d.punkter.append(
                {"x": _k(x), "y": _k(y), "r": "8", "farg": farg, "titel": p["flagga"], "ring": True}
            )
        d.texter.append(Text(_k(x + 6), _k(y - 7), p["etikett"][:18], ankare="start", storlek=8))
    d.forklaring = [
        {"namn": "Enhet", "farg": FARGER[0], "form": "ring"},
        {"namn": "Sammanvägt", "farg": FARGER[2], "form": "linje"},
        *(
            {
                "namn": f"Gräns {namn}",
                "farg": SIGNALFARG if s == len(kurvor) - 1 else FARGER[3],
                "form": "streckad",
                "streck": streck[s % len(streck)],
            }
            for s, (namn, *_) in enumerate(kurvor)
        ),
    ]
    if punkter and kolumnrubrik:
        d.forklaring[0]["namn"] = kolumnrubrik
    _placera_forklaring(d, y_bas + 48)
    return d
