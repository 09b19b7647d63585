"""Läsningar (med åtkomst först) och sammanställningar som andra appar och rapporter anropar."""

import dataclasses
import datetime
import statistics
from collections import Counter

from django.db import connection
from django.db.models import (
    Aggregate,
    Avg,
    BooleanField,
    Count,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    Q,
    QuerySet,
)
from django.urls import reverse
from django.utils import timezone

from avvikelser.models import Avvikelse, AvvikelseStatus, Kategori, Klagomal, Manadsantal
from avvikelser.services import paminnelse_dagar
from kvalitet import access
from kvalitet.models import OrgNod
from kvalitet.uppgifter import Uppgift


def dygnsgranser(fran: datetime.date | None, till: datetime.date | None, falt: str = "handelsetid") -> dict:
    """Filter på `falt` (händelsetid) för hela dygn [fran, till] i lokal tid, som jämförelser mot tidpunkter
    (inte ``__date``), så att indexet på fältet används."""
    villkor = {}
    if fran:
        villkor[f"{falt}__gte"] = timezone.make_aware(datetime.datetime.combine(fran, datetime.time.min))
    if till:
        nasta = till + datetime.timedelta(days=1)
        villkor[f"{falt}__lt"] = timezone.make_aware(datetime.datetime.combine(nasta, datetime.time.min))
    return villkor


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
    qs = qs.filter(**dygnsgranser(fran, till))
    if enhet:
        qs = qs.filter(enhet=enhet)
    if enskild and enskild.strip():
        from kvalitet.queries import brukare_sok

        qs = qs.filter(brukare__in=brukare_sok(user, enskild).values("pk"))
    grans = timezone.now() - datetime.timedelta(days=paminnelse_dagar())
    # Ett uttryck, inte ett aggregat: annars grupperas hela kön och sidräkningen blir långsam.
    qs = qs.annotate(
        forsenad=ExpressionWrapper(
            Q(status=AvvikelseStatus.RAPPORTERAD, rapporterad__lt=grans), output_field=BooleanField()
        )
    )
    if sortera not in ("-rapporterad", "rapporterad", "status"):
        sortera = "-rapporterad"
    return qs.order_by(sortera, "-pk")


def affischenheter(user) -> QuerySet:
    """Aktiva enheter användaren får skriva ut QR-affischen för: enheterna under hens roller i sidan
    `avvikelser.affisch` (enhetschefen sina, verksamhetschefen områdets, samordnaren nämndens)."""
    from kvalitet.models import NodTyp

    roller = access.SIDOR["avvikelser.affisch"].roller
    return OrgNod.objects.filter(pk__in=access.noder(user, *roller), typ=NodTyp.ENHET, aktiv=True).order_by(
        "namn"
    )


def _tid(t) -> str:
    return timezone.localtime(t).strftime("%Y-%m-%d %H:%M") if t else ""


EXPORT_RUBRIKER = [
    "Referensnummer",
    "Rapporterad",
    "Händelsetid",
    "Enhet",
    "Kategori",
    "Lag",
    "Status",
    "Vad hände",
    "Vad gjordes direkt",
    "Konsekvens för den enskilde",
    "Orsaker",
    "Konsekvens (1–4)",
    "Sannolikhet (1–4)",
    "Riskvärde",
    "Risknivå",
    "Åtgärder",
    "Slutsats",
    "Avslutad",
]


def _atgardsrad(atgard) -> str:
    # Åtgärden utan den ansvariges namn: rapportören kan vara ansvarig, och en anonym rapportör ska inte
    # kunna pekas ut genom exporten (kvalitet.access.rapportor_dold).
    if atgard.struken:
        lage = f"struken: {atgard.struken}"
    elif atgard.genomford:
        lage = f"genomförd {atgard.genomford:%Y-%m-%d}"
        if atgard.effekt_bedomning:
            lage += f", effekt: {atgard.get_effekt_bedomning_display().lower()}"
    else:
        lage = f"klar senast {atgard.klar_senast:%Y-%m-%d}" if atgard.klar_senast else "pågår"
    return f"{atgard.text} ({lage})"


def exportrader(qs: QuerySet, brukare_ids: list[int]):
    """Kön som exportrader, en i taget (för en strömmande export). Orsaker och åtgärder hämtas per 1 000
    avvikelser, inte per rad. Varje berörd enskild läggs i `brukare_ids` (för åtkomstloggen)."""
    for a in qs.prefetch_related("orsaker", "atgarder").iterator(chunk_size=1000):
        if a.brukare_id:
            brukare_ids.append(a.brukare_id)
        niva = a.riskniva
        yield [
            a.referensnummer,
            _tid(a.rapporterad),
            _tid(a.handelsetid),
            a.enhet.namn,
            a.kategori.namn,
            a.lag,
            a.get_status_display(),
            a.beskrivning,
            a.atgard_direkt,
            a.konsekvens_for_brukaren,
            ", ".join(o.namn for o in a.orsaker.all()),
            a.konsekvens,
            a.sannolikhet,
            a.riskvarde,
            niva.namn if niva else "",
            "\n".join(_atgardsrad(atg) for atg in a.atgarder.all()),
            a.slutsats,
            _tid(a.avslutad),
        ]


