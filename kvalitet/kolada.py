"""Import av nationella jämförelsevärden i Koladas JSON-format (ingen nätåtkomst: en fil laddas upp).

Formatet: {"values": [{"kpi", "municipality", "period", "values": [{"gender": "T", "value"}]}]}.
"""

import json
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from kvalitet import access
from kvalitet.models.kvalitetsarbete import Indikatorkalla, Indikatorvarde, Jamforelsevarde, Malindikator

# Indikatorvärdet rymmer åtta siffror före decimaltecknet (DecimalField max_digits=10, decimal_places=2);
# större värden (1e20) eller NaN/Infinity är inga Kolada-värden och skulle ge databasfel.
STORSTA_VARDE = Decimal(10) ** 8


def _varde(varde) -> Decimal | None:
    if varde is None:
        return None
    if isinstance(varde, bool) or not isinstance(varde, int | float | str):
        raise ValueError("inte ett tal")
    tal = Decimal(str(varde))
    if not tal.is_finite() or abs(tal) >= STORSTA_VARDE:
        raise OverflowError("orimligt värde")
    return tal.quantize(Decimal("0.0001"))


def _rader(data) -> list[tuple[str, str, int, str, Decimal | None]]:
    if not isinstance(data, dict) or not isinstance(data.get("values"), list):
        raise ValidationError('Filen är inte i Koladas format (nyckeln "values" saknas).')
    rader = []
    for i, post in enumerate(data["values"], start=1):
        try:
            kpi, kommun, period = str(post["kpi"]), str(post["municipality"]), int(post["period"])
            for v in post["values"]:
                try:
                    varde = _varde(v.get("value"))
                except OverflowError:
                    raise ValidationError(
                        f"Post {i}: värdet {str(v.get('value'))[:30]} är orimligt (högst åtta siffror före decimaltecknet)."
                    ) from None
                rader.append(
                    (
                        kpi[:20],
                        kommun[:10],
                        period,
                        str(v.get("gender", "T"))[:1],
                        varde,
                    )
                )
        except (
            KeyError,
            TypeError,
            ValueError,
            OverflowError,
            InvalidOperation,
            AttributeError,
            RecursionError,
        ):
            raise ValidationError(
                f"Post {i} i filen saknar kpi, municipality, period eller values."
            ) from None
        if not 1900 < period < 2200:
            raise ValidationError(f"Post {i}: orimligt år {period}.")
    return rader


def kolada_importera(*, innehall: bytes | str, av=None) -> dict:
    """Läser in (eller uppdaterar) jämförelsevärdena. Indikatorer med samma Kolada-KPI som källa får
    kommunens totalvärde som årets resultat, men bara indikatorer som `av` får ändra (en kvalitetssamordnare
    ändrar sin nämnds, aldrig en annan nämnds; utan `av`, som i demon, alla). Jämförelsevärdena är offentlig
    statistik per kommun och delas av alla. Idempotent: samma fil två gånger ger samma data.
    Returnerar {"varden": antal rader, "indikatorvarden": antal satta indikatorvärden}."""
    try:
        data = json.loads(innehall)
    except (ValueError, UnicodeDecodeError):
        raise ValidationError("Filen är inte giltig JSON.") from None
    except RecursionError:
        raise ValidationError("Filen är för djupt nästlad för att vara i Koladas format.") from None
    rader = _rader(data)
    kommunkod = settings.KOLADA_KOMMUNKOD
    indikatorer = Malindikator.objects.filter(kalla=Indikatorkalla.KOLADA)
    if av is not None:
        indikatorer = access.scope(av, indikatorer, access.ANDRA)
    satta = 0
    with transaction.atomic():
        for kpi, kommun, period, kon, varde in rader:
            Jamforelsevarde.objects.update_or_create(
                kpi=kpi, kommun=kommun, period=period, kon=kon, defaults={"varde": varde}
            )
            if kommun == kommunkod and kon == "T" and varde is not None:
                for ind in indikatorer.filter(kolada_kpi=kpi):
                    post, skapad = Indikatorvarde.objects.select_for_update().get_or_create(
                        indikator=ind, ar=period, defaults={"varde": varde, "kalla": Indikatorkalla.KOLADA}
                    )
                    if not skapad and (post.varde, post.kalla) != (varde, Indikatorkalla.KOLADA):
                        # Ett ändrat värde får ny version: ett formulär öppnat före importen krockar.
                        post.varde, post.kalla, post.version = varde, Indikatorkalla.KOLADA, post.version + 1
                        post._history_user = av
                        post.save()
                    satta += 1
    return {"varden": len(rader), "indikatorvarden": satta}
