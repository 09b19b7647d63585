"""Sessionen medan någon skriver: varning innan den går ut, förnyelse och utkast som inte går förlorade.

- Sessionen tar slut efter SESSION_COOKIE_AGE sekunder utan begäran (settings; 30 min). Skriptet
  static/js/session.js visar "Du loggas snart ut" VARNA_FORE sekunder innan, och "Fortsätt" skickar en
  POST till `fortsatt`, som förnyar sessionen (SESSION_SAVE_EVERY_REQUEST sparar den med ny utgångstid).
- Rapportformulären (`data-utkast="<namn>"`) sparas i flikens sessionStorage medan man skriver (aldrig
  filen), per användare, så att det som skrevs fylls i igen efter en ny inloggning i samma flik. sessionStorage
  försvinner när fliken stängs: på en delad dator blir inget kvar för nästa person, och en annan användare
  som loggar in i fliken får aldrig se det (skriptet tar bort andras utkast).
- När en rapport sparats säger vyn det med `rensa_utkast(request, namn)`; nästa sida (omdirigeringen)
  tar bort utkastet. Servern avgör, eftersom en inskickning som hamnade på inloggningssidan (sessionen
  hade gått ut) inte sparades och utkastet då ska stå kvar.
"""

from django.conf import settings
from django.http import JsonResponse
from django.views.decorators.http import require_POST

# Sekunder före utgången som varningen visas (högst en fjärdedel av sessionens längd).
VARNA_FORE = 120
RENSA_NYCKEL = "kvalitet_utkast_rensa"


def varna_fore() -> int:
    return min(VARNA_FORE, settings.SESSION_COOKIE_AGE // 4)


@require_POST
def fortsatt(request):
    """Förnyar sessionen ("Fortsätt" i varningen). En utgången session når aldrig hit: mellanvaran skickar
    till inloggningen, och skriptet ser att svaret inte är JSON."""
    request.session.modified = True
    return JsonResponse({"sekunder": settings.SESSION_COOKIE_AGE})


def rensa_utkast(request, namn: str) -> None:
    """Utkastet `namn` har sparats på riktigt: nästa sida som visas tar bort det ur fliken."""
    namnen = request.session.get(RENSA_NYCKEL, [])
    if namn not in namnen:
        request.session[RENSA_NYCKEL] = [*namnen, namn]


def utkast_att_rensa(request) -> list[str]:
    """Namnen att ta bort, en gång (läses av mallen som laddar skriptet)."""
    if not hasattr(request, "session"):
        return []
    return request.session.pop(RENSA_NYCKEL, [])
