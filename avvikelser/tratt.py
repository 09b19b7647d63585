"""Trattdiagram (funnel plot) över enheter och nämnder, Pareto över orsaker och nämnderna sida vid sida.

**Trattdiagrammet.** För varje enhet (eller nämnd) under perioden: c = avvikelser och V = Σ pågående
insatser per månad (insatsmånader), båda räknade över periodens hela månader då enheten hade volym (samma
urval som u-diagrammet i `styrdiagram.py`). Värdet är avvikelser per 100 insatser och månad, y = 100·c/V,
och volymen längs x är det genomsnittliga antalet pågående insatser per månad (V / antal månader).
Det sammanvägda värdet är θ = 100·Σc / ΣV över enheterna med volym. Under antagandet att enheten
rapporterar som helheten är c Poissonfördelat med λ = θ·V/100, och gränserna är **exakta Poissonkvantiler**
med Spiegelhalters interpolation (Stat Med 2005;24:1185–1202) så att kurvorna blir jämna trots att
antalen är heltal: för sannolikheten p är r det minsta heltalet med F(r) ≥ p och gränsen i antal är
r − (F(r) − p) / (F(r) − F(r − 1)); i värde 100·gränsen/V. Gränserna: 95 % (p = 0,025 och 0,975) och
99,8 % (p = 0,001 och 0,999). Poissonfördelningen räknas här (scipy finns inte) ur sannolikhetsfunktionen
i logaritmer; testerna prövar den mot handräknade summor och tabellvärden.

**Bedömning.** Över den övre 99,8 %-gränsen: undersök. Under den nedre 99,8 %-gränsen: *tyst enhet –
varningssignal (kan tyda på underrapportering)*; en låg rapportering är aldrig en framgång här. Mellan
95 % och 99,8 %: bevaka. En liten enhet har vida gränser (nedre gränsen är 0 när P(X = 0) ≥ 0,001), så
den flaggas inte av slumpen. Enheter utan volym (inga pågående insatser under perioden) kan inte jämföras
och listas för sig ("saknar volym").

**Tysta enheter på statistiksidan.** Den gamla regeln (`queries.tysta_enheter`: under en fjärdedel av
medianen avvikelser per plats, eller inga alls) tog inte hänsyn till slumpen: en enhet med fem platser och
noll avvikelser en månad flaggades, medan en stor enhet klart under de andra kunde passera. Statistiksidan
visar därför trattdiagrammets tysta enheter (under den nedre 99,8 %-gränsen, periodens hela månader).
Regeln finns kvar i `queries` för den som anropar den; de stämmer överens i riktning (båda letar efter
enheter som rapporterar långt mindre än andra relativt sin storlek) men trattens nämnare är pågående
insatser i stället för platser och tröskeln är statistisk.

Aggregeringen sker i SQL (`styrdiagram.ram`: antal per enhet och månad, volym per enhet och månad);
statistiken räknas med pandas på den aggregerade tabellen, aldrig på enskilda rader.
"""

from __future__ import annotations

import dataclasses
import datetime
import math

import pandas as pd
from django.db.models import Count, F, Q
from django.db.models.functions import Coalesce

from kvalitet import access
from kvalitet import diagram as diagrammodul
from kvalitet.models import NodTyp, OrgNod

# (namn, nedre p, övre p); den sista är den som flaggar.
NIVAER = (("95 %", 0.025, 0.975), ("99,8 %", 0.001, 0.999))
OVER = "Över 99,8 %-gränsen – undersök orsaken"
OVER_95 = "Över 95 %-gränsen – bevaka"
TYST = "Tyst enhet – varningssignal (kan tyda på underrapportering)"
TYST_NAMND = "Tyst nämnd – varningssignal (kan tyda på underrapportering)"
UNDER_95 = "Under 95 %-gränsen – bevaka rapporteringen"
INOM = "Inom gränserna"
KURVPUNKTER = 60


# --- Poissonfördelningen ---------------------------------------------------------------------------


def _pmf(k: int, lam: float) -> float:
    return math.exp(k * math.log(lam) - lam - math.lgamma(k + 1))


def _start(lam: float) -> int:
    # Massan under λ − 12·√λ − 12 är försumbar (< 1e-30); att börja där håller summan kort och undviker
    # e^−λ = 0 för stora λ.
    return max(0, math.floor(lam - 12 * math.sqrt(lam) - 12))


