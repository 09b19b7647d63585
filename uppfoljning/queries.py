"""Läsningar (med åtkomst först) och sammanställningar som andra appar och rapporter anropar."""

from __future__ import annotations

import datetime

from django.db.models import Count, DateField, Q, QuerySet, Value
from django.db.models.functions import Coalesce, Least, NullIf, TruncDate
from django.urls import reverse
from django.utils import timezone

from kvalitet import access
from kvalitet.models import Insats, NodTyp, OrgNod
from kvalitet.uppgifter import Uppgift
from uppfoljning import services
from uppfoljning.models import (
    ROSTFRAGOR,
    Bortval,
    EjVerkstalltBeslut,
    Forandring,
    ForandringTyp,
    Kontakt,
    Uppfoljningsarende,
)

# Villkoren för ett komplett ärende, som SQL (samma regler som Uppfoljningsarende.saknas()).
# `forsta_kontakt` är den första direkta kontakten: kontakt via utföraren räknas inte som kontakt.
KONTAKTAD = Q(forsta_kontakt__isnull=False)
BARA_INDIREKT_KONTAKT = ~KONTAKTAD & Q(indirekt_kontakt__isnull=False)
BEHOV_BEDOMT = Q(behov_bedomt__isnull=False)
ATGARDER_BESLUTADE = Q(atgarder_behovs=False) | (Q(atgarder_behovs=True) & ~Q(atgarder=""))
UPPFOLJD = Q(uppfoljning_gjord__isnull=False) & ~Q(utfall="")
# En uppföljning på indirekt information gör inte ärendet komplett (se Uppfoljningsarende.saknas()).
KOMPLETT = KONTAKTAD & BEHOV_BEDOMT & ATGARDER_BESLUTADE & UPPFOLJD & Q(uppfoljd_utan_kontakt=False)
# "Uppföljd utan kontakt med den enskilde": på indirekt information, eller utan någon direkt kontakt.
UPPFOLJD_UTAN_KONTAKT = UPPFOLJD & (Q(uppfoljd_utan_kontakt=True) | ~KONTAKTAD)

