"""Läsningar (med åtkomst först) och sammanställningar som andra appar och rapporter anropar."""

import datetime

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from avvikelser.models import Avvikelse, AvvikelseStatus
from avvikelser.services import paminnelse_dagar
from kvalitet import access
from kvalitet.models import OrgNod
from kvalitet.uppgifter import Uppgift


def ko(
    user, *, status="", kategori=None, fran=None, till=None, enhet=None, enskild="", sortera="-rapporterad"
) -> QuerySet:
    """Avvikelser användaren får se (access.scope), filtrerade. Relationer som listan visar är
    förhämtade, så antalet frågor är konstant oavsett antal rader. `forsenad` är satt i SQL."""
    qs = access.scope(user, Avvikelse).select_related("enhet", "kategori", "brukare")
    if status:
        qs = qs.filter(status=status)
    if kategori:
        qs = qs.filter(kategori=kategori)
    if fran:
        qs = qs.filter(handelsetid__date__gte=fran)
    if till:
        qs = qs.filter(handelsetid__date__lte=till)
    if enhet:
        qs = qs.filter(enhet=enhet)
    if enskild and enskild.strip():
        from kvalitet.queries import brukare_sok

        qs = qs.filter(brukare__in=brukare_sok(user, enskild).values("pk"))
    grans = timezone.now() - datetime.timedelta(days=paminnelse_dagar())
    qs = qs.annotate(
        forsenad=Count("pk", filter=Q(status=AvvikelseStatus.RAPPORTERAD, rapporterad__lt=grans))
    )
    if sortera not in ("-rapporterad", "rapporterad", "status"):
        sortera = "-rapporterad"
    return qs.order_by(sortera, "-pk")


def mina_rapporterade(user) -> QuerySet:
    """Det användaren själv rapporterat (referensnummer och status), nyast först."""
    return (
        Avvikelse.objects.filter(rapporterad_av=user)
        .select_related("kategori", "enhet")
        .order_by("-rapporterad")
    )


def antal_per_kategori(user, nod: OrgNod, fran: datetime.date, till: datetime.date) -> list[dict]:
    """Antal avvikelser per kategori under noden och perioden (händelsedatum), inom användarens scope.
    Returnerar [{"kategori__namn": ..., "antal": n}], störst först; pensionerade kategorier ingår."""
    qs = access.scope(user, Avvikelse).filter(
        enhet__sokvag__startswith=nod.sokvag, handelsetid__date__gte=fran, handelsetid__date__lte=till
    )
    return list(qs.values("kategori__namn").annotate(antal=Count("pk")).order_by("-antal", "kategori__namn"))


def antal_per_enhet(user, nod: OrgNod, fran: datetime.date, till: datetime.date) -> list[dict]:
    """Antal avvikelser per enhet under noden och perioden, inom användarens scope."""
    qs = access.scope(user, Avvikelse).filter(
        enhet__sokvag__startswith=nod.sokvag, handelsetid__date__gte=fran, handelsetid__date__lte=till
    )
    return list(qs.values("enhet_id", "enhet__namn").annotate(antal=Count("pk")).order_by("-antal"))


def mina_uppgifter(user) -> list[Uppgift]:
    """Ej påbörjade avvikelser vid enheter där användaren är chef (högst 20)."""
    if not access.har_roll(user, *access.CHEFER):
        return []
    qs = (
        access.scope(user, Avvikelse, access.ANDRA)
        .filter(status=AvvikelseStatus.RAPPORTERAD)
        .order_by("rapporterad")[:20]
    )
    dagar = paminnelse_dagar()
    return [
        Uppgift(
            rubrik=f"Ta upp avvikelse {a.referensnummer}",
            lank=reverse("avvikelser:detalj", args=[a.pk]),
            kalla="avvikelser",
            forfaller=timezone.localtime(a.rapporterad).date() + datetime.timedelta(days=dagar),
        )
        for a in qs
    ]


def _period(user, nod: OrgNod, fran: datetime.date, till: datetime.date) -> QuerySet:
    return access.scope(user, Avvikelse).filter(
        enhet__sokvag__startswith=nod.sokvag, handelsetid__date__gte=fran, handelsetid__date__lte=till
    )


def antal_per_manad(user, nod: OrgNod, fran: datetime.date, till: datetime.date) -> list[dict]:
    """[{"manad": date (första i månaden), "antal": n}] i tidsordning, inom scope."""
    from django.db.models.functions import TruncMonth

    return list(
        _period(user, nod, fran, till)
        .annotate(manad=TruncMonth("handelsetid"))
        .values("manad")
        .annotate(antal=Count("pk"))
        .order_by("manad")
    )


def fyra_ar_per_kategori(user, nod: OrgNod, ar: int) -> list[dict]:
    """Antal per kategori för åren ar-3 … ar sida vid sida: [{"kategori": namn, "ar": {år: n}}].
    En enda SQL-fråga (villkorade COUNT)."""
    ar_lista = list(range(ar - 3, ar + 1))
    qs = access.scope(user, Avvikelse).filter(
        enhet__sokvag__startswith=nod.sokvag, handelsetid__year__gte=ar_lista[0], handelsetid__year__lte=ar
    )
    rader = qs.values("kategori__namn").annotate(
        **{f"a{a}": Count("pk", filter=Q(handelsetid__year=a)) for a in ar_lista}
    )
    return [
        {"kategori": r["kategori__namn"], "ar": {a: r[f"a{a}"] for a in ar_lista}}
        for r in sorted(rader, key=lambda r: r["kategori__namn"])
    ]


def brukare_fran_flera_enheter(user, nod: OrgNod, fran: datetime.date, till: datetime.date) -> list[dict]:
    """Brukare (id) med avvikelser från minst två enheter under perioden: [{"brukare_id", "enheter", "antal"}]."""
    return list(
        _period(user, nod, fran, till)
        .filter(brukare__isnull=False)
        .values("brukare_id")
        .annotate(enheter=Count("enhet", distinct=True), antal=Count("pk"))
        .filter(enheter__gte=2)
        .order_by("-enheter", "-antal")
    )


def tysta_enheter(
    user, nod: OrgNod, fran: datetime.date, till: datetime.date, andel: float = 0.25
) -> list[dict]:
    """Enheter under noden med avvikelser per plats under `andel` av medianen bland enheterna (eller inga alls).
    Varje rad: {"enhet": OrgNod, "antal": n, "per_plats": float, "median": float}. Kräver att användaren
    ser avvikelser (scope); enheter utan platsuppgift jämförs inte."""
    from kvalitet.models import NodTyp

    antal = {
        r["enhet_id"]: r["antal"]
        for r in _period(user, nod, fran, till).values("enhet_id").annotate(antal=Count("pk"))
    }
    synliga_enheter = access.noder(user, *access.CHEFER, access.KVALITETSSAMORDNARE)
    enheter = list(
        OrgNod.objects.filter(
            sokvag__startswith=nod.sokvag, typ=NodTyp.ENHET, antal_platser__gt=0, pk__in=synliga_enheter
        )
    )
    if not enheter:
        return []
    tal = sorted(antal.get(e.pk, 0) / e.antal_platser for e in enheter)
    median = tal[len(tal) // 2] if len(tal) % 2 else (tal[len(tal) // 2 - 1] + tal[len(tal) // 2]) / 2
    return [
        {
            "enhet": e,
            "antal": antal.get(e.pk, 0),
            "per_plats": antal.get(e.pk, 0) / e.antal_platser,
            "median": median,
        }
        for e in enheter
        if antal.get(e.pk, 0) / e.antal_platser < andel * median or antal.get(e.pk, 0) == 0
    ]