def klagomal_lista(
    user,
    *,
    status="",
    typ="",
    tema=None,
    avsandartyp="",
    fran=None,
    till=None,
    enhet=None,
    sortera="-inkommet",
) -> QuerySet:
    """Klagomål och synpunkter användaren får se (access.scope), filtrerade som avvikelsekön."""
    qs = access.scope(user, Klagomal).select_related("enhet", "tema")
    if status:
        qs = qs.filter(status=status)
    if typ:
        qs = qs.filter(typ=typ)
    if tema:
        qs = qs.filter(tema=tema)
    if avsandartyp:
        qs = qs.filter(avsandartyp=avsandartyp)
    if enhet:
        qs = qs.filter(enhet=enhet)
    qs = qs.filter(**dygnsgranser(fran, till, "inkommet"))
    if sortera not in ("-inkommet", "inkommet", "status"):
        sortera = "-inkommet"
    return qs.order_by(sortera, "-pk")


KLAGOMAL_RUBRIKER = [
    "Referensnummer",
    "Inkommet",
    "Enhet",
    "Typ",
    "Avsändare",
    "Via e-tjänst",
    "Tema",
    "Status",
    "Beskrivning",
    "Återkoppling, datum",
    "Återkoppling, hur",
    "Avslutat",
]


def klagomal_exportrader(qs: QuerySet):
    """Klagomålen som exportrader, en i taget. Avsändarens namn och kontaktuppgifter ingår inte: de behövs
    inte för uppföljningen och en anonym avsändare ska aldrig kunna pekas ut i en fil som sprids."""
    for k in qs.iterator(chunk_size=1000):
        yield [
            k.referensnummer,
            _tid(k.inkommet),
            k.enhet.namn,
            k.get_typ_display(),
            k.get_avsandartyp_display(),
            "ja" if k.via_e_tjanst else "nej",
            k.tema.namn if k.tema else "",
            k.get_status_display(),
            k.beskrivning,
            k.aterkoppling_datum.isoformat() if k.aterkoppling_datum else "",
            k.aterkoppling_hur,
            _tid(k.avslutat),
        ]


def mina_rapporterade(user) -> QuerySet:
    """Det användaren själv rapporterat (referensnummer och status), nyast först."""
    return (
        Avvikelse.objects.filter(rapporterad_av=user)
        .select_related("kategori", "enhet")
        .order_by("-rapporterad")
    )


@dataclasses.dataclass
class Periodstatistik:
    """Antal per kategori, enhet, verksamhetsområde och månad ur EN gruppering i SQL (enhet × kategori ×
    månad), så att statistiksidan läser avvikelserna en gång oavsett hur många tabeller den visar."""

    per_kategori: list[dict]
    per_enhet: list[dict]
    per_omrade: list[dict]
    per_manad: list[dict]

    @property
    def totalt(self) -> int:
        return sum(r["antal"] for r in self.per_kategori)


def periodstatistik(user, nod: OrgNod, fran: datetime.date, till: datetime.date) -> Periodstatistik:
    """Rader i fallande antal (lika antal: i namnordning); månader i tidsordning. Inom användarens scope,
    under noden, händelsedatum i perioden; pensionerade kategorier ingår."""
    kub = _kub(user, nod, fran, till)
    kategorier = dict(
        Kategori.objects.filter(pk__in={r["kategori_id"] for r in kub}).values_list("pk", "namn")
    )
    enheter = {
        e.pk: e
        for e in OrgNod.objects.filter(pk__in={r["enhet_id"] for r in kub}).select_related(
            "forelder__forelder"
        )
    }
    omraden = _omradesnamn({e.forelder for e in enheter.values() if e.forelder_id})

    def summera(nyckel, namn, falt: tuple[str, str]) -> list[dict]:
        summor: Counter = Counter()
        for r in kub:
            summor[nyckel(r)] += r["antal"]
        rader = [{falt[0]: k, falt[1]: namn(k), "antal": n} for k, n in summor.items()]
        return sorted(rader, key=lambda r: (-r["antal"], str(r[falt[1]])))

    per_manad: dict = {}
    for r in kub:
        per_manad[r["manad"]] = per_manad.get(r["manad"], 0) + r["antal"]
    return Periodstatistik(
        per_kategori=summera(lambda r: r["kategori_id"], kategorier.get, ("kategori_id", "kategori__namn")),
        per_enhet=summera(lambda r: r["enhet_id"], lambda pk: enheter[pk].namn, ("enhet_id", "enhet__namn")),
        per_omrade=summera(
            lambda r: enheter[r["enhet_id"]].forelder_id,
            omraden.get,
            ("enhet__forelder_id", "enhet__forelder__namn"),
        ),
        per_manad=[{"manad": m, "antal": n} for m, n in sorted(per_manad.items())],
    )


def _omradesnamn(omraden: set[OrgNod]) -> dict[int, str]:
    """Områdets namn; med nämnden inom parentes när två områden heter likadant (varje nämnd har sin
    äldreomsorg), så att en tabell över hela kommunen går att läsa."""
    antal = Counter(o.namn for o in omraden)
    return {
        o.pk: f"{o.namn} ({o.forelder.namn})" if antal[o.namn] > 1 and o.forelder_id else o.namn
        for o in omraden
    }


