"""Import av nationella jämförelsevärden i Koladas JSON-format (ingen nätåtkomst: en fil laddas upp).

Formatet: {"values": [{"kpi", "municipality", "period", "values": [{"gender": "T", "value"}]}]}.
"""

import json
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from kvalitet.models.kvalitetsarbete import Indikatorkalla, Indikatorvarde, Jamforelsevarde, Malindikator


def _rader(data) -> list[tuple[str, str, int, str, Decimal | None]]:
    if not isinstance(data, dict) or not isinstance(data.get("values"), list):
        raise ValidationError('Filen är inte i Koladas format (nyckeln "values" saknas).')
    rader = []
    for i, post in enumerate(data["values"], start=1):
        try:
            kpi, kommun, period = str(post["kpi"]), str(post["municipality"]), int(post["period"])
            for v in post["values"]:
                varde = v.get("value")
                rader.append(
                    (
                        kpi[:20],
                        kommun[:10],
                        period,
                        str(v.get("gender", "T"))[:1],
                        None if varde is None else Decimal(str(varde)),
                    )
                )
        except (KeyError, TypeError, ValueError, InvalidOperation, AttributeError):
            raise ValidationError(
                f"Post {i} i filen saknar kpi, municipality, period eller values."
            ) from None
        if not 1900 < period < 2200:
            raise ValidationError(f"Post {i}: orimligt år {period}.")
    return rader


def kolada_importera(*, innehall: bytes | str, av=None) -> dict:
    """Läser in (eller uppdaterar) jämförelsevärdena. Indikatorer med samma Kolada-KPI som källa får
    kommunens totalvärde som årets resultat. Idempotent: samma fil två gånger ger samma data.
    Returnerar {"varden": antal rader, "indikatorvarden": antal satta indikatorvärden}."""
    try:
        data = json.loads(innehall)
    except (ValueError, UnicodeDecodeError):
        raise ValidationError("Filen är inte giltig JSON.") from None
    rader = _rader(data)
    kommunkod = settings.KOLADA_KOMMUNKOD
    satta = 0
    with transaction.atomic():
        for kpi, kommun, period, kon, varde in rader:
            Jamforelsevarde.objects.update_or_create(
                kpi=kpi, kommun=kommun, period=period, kon=kon, defaults={"varde": varde}
            )
            if kommun == kommunkod and kon == "T" and varde is not None:
                for ind in Malindikator.objects.filter(kolada_kpi=kpi, kalla=Indikatorkalla.KOLADA):
                    Indikatorvarde.objects.update_or_create(
                        indikator=ind, ar=period, defaults={"varde": varde, "kalla": Indikatorkalla.KOLADA}
                    )
                    satta += 1
    return {"varden": len(rader), "indikatorvarden": satta}
