"""Läsningar (med åtkomst först) och sammanställningen bakom kvalitetsberättelsen.

`samla(user, nod, ar)` hämtar årets siffror för noden ur de andra apparnas query-funktioner (samma
funktioner som deras statistiksidor använder) och returnerar en JSON-bar dict, så att en publicerad
version kan frysa exakt det som visades.
"""

import datetime
import logging
from decimal import Decimal

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from avvikelser import queries as avvikelser_queries
from kvalitet import access
from kvalitet.models import NodTyp, OrgNod, Roll
from kvalitet.models.kvalitetsarbete import (
    Forbattringsatgard,
    Indikatorkalla,
    Indikatorvarde,
    Jamforelsevarde,
    Kontrollpunkt,
    Malindikator,
)
from kvalitet.queries import giltiga_tilldelningar
from kvalitet.uppgifter import Uppgift
from lexsarah import queries as lexsarah_queries
from rapporter import samlad
from rapporter.models import Kvalitetsberattelse, PubliceradVersion
from riskanalys import queries as riskanalys_queries
from uppfoljning import queries as uppfoljning_queries

logger = logging.getLogger(__name__)

RIKET = "0000"


# --- listor --------------------------------------------------------------------------------------


def berattelser(user) -> QuerySet:
    """Berättelser användaren får läsa, med noden förhämtad och antal publicerade versioner."""
    return (
        access.scope(user, Kvalitetsberattelse)
        .select_related("nod")
        .annotate(antal_versioner=Count("versioner"))
        .order_by("-ar", "nod__namn")
    )


def versioner(user, berattelse: Kvalitetsberattelse) -> QuerySet:
    return (
        access.scope(user, PubliceradVersion)
        .filter(berattelse=berattelse)
        .select_related("publicerad_av")
        .order_by("-nummer")
    )


def noder_att_valja(user) -> QuerySet:
    """Nämnder och områden där användaren får skriva en berättelse."""
    return OrgNod.objects.filter(
        pk__in=access.noder(user, access.KVALITETSSAMORDNARE),
        typ__in=(NodTyp.NAMND, NodTyp.VERKSAMHETSOMRADE),
        aktiv=True,
    ).order_by("sokvag")


def mina_uppgifter(user, idag: datetime.date | None = None) -> list[Uppgift]:
    """Kvalitetssamordnaren, januari–mars: förra årets berättelse ska publiceras senast 31 mars."""
    if not access.har_roll(user, access.KVALITETSSAMORDNARE):
        return []
    idag = idag or timezone.localdate()
    if idag.month > 3:
        return []
    forra = idag.year - 1
    qs = access.scope(user, Kvalitetsberattelse, access.ANDRA).filter(ar=forra, versioner__isnull=True)
    return [
        Uppgift(
            rubrik=f"Publicera kvalitetsberättelse {b.ar} för {b.nod.namn}",
            lank=reverse("rapporter:detalj", args=[b.pk]),
            kalla="rapporter",
            forfaller=datetime.date(idag.year, 3, 31),
        )
        for b in qs.select_related("nod")
    ]


# --- sammanställningen ---------------------------------------------------------------------------


