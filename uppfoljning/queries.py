"""Läsningar (med åtkomst först) och sammanställningar som andra appar och rapporter anropar."""

from __future__ import annotations

import datetime

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from kvalitet import access
from kvalitet.models import NodTyp, OrgNod
from kvalitet.uppgifter import Uppgift
from uppfoljning import services
from uppfoljning.models import EjVerkstalltBeslut, Forandring, Uppfoljningsarende

# Villkoren för ett komplett ärende, som SQL (samma regler som Uppfoljningsarende.saknas()).
KONTAKTAD = Q(forsta_kontakt__isnull=False)
BEHOV_BEDOMT = Q(behov_bedomt__isnull=False)
ATGARDER_BESLUTADE = Q(atgarder_behovs=False) | (Q(atgarder_behovs=True) & ~Q(atgarder=""))
UPPFOLJD = Q(uppfoljning_gjord__isnull=False) & ~Q(utfall="")
KOMPLETT = KONTAKTAD & BEHOV_BEDOMT & ATGARDER_BESLUTADE & UPPFOLJD

# Luckorna man kan borra ner i från översikten.
BRISTER = {
    "ej_kontaktade": ~KONTAKTAD,
    "ej_bedomda": ~BEHOV_BEDOMT,
    "utan_atgarder": ~ATGARDER_BESLUTADE,
    "ej_uppfoljda": ~UPPFOLJD,
    "ej_kompletta": ~KOMPLETT,
}


def forandringar_for_riskanalys(user, analys) -> QuerySet:
    """Förändringar (som användaren får se) som riskanalysen förberett."""
    return access.scope(user, Forandring).filter(riskanalys=analys).select_related("insatstyp", "nod")


def forandringar(user) -> QuerySet:
    """Förändringar användaren får se, med antal berörda och antal kompletta."""
    return (
        access.scope(user, Forandring)
        .select_related("insatstyp", "nod", "riskanalys")
        .annotate(
            antal_berorda=Count("arenden", distinct=True),
            antal_kompletta=Count("arenden", filter=_prefixa(KOMPLETT), distinct=True),
        )
        .order_by("-giltig_fran", "-pk")
    )


def _prefixa(q: Q, prefix: str = "arenden__") -> Q:
    """Samma villkor sett från en relation (för Count(filter=...))."""
    ny = Q()
    ny.connector, ny.negated = q.connector, q.negated
    for barn in q.children:
        ny.children.append(_prefixa(barn, prefix) if isinstance(barn, Q) else (prefix + barn[0], barn[1]))
    return ny


def arenden(
    user,
    *,
    forandring=None,
    nod: OrgNod | None = None,
    brist: str = "",
    handlaggare=None,
    fran=None,
    till=None,
) -> QuerySet:
    """Ärenden användaren får se, filtrerade; brukare och handläggare förhämtade för listorna."""
    qs = access.scope(user, Uppfoljningsarende).select_related("brukare", "handlaggare", "forandring", "nod")
    if forandring is not None:
        qs = qs.filter(forandring=forandring)
    if nod is not None:
        qs = qs.filter(nod__sokvag__startswith=nod.sokvag)
    if brist in BRISTER:
        qs = qs.filter(BRISTER[brist])
    if handlaggare is not None:
        qs = qs.filter(handlaggare=handlaggare)
    qs = _period(qs, "skapad__date", fran, till)
    return qs.order_by("brukare__efternamn", "brukare__fornamn", "pk")


def mina_arenden(user) -> QuerySet:
    """Handläggarens ärendelista: egna ärenden, de ofullständiga först."""
    return arenden(user, handlaggare=user).order_by("uppfoljning_gjord", "forsta_kontakt", "pk")


def _period(qs, falt: str, fran, till):
    if fran:
        qs = qs.filter(**{f"{falt}__gte": fran})
    if till:
        qs = qs.filter(**{f"{falt}__lte": till})
    return qs


def _arenden_under(user, nod: OrgNod, fran=None, till=None) -> QuerySet:
    qs = access.scope(user, Uppfoljningsarende, access.UPPFOLJNING_STATISTIK).filter(
        nod__sokvag__startswith=nod.sokvag
    )
    return _period(qs, "skapad__date", fran, till)