# Luckorna man kan borra ner i från översikten.
BRISTER = {
    "ej_kontaktade": ~KONTAKTAD,
    "ej_bedomda": ~BEHOV_BEDOMT,
    "utan_atgarder": ~ATGARDER_BESLUTADE,
    "ej_uppfoljda": ~UPPFOLJD,
    "ej_kompletta": ~KOMPLETT,
    "bara_indirekt_kontakt": BARA_INDIREKT_KONTAKT,
    "uppfoljda_utan_kontakt": UPPFOLJD_UTAN_KONTAKT,
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


def berorda_forhandsvisning(forandring, datum: datetime.date) -> list:
    """Förhandsvisningen av ett urval: brukarna som skulle få ett ärende (samma definition som
    bekräftelsen, `services.berorda_kandidater`), med enhet och handläggare, sorterade på namn.
    Anroparen har redan kontrollerat att användaren får ändra förändringen; namnen visas med
    `access.brukare_visningsnamn` och visningen loggas av vyn."""
    kandidater = services.berorda_kandidater(forandring, datum)
    insatser = (
        Insats.objects.filter(pk__in=[v[0] for v in kandidater.values()])
        .select_related("brukare__handlaggare", "enhet")
        .order_by("brukare__efternamn", "brukare__fornamn", "brukare_id")
    )
    return [(i.brukare, i.enhet) for i in insatser]


# Fälten i förändringens historik, med rubriken de har i formuläret.
_HISTORIKFALT = {
    "rubrik": "Rubrik",
    "typ": "Slag av förändring",
    "giltig_fran": "Gäller från",
    "giltig_till": "Gäller till",
    "orsak": "Orsak",
    "beslutad_av": "Beslutad av",
    "riskanalys": "Riskanalys",
}


def _historikvarde(rad, falt: str, analyser: dict) -> str:
    varde = getattr(rad, f"{falt}_id" if falt == "riskanalys" else falt)
    if varde in (None, ""):
        return "–"
    if falt == "typ":
        return ForandringTyp(varde).label
    if falt == "riskanalys":
        return str(analyser.get(varde, f"Riskanalys {varde}"))
    if isinstance(varde, datetime.date):
        return f"{varde:%Y-%m-%d}"
    return str(varde)


def forandring_historik(user, forandring) -> list[dict]:
    """Förändringens historik, äldst först: när den registrerades, varje rättelse (fält, före → efter,
    vem, när) och varje bortval vid ett urval (vem som valde bort vem, med skäl). Brukarna i bortvalen
    returneras som objekt så att vyn kan visa namnen enligt åtkomsten och logga visningen. Tre frågor
    oavsett antal rader."""
    rader = list(forandring.history.select_related("history_user").order_by("history_date", "history_id"))
    # Rubrikerna på analyserna som varit kopplade (genom relationen, som förändringens sida visar dem).
    analysmodell = Forandring._meta.get_field("riskanalys").related_model
    analyser = analysmodell.objects.in_bulk({r.riskanalys_id for r in rader if r.riskanalys_id})
    handelser = []
    fore = None
    for rad in rader:
        vem = access.aktor_visningsnamn(user, forandring, rad.history_user)
        if fore is None:
            handelser.append({"nar": rad.history_date, "vem": vem, "vad": "Registrerade förändringen"})
        else:
            andringar = [
                (rubrik, _historikvarde(fore, falt, analyser), _historikvarde(rad, falt, analyser))
                for falt, rubrik in _HISTORIKFALT.items()
                if _historikvarde(fore, falt, analyser) != _historikvarde(rad, falt, analyser)
            ]
            if andringar:
                handelser.append(
                    {
                        "nar": rad.history_date,
                        "vem": vem,
                        "vad": "Rättade förändringen",
                        "andringar": andringar,
                    }
                )
        fore = rad
    bortval = access.scope(user, Bortval).filter(forandring=forandring).select_related("brukare", "av")
    for b in bortval:
        handelser.append(
            {
                "nar": b.skapad,
                "vem": access.aktor_visningsnamn(user, forandring, b.av),
                "vad": f"Valde bort en enskild vid urvalet {b.urvalsdatum:%Y-%m-%d}",
                "brukare": b.brukare,
                "skal": b.skal,
            }
        )
    handelser.sort(key=lambda h: h["nar"])
    return handelser


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
    qs = _arendeperiod(qs, fran, till)
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


_LANGT_FRAM = datetime.date(9999, 12, 31)


def _arendedatum():
    """Dagen ett ärende hör till en period: förändringens startdag; för ett eget val dagen för valet,
    annars ärendets första egna händelse (kontakt, bedömning, uppföljning). Inmatningsdagen (`skapad`)
    bara när inget annat finns, så att ett ärende som matas in i efterhand räknas för sin period."""
    handelser = [
        Coalesce(f, Value(_LANGT_FRAM), output_field=DateField())
        for f in ("forsta_kontakt", "indirekt_kontakt", "behov_bedomt", "uppfoljning_gjord")
    ]
    return Coalesce(
        "forandring__giltig_fran",
        "eget_val_datum",
        NullIf(Least(*handelser), Value(_LANGT_FRAM)),
        TruncDate("skapad"),
        output_field=DateField(),
    )


def _arendeperiod(qs, fran, till):
    if not fran and not till:
        return qs
    return _period(qs.alias(arendedatum=_arendedatum()), "arendedatum", fran, till)


def _arenden_under(user, nod: OrgNod, fran=None, till=None) -> QuerySet:
    qs = access.scope(user, Uppfoljningsarende, access.UPPFOLJNING_STATISTIK).filter(
        nod__sokvag__startswith=nod.sokvag
    )
    return _arendeperiod(qs, fran, till)


def _forandringar_under(user, nod: OrgNod, fran=None, till=None) -> QuerySet:
    qs = access.scope(user, Forandring, access.UPPFOLJNING_STATISTIK)
    berorda = Forandring.objects.filter(
        Q(nod__sokvag__startswith=nod.sokvag) | Q(enheter__sokvag__startswith=nod.sokvag)
    ).values("pk")
    return _period(qs.filter(pk__in=berorda), "giltig_fran", fran, till)


_TAL = (
    "berorda",
    "kontaktade",
    "bara_indirekt_kontakt",
    "behov_bedomda",
    "atgarder_beslutade",
    "uppfoljda",
    "uppfoljda_utan_kontakt",
    "kompletta",
)


def _tal() -> dict:
    return {
        "berorda": Count("pk"),
        "kontaktade": Count("pk", filter=KONTAKTAD),
        "bara_indirekt_kontakt": Count("pk", filter=BARA_INDIREKT_KONTAKT),
        "behov_bedomda": Count("pk", filter=BEHOV_BEDOMT),
        "atgarder_beslutade": Count("pk", filter=ATGARDER_BESLUTADE),
        "uppfoljda": Count("pk", filter=UPPFOLJD),
        "uppfoljda_utan_kontakt": Count("pk", filter=UPPFOLJD_UTAN_KONTAKT),
        "kompletta": Count("pk", filter=KOMPLETT),
    }


def _rakna_arenden(qs) -> dict:
    return qs.aggregate(**_tal())


def tackning(user, nod: OrgNod, fran: datetime.date | None = None, till: datetime.date | None = None) -> dict:
    """Täckningen under `nod` för perioden (förändringar som börjar gälla i den, och ärenden efter
    förändringens och ärendets egna datum, se `_arendedatum`; inte inmatningsdagen): antal förändringar,
    förändringar utan riskanalys, berörda, kontaktade (bara direkt kontakt), behov bedömda, åtgärder
    beslutade, uppföljda, kompletta. Tillagda nycklar: `bara_indirekt_kontakt` (kontakt bara via
    utföraren), `uppfoljda_utan_kontakt` ("Uppföljd utan kontakt med den enskilde", ingår i `uppfoljda`)
    och `uppfoljda_med_kontakt`. Bara antal, så ledningen får läsa den."""
    forandringar = _forandringar_under(user, nod, fran, till).aggregate(
        forandringar=Count("pk"), forandringar_utan_riskanalys=Count("pk", filter=Q(riskanalys__isnull=True))
    )
    tal = _rakna_arenden(_arenden_under(user, nod, fran, till))
    tal["uppfoljda_med_kontakt"] = tal["uppfoljda"] - tal["uppfoljda_utan_kontakt"]
    return {**forandringar, **tal}


def tackning_per_namnd(user, nod: OrgNod, fran=None, till=None) -> list[dict]:
    """Nämnderna under `nod` sida vid sida (en gruppering i SQL), med andelar i procent."""
    rader = (
        _arenden_under(user, nod, fran, till)
        .values("namnd_id", "namnd__namn")
        .annotate(**_tal())
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
        r["uppfoljda_med_kontakt"] = r["uppfoljda"] - r["uppfoljda_utan_kontakt"]
        for falt in (
            "kontaktade",
            "bara_indirekt_kontakt",
            "atgarder_beslutade",
            "uppfoljda",
            "uppfoljda_utan_kontakt",
            "kompletta",
        ):
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
                if falt == "kontaktade" and rad["bara_indirekt_kontakt"]:
                    skal += f" Varav {rad['bara_indirekt_kontakt']} bara kontaktade via utföraren (indirekt)."
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
        utan, uppfoljda = rad["uppfoljda_utan_kontakt"], rad["uppfoljda"]
        svar.append(
            {
                "namnd": rad["namnd__namn"],
                "fraga": "Har uppföljningen gjorts i kontakt med den enskilde?",
                "svar": "Ja" if uppfoljda and not utan else "Nej",
                "antal": uppfoljda - utan,
                "berorda": rad["berorda"],
                "skal": (
                    f"{utan} av {uppfoljda} uppföljda utan kontakt med den enskilde (indirekt information)."
                    if uppfoljda
                    else "Inga uppföljningar är registrerade för perioden."
                ),
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


# --- den enskildes röst --------------------------------------------------------------------------------

HAR_ROST = Q(citat__gt="") | Q(rost_delaktig__gt="") | Q(rost_behov__gt="") | Q(rost_upplevelse__gt="")


def _rostkolumner() -> dict:
    kolumner = {"svar": Count("pk", filter=HAR_ROST)}
    for falt, _fraga, skala in ROSTFRAGOR:
        for varde in skala.values:
            kolumner[f"{falt}__{varde}"] = Count("pk", filter=Q(**{falt: varde}))
    return kolumner


def _andelar(rad: dict) -> dict:
    """Antal och andel (procent av dem som svarat på frågan, "Vill inte svara" medräknat) per svar."""
    fragor = []
    for falt, fraga, skala in ROSTFRAGOR:
        svarade = sum(rad.get(f"{falt}__{v}", 0) for v in skala.values)
        fragor.append(
            {
                "falt": falt,
                "fraga": fraga,
                "svarade": svarade,
                "svar": [
                    {
                        "varde": v,
                        "etikett": str(etikett),
                        "antal": rad.get(f"{falt}__{v}", 0),
                        "andel": round(100 * rad.get(f"{falt}__{v}", 0) / svarade) if svarade else 0,
                    }
                    for v, etikett in skala.choices
                ],
            }
        )
    return {"svar": rad.get("svar", 0), "fragor": fragor}


def _summera(rader: list[dict]) -> dict:
    kolumner = _rostkolumner()
    return {k: sum(r[k] for r in rader) for k in kolumner}


def citat_att_valja(user, nod: OrgNod, fran=None, till=None) -> QuerySet:
    """Kontakter med citat under `nod` som samordnaren kan välja till kvalitetsberättelsen. Skyddade
    identiteters citat lämnas utanför: ett citat i en offentlig berättelse kan peka ut den enskilde."""
    qs = (
        access.scope(user, Kontakt, access.LASA)
        .filter(arende__nod__sokvag__startswith=nod.sokvag, arende__brukare__skyddad_identitet=False)
        .exclude(citat="")
        .select_related("arende__nod", "arende__namnd")
    )
    return _period(qs, "datum", fran, till).order_by("-datum", "-pk")


def enskildas_rost(user, nod: OrgNod, fran: datetime.date | None = None, till: datetime.date | None = None):
    """Den enskildes röst under `nod` för kontakter daterade i perioden, utan namn eller andra uppgifter
    som pekar ut någon. Andelarna räknas per registrerat svar (en kontakt med röst = ett svar) inom
    `UPPFOLJNING_STATISTIK` (ledningen får andelarna); citaten bara de samordnaren valt, inom läsrätten
    (ledningen får inga), utan skyddade identiteters.

    Form:
        {
          "svar": int,                                  # kontakter med minst ett svar eller citat
          "fragor": [{"falt", "fraga", "svarade",      # per fråga (ROSTFRAGOR), hela noden
                      "svar": [{"varde", "etikett", "antal", "andel"}]}],   # andel i hela procent
          "per_namnd": [{"nod_id", "namn", "svar", "fragor"}],   # nämnderna under noden
          "per_omrade": [{"nod_id", "namn", "svar", "fragor"}],  # verksamhetsområdena under noden
          "citat": [{"text", "fran"}],                  # valda citat; fran = "Den enskilde"/"Närstående"/…
        }
    """
    qs = _period(
        access.scope(user, Kontakt, access.UPPFOLJNING_STATISTIK).filter(
            arende__nod__sokvag__startswith=nod.sokvag
        ),
        "datum",
        fran,
        till,
    )
    rader = list(qs.values("arende__nod__sokvag", "arende__namnd_id").annotate(**_rostkolumner()).order_by())
    grupper = OrgNod.objects.filter(
        sokvag__startswith=nod.sokvag, typ__in=[NodTyp.NAMND, NodTyp.VERKSAMHETSOMRADE]
    ).values_list("pk", "namn", "typ", "sokvag")
    per_namnd, per_omrade = [], []
    for pk, namn, typ, sokvag in sorted(grupper, key=lambda g: g[1]):
        if typ == NodTyp.NAMND:
            mina = [r for r in rader if r["arende__namnd_id"] == pk]
        else:
            mina = [r for r in rader if r["arende__nod__sokvag"].startswith(sokvag)]
        (per_namnd if typ == NodTyp.NAMND else per_omrade).append(
            {"nod_id": pk, "namn": namn, **_andelar(_summera(mina))}
        )
    valda = citat_att_valja(user, nod, fran, till).filter(citat_valt=True)
    # Samma ord från flera kontakter visas en gång: berättelsen citerar röster, den räknar dem inte.
    citat, sedda = [], set()
    for k in valda:
        if k.citat.strip().casefold() not in sedda:
            sedda.add(k.citat.strip().casefold())
            citat.append({"text": k.citat, "fran": str(k.get_med_vem_display())})
    return {**_andelar(_summera(rader)), "per_namnd": per_namnd, "per_omrade": per_omrade, "citat": citat}


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


# --- ej verkställda beslut per område, som kvalitetsberättelsen redovisar dem ----------------------

# Herrljungas kvalitetsberättelse 2020 (seed 003, avsnitt 6.1.1): SoL per område, LSS för sig, en rad per
# insatstyp med föregående år inom parentes, delsumma per område och totalen, räknat i personer.
OMRADESGRUPPER = [
    ("aldreomsorg", "Enligt SoL – äldreomsorg"),
    ("funktionshinder", "Enligt SoL – funktionshinder/handikappomsorg"),
    ("ifo", "Enligt SoL – individ- och familjeomsorg"),
    ("sol_ovrigt", "Enligt SoL – område ej angivet för insatstypen"),
    ("lss", "Enligt LSS"),
]


def _grupp(lag: str, verksamhet: str) -> str:
    if lag == "LSS":
        return "lss"
    return verksamhet or "sol_ovrigt"


def _vantan(rad: dict, slut: datetime.date) -> int:
    """Dagar från beslutet (eller avbrottet) till verkställighet, avslut eller årets slut, det som kom först."""
    stopp = min(d for d in (rad["verkstallt"], rad["avslutat"], slut) if d is not None)
    return max((stopp - rad["fran"]).days, 0)


def _summera_ej_verkstallda(rader: list[dict], slut: datetime.date | None = None) -> dict:
    import statistics  # här och inte överst: resten av modulen ägs av andra ändringar

    personer = {r["brukare_id"] for r in rader}
    svar = {"personer": len(personer), "beslut": len(rader)}
    if slut is not None:
        dagar = sorted(_vantan(r, slut) for r in rader)
        svar["median_dagar"] = round(statistics.median(dagar)) if dagar else None
        svar["langst_dagar"] = dagar[-1] if dagar else None
    return svar


def ej_verkstallda_per_omrade(user, nod: OrgNod, ar: int, idag: datetime.date | None = None) -> dict:
    """Ej verkställda beslut och avbrott som rapporterats under året (samma urval som
    `ej_verkstallda_per_lag_och_typ`), grupperade som i kvalitetsberättelsen: område (SoL-insatstypens
    `verksamhet`, LSS för sig) → insatstyp. Räknat i personer (en person med två beslut av samma typ räknas
    en gång) och i beslut, för året och föregående år, med delsumma per område och totalen; väntetiden
    (median och längsta, dagar) gäller årets beslut fram till verkställighet, avslut eller årets slut.
    Alla fem grupperna finns med, tomma med noll, utom "område ej angivet" som bara visas när den används.
    Inga personuppgifter lämnar frågan."""
    idag = idag or timezone.localdate()
    ar = int(ar)
    qs = access.scope(user, EjVerkstalltBeslut, access.UPPFOLJNING_STATISTIK).filter(
        namnd__sokvag__startswith=nod.sokvag
    )
    falt = (
        "pk",
        "brukare_id",
        "lag",
        "insats__typ__namn",
        "insats__typ__verksamhet",
        "fran",
        "verkstallt",
        "avslutat",
    )
    per_ar = {a: list(_rapporterade_under_aret(qs, a).values(*falt)) for a in (ar, ar - 1)}
    slut = min(datetime.date(ar, 12, 31), idag)

    def nycklar(r):
        return _grupp(r["lag"], r["insats__typ__verksamhet"]), r["insats__typ__namn"]

    grupper = []
    for grupp, rubrik in OMRADESGRUPPER:
        nu = [r for r in per_ar[ar] if nycklar(r)[0] == grupp]
        forra = [r for r in per_ar[ar - 1] if nycklar(r)[0] == grupp]
        if grupp == "sol_ovrigt" and not (nu or forra):
            continue
        typer = sorted({nycklar(r)[1] for r in nu + forra})
        rader = []
        for typ in typer:
            r_nu = [r for r in nu if r["insats__typ__namn"] == typ]
            r_forra = [r for r in forra if r["insats__typ__namn"] == typ]
            s_nu, s_forra = _summera_ej_verkstallda(r_nu, slut), _summera_ej_verkstallda(r_forra)
            rader.append(
                {
                    "insatstyp": typ,
                    **s_nu,
                    "personer_forra": s_forra["personer"],
                    "beslut_forra": s_forra["beslut"],
                }
            )
        s_nu, s_forra = _summera_ej_verkstallda(nu, slut), _summera_ej_verkstallda(forra)
        grupper.append(
            {
                "grupp": grupp,
                "rubrik": rubrik,
                "rader": rader,
                **s_nu,
                "personer_forra": s_forra["personer"],
                "beslut_forra": s_forra["beslut"],
            }
        )
    s_nu, s_forra = _summera_ej_verkstallda(per_ar[ar], slut), _summera_ej_verkstallda(per_ar[ar - 1])
    return {
        "ar": ar,
        "grupper": grupper,
        "totalt": {**s_nu, "personer_forra": s_forra["personer"], "beslut_forra": s_forra["beslut"]},
    }


# --- individrapporterna till IVO: vad e-tjänsten frågar efter och var filerna finns -------------------

# Fälten i kvartalets individrapport, i den ordning IVO:s e-tjänst frågar (källa: REGULATION.md "Ej
# verkställda beslut", efter IVO:s vägledning för rapportering enligt SoL 16 kap 6 f–h §§ och LSS 28 f–h §§;
# seed 003 6.1.1 om dokumentationen under väntan). Inga namn eller personnummer: den enskilde är pseudonymen.
# (nyckel i Individrapport.data och CSV-kolumnen, vad IVO frågar efter)
IVO_INDIVIDRAPPORT_FALT = [
    (
        "pseudonym",
        "Identitet: ÅÅÅÅMMDD-T123, tredje tecknet efter strecket jämnt för kvinna, udda för man; samma hela perioden",
    ),
    ("lag", "Lag: SoL eller LSS"),
    ("insatstyp", "Vilket bistånd eller vilken LSS-insats beslutet gäller"),
    ("typ", "Ej verkställt beslut eller avbrott i verkställigheten"),
    ("beslutsdatum", "Datum för beslutet"),
    ("fran", "Datum då avbrottet började (för ett ej verkställt beslut: beslutsdatumet)"),
    ("orsak", "Skälen till dröjsmålet"),
    ("konsekvenser", "Konsekvenser för den enskilde"),
    ("under_vantan", "Vad den enskilde får under väntan"),
    ("erbjudanden", "När erbjudanden och uppföljningar har gjorts (datum)"),
    ("verkstallt", "Datum då beslutet verkställdes eller verkställigheten återupptogs"),
    ("avslutat", "Datum då ärendet avslutades utan verkställighet"),
]
PSEUDONYM_MONSTER = r"^\d{8}-[A-Z]\d{3}$"


def individrapporter_per_kvartal(user) -> list[dict]:
    """Kvartal med skapade individrapporter som användaren får läsa (samma scope som CSV-exporten), senaste
    först: år, kvartal, antal och hur många som saknar orsak eller har en pseudonym i fel form."""
    import re

    from uppfoljning.models import Individrapport

    qs = access.scope(user, Individrapport).values("ar", "kvartal", "data")
    per: dict[tuple[int, int], dict] = {}
    for r in qs:
        p = per.setdefault((r["ar"], r["kvartal"]), {"ar": r["ar"], "kvartal": r["kvartal"], "antal": 0,
                                                      "utan_orsak": 0, "fel_pseudonym": 0})  # fmt: skip
        p["antal"] += 1
        data = r["data"] or {}
        p["utan_orsak"] += not (data.get("orsak") or "").strip()
        p["fel_pseudonym"] += not re.match(PSEUDONYM_MONSTER, data.get("pseudonym") or "")
    return [
        {**p, "url": reverse("uppfoljning:individrapporter_export") + f"?ar={p['ar']}&kvartal={p['kvartal']}"}
        for _, p in sorted(per.items(), reverse=True)
    ]


# --- startsidan (kvalitet.startsida) -------------------------------------------------------------------

# Listorna bakom rutorna (kvalitet:start_lista); säkerhetsgenomgången prövar varje nyckel för varje roll.
STARTSIDA_NYCKLAR = ("uppfoljning-ofullstandiga", "uppfoljning-forsenade")

# Luckorna som visas som rutor för kvalitetssamordnaren, med rutans rubrik (listan: tackning_brist).
STARTSIDA_BRISTER = {
    "ej_kontaktade": "Berörda som inte kontaktats",
    "ej_bedomda": "Berörda vars behov inte bedömts",
    "utan_atgarder": "Berörda utan beslutade åtgärder",
    "ej_uppfoljda": "Berörda som inte följts upp",
}


def _startsida_ofullstandiga(user) -> QuerySet:
    return mina_arenden(user).exclude(KOMPLETT)


def _startsida_forsenade(user) -> QuerySet:
    """Egna ärenden där den planerade uppföljningen passerat utan att ha gjorts."""
    return mina_arenden(user).filter(
        uppfoljning_planerad__lt=timezone.localdate(), uppfoljning_gjord__isnull=True
    )


def startsida_urval(user, nyckel: str):
    from kvalitet.startsida import Rad, Urval

    urval = {
        "uppfoljning-ofullstandiga": ("Mina ofullständiga uppföljningsärenden", _startsida_ofullstandiga),
        "uppfoljning-forsenade": ("Mina ärenden med försenad uppföljning", _startsida_forsenade),
    }
    if nyckel not in urval or not access.har_roll(user, access.HANDLAGGARE):
        return None
    rubrik, fn = urval[nyckel]
    return Urval(
        rubrik=rubrik,
        qs=fn(user),
        # Namnet som i handläggarens egen lista: skyddad identitet visas bara för den egna handläggaren.
        rad=lambda a: Rad(
            rubrik=f"Uppföljning: {access.brukare_visningsnamn(user, a.brukare)}",
            lank=reverse("uppfoljning:arende", args=[a.pk]),
            datum=a.uppfoljning_planerad,
            detalj="Saknas: " + ", ".join(a.saknas()) if a.saknas() else "",
        ),
        brukare=lambda a: a.brukare_id,
    )


def startsida(user):
    """Handläggaren: egna ärenden som väntar; kvalitetssamordnaren: luckorna i nämndens uppföljning (tal,
    länkade till personerna bakom dem); ledningen: andelen kompletta ärenden per nämnd."""
    from kvalitet.startsida import Bidrag, Nyckeltal, Ruta

    b = Bidrag()
    lista = "kvalitet:start_lista"
    if access.har_roll(user, access.HANDLAGGARE):
        antal = mina_arenden(user).aggregate(
            ofullstandiga=Count("pk", filter=~KOMPLETT),
            forsenade=Count(
                "pk",
                filter=Q(uppfoljning_planerad__lt=timezone.localdate(), uppfoljning_gjord__isnull=True),
            ),
        )
        b.rutor.append(
            Ruta(
                "Mina ofullständiga uppföljningsärenden",
                antal["ofullstandiga"],
                reverse(lista, args=["uppfoljning-ofullstandiga"]),
                "uppfoljning",
            )
        )
        b.rutor.append(
            Ruta(
                "Mina ärenden med försenad uppföljning",
                antal["forsenade"],
                reverse(lista, args=["uppfoljning-forsenade"]),
                "uppfoljning",
                varning=True,
            )
        )
    if access.har_roll(user, access.KVALITETSSAMORDNARE):
        beh = access.behorighet(user)
        noder = OrgNod.objects.filter(pk__in=beh.tilldelade_noder(access.KVALITETSSAMORDNARE), aktiv=True)
        for nod in noder.order_by("sokvag"):
            antal = arenden(user, nod=nod).aggregate(
                **{brist: Count("pk", filter=BRISTER[brist]) for brist in STARTSIDA_BRISTER}
            )
            for brist, rubrik in STARTSIDA_BRISTER.items():
                b.rutor.append(
                    Ruta(
                        f"{rubrik} ({nod.namn})",
                        antal[brist],
                        f"{reverse('uppfoljning:tackning_brist', args=[brist])}?nod={nod.pk}",
                        "uppfoljning",
                        varning=True,
                    )
                )
    if access.har_roll(user, access.LEDNING):
        beh = access.behorighet(user)
        andelar: dict[int, int | None] = {}
        for nod in OrgNod.objects.filter(pk__in=beh.tilldelade_noder(access.LEDNING), aktiv=True):
            for r in tackning_per_namnd(user, nod):
                andelar[r["namnd_id"]] = r["andel_kompletta"] if r["berorda"] else None
        b.nyckeltal.append(
            Nyckeltal(
                "Kompletta uppföljningar av förändrade insatser",
                andelar,
                reverse("uppfoljning:tackning"),
                enhet="%",
            )
        )
    return b


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


# --- åtgärdsregistret (kvalitet.atgardsregister) ---------------------------------------------------


def atgardsregister(user, f) -> list:
    """De beslutade åtgärderna i uppföljningsärendena (ärenden där åtgärder behövs och är beskrivna), för
    dem som får läsa ärendet (handläggaren, nämndens handläggare och kvalitetssamordnare). Åtgärden följs
    upp i ärendets uppföljning: förfaller den planerade dagen, är klar när uppföljningen är gjord med
    utfall, och effekten är om behoven blev tillgodosedda. Raden visar ärendets nummer och förändringens
    rubrik, aldrig den enskildes namn (skyddad identitet)."""
    from kvalitet.atgardsregister import Atgardsrad, filtrera, personnamn, status_for

    if not f.tar_med("uppfoljning"):
        return []
    qs = filtrera(
        access.scope(user, Uppfoljningsarende).filter(atgarder_behovs=True).exclude(atgarder=""),
        f,
        nod="nod",
        klar=Q(uppfoljning_gjord__isnull=False) & ~Q(utfall=""),
        klar_senast="uppfoljning_planerad",
        ansvarig="handlaggare",
    ).select_related("nod", "forandring", "handlaggare")
    rader = []
    for a in qs:
        utfall = a.get_utfall_display() if a.utfall else ""
        rader.append(
            Atgardsrad(
                kalla="uppfoljning",
                pk=a.pk,
                referens=f"Uppföljning {a.pk}",
                rubrik=a.forandring.rubrik if a.forandring_id else a.get_egen_typ_display(),
                lank=reverse("uppfoljning:arende", args=[a.pk]),
                text=a.atgarder,
                nod_namn=a.nod.namn,
                status=status_for(
                    klar=a.uppfoljd, struken=False, klar_senast=a.uppfoljning_planerad, idag=f.dag
                ),
                ansvarig_id=a.handlaggare_id,
                ansvarig_namn=personnamn(a.handlaggare),
                klar_senast=a.uppfoljning_planerad,
                genomford=a.uppfoljning_gjord,
                effekt=f"Behoven tillgodosedda: {utfall}" if utfall else "",
                brukare_ids=(a.brukare_id,),
                # Samma nyckel som uppfoljning.services.svep:s påminnelse om förfallen uppföljning.
                paminnelse_nyckel=f"uppfoljning:{a.pk}:uppfoljning:{a.uppfoljning_planerad:%Y%m%d}"
                if a.handlaggare_id and a.uppfoljning_planerad
                else "",
            )
        )
    return rader
