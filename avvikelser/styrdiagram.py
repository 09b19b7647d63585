"""Styrdiagram (statistisk processtyrning, SPC) för avvikelser per enhet, verksamhetsområde och nämnd.

**Diagramtyp: u-diagram** (Laney/Provost: "u-chart" för antal händelser per varierande volym). Värdet en
månad är avvikelser per 100 pågående insatser vid noden den månaden. Med c_i avvikelser och n_i pågående
insatser / 100 under månad i, och basperiodens månader B (de med volym):

    u_i  = c_i / n_i
    ū    = Σ_B c_i / Σ_B n_i                      (mittlinjen)
    UCL_i = ū + 3·√(ū / n_i)                       (gränserna per månad, ur den månadens volym)
    LCL_i = max(0, ū − 3·√(ū / n_i))

En nod utan volym i basperioden (inga registrerade insatser) får i stället ett **c-diagram** på antalet:
c̄ = medelantalet per månad i basperioden, gränser c̄ ± 3·√c̄ (nedre högst ned till 0). En månad utan
volym i ett u-diagram saknar värde (ett glapp, ingen nolla).

Fönstret är de senaste `FONSTER` hela månaderna; basperioden är de första `BASPERIOD` av dem räknat från
den första månaden med en rapporterad avvikelse (färre om serien är kortare; månaderna före är glapp), och
mittlinje och gränser förlängs över resten. **Signalregler** (prövas på punkterna med värde, i tidsordning):

1. en punkt utanför styrgränserna (strikt över den övre eller under den nedre);
2. 8 punkter i rad på samma sida om mittlinjen (en punkt på mittlinjen bryter serien);
3. 6 punkter i rad som var och en är högre (eller lägre) än den före (lika värden bryter serien).

En signal är **aktuell** när någon av de `AKTUELL` senaste punkterna ingår i den.

Aggregeringen sker i SQL (en fråga för antalen per enhet och månad ur `avvikelser.queries`, en för
volymerna ur `uppfoljning.queries`); statistiken räknas med pandas på den aggregerade tabellen (enhet ×
månad), aldrig på enskilda rader.
"""

from __future__ import annotations

import dataclasses
import datetime
import math

import pandas as pd

from kvalitet import access
from kvalitet import diagram as diagrammodul
from kvalitet.models import NodTyp, OrgNod

FONSTER = 24
BASPERIOD = 12
AKTUELL = 3
SERIE = 8
TREND = 6

UTANFOR = "Utanför styrgränserna"
SERIE_OVER = "8 i rad över mittlinjen"
SERIE_UNDER = "8 i rad under mittlinjen"
STIGANDE = "6 i rad stigande"
SJUNKANDE = "6 i rad sjunkande"

NODTYPER = (NodTyp.NAMND, NodTyp.VERKSAMHETSOMRADE, NodTyp.ENHET)
_TOLERANS = 1e-9


def manader(idag: datetime.date, antal: int = FONSTER) -> list[datetime.date]:
    """De `antal` senaste hela kalendermånaderna före idag (första dagen i varje), äldst först."""
    m = idag.replace(day=1)
    lista = []
    for _ in range(antal):
        m = (m - datetime.timedelta(days=1)).replace(day=1)
        lista.append(m)
    return lista[::-1]


def signalregler(varden: pd.Series, medel: float, ovre: pd.Series, nedre: pd.Series) -> list[list[str]]:
    """Signalerna per punkt (samma ordning som `varden`); NaN-punkter saknar signal och hoppas över.

    Reglerna prövas i tidsordning på punkterna med värde. Serierna är högst `FONSTER` punkter, så de gås
    igenom som vanliga listor: en pandas-operation per regel kostade mer än hela regeln (bench/samlad_bench.py)."""
    resultat: list[list[str]] = [[] for _ in range(len(varden))]
    alla = varden.to_numpy(dtype=float)
    o, n = ovre.to_numpy(dtype=float), nedre.to_numpy(dtype=float)
    pos = [i for i in range(len(alla)) if not math.isnan(alla[i])]
    if not pos:
        return resultat

    def markera(index, regel):
        for i in index:
            if regel not in resultat[i]:
                resultat[i].append(regel)

    def tecken(x: float) -> int:
        return 0 if abs(x) <= _TOLERANS else (1 if x > 0 else -1)

    markera((i for i in pos if alla[i] > o[i] + _TOLERANS or alla[i] < n[i] - _TOLERANS), UTANFOR)

    # Serier på samma sida om mittlinjen; en punkt på linjen (tecken 0) bryter serien.
    for sida, grupp in _serier([tecken(alla[i] - medel) for i in pos], pos):
        if sida and len(grupp) >= SERIE:
            markera(grupp, SERIE_OVER if sida > 0 else SERIE_UNDER)

    # Trend: TREND punkter = TREND-1 steg åt samma håll i rad; lika värden (steg 0) bryter serien.
    steg = [0] + [tecken(alla[b] - alla[a]) for a, b in zip(pos, pos[1:], strict=False)]
    for riktning, grupp in _serier(steg, pos):
        if riktning and len(grupp) >= TREND - 1:
            forsta = pos.index(grupp[0])
            markera([pos[forsta - 1], *grupp], STIGANDE if riktning > 0 else SJUNKANDE)
    return resultat