def _forandringar_under(user, nod: OrgNod, fran=None, till=None) -> QuerySet:
    qs = access.scope(user, Forandring, access.UPPFOLJNING_STATISTIK)
    berorda = Forandring.objects.filter(
        Q(nod__sokvag__startswith=nod.sokvag) | Q(enheter__sokvag__startswith=nod.sokvag)
    ).values("pk")
    return _period(qs.filter(pk__in=berorda), "giltig_fran", fran, till)


_TAL = ("berorda", "kontaktade", "behov_bedomda", "atgarder_beslutade", "uppfoljda", "kompletta")


def _rakna_arenden(qs) -> dict:
    return qs.aggregate(
        berorda=Count("pk"),
        kontaktade=Count("pk", filter=KONTAKTAD),
        behov_bedomda=Count("pk", filter=BEHOV_BEDOMT),
        atgarder_beslutade=Count("pk", filter=ATGARDER_BESLUTADE),
        uppfoljda=Count("pk", filter=UPPFOLJD),
        kompletta=Count("pk", filter=KOMPLETT),
    )


def tackning(user, nod: OrgNod, fran: datetime.date | None = None, till: datetime.date | None = None) -> dict:
    """Täckningen under `nod` (ärenden skapade och förändringar som börjar gälla i perioden): antal
    förändringar, förändringar utan riskanalys, berörda, kontaktade, behov bedömda, åtgärder beslutade,
    uppföljda, kompletta. Bara antal, så ledningen får läsa den."""
    forandringar = _forandringar_under(user, nod, fran, till).aggregate(
        forandringar=Count("pk"), forandringar_utan_riskanalys=Count("pk", filter=Q(riskanalys__isnull=True))
    )
    return {**forandringar, **_rakna_arenden(_arenden_under(user, nod, fran, till))}


def tackning_per_namnd(user, nod: OrgNod, fran=None, till=None) -> list[dict]:
    """Nämnderna under `nod` sida vid sida (en gruppering i SQL), med andelar i procent."""
    rader = (
        _arenden_under(user, nod, fran, till)
        .values("namnd_id", "namnd__namn")
        .annotate(
            berorda=Count("pk"),
            kontaktade=Count("pk", filter=KONTAKTAD),
            behov_bedomda=Count("pk", filter=BEHOV_BEDOMT),
            atgarder_beslutade=Count("pk", filter=ATGARDER_BESLUTADE),
            uppfoljda=Count("pk", filter=UPPFOLJD),
            kompletta=Count("pk", filter=KOMPLETT),
        )
        .order_by("namnd__namn")
    )
    utan = dict(
        _forandringar_under(user, nod, fran, till)
        .filter(riskanalys__isnull=True)
        .values_list("nod_id")
        .annotate(n=Count("pk"))
    )
    # Nämnder utan registrerade berörda får en rad med nollor, så att ingen nämnd saknas i jämförelsen
    # eller i svaret till IVO (där raden blir "Nej" med skäl, aldrig "Vet ej").
    rader = list(rader)
    med_rad = {r["namnd_id"] for r in rader}
    synliga = access.noder(user, access.HANDLAGGARE, access.KVALITETSSAMORDNARE, access.LEDNING)
    for namnd_id, namn in OrgNod.objects.filter(
        typ=NodTyp.NAMND, sokvag__startswith=nod.sokvag, pk__in=synliga
    ).values_list("pk", "namn"):
        if namnd_id not in med_rad:
            rader.append({"namnd_id": namnd_id, "namnd__namn": namn, **dict.fromkeys(_TAL, 0)})
    rader.sort(key=lambda r: r["namnd__namn"])
    resultat = []
    for r in rader:
        r["forandringar_utan_riskanalys"] = utan.get(r["namnd_id"], 0)
        for falt in ("kontaktade", "atgarder_beslutade", "uppfoljda", "kompletta"):
            r[f"andel_{falt}"] = round(100 * r[falt] / r["berorda"]) if r["berorda"] else 0
        resultat.append(r)
    return resultat


