"""Personnummer och samordningsnummer: format, datum och kontrollsiffra (Luhn).

Accepterar ÅÅMMDD-NNNN, ÅÅMMDD+NNNN (100 år eller äldre), ÅÅÅÅMMDDNNNN och ÅÅÅÅMMDD-NNNN, och
normaliserar till tolv siffror. Samordningsnummer har dagen plus 60.
"""

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils import timezone

_MONSTER = re.compile(r"^(\d{2})?(\d{2})(\d{2})(\d{2})([-+]?)(\d{3})(\d)$")


def luhn_kontrollsiffra(nio_siffror: str) -> int:
    summa = 0
    for i, tecken in enumerate(nio_siffror):
        produkt = int(tecken) * (2 if i % 2 == 0 else 1)
        summa += produkt - 9 if produkt > 9 else produkt
    return (10 - summa % 10) % 10


def normalisera_personnummer(varde: str, idag: datetime.date | None = None) -> str:
    """Tolv siffror, eller ValidationError med ett svenskt meddelande som säger vad som är fel."""
    text = (varde or "").strip().replace(" ", "")
    traff = _MONSTER.match(text)
    if not traff:
        raise ValidationError("Ange personnummer som ÅÅÅÅMMDD-NNNN eller ÅÅMMDD-NNNN.", code="format")
    sekel, ar, manad, dag, skiljetecken, lopnr, kontroll = traff.groups()
    idag = idag or timezone.localdate()
    if sekel is None:
        # Tvåsiffrigt år: senaste möjliga sekel, eller ett sekel tidigare med "+" (100 år eller äldre).
        kandidat = (idag.year // 100) * 100 + int(ar)
        if kandidat > idag.year:
            kandidat -= 100
        if skiljetecken == "+":
            kandidat -= 100
        helt_ar = kandidat
    else:
        helt_ar = int(sekel + ar)
    dagnummer = int(dag)
    if dagnummer > 60:
        dagnummer -= 60
    try:
        fodd = datetime.date(helt_ar, int(manad), dagnummer)
    except ValueError:
        raise ValidationError("Personnumret innehåller inget giltigt datum.", code="datum") from None
    if fodd > idag:
        raise ValidationError("Personnumrets datum ligger i framtiden.", code="datum")
    if luhn_kontrollsiffra(ar + manad + dag + lopnr) != int(kontroll):
        raise ValidationError("Kontrollsiffran stämmer inte. Kontrollera numret.", code="kontrollsiffra")
    return f"{helt_ar:04d}{manad}{dag}{lopnr}{kontroll}"


def validera_personnummer(varde: str) -> None:
    """Validator för modellfält som lagrar normaliserade nummer."""
    if not re.fullmatch(r"\d{12}", varde or ""):
        raise ValidationError("Personnumret ska lagras med tolv siffror.", code="format")
    normalisera_personnummer(varde)


def ar_samordningsnummer(normaliserat: str) -> bool:
    return int(normaliserat[6:8]) > 60