def _period(ar: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(ar, 1, 1), datetime.date(ar, 12, 31)


def _under(nod: OrgNod) -> QuerySet:
    return OrgNod.objects.filter(sokvag__startswith=nod.sokvag).values("pk")


def _ovanfor_och_under(nod: OrgNod) -> Q:
    ovan = [int(x) for x in nod.sokvag.strip("/").split("/") if x]
    return Q(pk__in=ovan) | Q(sokvag__startswith=nod.sokvag)


def _tal(v) -> float | None:
    if v is None:
        return None
    return float(v)


def klagomal_per_ar(user, nod: OrgNod, ar_lista: list[int]) -> dict[int, int]:
    """Klagomål och synpunkter (alla typer) per år de kom in, inom användarens scope under noden."""
    return avvikelser_queries.klagomal_per_ar(user, _under(nod), ar_lista)


def klagomal_sammanstallning(user, nod: OrgNod, ar: int) -> dict:
    """Årets klagomål och synpunkter (avvikelser.queries.klagomal_arssammanstallning)."""
    return avvikelser_queries.klagomal_arssammanstallning(user, nod, _under(nod), *_period(ar))


def berakna_indikator(user, nod: OrgNod, ar: int, berakning: str) -> float | None:
    """Värdet för en beräknad indikator (procent med en decimal), None när underlaget saknas."""
    return avvikelser_queries.andel_for_indikator(user, _under(nod), *_period(ar), berakning)


def mal_och_indikatorer(user, nod: OrgNod, ar: int) -> list[dict]:
    """Målen för noden (och noderna ovanför: nämndens mål gäller området) med indikatorer: målvärde,
    årets och förra årets resultat och om målet nåddes. Beräknade indikatorer räknas ur registren."""
    noder = OrgNod.objects.filter(_ovanfor_och_under(nod)).values("pk")
    indikatorer = list(
        access.scope(user, Malindikator)
        .filter(mal__nod__in=noder, mal__ar=ar)
        .select_related("mal")
        .order_by("mal__rubrik", "mal_id", "namn", "pk")
    )
    varden = {
        (v.indikator_id, v.ar): v.varde
        for v in Indikatorvarde.objects.filter(indikator__in=indikatorer, ar__in=(ar, ar - 1))
    }
    mal: dict[int, dict] = {}
    for ind in indikatorer:
        if ind.kalla == Indikatorkalla.BERAKNAD and ind.berakning:
            varde = berakna_indikator(user, nod, ar, ind.berakning)
            forra = berakna_indikator(user, nod, ar - 1, ind.berakning)
        else:
            varde, forra = _tal(varden.get((ind.pk, ar))), _tal(varden.get((ind.pk, ar - 1)))
        uppfyllt = ind.uppfyllt(Decimal(str(varde))) if varde is not None else None
        m = mal.setdefault(ind.mal_id, {"mal": ind.mal.rubrik, "indikatorer": []})
        m["indikatorer"].append(
            {
                "namn": ind.namn,
                "malvarde": float(ind.malvarde),
                "riktning": ind.riktning,
                "enhet": ind.enhet,
                "kalla": ind.get_kalla_display(),
                "varde": varde,
                "forra": forra,
                "uppfyllt": uppfyllt,
            }
        )
    return list(mal.values())


def organisation(nod: OrgNod) -> dict:
    """Områden och enheter under noden, och vem som har ansvar (chefer och kvalitetssamordnare)."""
    noder = list(OrgNod.objects.filter(sokvag__startswith=nod.sokvag, aktiv=True).order_by("sokvag"))
    omraden = [
        {
            "namn": o.namn,
            "enheter": [e.namn for e in noder if e.forelder_id == o.pk],
        }
        for o in noder
        if o.typ == NodTyp.VERKSAMHETSOMRADE
    ]
    if nod.typ == NodTyp.VERKSAMHETSOMRADE and not omraden:
        omraden = [{"namn": nod.namn, "enheter": [e.namn for e in noder if e.forelder_id == nod.pk]}]
    # Rollerna som gäller i dag (giltig från/till), på noden, ovanför den och under den.
    ansvar = (
        giltiga_tilldelningar(
            nod, (Roll.KVALITETSSAMORDNARE, Roll.VERKSAMHETSCHEF, Roll.ENHETSCHEF), och_under=True
        )
        .select_related("anvandare", "nod")
        .order_by("roll", "nod__sokvag", "anvandare__last_name")
    )
    roller = [
        {
            "roll": r.get_roll_display(),
            "nod": r.nod.namn,
            "person": r.anvandare.get_full_name() or r.anvandare.get_username(),
        }
        for r in ansvar
    ]
    return {"omraden": omraden, "roller": roller}


def egenkontroll(user, nod: OrgNod, ar: int) -> list[dict]:
    qs = (
        access.scope(user, Kontrollpunkt)
        .filter(plan__ar=ar, plan__nod__in=OrgNod.objects.filter(_ovanfor_och_under(nod)).values("pk"))
        .order_by("plan__nod__sokvag", "pk")
    )
    return list(qs.values("aktivitet", "ansvarig", "nar", "uppfoljning", "iakttagelser", "genomford"))


def forbattringsplan(user, nod: OrgNod, ar: int) -> list[dict]:
    """Förbättringsplanen för året efter berättelsens år (nästa års inriktning)."""
    qs = (
        access.scope(user, Forbattringsatgard)
        .filter(ar=ar + 1, nod__in=OrgNod.objects.filter(_ovanfor_och_under(nod)).values("pk"))
        .order_by("omrade", "pk")
    )
    return list(qs.values("omrade", "atgard", "ansvarig", "uppfoljning"))


def jamforelser(nod: OrgNod, ar: int, kommunkod: str) -> list[dict]:
    """Nationella jämförelser (Kolada) för de KPI:er som målindikatorerna pekar på: kommunen och riket,
    året och året före."""
    namn = {}
    for kpi, ind_namn in Malindikator.objects.exclude(kolada_kpi="").values_list("kolada_kpi", "namn"):
        namn.setdefault(kpi, ind_namn)
    varden = {
        (v.kpi, v.kommun, v.period): _tal(v.varde)
        for v in Jamforelsevarde.objects.filter(
            kpi__in=namn, kommun__in=(kommunkod, RIKET), period__in=(ar, ar - 1), kon="T"
        )
    }
    return [
        {
            "kpi": kpi,
            "namn": namn[kpi],
            "kommun": varden.get((kpi, kommunkod, ar)),
            "kommun_forra": varden.get((kpi, kommunkod, ar - 1)),
            "riket": varden.get((kpi, RIKET, ar)),
        }
        for kpi in sorted(namn)
    ]


def avvikelser_sammanstallning(user, nod: OrgNod, ar: int) -> dict:
    """Fyraårsöversikten (avvikelser, klagomål, lex Sarah, totalt) och årets avvikelser per kategori
    (med andel), per område och per månad – samma funktioner som avvikelsernas statistiksida."""
    ar_lista = list(range(ar - 3, ar + 1))
    per_kategori_fyra = avvikelser_queries.fyra_ar_per_kategori(user, nod, ar)
    avv = {a: sum(r["ar"][a] for r in per_kategori_fyra) for a in ar_lista}
    klag = klagomal_per_ar(user, nod, ar_lista)
    lex = {a: lexsarah_queries.antal_per_ar(user, nod, a) for a in ar_lista}
    rader = [
        {"rubrik": "Avvikelser enl. SoL, LSS", "ar": [avv[a] for a in ar_lista]},
        {"rubrik": "Synpunkter och klagomål SoL, LSS", "ar": [klag[a] for a in ar_lista]},
        {"rubrik": "Lex Sarah", "ar": [lex[a] for a in ar_lista]},
    ]
    totalt = [sum(r["ar"][i] or 0 for r in rader) for i in range(len(ar_lista))]
    stat = avvikelser_queries.periodstatistik(user, nod, *_period(ar))
    summa = stat.totalt
    return {
        "ar_lista": ar_lista,
        "oversikt": rader,
        "totalt": totalt,
        "lexsarah_saknas": any(v is None for v in lex.values()),
        "antal": summa,
        "per_kategori": [
            {
                "kategori": r["kategori__namn"],
                "antal": r["antal"],
                "andel": round(100 * r["antal"] / summa, 1) if summa else 0.0,
            }
            for r in stat.per_kategori
        ],
        "per_omrade": [{"omrade": r["enhet__forelder__namn"], "antal": r["antal"]} for r in stat.per_omrade],
        "per_manad": [{"manad": r["manad"].month, "antal": r["antal"]} for r in stat.per_manad],
        "styrdiagram": avvikelser_queries.styrdiagram_for_ar(user, nod, ar),
    }


def _json(v):
    """Gör andra appars svar JSON-bara (datum, Decimal, modellobjekt) innan de fryses."""
    if isinstance(v, dict):
        return {str(k): _json(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [_json(x) for x in v]
    if isinstance(v, Decimal):
        return float(v)
    if isinstance(v, datetime.date):
        return v.isoformat()
    if v is None or isinstance(v, bool | int | float | str):
        return v
    return str(v)


def samla(user, nod: OrgNod, ar: int, *, kommunkod: str | None = None) -> dict:
    """Alla siffror och tabeller i berättelsen för noden och året, inom användarens scope.
    Avsnitt vars källa saknas är None."""
    from django.conf import settings

    kommunkod = kommunkod or settings.KOLADA_KOMMUNKOD
    fran, till = _period(ar)
    risk = riskanalys_queries.arssammanstallning(user, nod, ar)
    risk_forra = riskanalys_queries.arssammanstallning(user, nod, ar - 1)
    risk_lista = riskanalys_queries.arets_analyser(user, nod, ar)
    data = {
        "nod": nod.namn,
        "ar": ar,
        "organisation": organisation(nod),
        "mal": mal_och_indikatorer(user, nod, ar),
        "riskanalyser": None if risk is None else {"ar": risk, "forra": risk_forra, "lista": risk_lista},
        "egenkontroll": egenkontroll(user, nod, ar),
        "avvikelser": avvikelser_sammanstallning(user, nod, ar),
        "klagomal": klagomal_sammanstallning(user, nod, ar),
        "lexsarah": lexsarah_queries.register(user, nod, ar),
        "uppfoljning": uppfoljning_queries.tackning(user, nod, fran, till),
        # Den enskildes röst: andelar per fråga och nämnd, och citat samordnaren valt (inga namn).
        "enskildas_rost": uppfoljning_queries.enskildas_rost(user, nod, fran, till),
        "ej_verkstallda": uppfoljning_queries.ej_verkstallda_per_lag_och_typ(user, nod, ar),
        # Som Herrljunga redovisar dem (område → insatstyp, personer); äldre frysta versioner har bara raden ovan.
        "ej_verkstallda_omrade": uppfoljning_queries.ej_verkstallda_per_omrade(user, nod, ar),
        "forbattringsplan": forbattringsplan(user, nod, ar),
        "jamforelser": jamforelser(nod, ar, kommunkod),
        "samlad_analys": samlad.for_berattelsen(user, nod, ar),
    }
    return _json(data)
