"""Startsidan per roll. Varje app bidrar via `<app>.queries.startsida(user)` (rutor, knappar, signaler,
diagram, nyckeltal per nämnd) och `<app>.queries.startsida_urval(user, nyckel)` (listan bakom en ruta som
ingen annan lista filtrerar fram). Kärnan importerar inga appar, som `kvalitet.uppgifter`.

Regeln för rutorna: talet på rutan räknas ur samma urval som listan den länkar till, så att de alltid
stämmer (testas per roll)."""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Callable

from django.db.models import QuerySet

from kvalitet import access, appar
from kvalitet.uppgifter import Uppgift


@dataclasses.dataclass(frozen=True)
class Ruta:
    """Ett tal med länk till listan bakom det."""

    rubrik: str
    antal: int
    lank: str
    kalla: str
    detalj: str = ""
    varning: bool = False  # t.ex. försenat: rutan markeras när talet inte är noll


@dataclasses.dataclass(frozen=True)
class Knapp:
    text: str
    lank: str
    liten: bool = False  # ett verktyg (t.ex. QR-affischen), efter rapportknapparna och mindre


@dataclasses.dataclass(frozen=True)
class Nyckeltal:
    """En kolumn i ledningens jämförelse: ett tal per nämnd (bara sammanställningar)."""

    rubrik: str
    per_namnd: dict[int, int | float | None]
    lank: str = ""
    enhet: str = ""  # t.ex. "%"


@dataclasses.dataclass
class Bidrag:
    knappar: list[Knapp] = dataclasses.field(default_factory=list)
    rutor: list[Ruta] = dataclasses.field(default_factory=list)
    signaler: list[Uppgift] = dataclasses.field(default_factory=list)
    diagram: list = dataclasses.field(default_factory=list)
    nyckeltal: list[Nyckeltal] = dataclasses.field(default_factory=list)


@dataclasses.dataclass(frozen=True)
class Rad:
    """En rad i listan bakom en ruta: inga namn på rapportörer; enskildas namn bara via
    `access.brukare_visningsnamn` i appens urval."""

    rubrik: str
    lank: str
    datum: datetime.date | None = None
    detalj: str = ""


@dataclasses.dataclass(frozen=True)
class Urval:
    rubrik: str
    qs: QuerySet
    rad: Callable[[object], Rad]
    brukare: Callable[[object], int | None] = lambda _obj: None  # för åtkomstloggen


@dataclasses.dataclass
class Startsida:
    knappar: list[Knapp]
    rutor: list[Ruta]
    signaler: list[Uppgift]
    diagram: list
    jamforelse: dict | None  # {"namnder": [namn], "rader": [(Nyckeltal, [värde per nämnd])]}


def _moduler():
    # Samma upptäckt som "Mina uppgifter" (kvalitet.appar): de appar vars queries bidrar till startsidan.
    return [m for m in appar.undermoduler("queries") if hasattr(m, "startsida")]


def startsida(user) -> Startsida:
    bidrag = [m.startsida(user) for m in _moduler() if hasattr(m, "startsida")]
    nyckeltal = [n for b in bidrag for n in b.nyckeltal]
    return Startsida(
        # Rapportknapparna först (från alla appar), verktygen sist: ordningen inom varje grupp står kvar.
        knappar=sorted((k for b in bidrag for k in b.knappar), key=lambda k: k.liten),
        rutor=[r for b in bidrag for r in b.rutor],
        signaler=[s for b in bidrag for s in b.signaler],
        diagram=[d for b in bidrag for d in b.diagram],
        jamforelse=_jamforelse(user, nyckeltal) if nyckeltal else None,
    )


def _jamforelse(user, nyckeltal: list[Nyckeltal]) -> dict:
    """Nämnderna under användarens ledningsnoder sida vid sida, ett nyckeltal per rad (saknat värde: 0)."""
    from kvalitet.models import NodTyp, OrgNod

    namnder = OrgNod.objects.filter(
        typ=NodTyp.NAMND, aktiv=True, pk__in=access.noder(user, access.LEDNING)
    ).order_by("namn")
    # Nämnderna som kolumner, nyckeltalen som rader: ryms på en telefon (få nämnder, många tal).
    rader = [(t, [_visa(t, t.per_namnd.get(n.pk, 0)) for n in namnder]) for t in nyckeltal]
    # Samma tal per nämnd, för telefonen (en ruta per nämnd i stället för en bred tabell).
    per_namnd = [(n.namn, [(t, varden[i]) for t, varden in rader]) for i, n in enumerate(namnder)]
    return {"namnder": [n.namn for n in namnder], "rader": rader, "per_namnd": per_namnd}


def _visa(t: Nyckeltal, varde) -> str:
    # None: talet finns inte (t.ex. en andel utan några berörda), vilket inte är detsamma som 0 %.
    if varde is None:
        return "–"
    return f"{varde} {t.enhet}" if t.enhet else str(varde)


def nycklar() -> list[str]:
    """Alla nycklar till listorna bakom rutorna (för säkerhetsgenomgången av varje URL)."""
    return [n for m in _moduler() for n in getattr(m, "STARTSIDA_NYCKLAR", ())]


def urval(user, nyckel: str) -> Urval | None:
    """Listan bakom en ruta, eller None om ingen app känner nyckeln för användaren."""
    for m in _moduler():
        fn = getattr(m, "startsida_urval", None)
        if fn is not None and (u := fn(user, nyckel)) is not None:
            return u
    return None


def _cache(user) -> dict:
    """Per begäran (på användarobjektet, som access.behorighet): det flera appar frågar om samma sida."""
    if not hasattr(user, "_kvalitet_startsida"):
        user._kvalitet_startsida = {}
    return user._kvalitet_startsida


def har_enhet(user) -> bool:
    """Finns en enhet att rapportera för? Samma urval som rapportformulären (aktiva enheter under någon av
    användarens roller); utan enhet kan formulären inte skickas, så knapparna visas inte."""
    from kvalitet.models import NodTyp

    # Alla roller = hela delträdet under användarens tilldelningar, som access redan har hämtat.
    return access.behorighet(user).har_aktiv_nod(NodTyp.ENHET)


def namnd_for_enheter(user, enhet_ids) -> dict[int, int]:
    """Nämnden (id) för varje enhet, ur sökvägarna: en fråga för alla nämnder och enheter, en gång per
    begäran. För nyckeltal per nämnd ur antal per enhet."""
    from kvalitet.models import NodTyp, OrgNod

    cache = _cache(user)
    if "namnd" not in cache:
        noder = list(
            OrgNod.objects.filter(typ__in=(NodTyp.NAMND, NodTyp.ENHET)).values_list("pk", "sokvag", "typ")
        )
        namnder = [(pk, vag) for pk, vag, typ in noder if typ == NodTyp.NAMND]
        cache["namnd"] = {
            pk: next((n for n, nvag in namnder if vag.startswith(nvag)), None)
            for pk, vag, typ in noder
            if typ == NodTyp.ENHET
        }
    return {e: cache["namnd"][e] for e in enhet_ids if cache["namnd"].get(e) is not None}


def summera_per_namnd(user, per_enhet: dict[int, int]) -> dict[int, int]:
    namnd = namnd_for_enheter(user, per_enhet)
    summa: dict[int, int] = {}
    for enhet, antal in per_enhet.items():
        if enhet in namnd:
            summa[namnd[enhet]] = summa.get(namnd[enhet], 0) + antal
    return summa
