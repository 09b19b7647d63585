"""Åtgärdsregistret: alla modulers åtgärder på ett ställe (issue 18, "Close the loop").

Varje app bidrar med `<app>.queries.atgardsregister(anvandare, filter) -> Iterable[Atgardsrad]` (och
`atgardsregister_<källa>` när appen har fler källor), hittad genom `kvalitet.appar` som "Mina uppgifter"
och startsidan; kärnan importerar ingen app. Kärnans egna källor (egenkontroll och förbättringsplan) står i
`kvalitet.queries.atgardsregister`. En ny källa (t.ex. klagomålens åtgärder:
`avvikelser.queries.atgardsregister_klagomal`) är alltså en funktion till i appens queries.py, som gör
sitt urval med `filtrera` och ger rader med en nyckel ur `KALLOR`.

Det som garanteras:
- varje källa börjar i `kvalitet.access.scope` (en användare ser bara åtgärder på poster hen får läsa);
- raderna bär källpostens referens, rubrik och nod, aldrig en rapportörs eller enskilds namn;
- "Mina uppgifter" och påminnelserna läser samma register (`mina_atgarder`, `paminnelser_svep`), så att
  det som står på sidan är det som påminns om.
"""

from __future__ import annotations

import dataclasses
import datetime
import enum
from collections.abc import Callable, Iterable

from django.db.models import Q, QuerySet
from django.utils import timezone

from kvalitet import appar

# Rollerna som har åtgärder att hålla ordning på (sidan och menyn). Personalen och ledningen har ingen
# sida: personalen ser sina egna åtgärder i "Mina uppgifter", ledningen bara sammanställningar.
SIDA = "kvalitet.atgardsregister"


class Status(enum.StrEnum):
    OPPEN = "oppen"
    FORSENAD = "forsenad"
    KLAR = "klar"
    STRUKEN = "struken"

    @property
    def etikett(self) -> str:
        return STATUSETIKETTER[self]


STATUSETIKETTER = {
    Status.OPPEN: "Pågår",
    Status.FORSENAD: "Försenad",
    Status.KLAR: "Genomförd",
    Status.STRUKEN: "Struken",
}
# Filtrets val: "öppen" omfattar de försenade (de är ju inte klara).
STATUSVAL = [
    (Status.OPPEN.value, "Öppna (också försenade)"),
    (Status.FORSENAD.value, "Försenade"),
    (Status.KLAR.value, "Genomförda"),
    (Status.STRUKEN.value, "Strukna"),
]

# Modulerna (källorna) med sina namn i gränssnittet; ordningen är filtrets.
KALLOR = {
    "avvikelser": "Avvikelse",
    "klagomal": "Klagomål",
    "lexsarah": "Lex Sarah",
    "riskanalys": "Riskanalys",
    "uppfoljning": "Uppföljning",
    "egenkontroll": "Egenkontroll",
    "forbattringsplan": "Förbättringsplan",
}


@dataclasses.dataclass(frozen=True)
class Filter:
    """Registrets urval. `nod`: en OrgNod (delträdet under den), `ansvarig_id`: en användare."""

    nod: object | None = None
    ansvarig_id: int | None = None
    status: str = ""
    forsenade: bool = False
    kalla: str = ""
    fran: datetime.date | None = None
    till: datetime.date | None = None
    idag: datetime.date | None = None

    @property
    def dag(self) -> datetime.date:
        return self.idag or timezone.localdate()

    def tar_med(self, kalla: str) -> bool:
        """Ska källan alls frågas? (Filtret på modul sparar de andra källornas frågor.)"""
        return not self.kalla or self.kalla == kalla


@dataclasses.dataclass(frozen=True)
class Atgardsrad:
    """En åtgärd i registret, oberoende av modulens fältnamn."""

    kalla: str  # nyckel i KALLOR
    pk: int
    referens: str  # källpostens referens (referensnummer, "Uppföljning 12" ...)
    rubrik: str  # källpostens rubrik (kategori, titel ...), aldrig ett namn på en person
    lank: str  # källposten, ett klick bort
    text: str
    nod_namn: str
    status: Status
    ansvarig_id: int | None = None
    ansvarig_namn: str = ""
    klar_senast: datetime.date | None = None
    genomford: datetime.date | None = None
    effekt: str = ""
    # Den enskilda (om någon) källposten gäller: för åtkomstloggen när raden visas eller exporteras.
    brukare_ids: tuple[int, ...] = ()
    # Notifikationens nyckel för påminnelsen om en försenad åtgärd (samma som modulens egen bevakning,
    # så att påminnelsen finns en gång vem av dem som än skapar den). Tom: ingen påminnelse.
    paminnelse_nyckel: str = ""

    @property
    def kalla_namn(self) -> str:
        return KALLOR.get(self.kalla, self.kalla)

    @property
    def forsenad(self) -> bool:
        return self.status == Status.FORSENAD

    @property
    def oppen(self) -> bool:
        return self.status in (Status.OPPEN, Status.FORSENAD)

    @property
    def kort_text(self) -> str:
        text = " ".join(self.text.split())
        return text[:120] + ("…" if len(text) > 120 else "")