# IVO:s frågor (seed 002) och vilket tal som besvarar dem.
IVO_FRAGOR = [
    ("Har nämnden tagit kontakt med de enskilda vars insatser förändrats?", "kontaktade"),
    ("Har nämnden bedömt de enskildas behov efter förändringen?", "behov_bedomda"),
    ("Har nämnden beslutat åtgärder där det behövts?", "atgarder_beslutade"),
    ("Har nämnden följt upp de enskildas situation?", "uppfoljda"),
]


def ivo_svar(user, nod: OrgNod, fran=None, till=None) -> list[dict]:
    """Svar per nämnd och fråga: Ja när alla berörda omfattas, annars Nej med antal och skäl. Aldrig
    "Vet ej": saknas berörda svarar raden Nej med skälet att ingen registrerats."""
    svar = []
    for rad in tackning_per_namnd(user, nod, fran, till):
        for fraga, falt in IVO_FRAGOR:
            antal, totalt = rad[falt], rad["berorda"]
            ja = totalt > 0 and antal == totalt
            if totalt == 0:
                skal = "Inga berörda enskilda är registrerade för perioden."
            elif ja:
                skal = f"Alla {totalt} berörda."
            else:
                skal = f"{totalt - antal} av {totalt} berörda saknas."
            svar.append(
                {
                    "namnd": rad["namnd__namn"],
                    "fraga": fraga,
                    "svar": "Ja" if ja else "Nej",
                    "antal": antal,
                    "berorda": totalt,
                    "skal": skal,
                }
            )
        svar.append(
            {
                "namnd": rad["namnd__namn"],
                "fraga": "Finns riskanalys för varje förändring?",
                "svar": "Nej" if rad["forandringar_utan_riskanalys"] else "Ja",
                "antal": rad["forandringar_utan_riskanalys"],
                "berorda": rad["berorda"],
                "skal": f"{rad['forandringar_utan_riskanalys']} förändringar saknar riskanalys.",
            }
        )
    return svar


# --- ej verkställda beslut ---------------------------------------------------------------------------


def ej_verkstallda(user, *, oppna: bool = True) -> QuerySet:
    qs = access.scope(user, EjVerkstalltBeslut).select_related("brukare", "insats__typ", "namnd")
    if oppna:
        qs = qs.filter(verkstallt__isnull=True, avslutat__isnull=True)
    return qs.order_by("fran", "pk")


def _rapporterade_under_aret(qs, ar: int):
    """Beslut som passerat tremånadersgränsen senast årets sista dag och var oavslutade någon gång under året."""
    borjan, slut = datetime.date(ar, 1, 1), datetime.date(ar, 12, 31)
    return (
        qs.filter(fran__lt=services.tremanadersgrans_bakat(slut))
        .filter(Q(verkstallt__isnull=True) | Q(verkstallt__gte=borjan))
        .filter(Q(avslutat__isnull=True) | Q(avslutat__gte=borjan))
    )


def ej_verkstallda_per_lag_och_typ(user, nod: OrgNod, ar: int) -> list[dict]:
    """Antal ej verkställda beslut per lag och insatstyp under året, med föregående år (som tabellen i
    kvalitetsberättelsen, seed 003 avsnitt 6.1.1). Bara antal."""
    qs = access.scope(user, EjVerkstalltBeslut, access.UPPFOLJNING_STATISTIK).filter(
        namnd__sokvag__startswith=nod.sokvag
    )

    def per(ar_):
        return {
            (r["lag"], r["insats__typ__namn"]): r["antal"]
            for r in _rapporterade_under_aret(qs, ar_)
            .values("lag", "insats__typ__namn")
            .annotate(antal=Count("pk"))
        }

    nu, forra = per(ar), per(ar - 1)
    return [
        {
            "lag": lag,
            "insatstyp": typ,
            "antal": nu.get((lag, typ), 0),
            "antal_forra_aret": forra.get((lag, typ), 0),
        }
        for lag, typ in sorted(set(nu) | set(forra))
    ]


def vantetider(user, nod: OrgNod, idag: datetime.date | None = None) -> list[dict]:
    """Dagar väntat per öppet ärende (pseudonym, inga namn), längst först; underlag för särskild avgift."""
    idag = idag or timezone.localdate()
    qs = (
        access.scope(user, EjVerkstalltBeslut, access.UPPFOLJNING_STATISTIK)
        .filter(namnd__sokvag__startswith=nod.sokvag, verkstallt__isnull=True, avslutat__isnull=True)
        .values("pk", "pseudonym", "lag", "insats__typ__namn", "fran")
    )
    rader = [{**r, "dagar": (idag - r["fran"]).days} for r in qs]
    return sorted(rader, key=lambda r: -r["dagar"])


