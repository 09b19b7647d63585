"""Kopplingar mellan appar åt "fel" håll i beroendeordningen.

Uppföljningen beror på riskanalysen (en förändring länkar den analys som förberett den, och formuläret
väljer bland riskanalys.queries). Riskanalysens sida visar ändå vilka förändringar analysen förberett; att
fråga uppfoljning.queries därifrån vore ett kretsberoende. I stället registrerar den app som äger svaret
sin query-funktion här i sin AppConfig.ready(), och den som frågar anropar `fraga`.

En koppling som ingen registrerat är ett konfigurationsfel, inget tomt svar: rapporten eller sidan ska
aldrig tyst visa "inga" för att en app saknas eller ett namn är felstavat.
"""

from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured

# namn -> (vem som registrerat, funktionen)
_KOPPLINGAR: dict[str, tuple[str, Callable]] = {}

# De kopplingar som finns; ett namn utanför listan är ett skrivfel.
KANDA = {
    "riskanalys.forandringar": "förändringar (som användaren får se) som en riskanalys förberett: fn(user, analys)",
    # Nämndjämförelsen i avvikelser (trattdiagrammet över nämnder) visar lex Sarah och uppföljningen bredvid;
    # båda apparna beror redan på avvikelser, så frågan går hit i stället för en import åt andra hållet.
    "namndjamforelse.lexsarah": "lex Sarah-statistik för noden och året: fn(user, nod, ar) -> dict",
    "namndjamforelse.tackning": "uppföljningens täckning per nämnd under roten: fn(user, rot, fran, till) -> list[dict]",
}


def registrera(namn: str, fn: Callable, *, av: str) -> None:
    if namn not in KANDA:
        raise ImproperlyConfigured(f"Okänd koppling {namn!r} (kvalitet.kopplingar.KANDA).")
    tidigare = _KOPPLINGAR.get(namn)
    if tidigare and tidigare[1] is not fn:
        raise ImproperlyConfigured(f"Kopplingen {namn!r} är redan registrerad av {tidigare[0]}.")
    _KOPPLINGAR[namn] = (av, fn)


def fraga(namn: str, *args, **kwargs):
    try:
        _av, fn = _KOPPLINGAR[namn]
    except KeyError:
        raise ImproperlyConfigured(
            f"Ingen app har registrerat kopplingen {namn!r}; den registreras i ägarens AppConfig.ready()."
        ) from None
    return fn(*args, **kwargs)
