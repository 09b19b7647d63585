"""Vad IVO:s blankett för anmälan enligt lex Sarah frågar efter, och vad som saknas i ett ärende.

Källa: blanketten "Anmälan enligt lex Sarah" (bilaga till SOSFS 2011:5, IVO:s e-tjänst eller post) och IVO:s
frågor och svar "Vad ska lex Sarah-anmälan till IVO innehålla?" (REGULATION.md, avsnittet Lex Sarah).
Blanketten börjar med vårdgivaren (huvudmannen) och dess kontaktperson för anmälan, sedan verksamheten,
den enskilde, händelsen och utredningen. IVO tar emot anmälan innan utredningen är klar; det som hör till
utredningen skickas då som komplettering, så bara uppgifterna före utredningen krävs innan anmälan skickas.

Vårdgivarens kontaktperson är nämndens kvalitetssamordnare (rollen i organisationen, namn och e-post
ur användarkontot): den som IVO ringer eller skriver till om anmälan. Saknas en sådan med e-post kan
anmälan inte registreras som skickad.
"""

from __future__ import annotations

import dataclasses

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from kvalitet.models import OrgNod, Roll, Rolltilldelning


@dataclasses.dataclass(frozen=True)
class Falt:
    nyckel: str
    rubrik: str  # som blanketten frågar
    kravs: bool  # måste finnas innan anmälan skickas (annars: komplettering senare)


# Blankettens fält i dess ordning (avsnitten i ivo_anmalan.html följer samma ordning).
BLANKETT = [
    Falt("vardgivare", "Vårdgivare/huvudman (kommunen) och ansvarig nämnd", True),
    Falt("organisationsnummer", "Vårdgivarens organisationsnummer", False),
    Falt("kontaktperson", "Vårdgivarens kontaktperson för anmälan: namn och e-post", True),
    Falt("verksamhet", "Verksamheten där missförhållandet inträffade", True),
    Falt("enskild", "Den eller de enskilda som berörs (om missförhållandet gäller enskilda)", False),
    Falt("handelse", "Vad som har hänt", True),
    Falt("tidpunkter", "När det inträffade och när det upptäcktes", True),
    Falt("allvarligt", "Bedömningen att missförhållandet eller risken är allvarlig, med motivering", True),
    Falt("atgard_direkt", "Åtgärder som vidtagits omedelbart", False),
    Falt("konsekvenser", "Konsekvenser för den enskilde", False),
    Falt("orsaker", "Orsaker (utredningen)", False),
    Falt("atgarder", "Åtgärder som vidtagits eller planeras för att förhindra att det händer igen", False),
    Falt("enskildes_syn", "Den enskildes eller närståendes syn", False),
    Falt("information", "Information till den enskilde om anmälan", False),
    Falt("utredare", "Vem som har utrett", False),
]


def kontaktpersoner(rapport) -> list[dict]:
    """Nämndens kvalitetssamordnare som gäller idag (roll på nämnden eller kommunen ovanför), med e-post."""
    namnd = rapport.enhet.namnd()
    if namnd is None:
        return []
    ovan = [int(x) for x in namnd.sokvag.strip("/").split("/") if x]
    idag = timezone.localdate()
    tilldelningar = (
        Rolltilldelning.objects.filter(
            roll=Roll.KVALITETSSAMORDNARE, nod__in=OrgNod.objects.filter(pk__in=ovan)
        )
        .filter(Q(giltig_fran__isnull=True) | Q(giltig_fran__lte=idag))
        .filter(Q(giltig_till__isnull=True) | Q(giltig_till__gte=idag))
        .filter(anvandare__is_active=True)
        .select_related("anvandare")
        .order_by("-nod__sokvag", "anvandare__last_name", "pk")
    )
    svar = []
    for t in tilldelningar:
        u = t.anvandare
        if u.email:
            svar.append({"namn": u.get_full_name() or u.get_username(), "epost": u.email})
    return svar


def _ifyllt(rapport, nyckel: str, kontakt: list[dict]) -> bool:
    r = rapport
    match nyckel:
        case "vardgivare":
            return bool(settings.KOMMUN_NAMN) and r.enhet_id is not None
        case "organisationsnummer":
            return bool(getattr(settings, "KOMMUN_ORGANISATIONSNUMMER", ""))
        case "kontaktperson":
            return bool(kontakt)
        case "verksamhet":
            return r.enhet_id is not None
        case "enskild":
            return r.brukare_id is not None or r.ovriga_brukare.exists()
        case "handelse":
            return bool((r.beskrivning or "").strip())
        case "tidpunkter":
            return r.handelsetid is not None and r.upptackt is not None
        case "allvarligt":
            return bool(r.allvarligt) and bool((r.motivering or "").strip())
        case "atgard_direkt":
            return bool((r.atgard_direkt or "").strip())
        case "konsekvenser":
            return bool((r.konsekvenser or "").strip())
        case "orsaker":
            return bool((r.orsaker or "").strip())
        case "atgarder":
            return r.atgarder.exists()
        case "enskildes_syn":
            return bool((r.enskildes_syn or "").strip() or (r.enskildes_syn_ej_orsak or "").strip())
        case "information":
            return r.enskild_informerad is not None or bool((r.enskild_informerad_hur or "").strip())
        case "utredare":
            return bool((r.deltagare or "").strip())
    raise ValueError(nyckel)


def checklista(rapport) -> list[dict]:
    """Blankettens fält med om de är ifyllda i ärendet: [{"nyckel", "rubrik", "kravs", "ifyllt"}]."""
    kontakt = kontaktpersoner(rapport)
    return [
        {
            "nyckel": f.nyckel,
            "rubrik": f.rubrik,
            "kravs": f.kravs,
            "ifyllt": _ifyllt(rapport, f.nyckel, kontakt),
        }
        for f in BLANKETT
    ]


def saknas_for_anmalan(rapport) -> list[str]:
    """Rubrikerna för de obligatoriska fälten som saknas; tom lista när anmälan kan skickas."""
    return [r["rubrik"] for r in checklista(rapport) if r["kravs"] and not r["ifyllt"]]
