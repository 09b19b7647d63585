"""Åtkomstloggen: varje visning eller export av en enskilds uppgifter lämnar en post.

Ändringshistorik (vem ändrade vad) sköts av django-simple-history på modellerna; tjänster som
skriver många rader använder bulk_create_with_history/bulk_update_with_history så att historiken
aldrig kringgås.
"""

from collections.abc import Iterable

from kvalitet.models import Atkomstlogg, Brukare
from kvalitet.natverk import klientadress


def logga_visning(request, brukare: Brukare | int | Iterable[Brukare | int], vad: str) -> int:
    """Skriver en loggpost per brukare som visas för användaren i begäran. Returnerar antalet."""
    if isinstance(brukare, Brukare | int):
        brukare = [brukare]
    ids = {b if isinstance(b, int) else b.pk for b in brukare}
    if not ids:
        return 0
    adress = klientadress(request) if request is not None else None
    sokvag = request.get_full_path()[:500] if request is not None else ""
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
