"""Åtkomstloggen: varje visning eller export av en enskilds uppgifter lämnar en post.

Ändringshistorik (vem ändrade vad) sköts av django-simple-history på modellerna; tjänster som
skriver många rader använder bulk_create_with_history/bulk_update_with_history så att historiken
aldrig kringgås.
"""

import re
from collections.abc import Iterable
from urllib.parse import quote

from kvalitet.models import Atkomstlogg, Brukare
from kvalitet.natverk import klientadress

# Parametrar vars värden är filter (id, sida, datum, status) och sparas som de är. Allt annat, först och
# främst sökningar på namn och personnummer (`q`), sparas bara med sitt namn: loggen ska visa att någon
# sökte, inte vad, och får aldrig själv bli ett register över sökta personer.
FILTERPARAMETRAR = frozenset(
    {
        "sida",
        "per_sida",
        "nod",
        "namnd",
        "enhet",
        "brukare",
        "handlaggare",
        "status",
        "kategori",
        "lag",
        "typ",
        # åtgärdsregistret: en användares id, modulen och valen
        "ansvarig",
        "kalla",
        "forsenade",
        "format",
    }
    | {"fran", "till", "ar"}
)
DOLT = "[sökning]"
_OFARLIGT = re.compile(r"[\w.:-]{1,40}")
# Nio siffror i följd (bindestreck borträknade) kan vara ett personnummer; ett datum har åtta.
_PERSONNUMMERLIKT = re.compile(r"\d{9}")


def _ofarlig(text: str) -> bool:
    return bool(_OFARLIGT.fullmatch(text)) and not _PERSONNUMMERLIKT.search(text.replace("-", ""))


def loggad_sokvag(request) -> str:
    """Adressen som den sparas i loggen: sökvägen och frågesträngen utan sökta namn och nummer."""
    delar = []
    for namn, varden in request.GET.lists():
        if not _ofarlig(namn):
            delar.append(f"{DOLT}={DOLT}")
            continue
        for varde in varden:
            sakert = namn in FILTERPARAMETRAR and _ofarlig(varde)
            delar.append(f"{namn}={quote(varde) if sakert else DOLT}")
    sokvag = request.path + ("?" + "&".join(delar) if delar else "")
    return sokvag[:500]


def logga_visning(request, brukare: Brukare | int | Iterable[Brukare | int], vad: str) -> int:
    """Skriver en loggpost per brukare som visas för användaren i begäran. Returnerar antalet."""
    if isinstance(brukare, Brukare | int):
        brukare = [brukare]
    ids = {b if isinstance(b, int) else b.pk for b in brukare}
    if not ids:
        return 0
    adress = klientadress(request) if request is not None else None
    sokvag = loggad_sokvag(request) if request is not None else ""
    Atkomstlogg.objects.bulk_create(
        Atkomstlogg(
            anvandare_id=request.user.pk, brukare_id=b, vad=vad[:200], sokvag=sokvag, klientadress=adress
        )
        for b in sorted(ids)
    )
    return len(ids)


def logga_atkomst(*, anvandare, brukare_ids: Iterable[int], vad: str, kanal: str = "") -> int:
    """Samma sak utan en webbegäran (kommandon, API-anrop som byggs utanför vyer, exportjobb)."""
    ids = sorted(set(brukare_ids))
    Atkomstlogg.objects.bulk_create(
        Atkomstlogg(anvandare_id=anvandare.pk, brukare_id=b, vad=vad[:200], sokvag=kanal[:500]) for b in ids
    )
    return len(ids)