def antal_per_kategori(user, nod: OrgNod, fran: datetime.date, till: datetime.date) -> list[dict]:
    """[{"kategori_id", "kategori__namn", "antal"}], störst först (för årsrapporten)."""
    return periodstatistik(user, nod, fran, till).per_kategori


def antal_per_enhet(user, nod: OrgNod, fran: datetime.date, till: datetime.date) -> list[dict]:
    """[{"enhet_id", "enhet__namn", "antal"}], störst först."""
    return periodstatistik(user, nod, fran, till).per_enhet


def antal_per_omrade(user, nod: OrgNod, fran: datetime.date, till: datetime.date) -> list[dict]:
    """[{"enhet__forelder_id", "enhet__forelder__namn", "antal"}] per verksamhetsområde, störst först."""
    return periodstatistik(user, nod, fran, till).per_omrade


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
    uppgifter = [
        Uppgift(
            rubrik=f"Ta upp avvikelse {a.referensnummer}",
            lank=reverse("avvikelser:detalj", args=[a.pk]),
            kalla="avvikelser",
            forfaller=timezone.localtime(a.rapporterad).date() + datetime.timedelta(days=dagar),
        )
        for a in qs
    ]
    return uppgifter + styrsignaler(user)


def styrsignaler(user) -> list[Uppgift]:
    """Aktuella signaler i styrdiagrammen vid chefens noder, som uppgifter på startsidan (sparas en timme:
    pandas-beräkningen för varje nod var det mesta av chefens startsida, BENCHMARKS.md)."""
    return [
        Uppgift(
            rubrik=f"Undersök signalen i styrdiagrammet: {namn}",
            lank=f"{reverse('avvikelser:styrdiagram')}?nod={pk}",
            kalla="avvikelser",
            detalj=", ".join(regler),
        )
        for pk, namn, regler in _aktuella_signaler_cachade(user, timezone.localdate(), "styrsignaler")
    ]


def _under(nod: OrgNod) -> QuerySet:
    return OrgNod.objects.filter(sokvag__startswith=nod.sokvag).values("pk")


def _period(user, nod: OrgNod, fran: datetime.date, till: datetime.date) -> QuerySet:
    return access.scope(user, Avvikelse, access.STATISTIK).filter(
        enhet__in=_under(nod), **dygnsgranser(fran, till)
    )


