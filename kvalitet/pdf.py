"""Sandlådan som varje PDF renderas i (kvalitetsberättelsen, riskanalysen).

WeasyPrint får bara läsa filer ur de kataloger anroparen anger (projektets static-kataloger): inget
nätverk, inga andra filer. Renderingen har en tidsgräns; i PDF-workern gäller dessutom Celerys
tidsgränser (se kvalitet/celery.py).
"""

import contextlib
import signal
import threading
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings

ROT = Path(settings.BASE_DIR).resolve()
STATIC = (ROT / "static",)

# Det den som beställde en PDF ser när den inte blev av.
TIDSGRANS_FEL = "Rapporten tog för lång tid att skapa och avbröts. Beställ igen; kvarstår felet, kontakta systemförvaltningen."
ALLMANT_FEL = "PDF:en kunde inte skapas. Försök igen eller kontakta systemförvaltningen."
AVBROTT_FEL = "Rapporten kunde inte skapas (arbetet avbröts). Beställ igen."
# Sekunder utöver den hårda tidsgränsen innan en beställning som "pågår" räknas som avbruten (workern dog).
PAGAR_MARGINAL = 60


class Tidsgrans(Exception):
    pass


def hamta_inom(url: str, tillatna: Iterable[Path], *args, **kwargs):
    """WeasyPrints hämtare, begränsad till filer under `tillatna`; allt annat nekas."""
    from weasyprint import default_url_fetcher

    if url.startswith("file://"):
        vag = Path(url[len("file://") :]).resolve()
        if any(vag.is_relative_to(t) for t in tillatna) and vag.is_file():
            return default_url_fetcher(vag.as_uri(), *args, **kwargs)
    raise ValueError(f"Otillåten resurs i rapporten: {url[:80]}")


def static_hamtare(url: str, *args, **kwargs):
    return hamta_inom(url, STATIC, *args, **kwargs)


@contextlib.contextmanager
def tidsgrans(sekunder: int):
    # SIGALRM fungerar bara i huvudtråden (worker, gunicorn, kommando); i andra trådar körs utan gräns.
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "SIGALRM"):
        yield
        return

    def _larm(*_):
        raise Tidsgrans(f"PDF:en tog mer än {sekunder} s")

    gammal = signal.signal(signal.SIGALRM, _larm)
    signal.alarm(sekunder)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, gammal)


def rendera(html: str, *, base_url: str, url_fetcher=static_hamtare, stylesheets=(), **alternativ) -> bytes:
    """PDF-bytes ur `html`, med den begränsade hämtaren och tidsgränsen RAPPORTER_PDF_TIDSGRANS.
    `stylesheets` är filvägar; övriga argument går till WeasyPrints write_pdf."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    # Utan FontConfiguration bortser WeasyPrint från @font-face och tar systemets typsnitt.
    typsnitt = FontConfiguration()
    dokument = HTML(string=html, base_url=base_url, url_fetcher=url_fetcher)
    stilar = [CSS(filename=str(s), url_fetcher=url_fetcher, font_config=typsnitt) for s in stylesheets]
    with tidsgrans(settings.RAPPORTER_PDF_TIDSGRANS):
        return dokument.write_pdf(stylesheets=stilar, font_config=typsnitt, **alternativ)