def poisson_cdf(k: int, lam: float) -> float:
    """P(X ≤ k) för X ~ Poisson(λ)."""
    if k < 0:
        return 0.0
    if lam <= 0:
        return 1.0
    return min(1.0, sum(_pmf(j, lam) for j in range(_start(lam), k + 1)))


def poisson_kvantil(p: float, lam: float) -> int:
    """Det minsta heltalet r med P(X ≤ r) ≥ p."""
    if lam <= 0:
        return 0
    r, summa = _start(lam), 0.0
    while True:
        summa += _pmf(r, lam)
        if summa >= p - 1e-12:
            return r
        r += 1


def poisson_grans(p: float, lam: float) -> float:
    """Gränsen i antal för sannolikheten p, interpolerad mellan heltalen (Spiegelhalter 2005); aldrig under 0."""
    if lam <= 0:
        return 0.0
    r = poisson_kvantil(p, lam)
    f_r, f_fore = poisson_cdf(r, lam), poisson_cdf(r - 1, lam)
    alfa = (f_r - p) / (f_r - f_fore) if f_r > f_fore else 0.0
    return max(0.0, r - alfa)


# --- beräkningen på den aggregerade tabellen ----------------------------------------------------------


def berakna(df: pd.DataFrame, manader: int) -> tuple[pd.DataFrame, float]:
    """`df`: en rad per nod med kolumnerna "antal" (avvikelser i månader med volym) och "insatsmanader"
    (> 0). Returnerar (tabellen med "volym", "varde", gränserna "nedre <nivå>"/"ovre <nivå>" och "niva"
    ("over", "under", "over95", "under95" eller ""), θ per 100)."""
    df = df.copy()
    if df.empty:
        return df.assign(volym=[], varde=[], niva=[]), 0.0
    theta = float(df["antal"].sum() / df["insatsmanader"].sum())  # per insatsmånad
    df["volym"] = df["insatsmanader"] / manader
    df["varde"] = 100 * df["antal"] / df["insatsmanader"]
    lam = theta * df["insatsmanader"]
    for namn, p_lo, p_hi in NIVAER:
        df[f"nedre {namn}"] = [
            100 * poisson_grans(p_lo, x) / v for x, v in zip(lam, df["insatsmanader"], strict=True)
        ]
        df[f"ovre {namn}"] = [
            100 * poisson_grans(p_hi, x) / v for x, v in zip(lam, df["insatsmanader"], strict=True)
        ]
    tol = 1e-9
    sista, forsta = NIVAER[-1][0], NIVAER[0][0]
    df["niva"] = ""
    df.loc[df["varde"] > df[f"ovre {forsta}"] + tol, "niva"] = "over95"
    df.loc[df["varde"] < df[f"nedre {forsta}"] - tol, "niva"] = "under95"
    df.loc[df["varde"] > df[f"ovre {sista}"] + tol, "niva"] = "over"
    df.loc[df["varde"] < df[f"nedre {sista}"] - tol, "niva"] = "under"
    return df, 100 * theta


def kurvor(theta_100: float, manader: int, xmax: float) -> list[tuple[str, list, list, list]]:
    """Gränskurvorna för diagrammet: [(nivå, x (insatser per månad), nedre, övre)] över (0, xmax]."""
    if xmax <= 0 or theta_100 <= 0:
        return []
    xs = [xmax * 1.05 * (i / KURVPUNKTER) ** 2 for i in range(1, KURVPUNKTER + 1)]  # tätare vid små volymer
    resultat = []
    for namn, p_lo, p_hi in NIVAER:
        nedre, ovre = [], []
        for x in xs:
            v = x * manader
            lam = theta_100 / 100 * v
            nedre.append(100 * poisson_grans(p_lo, lam) / v)
            ovre.append(100 * poisson_grans(p_hi, lam) / v)
        resultat.append((namn, xs, nedre, ovre))
    return resultat


# --- för sidorna ------------------------------------------------------------------------------------