def mina_uppgifter(user) -> list[Uppgift]:
    """Ofullständiga egna ärenden (högst 20) och odokumenterade ej verkställda beslut."""
    if not access.har_roll(user, access.HANDLAGGARE):
        return []
    uppgifter = []
    for a in mina_arenden(user).exclude(KOMPLETT)[:20]:
        uppgifter.append(
            Uppgift(
                rubrik=f"Uppföljning: {access.brukare_visningsnamn(user, a.brukare)}",
                lank=reverse("uppfoljning:arende", args=[a.pk]),
                kalla="uppfoljning",
                forfaller=a.uppfoljning_planerad,
                detalj="Saknas: " + ", ".join(a.saknas()),
            )
        )
    odokumenterade = ej_verkstallda(user).filter(brukare__handlaggare=user, orsak="").count()
    if odokumenterade:
        uppgifter.append(
            Uppgift(
                rubrik=f"{odokumenterade} ej verkställda beslut saknar orsak",
                lank=reverse("uppfoljning:ej_verkstallda"),
                kalla="uppfoljning",
            )
        )
    return uppgifter


def aktiva_insatser_per_manad(user, nod: OrgNod | None, manader: list[datetime.date]) -> list[dict]:
    """Volymen för styrdiagrammen: antal insatser som var verkställda någon dag under månaden (start senast
    månadens sista dag, inte avslutade före dess första), per utförande enhet under noden (utan nod: alla användarens):
    [{"enhet_id", "manad", "antal"}], bara antal > 0. Enheter där användaren räknar statistik
    (`access.volymscope`); inga personuppgifter lämnar frågan. EN fråga: grupperad på enhet med en villkorad
    räkning per månad (fungerar likadant i PostgreSQL och SQLite-demon)."""
    from kvalitet.models import Insats

    if not manader:
        return []
    kolumner = {}
    for i, m in enumerate(manader):
        slut = (m + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
        pagar = Q(startdatum__lte=slut) & (Q(slutdatum__isnull=True) | Q(slutdatum__gte=m))
        kolumner[f"m{i}"] = Count("pk", filter=pagar)
    under = {"enhet__sokvag__startswith": nod.sokvag} if nod else {}
    rader = (
        access.volymscope(user, Insats.objects.all())
        .filter(**under, startdatum__lte=manader[-1] + datetime.timedelta(days=31))
        .filter(Q(slutdatum__isnull=True) | Q(slutdatum__gte=manader[0]))
        .values("enhet_id")
        .annotate(**kolumner)
        .order_by()
    )
    return [
        {"enhet_id": r["enhet_id"], "manad": m, "antal": r[f"m{i}"]}
        for r in rader
        for i, m in enumerate(manader)
        if r[f"m{i}"]
    ]


def ej_verkstallda_for_period(user, nod: OrgNod, fran: datetime.date, till: datetime.date) -> list[dict]:
    """Ej verkställda beslut under noden per lag och insatstyp för en godtycklig period: beslut som passerat
    tremånadersgränsen senast periodens sista dag och var oavslutade någon gång under perioden (samma regel
    som årets tabell). [{"lag", "insatstyp", "antal"}]; bara antal."""
    qs = (
        access.scope(user, EjVerkstalltBeslut, access.UPPFOLJNING_STATISTIK)
        .filter(namnd__sokvag__startswith=nod.sokvag, fran__lt=services.tremanadersgrans_bakat(till))
        .filter(Q(verkstallt__isnull=True) | Q(verkstallt__gte=fran))
        .filter(Q(avslutat__isnull=True) | Q(avslutat__gte=fran))
    )
    rader = (
        qs.values("lag", "insats__typ__namn").annotate(antal=Count("pk")).order_by("lag", "insats__typ__namn")
    )
    return [{"lag": r["lag"], "insatstyp": r["insats__typ__namn"], "antal": r["antal"]} for r in rader]