def effekttext(bedomning: str, text: str, struken: str = "") -> str:
    """Effekten på raden: bedömningen ("Ja", "Delvis", "Nej") och texten, eller strykningens motivering."""
    from kvalitet.arende import Effekt

    etikett = str(Effekt(bedomning).label) if bedomning in Effekt.values else ""
    return ": ".join(x for x in (etikett, text or struken) if x)


def status_for(
    *, klar: bool, struken: bool, klar_senast: datetime.date | None, idag: datetime.date
) -> Status:
    """En åtgärds status: struken och genomförd går före; en öppen åtgärd är försenad dagen efter
    `klar_senast`."""
    if struken:
        return Status.STRUKEN
    if klar:
        return Status.KLAR
    if klar_senast is not None and klar_senast < idag:
        return Status.FORSENAD
    return Status.OPPEN


def personnamn(user) -> str:
    """Fullständigt namn (användarnamnet om namnet saknas)."""
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def filtrera(
    qs: QuerySet,
    f: Filter,
    *,
    nod: str,
    klar: Q,
    struken: Q | None = None,
    klar_senast: str | None = None,
    ar: str | None = None,
    ansvarig: str | Callable[[int], Q] | None = "ansvarig",
) -> QuerySet:
    """Filtret i SQL för en källa, med källans fältnamn: `nod` (fältet till OrgNod), `klar`/`struken`
    (villkoren för genomförd och struken), förfallodagen som `klar_senast` (ett datumfält) eller `ar`
    (förfaller årets sista dag, för planer per år), `ansvarig` (fältet till användaren, en funktion
    id -> Q, eller None när ansvarig är fritext: då ger filtret på ansvarig inga rader)."""
    struken = struken if struken is not None else Q(pk__in=[])
    if f.nod is not None:
        qs = qs.filter(**{f"{nod}__sokvag__startswith": f.nod.sokvag})
    if f.ansvarig_id is not None:
        if ansvarig is None:
            return qs.none()
        qs = qs.filter(
            ansvarig(f.ansvarig_id) if callable(ansvarig) else Q(**{f"{ansvarig}_id": f.ansvarig_id})
        )
    oppen = ~klar & ~struken
    forsenad_q = _fore(f.dag, klar_senast=klar_senast, ar=ar)
    if f.status == Status.OPPEN:
        qs = qs.filter(oppen)
    elif f.status == Status.FORSENAD:
        qs = qs.filter(oppen & forsenad_q)
    elif f.status == Status.KLAR:
        qs = qs.filter(klar & ~struken)
    elif f.status == Status.STRUKEN:
        qs = qs.filter(struken)
    if f.forsenade:
        qs = qs.filter(oppen & forsenad_q)
    if f.fran is not None:
        qs = qs.filter(_fran(f.fran, klar_senast=klar_senast, ar=ar))
    if f.till is not None:
        qs = qs.filter(_till(f.till, klar_senast=klar_senast, ar=ar))
    return qs


def _fore(dag: datetime.date, *, klar_senast, ar) -> Q:
    """Förfallodagen ligger före `dag` (och finns)."""
    if klar_senast:
        return Q(**{f"{klar_senast}__lt": dag})
    if ar:
        return Q(**{f"{ar}__lt": dag.year})  # 31 december år < dag  <=>  år < dagens år
    return Q(pk__in=[])


def _fran(dag: datetime.date, *, klar_senast, ar) -> Q:
    if klar_senast:
        return Q(**{f"{klar_senast}__gte": dag})
    if ar:
        return Q(**{f"{ar}__gte": dag.year})
    return Q(pk__in=[])


def _till(dag: datetime.date, *, klar_senast, ar) -> Q:
    if klar_senast:
        return Q(**{f"{klar_senast}__lte": dag})
    if ar:
        # 31 december år <= dag: året före dagens år, eller dagens år om dagen är nyårsafton.
        return Q(**{f"{ar}__lte": dag.year if (dag.month, dag.day) == (12, 31) else dag.year - 1})
    return Q(pk__in=[])


# --- registret -------------------------------------------------------------------------------------


