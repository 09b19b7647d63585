"""QR-koder som SVG (biblioteket qrcode), för utskrifter som affischen med rapportlänken."""

import re

import qrcode
import qrcode.image.svg
from qrcode.constants import ERROR_CORRECT_M


def qr_svg(text: str, *, storlek: str = "12cm") -> str:
    """En SVG (som text, utan XML-deklaration) som kodar `text`, `storlek` bred och hög.

    Felkorrigering M (15 %) tål en affisch som blivit lite nött; fyra modulers tyst zon är standardens krav."""
    kod = qrcode.QRCode(
        error_correction=ERROR_CORRECT_M, border=4, image_factory=qrcode.image.svg.SvgPathImage
    )
    kod.add_data(text)
    kod.make(fit=True)
    svg = kod.make_image().to_string(encoding="unicode")
    svg = re.sub(r"^<\?xml[^>]*>\s*", "", svg)
    # Storleken ur viewBox behålls (skarpa moduler); bara den utskrivna storleken byts.
    return re.sub(r'width="[^"]*" height="[^"]*"', f'width="{storlek}" height="{storlek}"', svg, count=1)