def _serier(tecken: list[int], pos: list[int]):
    """(tecken, positioner) för varje följd av lika tecken i rad."""
    start = 0
    for i in range(1, len(tecken) + 1):
        if i == len(tecken) or tecken[i] != tecken[start]:
            yield tecken[start], pos[start:i]
            start = i


def berakna(antal: pd.Series, volym: pd.Series, baslinje: int = BASPERIOD) -> dict:
    """Värden, mittlinje, gränser och signaler för en nod ur månadsantal och volym (samma index, i
    tidsordning). Serien börjar med den första månaden med en rapporterad avvikelse (månaderna före den är
    glapp: rapporteringen hade inte börjat, och nollor där skulle ge en basperiod utan avvikelser). Returnerar
    {"typ": "u"|"c", "varden", "medel", "ovre", "nedre", "signaler", "basfran", "bastill"}."""
    antal = antal.astype(float)
    volym = volym.astype(float)
    forsta = int((antal.to_numpy() > 0).argmax()) if (antal > 0).any() else 0
    bas = slice(forsta, min(forsta + baslinje, len(antal)))
    fore = pd.Series(range(len(antal)), index=antal.index) < forsta
    n = volym / 100
    if n.iloc[bas].sum() > 0:
        typ = "u"
        med_volym = n > 0
        varden = (antal / n).where(med_volym)
        medel = float(antal.iloc[bas][med_volym.iloc[bas]].sum() / n.iloc[bas].sum())
        sigma = (medel / n.where(med_volym)).pow(0.5)
        ovre = medel + 3 * sigma
        nedre = (medel - 3 * sigma).clip(lower=0)
    else:
        typ = "c"
        varden = antal
        medel = float(antal.iloc[bas].mean()) if len(antal) else 0.0
        ovre = pd.Series(medel + 3 * math.sqrt(medel), index=antal.index)
        nedre = pd.Series(max(0.0, medel - 3 * math.sqrt(medel)), index=antal.index)
    varden, ovre, nedre = varden.mask(fore), ovre.mask(fore), nedre.mask(fore)
    return {
        "basfran": bas.start,
        "bastill": bas.stop,
        "typ": typ,
        "varden": varden,
        "medel": medel,
        "ovre": ovre,
        "nedre": nedre,
        "signaler": signalregler(varden, medel, ovre, nedre),
    }


def _tal(x) -> float | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else round(float(x), 2)


@dataclasses.dataclass
class Styrdiagram:
    nod: OrgNod
    typ: str
    manader: list[datetime.date]
    antal: list[int]
    volym: list[int]
    varden: list[float | None]
    medel: float
    ovre: list[float | None]
    nedre: list[float | None]
    signaler: list[list[str]]
    basfran: int
    bastill: int

    @property
    def aktuella(self) -> list[str]:
        """Signalregler som gäller någon av de senaste AKTUELL punkterna med värde."""
        med_varde = [i for i, v in enumerate(self.varden) if v is not None][-AKTUELL:]
        regler: list[str] = []
        for i in med_varde:
            regler += [r for r in self.signaler[i] if r not in regler]
        return regler

    @property
    def basperiod(self) -> str:
        if self.bastill <= self.basfran:
            return ""
        forsta, sista = self.manader[self.basfran], self.manader[self.bastill - 1]
        return f"{diagrammodul.manadsetikett(forsta)}–{diagrammodul.manadsetikett(sista)}"

    @property
    def typnamn(self) -> str:
        return (
            "u-diagram (per 100 pågående insatser)" if self.typ == "u" else "c-diagram (antal; volym saknas)"
        )

    @property
    def vardesrubrik(self) -> str:
        return "Avvikelser per 100 insatser" if self.typ == "u" else "Antal avvikelser"

    def diagram(self) -> diagrammodul.Diagram:
        etiketter = [diagrammodul.manadsetikett(m) for m in self.manader]
        return diagrammodul.styrdiagram(
            f"Styrdiagram: avvikelser, {self.nod.namn}",
            etiketter,
            self.varden,
            medel=self.medel,
            ovre=self.ovre,
            nedre=self.nedre,
            signal=[", ".join(s) for s in self.signaler],
            vardesrubrik=self.vardesrubrik,
            basperiod=(self.basfran, self.bastill),
            decimaler=1 if self.typ == "u" else None,
        )