def hela_manader(fran: datetime.date, till: datetime.date) -> list[datetime.date]:
    """Första dagen i varje hel kalendermånad i [fran, till]."""
    forsta = fran if fran.day == 1 else (fran.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    efter = (till + datetime.timedelta(days=1)).replace(day=1)
    lista, m = [], forsta
    while m < efter:
        lista.append(m)
        m = (m + datetime.timedelta(days=32)).replace(day=1)
    return lista


@dataclasses.dataclass
class Punkt:
    nod: OrgNod
    antal: int
    insatsmanader: int
    volym: float
    varde: float
    granser: dict[str, tuple[float, float]]
    niva: str

    @property
    def nedre(self) -> float:
        """Den nedre gränsen som flaggar (99,8 %)."""
        return self.granser[NIVAER[-1][0]][0]

    @property
    def flagga(self) -> str:
        tyst = TYST_NAMND if self.nod.typ == NodTyp.NAMND else TYST
        return {"over": OVER, "over95": OVER_95, "under": tyst, "under95": UNDER_95}.get(self.niva, INOM)


@dataclasses.dataclass
class Tratt:
    rubrik: str
    kolumnrubrik: str
    manader: list[datetime.date]
    punkter: list[Punkt]
    utan_volym: list[tuple[OrgNod, int]]  # (nod, avvikelser under perioden)
    medel: float  # per 100 insatser och månad

    @property
    def period(self) -> str:
        if not self.manader:
            return ""
        return f"{diagrammodul.manadsetikett(self.manader[0])}–{diagrammodul.manadsetikett(self.manader[-1])}"

    @property
    def over(self) -> list[Punkt]:
        return [p for p in self.punkter if p.niva == "over"]

    @property
    def tysta(self) -> list[Punkt]:
        return [p for p in self.punkter if p.niva == "under"]

    def diagram(self) -> diagrammodul.Diagram:
        xmax = max((p.volym for p in self.punkter), default=0)
        return diagrammodul.tratt(
            f"{self.rubrik} {self.period}",
            [
                {
                    "etikett": p.nod.namn,
                    "x": p.volym,
                    "y": p.varde,
                    "antal": p.antal,
                    "granser": p.granser,
                    "flagga": p.flagga,
                    "niva": p.niva if p.niva in ("over", "under") else "",
                }
                for p in self.punkter
            ],
            medel=self.medel,
            kurvor=kurvor(self.medel, len(self.manader), diagrammodul.skala(xmax * 1.05)[0] / 1.05),
            xrubrik="Pågående insatser (medel per månad)",
            yrubrik="Avvikelser per 100 insatser och månad",
            kolumnrubrik=self.kolumnrubrik,
        )

    def tabell(self) -> tuple[list[str], list[list]]:
        """Samma siffror som diagrammets tabell, som tal (för Excel)."""
        rubriker = [self.kolumnrubrik, "Insatser per månad (medel)", "Insatsmånader", "Avvikelser"]
        rubriker += ["Avvikelser per 100 insatser och månad"]
        for namn, *_ in NIVAER:
            rubriker += [f"Nedre {namn}", f"Övre {namn}"]
        rubriker.append("Bedömning")
        rader = []
        for p in self.punkter:
            rad = [p.nod.namn, round(p.volym, 1), p.insatsmanader, p.antal, round(p.varde, 2)]
            for namn, *_ in NIVAER:
                rad += [round(p.granser[namn][0], 2), round(p.granser[namn][1], 2)]
            rad.append(p.flagga)
            rader.append(rad)
        for nod, antal in self.utan_volym:
            rader.append([nod.namn, None, 0, antal, None, *([None] * 2 * len(NIVAER)), "Saknar volym"])
        return rubriker, rader


def _tratt(
    df: pd.DataFrame, noder: list[OrgNod], vagar: dict[int, str], manadslista, rubrik, kolumn
) -> Tratt:
    """Punkter för noderna ur ramen (enhet × månad) där varje nod är summan av enheterna under den."""
    df = df.assign(med_volym=df["antal"].where(df["volym"] > 0, 0))
    per_enhet = df.groupby("enhet_id")[["antal", "med_volym", "volym"]].sum()
    rader, utan = [], []
    for n in noder:
        under = [e for e in per_enhet.index if vagar.get(int(e), "\0").startswith(n.sokvag)]
        summa = per_enhet.loc[under].sum() if under else pd.Series({"antal": 0, "med_volym": 0, "volym": 0})
        if summa["volym"] > 0:
            rader.append(
                {"nod_id": n.pk, "antal": int(summa["med_volym"]), "insatsmanader": int(summa["volym"])}
            )
        else:
            utan.append((n, int(summa["antal"])))
    tabell, medel = berakna(
        pd.DataFrame(rader, columns=["nod_id", "antal", "insatsmanader"]).set_index("nod_id"),
        len(manadslista),
    )
    per_pk = {n.pk: n for n in noder}
    punkter = [
        Punkt(
            nod=per_pk[pk],
            antal=int(r["antal"]),
            insatsmanader=int(r["insatsmanader"]),
            volym=float(r["volym"]),
            varde=float(r["varde"]),
            granser={namn: (float(r[f"nedre {namn}"]), float(r[f"ovre {namn}"])) for namn, *_ in NIVAER},
            niva=r["niva"],
        )
        for pk, r in tabell.iterrows()
    ]
    return Tratt(rubrik, kolumn, manadslista, punkter, utan, medel)


def _vagar(nod: OrgNod | None) -> dict[int, str]:
    qs = OrgNod.objects.filter(sokvag__startswith=nod.sokvag) if nod else OrgNod.objects.all()
    return dict(qs.values_list("pk", "sokvag"))


def for_enheter(user, nod: OrgNod, manadslista: list[datetime.date]) -> Tratt:
    """Trattdiagrammet över enheterna under noden som användaren räknar statistik för. Tre frågor oavsett
    antal enheter (noderna, antalen, volymerna)."""
    from avvikelser import styrdiagram

    synliga = access.noder(user, *access.STATISTIK_ROLLER)
    noder = list(
        OrgNod.objects.filter(
            sokvag__startswith=nod.sokvag, typ=NodTyp.ENHET, aktiv=True, pk__in=synliga
        ).order_by("sokvag")
    )
    vagar = {n.pk: n.sokvag for n in noder}
    df = styrdiagram.ram(user, nod, manadslista) if noder and manadslista else _tom_ram()
    return _tratt(df, noder, vagar, manadslista, "Trattdiagram: avvikelser per enhet", "Enhet")


def for_namnder(user, namnder: list[OrgNod], manadslista: list[datetime.date]) -> Tratt:
    """Trattdiagrammet över nämnderna (summan av deras enheter)."""
    from avvikelser import styrdiagram

    df = styrdiagram.ram(user, None, manadslista) if namnder and manadslista else _tom_ram()
    return _tratt(df, namnder, _vagar(None), manadslista, "Trattdiagram: avvikelser per nämnd", "Nämnd")


def _tom_ram() -> pd.DataFrame:
    return pd.DataFrame({"enhet_id": [], "manad": [], "antal": [], "volym": []})


# --- Pareto över orsaker -----------------------------------------------------------------------------


def per_orsak(user, nod: OrgNod, fran: datetime.date, till: datetime.date) -> list[dict]:
    """Orsakerna i utredningarna av avvikelser under noden (händelsedatum i perioden): [{"orsak", "antal"}],
    störst först. En avvikelse med flera orsaker räknas en gång per orsak. En fråga, grupperad i SQL."""
    from avvikelser import queries
    from avvikelser.models import Avvikelse

    rader = (
        access.scope(user, Avvikelse, access.STATISTIK)
        .filter(
            enhet__sokvag__startswith=nod.sokvag, orsaker__isnull=False, **queries.dygnsgranser(fran, till)
        )
        .values(orsak=F("orsaker__namn"))
        .annotate(antal=Count("pk"))
        .order_by()
    )
    return sorted(rader, key=lambda r: (-r["antal"], r["orsak"]))


def pareto_tabell(rader: list[dict], namnfalt: str) -> list[list]:
    """[namn, antal, andel %, kumulativ andel %] i samma ordning och med samma tal som Paretodiagrammet."""
    return [
        [e, v, round(a, 1), round(k, 1)]
        for e, v, a, k in diagrammodul.pareto_rader([r[namnfalt] for r in rader], [r["antal"] for r in rader])
    ]


# --- nämnderna sida vid sida ----------------------------------------------------------------------------


def utredda_i_tid(user, nod: OrgNod, fran: datetime.date, till: datetime.date, dagar: int) -> dict:
    """Avvikelser under noden (händelsedatum i perioden) och hur många vars utredning påbörjades inom
    `dagar` dagar från rapporten (eller som avslutades inom dem): {"antal", "i_tid", "andel"} (andel i procent, None utan avvikelser)."""
    from avvikelser import queries
    from avvikelser.models import Avvikelse

    r = (
        access.scope(user, Avvikelse, access.STATISTIK)
        .filter(enhet__sokvag__startswith=nod.sokvag, **queries.dygnsgranser(fran, till))
        .annotate(handlagd=Coalesce("paborjad", "avslutad"))
        .aggregate(
            antal=Count("pk"),
            # En avvikelse som avslutats utan att ha markerats som under utredning räknas från avslutet.
            i_tid=Count("pk", filter=Q(handlagd__lte=F("rapporterad") + datetime.timedelta(days=dagar))),
        )
    )
    r["andel"] = round(100 * r["i_tid"] / r["antal"], 1) if r["antal"] else None
    return r


def namnder_for(user) -> list[OrgNod]:
    """Nämnderna användaren får jämföra: ledningen och kvalitetssamordnarna, de nämnder de räknar statistik
    för. Chefer (delar av en nämnd), handläggare, personal och admin (ingen statistikbehörighet) får inga."""
    if not access.har_roll(user, access.LEDNING, access.KVALITETSSAMORDNARE):
        return []
    synliga = access.noder(user, access.LEDNING, access.KVALITETSSAMORDNARE)
    return list(OrgNod.objects.filter(typ=NodTyp.NAMND, aktiv=True, pk__in=synliga).order_by("namn"))


def namndjamforelse(user, ar: int, idag: datetime.date) -> dict:
    """Samma indikatorer för varje nämnd under året (till och med idag): avvikelser och avvikelser per 100
    insatser och månad (trattens tal), klagomål och synpunkter, lex Sarah (rapporterade, anmälda till IVO,
    dagar till bedömning), andel avvikelser vars utredning påbörjades i tid och andel uppföljda enskilda
    efter förändrade insatser. Bara antal och andelar; varje app läses genom sina `queries`."""
    from django.conf import settings

    from avvikelser import queries
    from kvalitet import kopplingar

    namnder = namnder_for(user)
    fran = datetime.date(ar, 1, 1)
    till = min(datetime.date(ar, 12, 31), idag)
    manadslista = hela_manader(fran, till)
    tratt = for_namnder(user, namnder, manadslista)
    dagar = settings.AVVIKELSER_PAMINNELSE_DAGAR
    punkt = {p.nod.pk: p for p in tratt.punkter}
    utan = {n.pk: a for n, a in tratt.utan_volym}
    tackning = {}
    if namnder:
        rot = OrgNod.objects.filter(typ=NodTyp.KOMMUN).order_by("pk").first() or namnder[0]
        tackning = {
            r["namnd_id"]: r for r in kopplingar.fraga("namndjamforelse.tackning", user, rot, fran, till)
        }
    rader = []
    for n in namnder:
        p = punkt.get(n.pk)
        ls = kopplingar.fraga("namndjamforelse.lexsarah", user, n, ar)
        tid = utredda_i_tid(user, n, fran, till, dagar)
        t = tackning.get(n.pk)
        rader.append(
            {
                "nod": n,
                "avvikelser": tid["antal"],
                "per_100": round(p.varde, 2) if p else None,
                "bedomning": p.flagga if p else ("Saknar volym" if n.pk in utan else ""),
                "klagomal": sum(r["antal"] for r in queries.klagomal_per_tema(user, n, fran, till)),
                "lexsarah": ls["antal"],
                "lexsarah_ivo": ls["anmalda_ivo"],
                "lexsarah_dagar": ls["dagar_till_bedomning"],
                "utredda_i_tid": tid["andel"],
                "berorda": t["berorda"] if t else 0,
                "andel_uppfoljda": t["andel_uppfoljda"] if t and t["berorda"] else None,
            }
        )
    return {"namnder": namnder, "rader": rader, "tratt": tratt, "fran": fran, "till": till, "dagar": dagar}


NAMNDKOLUMNER = (
    ("Nämnd", None),
    ("Avvikelser", "avvikelser"),
    ("Avvikelser per 100 insatser och månad", "per_100"),
    ("Bedömning i trattdiagrammet", "bedomning"),
    ("Klagomål och synpunkter", "klagomal"),
    ("Lex Sarah-rapporter", "lexsarah"),
    ("Lex Sarah anmälda till IVO", "lexsarah_ivo"),
    ("Lex Sarah: dagar till bedömning (medel)", "lexsarah_dagar"),
    ("Utredning påbörjad i tid (%)", "utredda_i_tid"),
    ("Berörda av förändrade insatser", "berorda"),
    ("Andel uppföljda (%)", "andel_uppfoljda"),
)


def namndtabell(rader: list[dict]) -> tuple[list[str], list[list]]:
    return [k for k, _ in NAMNDKOLUMNER], [
        [r["nod"].namn, *(r[f] for _, f in NAMNDKOLUMNER[1:])] for r in rader
    ]


# --- Excel ---------------------------------------------------------------------------------------------


def excel_bok(request, filnamn: str, blad: list[tuple[str, list[str], list[list]]], *, vad: str):
    """Analystabellerna som arbetsbok (`kvalitet.export.excel_bok`), loggad under avvikelsernas analys."""
    from kvalitet.export import excel_bok as bok

    return bok(request, filnamn, blad, vad=vad, logg="avvikelser.analys")