def _manadsgranser(fran: datetime.date, till: datetime.date) -> tuple[datetime.date, datetime.date]:
    """[första, efter) för de hela kalendermånader som ryms i [fran, till]; första >= efter när ingen gör det."""
    forsta = fran if fran.day == 1 else (fran.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    efter = (till + datetime.timedelta(days=1)).replace(day=1)
    return forsta, efter


def _kub_ur_avvikelser(user, nod: OrgNod, fran: datetime.date, till: datetime.date) -> list[dict]:
    from django.db.models.functions import TruncMonth

    rader = list(
        _period(user, nod, fran, till)
        .annotate(manad=TruncMonth("handelsetid"))
        .values("enhet_id", "kategori_id", "manad")
        .annotate(antal=Count("pk"))
        .order_by()
    )
    for r in rader:
        r["manad"] = timezone.localtime(r["manad"]).date()
    return rader


def _kub(user, nod: OrgNod, fran: datetime.date, till: datetime.date) -> list[dict]:
    """Antal per enhet × kategori × månad (date), inom scope (STATISTIK), under noden, händelsedatum i
    [fran, till]. Hela månader läses ur månadssammanställningen (tusentals rader i stället för en rad per
    avvikelse); periodens ofullständiga första och sista månad räknas ur avvikelserna. På SQLite (demon)
    finns ingen sammanställning och allt räknas ur avvikelserna."""
    forsta, efter = _manadsgranser(fran, till)
    if connection.vendor != "postgresql" or forsta >= efter:
        return _kub_ur_avvikelser(user, nod, fran, till)
    rader = list(
        access.scope(user, Manadsantal, access.STATISTIK)
        .filter(enhet__in=_under(nod), manad__gte=forsta, manad__lt=efter, antal__gt=0)
        .values("enhet_id", "kategori_id", "manad", "antal")
    )
    if fran < forsta:
        rader += _kub_ur_avvikelser(user, nod, fran, forsta - datetime.timedelta(days=1))
    if efter <= till:
        rader += _kub_ur_avvikelser(user, nod, efter, till)
    return rader


class _Median(Aggregate):
    # PostgreSQL: percentile_cont räknas i databasen.
    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


def tid_till_avslut(user, nod: OrgNod, fran: datetime.date, till: datetime.date) -> dict:
    """Dagar från rapport till avslut för avslutade avvikelser (händelsedatum i perioden):
    {"antal": n, "median": dagar, "medel": dagar}; median och medel är None utan avslutade."""
    qs = _period(user, nod, fran, till).filter(avslutad__isnull=False)
    if connection.vendor == "postgresql":
        dagar = Func(
            F("avslutad") - F("rapporterad"), template="EXTRACT(EPOCH FROM %(expressions)s) / 86400.0"
        )
        r = qs.aggregate(
            antal=Count("pk"), median=_Median(dagar), medel=Avg(dagar, output_field=FloatField())
        )
    else:  # demon på SQLite
        tider = [(a - r).total_seconds() / 86400 for a, r in qs.values_list("avslutad", "rapporterad")]
        r = {
            "antal": len(tider),
            "median": statistics.median(tider) if tider else None,
            "medel": statistics.fmean(tider) if tider else None,
        }
    for nyckel in ("median", "medel"):
        if r[nyckel] is not None:
            r[nyckel] = round(float(r[nyckel]), 1)
    return r


def antal_per_manad(user, nod: OrgNod, fran: datetime.date, till: datetime.date) -> list[dict]:
    """[{"manad": första dagen i månaden (date, lokal tid), "antal": n}] i tidsordning, inom scope."""
    return periodstatistik(user, nod, fran, till).per_manad


EJ_ANGIVET_TEMA = "Ej angivet"


def klagomal_per_tema(user, nod: OrgNod, fran: datetime.date, till: datetime.date) -> list[dict]:
    """Klagomål och synpunkter (alla typer) per tema: [{"tema": namn, "antal": n, "andel": procent}],
    störst först (lika antal: i namnordning). Inom användarens scope (STATISTIK), under noden, inkommet
    hela dygn [fran, till] i lokal tid; ärenden utan tema räknas som "Ej angivet", pensionerade teman ingår."""
    villkor = {k.replace("handelsetid", "inkommet"): v for k, v in dygnsgranser(fran, till).items()}
    rader = list(
        access.scope(user, Klagomal, access.STATISTIK)
        .filter(enhet__in=_under(nod), **villkor)
        .values("tema__namn")
        .annotate(antal=Count("pk"))
        .order_by()
    )
    summa = sum(r["antal"] for r in rader)
    resultat = [
        {
            "tema": r["tema__namn"] or EJ_ANGIVET_TEMA,
            "antal": r["antal"],
            "andel": round(100 * r["antal"] / summa, 1) if summa else 0.0,
        }
        for r in rader
    ]
    return sorted(resultat, key=lambda r: (-r["antal"], r["tema"]))


def fyra_ar_per_kategori(user, nod: OrgNod, ar: int) -> list[dict]:
    """Antal per kategori för åren ar-3 … ar sida vid sida: [{"kategori": namn, "ar": {år: n}}], i
    namnordning; kategorier utan avvikelser under de fyra åren utelämnas."""
    ar_lista = list(range(ar - 3, ar + 1))
    summor: Counter = Counter()
    for r in _kub(user, nod, datetime.date(ar_lista[0], 1, 1), datetime.date(ar, 12, 31)):
        summor[r["kategori_id"], r["manad"].year] += r["antal"]
    namn = dict(Kategori.objects.filter(pk__in={k for k, _ in summor}).values_list("pk", "namn"))
    return [
        {"kategori": namn[k], "ar": {a: summor[k, a] for a in ar_lista}}
        for k in sorted(namn, key=lambda k: namn[k])
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
    user,
    nod: OrgNod,
    fran: datetime.date,
    till: datetime.date,
    andel: float = 0.25,
    per_enhet: list[dict] | None = None,
) -> list[dict]:
    """Enheter under noden med avvikelser per plats under `andel` av medianen bland enheterna (eller inga alls).
    Varje rad: {"enhet": OrgNod, "antal": n, "per_plats": float, "median": float}. Kräver att användaren
    ser avvikelser (scope); enheter utan platsuppgift jämförs inte."""
    from kvalitet.models import NodTyp

    if per_enhet is None:  # statistiksidan skickar med det den redan räknat
        per_enhet = periodstatistik(user, nod, fran, till).per_enhet
    antal = {r["enhet_id"]: r["antal"] for r in per_enhet}
    synliga_enheter = access.noder(user, *access.STATISTIK_ROLLER)
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


def antal_per_enhet_och_manad(
    user, nod: OrgNod | None, forsta: datetime.date, efter: datetime.date
) -> list[dict]:
    """Antal avvikelser per enhet och händelsemånad för hela månader [forsta, efter): [{"enhet_id", "manad"
    (date, första dagen), "antal"}], bara månader med avvikelser. Inom scope (STATISTIK), under noden. EN
    fråga grupperad på enhet och månad (utan nod: allt inom scope): ur månadssammanställningen på PostgreSQL, ur avvikelserna på SQLite."""
    from django.db.models import Sum
    from django.db.models.functions import TruncMonth

    under = {"enhet__in": _under(nod)} if nod else {}
    if connection.vendor == "postgresql":
        return list(
            access.scope(user, Manadsantal, access.STATISTIK)
            .filter(**under, manad__gte=forsta, manad__lt=efter, antal__gt=0)
            .values("enhet_id", "manad")
            .annotate(antal=Sum("antal"))
            .order_by()
        )
    rader = list(
        access.scope(user, Avvikelse, access.STATISTIK)
        .filter(**under, **dygnsgranser(forsta, efter - datetime.timedelta(days=1)))
        .annotate(manad=TruncMonth("handelsetid"))
        .values("enhet_id", "manad")
        .annotate(antal=Count("pk"))
        .order_by()
    )
    for r in rader:
        r["manad"] = timezone.localtime(r["manad"]).date()
    return rader


def styrdiagram_for_noder(user, nod: OrgNod, slut: datetime.date) -> list:
    """Styrdiagrammen för noden och varje nod under den som användaren räknar statistik för (till `slut`),
    med signalerna: den samlade analysen läser dem här (andra appar går genom queries)."""
    from avvikelser import styrdiagram

    return styrdiagram.for_noder(user, nod, slut)


def styrdiagram_for_ar(user, nod: OrgNod, ar: int) -> dict | None:
    """Nodens styrdiagram för de 24 månaderna som slutar med årets december (eller förra månaden), som JSON-bara värden (för
    kvalitetsberättelsen, som fryser dem vid publicering). None om användaren inte räknar statistik för noden
    eller noden inte är en nämnd, ett område eller en enhet."""
    from avvikelser import styrdiagram

    # Bara hela månader: under året slutar diagrammet med förra månaden (den pågående är inte klar).
    slut = min(datetime.date(ar + 1, 1, 1), timezone.localdate())
    for s in styrdiagram.for_noder(user, nod, slut):
        if s.nod.pk == nod.pk:
            return {
                "nod": s.nod.namn,
                "typ": s.typ,
                "manader": [m.isoformat() for m in s.manader],
                "varden": s.varden,
                "medel": s.medel,
                "ovre": s.ovre,
                "nedre": s.nedre,
                "signaler": s.signaler,
                "basfran": s.basfran,
                "bastill": s.bastill,
            }
    return None


def valbara_for_riskanalys(user) -> QuerySet:
    """Avvikelser en riskanalys kan bygga på: de användaren får ändra (utreda), nyaste först."""
    return access.scope(user, Avvikelse, access.ANDRA).order_by("-rapporterad")


# --- kvalitetsberättelsen (rapporter.queries anropar dessa) ----------------------------------------------


def klagomal_per_ar(user, enheter, ar_lista: list[int]) -> dict[int, int]:
    """Klagomål och synpunkter (alla typer) per år de kom in, inom användarens scope vid `enheter`
    (kvalitetsberättelsen)."""
    qs = access.scope(user, Klagomal).filter(enhet__in=enheter)
    rad = qs.aggregate(**{f"a{a}": Count("pk", filter=Q(inkommet__year=a)) for a in ar_lista})
    return {a: rad[f"a{a}"] for a in ar_lista}


def klagomal_arssammanstallning(user, nod: OrgNod, enheter, fran: datetime.date, till: datetime.date) -> dict:
    """Årets klagomål och synpunkter (kvalitetsberättelsen): antal per typ, avsändare och tema (med andel;
    samma fråga som statistiksidan), anonyma, återkoppling lämnad/skyldig."""
    from avvikelser.models import Avsandartyp, KlagomalTyp

    qs = access.scope(user, Klagomal).filter(enhet__in=enheter, inkommet__year=fran.year)
    r = qs.aggregate(
        antal=Count("pk"),
        anonyma=Count("pk", filter=Q(anonym=True)),
        aterkoppling_lamnad=Count("pk", filter=Q(aterkoppling_datum__isnull=False)),
        aterkoppling_saknas=Count("pk", filter=Q(anonym=False, aterkoppling_datum__isnull=True)),
        **{f"typ_{t}": Count("pk", filter=Q(typ=t)) for t in KlagomalTyp.values},
        **{f"fran_{t}": Count("pk", filter=Q(avsandartyp=t)) for t in Avsandartyp.values},
    )
    return {
        "antal": r["antal"],
        "anonyma": r["anonyma"],
        "aterkoppling_lamnad": r["aterkoppling_lamnad"],
        "aterkoppling_saknas": r["aterkoppling_saknas"],
        "per_typ": [{"typ": str(t.label), "antal": r[f"typ_{t.value}"]} for t in KlagomalTyp],
        "per_avsandare": [{"avsandare": str(t.label), "antal": r[f"fran_{t.value}"]} for t in Avsandartyp],
        "per_tema": klagomal_per_tema(user, nod, fran, till),
    }


def andel_for_indikator(
    user, enheter, fran: datetime.date, till: datetime.date, berakning: str
) -> float | None:
    """En beräknad måluppfyllelse (procent med en decimal) ur avvikelser och klagomål vid `enheter`, None
    när underlaget saknas eller beräkningen inte hör hit."""
    from kvalitet.models.kvalitetsarbete import Berakning

    if berakning in (Berakning.ANDEL_UTEBLIVEN_INSATS, Berakning.ANDEL_AVVIKELSER_AVSLUTADE):
        qs = access.scope(user, Avvikelse).filter(enhet__in=enheter, **dygnsgranser(fran, till))
        villkor = (
            Q(kategori__namn__iexact="Utebliven insats")
            if berakning == Berakning.ANDEL_UTEBLIVEN_INSATS
            else Q(status=AvvikelseStatus.AVSLUTAD)
        )
        r = qs.aggregate(alla=Count("pk"), del_=Count("pk", filter=villkor))
    elif berakning == Berakning.ANDEL_KLAGOMAL_ATERKOPPLADE:
        qs = access.scope(user, Klagomal).filter(enhet__in=enheter, inkommet__year=fran.year, anonym=False)
        r = qs.aggregate(alla=Count("pk"), del_=Count("pk", filter=Q(aterkoppling_datum__isnull=False)))
    else:
        return None
    if not r["alla"]:
        return None
    return round(100 * r["del_"] / r["alla"], 1)


# --- startsidan (kvalitet.startsida) -------------------------------------------------------------------

# Listorna bakom rutorna (kvalitet:start_lista); säkerhetsgenomgången prövar varje nyckel för varje roll.
STARTSIDA_NYCKLAR = ("avvikelser-atgarder-forsenade", "klagomal-oppna")


def _startsida_atgarder_forsenade(user) -> QuerySet:
    """Avvikelseåtgärder som inte är klara och vars datum passerat, vid chefens enheter."""
    from avvikelser.models import Atgard

    return (
        access.scope(user, Atgard, access.ANDRA)
        .filter(klar=False, klar_senast__lt=timezone.localdate())
        .select_related("avvikelse__enhet")
        .order_by("klar_senast", "pk")
    )


def _startsida_klagomal_oppna(user) -> QuerySet:
    from avvikelser.models import KlagomalStatus

    return (
        access.scope(user, Klagomal)
        .exclude(status=KlagomalStatus.AVSLUTAT)
        .select_related("enhet")
        .order_by("inkommet", "pk")
    )


def startsida_urval(user, nyckel: str):
    from kvalitet.startsida import Rad, Urval

    if nyckel == "avvikelser-atgarder-forsenade" and access.har_roll(user, *access.CHEFER):
        return Urval(
            rubrik="Försenade åtgärder i avvikelser",
            qs=_startsida_atgarder_forsenade(user),
            rad=lambda a: Rad(
                rubrik=f"{a.avvikelse.referensnummer}: {a.text[:80]}",
                lank=reverse("avvikelser:detalj", args=[a.avvikelse_id]),
                datum=a.klar_senast,
                detalj=a.avvikelse.enhet.namn,
            ),
        )
    if nyckel == "klagomal-oppna" and access.har_roll(user, *access.CHEFER, access.KVALITETSSAMORDNARE):
        return Urval(
            rubrik="Öppna klagomål och synpunkter",
            qs=_startsida_klagomal_oppna(user),
            # Inget namn: avsändaren kan vara anonym; referensnumret leder till ärendet.
            rad=lambda k: Rad(
                rubrik=f"{k.referensnummer}: {k.get_typ_display()}, {k.get_status_display().lower()}",
                lank=reverse("avvikelser:klagomal_detalj", args=[k.pk]),
                datum=timezone.localtime(k.inkommet).date(),
                detalj=k.enhet.namn,
            ),
        )
    return None


def _startsida_trend(user, idag: datetime.date):
    """Avvikelser per månad de senaste 12 hela månaderna vid användarens noder (en grupperad fråga)."""
    from avvikelser.styrdiagram import manader
    from kvalitet import diagram

    manadslista = manader(idag, 12)
    efter = idag.replace(day=1)
    per_manad = Counter()
    for r in antal_per_enhet_och_manad(user, None, manadslista[0], efter):
        per_manad[r["manad"]] += r["antal"]
    return diagram.staplar(
        "Avvikelser per månad, senaste 12 hela månaderna",
        [diagram.manadsetikett(m) for m in manadslista],
        [per_manad.get(m, 0) for m in manadslista],
        kolumnrubrik="Månad",
        vardesrubrik="Antal avvikelser",
    )


def _aktuella_signaler_cachade(user, idag: datetime.date, namn: str, roll: str | None = None):
    """(nod, namn, regler) för användarens noder med en aktuell signal (med `roll`: bara noder där hen har
    den rollen). Styrdiagrammen bygger på hela månader, så de ändras sällan under en dag: resultatet sparas
    en timme per användare, dag och rolltilldelningar (en ändrad roll ger en ny nyckel). Utan cache (Redis
    nere) räknas det om."""
    import hashlib
    import logging

    from django.core.cache import cache

    from avvikelser import styrdiagram

    roller = repr(sorted(access.behorighet(user).tilldelningar)).encode()
    nyckel = f"{namn}:{user.pk}:{idag.isoformat()}:{hashlib.sha256(roller).hexdigest()[:16]}"
    logg = logging.getLogger(__name__)
    try:
        sparat = cache.get(nyckel)
    except Exception as fel:  # noqa: BLE001 - cachen är en genväg, aldrig ett krav
        logg.warning("Signalerna: cachen svarar inte (%s)", fel)
        sparat = None
    if sparat is not None:
        return sparat
    egna = access.noder(user, roll) if roll else None
    signaler = [
        (s.nod.pk, s.nod.namn, s.aktuella)
        for s in styrdiagram.for_noder(user, None, idag)
        if s.aktuella and (egna is None or s.nod.pk in egna)
    ]
    try:
        cache.set(nyckel, signaler, 3600)
    except Exception as fel:  # noqa: BLE001
        logg.warning("Signalerna: cachen svarar inte (%s)", fel)
    return signaler


def _startsida_signaler(user, idag: datetime.date) -> list[tuple[int, str, list[str]]]:
    """Kvalitetssamordnarens noder med en aktuell signal (sparas en timme, se ovan)."""
    return _aktuella_signaler_cachade(user, idag, "startsida:signaler", access.KVALITETSSAMORDNARE)


def startsida(user):
    """Startsidans rutor: kön per status (chefer, kvalitetssamordnare), försenade åtgärder och trenden
    (chefer), öppna klagomål, signaler (kvalitetssamordnare), egna rapporter (personal) och antal per nämnd
    (ledning). Rutornas tal räknas som listan de länkar till (`ko`, `mina_rapporterade`, urvalen ovan)."""
    from avvikelser.models import KlagomalStatus
    from kvalitet.startsida import Bidrag, Knapp, Nyckeltal, Ruta, har_enhet, summera_per_namnd

    b = Bidrag()
    # Samma urval av enheter som formuläret (forms.kan_rapportera), en fråga för båda knapparna.
    if har_enhet(user):
        b.knappar.append(Knapp("Rapportera avvikelse", reverse("avvikelser:rapportera")))
    if access.kan_sida(user, "avvikelser.affisch"):
        b.knappar.append(Knapp("QR-affisch för rapportering", reverse("avvikelser:affischer"), liten=True))
    idag = timezone.localdate()
    koroller = access.har_roll(user, *access.CHEFER, access.KVALITETSSAMORDNARE)
    if koroller:
        oppna = [AvvikelseStatus.RAPPORTERAD, AvvikelseStatus.UNDER_UTREDNING, AvvikelseStatus.ATGARDAD]
        # Bara de öppna raderna läses (indexet enhet, status), inte nämndens alla avvikelser.
        antal = (
            access.scope(user, Avvikelse)
            .filter(status__in=oppna)
            .aggregate(**{s: Count("pk", filter=Q(status=s)) for s in oppna})
        )
        etiketter = dict(AvvikelseStatus.choices)
        for s in oppna:
            b.rutor.append(
                Ruta(
                    rubrik=f"Avvikelser: {str(etiketter[s]).lower()}",
                    antal=antal[s],
                    lank=f"{reverse('avvikelser:index')}?status={s}",
                    kalla="avvikelser",
                )
            )
    if access.har_roll(user, *access.CHEFER):
        b.rutor.append(
            Ruta(
                rubrik="Försenade åtgärder i avvikelser",
                antal=_startsida_atgarder_forsenade(user).count(),
                lank=reverse("kvalitet:start_lista", args=["avvikelser-atgarder-forsenade"]),
                kalla="avvikelser",
                varning=True,
            )
        )
        b.diagram.append(_startsida_trend(user, idag))
    if koroller:
        b.rutor.append(
            Ruta(
                rubrik="Öppna klagomål och synpunkter",
                antal=_startsida_klagomal_oppna(user).count(),
                lank=reverse("kvalitet:start_lista", args=["klagomal-oppna"]),
                kalla="avvikelser",
            )
        )
    if access.har_roll(user, access.KVALITETSSAMORDNARE):
        # Chefernas signaler står redan bland uppgifterna (mina_uppgifter); här nämndens, områdenas och enheternas.
        b.signaler.extend(
            Uppgift(
                rubrik=f"Signal i styrdiagrammet: {namn}",
                lank=f"{reverse('avvikelser:styrdiagram')}?nod={pk}",
                kalla="avvikelser",
                detalj=", ".join(regler),
            )
            for pk, namn, regler in _startsida_signaler(user, idag)
        )
    if access.har_roll(user, access.PERSONAL):
        per_status = dict(mina_rapporterade(user).order_by().values_list("status").annotate(n=Count("pk")))
        etiketter = dict(AvvikelseStatus.choices)
        b.rutor.append(
            Ruta(
                rubrik="Mina avvikelserapporter",
                antal=sum(per_status.values()),
                lank=reverse("avvikelser:mina"),
                kalla="avvikelser",
                detalj=", ".join(
                    f"{per_status[s]} {str(etiketter[s]).lower()}" for s in etiketter if per_status.get(s)
                ),
            )
        )
    if access.har_roll(user, access.LEDNING):
        # Bara antal per enhet ur statistikurvalet, summerade per nämnd: inga enskilda.
        from avvikelser.styrdiagram import manader

        manadslista = manader(idag, 12)
        per_enhet: Counter = Counter()
        for r in antal_per_enhet_och_manad(user, None, manadslista[0], idag.replace(day=1)):
            per_enhet[r["enhet_id"]] += r["antal"]
        b.nyckeltal.append(
            Nyckeltal(
                "Avvikelser, senaste 12 hela månaderna",
                summera_per_namnd(user, per_enhet),
                lank=reverse("avvikelser:statistik"),
            )
        )
        klagomal = dict(
            access.scope(user, Klagomal, access.STATISTIK)
            .exclude(status=KlagomalStatus.AVSLUTAT)
            .order_by()
            .values_list("enhet_id")
            .annotate(n=Count("pk"))
        )
        b.nyckeltal.append(Nyckeltal("Öppna klagomål och synpunkter", summera_per_namnd(user, klagomal)))
    return b


# --- åtgärdsregistret (kvalitet.atgardsregister) ---------------------------------------------------


def atgardsregister(user, f) -> list:
    """Avvikelsernas åtgärder som användaren får läsa (chefer vid enheten, nämndens kvalitetssamordnare).
    Raden visar avvikelsens referensnummer, kategori och enhet, aldrig rapportören."""
    from avvikelser.models import Atgard
    from kvalitet.atgardsregister import Atgardsrad, effekttext, filtrera, personnamn, status_for

    if not f.tar_med("avvikelser"):
        return []
    qs = filtrera(
        access.scope(user, Atgard),
        f,
        nod="avvikelse__enhet",
        klar=Q(klar=True) | Q(genomford__isnull=False),
        struken=~Q(struken=""),
        klar_senast="klar_senast",
    ).select_related("avvikelse__enhet", "avvikelse__kategori", "ansvarig")
    rader = []
    for a in qs:
        rader.append(
            Atgardsrad(
                kalla="avvikelser",
                pk=a.pk,
                referens=a.avvikelse.referensnummer,
                rubrik=a.avvikelse.kategori.namn,
                lank=reverse("avvikelser:detalj", args=[a.avvikelse_id]),
                text=a.text,
                nod_namn=a.avvikelse.enhet.namn,
                status=status_for(
                    klar=a.klar or a.genomford is not None,
                    struken=bool(a.struken),
                    klar_senast=a.klar_senast,
                    idag=f.dag,
                ),
                ansvarig_id=a.ansvarig_id,
                ansvarig_namn=personnamn(a.ansvarig),
                klar_senast=a.klar_senast,
                genomford=a.genomford,
                effekt=effekttext(a.effekt_bedomning, a.effekt, a.struken),
                brukare_ids=(a.avvikelse.brukare_id,) if a.avvikelse.brukare_id else (),
                paminnelse_nyckel=f"atgardsregister:avvikelser:atgard:{a.pk}:forsenad"
                if a.ansvarig_id
                else "",
            )
        )
    return rader


def atgardsregister_klagomal(user, f) -> list:
    """Klagomålens och synpunkternas åtgärder som användaren får läsa (samma regel som klagomålet). Raden
    visar referensnummer, tema och enhet, aldrig avsändarens namn eller kontaktuppgifter."""
    from avvikelser.models import KlagomalAtgard
    from kvalitet.atgardsregister import Atgardsrad, effekttext, filtrera, personnamn, status_for

    if not f.tar_med("klagomal"):
        return []
    qs = filtrera(
        access.scope(user, KlagomalAtgard),
        f,
        nod="klagomal__enhet",
        klar=Q(genomford__isnull=False),
        struken=~Q(struken=""),
        klar_senast="klar_senast",
    ).select_related("klagomal__enhet", "klagomal__tema", "ansvarig")
    rader = []
    for a in qs:
        k = a.klagomal
        rader.append(
            Atgardsrad(
                kalla="klagomal",
                pk=a.pk,
                referens=k.referensnummer,
                rubrik=k.tema.namn if k.tema_id else k.get_typ_display(),
                lank=reverse("avvikelser:klagomal_detalj", args=[k.pk]),
                text=a.text,
                nod_namn=k.enhet.namn,
                status=status_for(
                    klar=a.genomford is not None,
                    struken=bool(a.struken),
                    klar_senast=a.klar_senast,
                    idag=f.dag,
                ),
                ansvarig_id=a.ansvarig_id,
                ansvarig_namn=personnamn(a.ansvarig),
                klar_senast=a.klar_senast,
                genomford=a.genomford,
                effekt=effekttext(a.effekt_bedomning, a.effekt, a.struken),
                paminnelse_nyckel=f"atgardsregister:klagomal:atgard:{a.pk}:forsenad" if a.ansvarig_id else "",
            )
        )
    return rader


# --- sökningen (kvalitet.sok hittar funktionen genom kvalitet.appar) -------------------------------------

# Postens egna textfält. Inga namn: varken den enskildes, rapportörens eller klagomålsavsändarens
# (`Klagomal.namn`, `kontakt`) söks, så att en anonym avsändare aldrig hittas på namn (kvalitet/sok.py).
AVVIKELSE_SOKFALT = ("beskrivning", "atgard_direkt", "konsekvens_for_brukaren", "slutsats")
KLAGOMAL_SOKFALT = ("beskrivning", "aterkoppling_hur")


def sok(user, fraga: str, grans: int) -> list:
    """Avvikelser och klagomål som användaren får läsa (access.scope) och som matchar frågan."""
    from kvalitet import sok as sokmodul

    traffar = []
    avvikelser = access.scope(user, Avvikelse).select_related("enhet", "brukare")
    for a, rang, utdrag in sokmodul.traffar(
        user,
        avvikelser,
        falt=AVVIKELSE_SOKFALT,
        fraga=fraga,
        grans=grans,
        datumfalt="rapporterad",
        brukare=lambda a: [a.brukare],
    ):
        traffar.append(
            sokmodul.Traff(
                modul="Avvikelser",
                referensnummer=a.referensnummer,
                lank=reverse("avvikelser:detalj", args=[a.pk]),
                status=a.get_status_display(),
                nod=a.enhet.namn,
                datum=a.rapporterad,
                utdrag=utdrag,
                rang=rang,
                brukare_ids=(a.brukare_id,) if a.brukare_id else (),
            )
        )
    klagomal = access.scope(user, Klagomal).select_related("enhet")
    for k, rang, utdrag in sokmodul.traffar(
        user, klagomal, falt=KLAGOMAL_SOKFALT, fraga=fraga, grans=grans, datumfalt="inkommet"
    ):
        traffar.append(
            sokmodul.Traff(
                modul="Klagomål och synpunkter",
                referensnummer=k.referensnummer,
                lank=reverse("avvikelser:klagomal_detalj", args=[k.pk]),
                status=k.get_status_display(),
                nod=k.enhet.namn,
                datum=k.inkommet,
                utdrag=utdrag,
                rang=rang,
            )
        )
    return traffar
