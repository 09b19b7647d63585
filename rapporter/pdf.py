"""HTML och PDF för kvalitetsberättelsen.

WeasyPrint renderar bara projektets egen mall med en egen utskriftsstil (inget CSS-ramverk: Bootstraps
kaskad gör WeasyPrint långsamt), hämtar bara filer ur projektets static-kataloger och har en tidsgräns.
"""

from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from kvalitet.pdf import Tidsgrans, hamta_inom, rendera, tidsgrans  # noqa: F401 (Tidsgrans, tidsgrans: del av modulens gränssnitt)
from rapporter.models import AVSNITT

ROT = Path(settings.BASE_DIR).resolve()
PDF_CSS = ROT / "rapporter" / "static" / "rapporter" / "rapport_pdf.css"
TILLATNA = (ROT / "static", ROT / "rapporter" / "static")


def url_hamtare(url: str, *args, **kwargs):
    """Bara filer ur projektets static-kataloger; allt annat (http, data från andra platser) nekas."""
    return hamta_inom(url, TILLATNA, *args, **kwargs)


def diagram(per_manad: list[dict], hojd: int = 120, bredd: int = 480) -> dict:
    """Staplar för ett SVG-diagram per månad (koordinater räknas här, mallen ritar)."""
    manader = {r["manad"]: r["antal"] for r in per_manad}
    storst = max(manader.values(), default=0) or 1
    steg = bredd / 12
    staplar = []
    for m in range(1, 13):
        n = manader.get(m, 0)
        h = round(hojd * n / storst, 1)
        staplar.append(
            {
                "x": round((m - 1) * steg + 4, 1),
                "y": round(hojd - h + 16, 1),
                "b": round(steg - 8, 1),
                "h": h,
                "antal": n,
                "manad": m,
                "tx": round((m - 1) * steg + steg / 2, 1),
            }
        )
    return {"staplar": staplar, "bredd": bredd, "hojd": hojd + 34, "bas": hojd + 16}


def kontext(berattelse, data: dict, texter: dict, *, version=None) -> dict:
    return {
        "b": berattelse,
        "d": data,
        "texter": texter,
        "avsnitt": AVSNITT,
        "kommun": settings.KOMMUN_NAMN,
        "version": version,
        "diagram": diagram((data.get("avvikelser") or {}).get("per_manad", [])),
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