def kallor() -> list[Callable]:
    """Källfunktionerna: i kärnans och varje apps `queries` varje funktion som heter `atgardsregister`
    eller `atgardsregister_<något>` (en app med flera källor, t.ex. avvikelser och klagomål, har en
    funktion per källa). I modulernas ordning (INSTALLED_APPS) och sedan namnets."""
    from kvalitet import queries as karnan

    funktioner = []
    for modul in [karnan, *appar.undermoduler("queries")]:
        for namn in sorted(vars(modul)):
            if namn == "atgardsregister" or namn.startswith("atgardsregister_"):
                fn = getattr(modul, namn)
                if callable(fn) and getattr(fn, "__module__", "") == modul.__name__:
                    funktioner.append(fn)
    return funktioner


def _ordning(rad: Atgardsrad):
    # Försenade först (äldst förfallodag först), sedan öppna efter förfallodag, sist genomförda och strukna.
    rang = {Status.FORSENAD: 0, Status.OPPEN: 1, Status.KLAR: 2, Status.STRUKEN: 2}[rad.status]
    return (rang, rad.klar_senast is None, rad.klar_senast or datetime.date.max, rad.kalla, rad.pk)


def register(anvandare, f: Filter | None = None) -> list[Atgardsrad]:
    """Åtgärderna användaren får läsa, filtrerade och sorterade (försenade först, sedan efter
    förfallodag). Ett fast antal frågor per källa (en eller två), oavsett antalet rader."""
    f = f or Filter()
    if not anvandare.is_authenticated:
        return []
    rader: list[Atgardsrad] = []
    for kalla in kallor():
        rader.extend(kalla(anvandare, f))
    return sorted(rader, key=_ordning)


def mina_atgarder(anvandare, idag: datetime.date | None = None) -> list[Atgardsrad]:
    """Användarens egna öppna åtgärder (ansvarig = användaren), försenade först: "Mina uppgifter"."""
    return register(anvandare, Filter(ansvarig_id=anvandare.pk, status=Status.OPPEN, idag=idag))


def som_uppgifter(rader: Iterable[Atgardsrad]):
    """Raderna som uppgifter på startsidan (kvalitet.uppgifter)."""
    from kvalitet.uppgifter import Uppgift

    return [
        Uppgift(
            rubrik=f"Genomför åtgärd: {r.kort_text[:60]}",
            lank=r.lank,
            kalla=r.kalla,
            forfaller=r.klar_senast,
            detalj=f"{r.kalla_namn} {r.referens}: {r.rubrik}" if r.rubrik else f"{r.kalla_namn} {r.referens}",
        )
        for r in rader
    ]


# --- påminnelserna ---------------------------------------------------------------------------------


def paminnelser_svep(*, idag: datetime.date | None = None) -> int:
    """Försenade åtgärder blir påminnelser i den ansvarigas dagliga sammandrag, ur registret.

    För varje användare med en giltig roll i dag: hens försenade åtgärder som hen får läsa (en roll som
    gått ut ger alltså inga påminnelser). Varje påminnelse skapas en gång: notifikationens nyckel är unik
    och är densamma som modulens egen bevakning använder, så ett omkört svep eller en bevakning som redan
    påmint ger ingen påminnelse till. Returnerar antalet nya påminnelser."""
    from django.contrib.auth import get_user_model

    from kvalitet.models import Notifikation, Rolltilldelning

    idag = idag or timezone.localdate()
    giltiga = (
        Rolltilldelning.objects.filter(nod__aktiv=True)
        .filter(Q(giltig_fran__isnull=True) | Q(giltig_fran__lte=idag))
        .filter(Q(giltig_till__isnull=True) | Q(giltig_till__gte=idag))
        .values("anvandare_id")
    )
    nya = 0
    for anvandare in get_user_model().objects.filter(is_active=True, pk__in=giltiga).order_by("pk"):
        rader = [
            r
            for r in register(anvandare, Filter(ansvarig_id=anvandare.pk, forsenade=True, idag=idag))
            if r.paminnelse_nyckel
        ]
        if not rader:
            continue
        notiser = [
            Notifikation(
                nyckel=r.paminnelse_nyckel,
                mottagare_id=anvandare.pk,
                rubrik=f"{r.kalla_namn} {r.referens}: åtgärden skulle vara klar {r.klar_senast:%Y-%m-%d}",
                text=r.kort_text,
                lank=r.lank,
                sammandrag=True,
            )
            for r in rader
        ]
        fore = Notifikation.objects.filter(nyckel__in=[n.nyckel for n in notiser]).count()
        Notifikation.objects.bulk_create(notiser, ignore_conflicts=True)
        nya += Notifikation.objects.filter(nyckel__in=[n.nyckel for n in notiser]).count() - fore
    return nya
