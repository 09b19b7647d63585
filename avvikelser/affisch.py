"""QR-affischen per enhet: en A4 för personalrummet med enhetens namn, en stor QR-kod och den korta
adressen (`/r/<enhet>/`), som öppnar rapportformuläret med enheten ifylld.

Adressen bär ingen hemlighet, bara enhetens nummer: formuläret kräver inloggning (efter inloggningen
kommer man tillbaka till formuläret) och godtar bara enheter användaren får rapportera för. Affischen har
inga personuppgifter och är en sida, så den renderas direkt i begäran (i kvalitet.pdf:s sandlåda och med
dess tidsgräns), inte i PDF-workerns kö."""

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from kvalitet import pdf as sandlada
from kvalitet.qr import qr_svg


def kort_adress(enhet) -> str:
    """Den fullständiga korta adressen för enheten, som den står på affischen och i QR-koden."""
    return settings.KVALITET_BAS_URL.rstrip("/") + reverse("kort_rapport", args=[enhet.pk])


def pdf(enhet) -> bytes:
    adress = kort_adress(enhet)
    html = render_to_string(
        "avvikelser/affisch_pdf.html",
        {"enhet": enhet, "adress": adress, "visad_adress": adress.split("://", 1)[-1], "qr": qr_svg(adress)},
    )
    return sandlada.rendera(html, base_url=str(sandlada.STATIC[0]) + "/")
