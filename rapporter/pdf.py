"""HTML och PDF för kvalitetsberättelsen.

WeasyPrint renderar bara projektets egen mall med en egen utskriftsstil (inget CSS-ramverk: Bootstraps
kaskad gör WeasyPrint långsamt), hämtar bara filer ur projektets static-kataloger och har en tidsgräns.
"""

from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from kvalitet import diagram as diagrammodul
from kvalitet.diagram import Diagram
from kvalitet.pdf import Tidsgrans, hamta_inom, rendera, tidsgrans  # noqa: F401 (Tidsgrans, tidsgrans: del av modulens gränssnitt)
from rapporter import samlad
from rapporter.models import AVSNITT

ROT = Path(settings.BASE_DIR).resolve()
PDF_CSS = ROT / "rapporter" / "static" / "rapporter" / "rapport_pdf.css"
TILLATNA = (ROT / "static", ROT / "rapporter" / "static")


def url_hamtare(url: str, *args, **kwargs):
    """Bara filer ur projektets static-kataloger; allt annat (http, data från andra platser) nekas."""
    return hamta_inom(url, TILLATNA, *args, **kwargs)


def diagram(per_manad: list[dict], ar: int | str = "") -> Diagram:
    """Avvikelser per månad (alla tolv månader, noll där inget rapporterats) ur kärnans diagrammodul."""
    from rapporter.templatetags.rapporter_extra import MANADER

    manader = {int(r["manad"]): r["antal"] for r in per_manad}
    return diagrammodul.staplar(
        f"Avvikelser per månad {ar}".strip(),
        [m[:3] for m in MANADER],
        [manader.get(m, 0) for m in range(1, 13)],
        kolumnrubrik="Månad",
        vardesrubrik="Antal avvikelser",
        beskrivning=f"Avvikelser per månad {ar}: "
        + "; ".join(f"{MANADER[m - 1]}: {manader.get(m, 0)}" for m in range(1, 13))
        + ".",
    )


def styrdiagram(sd: dict | None) -> Diagram | None:
    """Styrdiagrammet ur den (eventuellt frysta) sammanställningen; äldre versioner saknar det."""
    import datetime

    if not sd:
        return None
    u = sd["typ"] == "u"
    return diagrammodul.styrdiagram(
        f"Styrdiagram: avvikelser, {sd['nod']}",
        [diagrammodul.manadsetikett(datetime.date.fromisoformat(m)) for m in sd["manader"]],
        sd["varden"],
        medel=sd["medel"],
        ovre=sd["ovre"],
        nedre=sd["nedre"],
        signal=[", ".join(s) for s in sd["signaler"]],
        vardesrubrik="Avvikelser per 100 insatser" if u else "Antal avvikelser",
        basperiod=(sd["basfran"], sd["bastill"]),
        decimaler=1 if u else None,
    )


# I PDF:en börjar bara de stora kapitlen (tabeller och diagram) på en ny sida; korta avsnitt följer
# direkt på varandra i stället för att lämna halvtomma sidor.
NY_SIDA = ("organisation", "avvikelser", "externa")
# Avsnitt som bara har samordnarens text: utan text får de en rad i stället för en tom rubrik.
BARA_TEXT = ("sammanfattning", "bakgrund", "personal")


def kontext(berattelse, data: dict, texter: dict, *, version=None) -> dict:
    return {
        "ny_sida": NY_SIDA,
        "bara_text": BARA_TEXT,
        "b": berattelse,
        "d": data,
        "texter": texter,
        "avsnitt": AVSNITT,
        "kommun": settings.KOMMUN_NAMN,
        "version": version,
        "diagram": diagram((data.get("avvikelser") or {}).get("per_manad", []), berattelse.ar),
        "styrdiagram": styrdiagram((data.get("avvikelser") or {}).get("styrdiagram")),
        "samlad_diagram": samlad.diagram(data.get("samlad_analys"), styrdiagram=False),
        "skapad": timezone.localtime(),
        "ivo_tillsyn": berattelse.ivo_tillsyn,
    }


def html(berattelse, data: dict, texter: dict, *, version=None) -> str:
    return render_to_string("rapporter/pdf.html", kontext(berattelse, data, texter, version=version))


def pdf(berattelse, data: dict, texter: dict, *, version=None, variant: str = "pdf/ua-1") -> bytes:
    """PDF-bytes. `variant`: "pdf/ua-1" (taggad, tillgänglig) eller "pdf/a-3b" (arkiv)."""
    # url_hamtare slås upp vid anropet (testerna kan lyssna på vad som hämtas).
    return rendera(
        html(berattelse, data, texter, version=version),
        base_url=str(ROT / "rapporter" / "static" / "rapporter") + "/",
        url_fetcher=url_hamtare,
        stylesheets=[PDF_CSS],
        pdf_variant=variant,
        pdf_tags=True,
        custom_metadata=True,
    )