def _noder(user, nod: OrgNod | None) -> tuple[list[OrgNod], dict[int, str]]:
    """(Nämnder, verksamhetsområden och enheter under noden, och noden själv, som användaren räknar statistik
    för, i trädets ordning; sökvägen för varje nod under noden, också inaktiva enheter). En fråga.
    Utan nod: alla användarens noder."""
    synliga = access.noder(user, *access.STATISTIK_ROLLER)
    alla = (
        OrgNod.objects.filter(sokvag__startswith=nod.sokvag) if nod else OrgNod.objects.filter(pk__in=synliga)
    )
    alla = list(alla.order_by("sokvag"))
    noder = [n for n in alla if n.typ in NODTYPER and n.aktiv and n.pk in synliga]
    return noder, {n.pk: n.sokvag for n in alla}


def ram(user, nod: OrgNod | None, manadslista: list[datetime.date]) -> pd.DataFrame:
    """Den aggregerade tabellen: en rad per enhet och månad med antal avvikelser och pågående insatser."""
    from avvikelser import queries
    from kvalitet import queries as kvalitet_queries

    efter = (manadslista[-1] + datetime.timedelta(days=32)).replace(day=1)
    # De två aggregaten slås ihop per (enhet, månad) här och blir EN DataFrame (en merge av två små ramar
    # kostade mer än båda frågorna).
    rader: dict[tuple[int, datetime.date], list[int]] = {}
    for r in queries.antal_per_enhet_och_manad(user, nod, manadslista[0], efter):
        rader.setdefault((r["enhet_id"], r["manad"]), [0, 0])[0] += r["antal"]
    for r in kvalitet_queries.aktiva_insatser_per_manad(user, nod, manadslista):
        rader.setdefault((r["enhet_id"], r["manad"]), [0, 0])[1] += r["antal"]
    return pd.DataFrame(
        [(e, m, a, v) for (e, m), (a, v) in rader.items()], columns=["enhet_id", "manad", "antal", "volym"]
    ).astype({"enhet_id": "int64", "antal": "int64", "volym": "int64"})


def for_noder(user, nod: OrgNod | None, idag: datetime.date | None = None) -> list[Styrdiagram]:
    """Ett styrdiagram för varje nämnd, område och enhet under noden som användaren får räkna statistik för
    (enheter: sina egna; område och nämnd: summan av enheterna under dem). Utan nod: alla användarens noder.
    Tre frågor (noderna, antalen, volymerna) oavsett antal noder och månader."""
    from django.utils import timezone

    manadslista = manader(idag or timezone.localdate())
    noder, vagar = _noder(user, nod)
    if not noder:
        return []
    df = ram(user, nod, manadslista)
    index = pd.Index(manadslista, name="manad")
    # En bred tabell per mått (enhet × månad), en gång; en nod är summan av raderna för enheterna under den
    # (sökvägens prefix), i stället för ett urval och en gruppering per nod.
    bred = df.groupby(["enhet_id", "manad"])[["antal", "volym"]].sum()
    antal_bred = bred["antal"].unstack("manad", fill_value=0).reindex(columns=index, fill_value=0)
    volym_bred = bred["volym"].unstack("manad", fill_value=0).reindex(columns=index, fill_value=0)
    rad = {int(e): i for i, e in enumerate(antal_bred.index)}
    antal_mat, volym_mat = antal_bred.to_numpy(dtype="int64"), volym_bred.to_numpy(dtype="int64")
    resultat = []
    for n in noder:
        under = [i for e, i in rad.items() if e in vagar and vagar[e].startswith(vagar[n.pk])]
        del_ = pd.DataFrame(
            {"antal": antal_mat[under].sum(axis=0), "volym": volym_mat[under].sum(axis=0)}, index=index
        )
        r = berakna(del_["antal"], del_["volym"])
        resultat.append(
            Styrdiagram(
                nod=n,
                typ=r["typ"],
                manader=manadslista,
                antal=[int(x) for x in del_["antal"]],
                volym=[int(x) for x in del_["volym"]],
                varden=[_tal(x) for x in r["varden"]],
                medel=round(r["medel"], 2),
                ovre=[_tal(x) for x in r["ovre"]],
                nedre=[_tal(x) for x in r["nedre"]],
                signaler=r["signaler"],
                basfran=r["basfran"],
                bastill=r["bastill"],
            )
        )
    return resultat


def aktuella_signaler(user, nod: OrgNod, idag: datetime.date | None = None) -> list[Styrdiagram]:
    """Styrdiagrammen under noden som har en aktuell signal."""
    return [s for s in for_noder(user, nod, idag) if s.aktuella]
