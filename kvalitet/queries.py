"""Läsningar i kärnan. Varje funktion börjar i kvalitet.access."""

from django.db.models import Q, QuerySet

from kvalitet import access
from kvalitet.models import Atkomstlogg, Brukare, Notifikation, OrgNod
from kvalitet.personnummer import normalisera_personnummer


def brukare_sok(user, fraga: str = "", atgard: str = access.LASA) -> QuerySet:
    """Brukare i användarens scope som matchar namn eller personnummer.

    Skyddade brukare matchar bara för sin egen handläggare, så att en sökning inte röjer att de finns.
    """
    qs = access.scope(user, Brukare, atgard)
    fraga = (fraga or "").strip()
    if not fraga:
        return qs
    villkor = Q()
    siffror = fraga.replace("-", "").replace("+", "")
    if siffror.isdigit() and len(siffror) >= 6:
        try:
            villkor = Q(personnummer=normalisera_personnummer(fraga))
        except Exception:
            villkor = Q(personnummer__contains=siffror)
    else:
        for ord_ in fraga.split():
            villkor &= Q(fornamn__icontains=ord_) | Q(efternamn__icontains=ord_)
    synliga = Q(skyddad_identitet=False) | Q(handlaggare_id=user.pk)
    return qs.filter(villkor & synliga)


def handlaggare_i_namnd(namnd: OrgNod) -> QuerySet:
    """Aktiva användare med en giltig handläggarroll på nämnden eller en nod ovanför den."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    idag = timezone.localdate()
    noder = [int(x) for x in namnd.sokvag.strip("/").split("/") if x]
    # Ett enda filter(): villkoren ska gälla samma rolltilldelning.
    return (
        get_user_model()
        .objects.filter(
            Q(roller__giltig_fran__isnull=True) | Q(roller__giltig_fran__lte=idag),
            Q(roller__giltig_till__isnull=True) | Q(roller__giltig_till__gte=idag),
            is_active=True,
            roller__roll=access.HANDLAGGARE,
            roller__nod__in=noder,
        )
        .distinct()
        .order_by("last_name", "first_name", "pk")
    )


def organisationstrad() -> list[OrgNod]:
    """Hela trädet i sökvägsordning (ett anrop); `djup` ger indraget."""
    return list(OrgNod.objects.filter(aktiv=True).order_by("sokvag"))


def loggkontroll(user, *, brukare_id: int | None = None, anvandare_id: int | None = None) -> QuerySet:
    """Vem har tittat på vem och när, inom användarens nämnd."""
    qs = access.scope(user, Atkomstlogg).select_related("anvandare", "brukare")
    if brukare_id:
        qs = qs.filter(brukare_id=brukare_id)
    if anvandare_id:
        qs = qs.filter(anvandare_id=anvandare_id)
    return qs.order_by("-tidpunkt")


def notifikationer(user) -> QuerySet:
    return access.scope(user, Notifikation).order_by("-skapad")
