"""Sökningen: referensnummer och fritext i avvikelser, klagomål och lex Sarah, inom användarens åtkomst.

Kärnan importerar ingen app (docs/ARCHITECTURE.md): varje app som har något att söka i har
`sok(anvandare, fraga, grans) -> list[Traff]` i sin `queries.py`, och `sok()` här hittar dem genom
`kvalitet.appar`. Apparna börjar i `access.scope` och låter `traffar()` här göra själva sökningen, så att
reglerna nedan gäller lika för alla:

- Det som söks är postens egna textfält och referensnummer, aldrig namn: inte den enskildes, inte
  rapportörens (anonym eller lex Sarah) och inte klagomålsavsändarens. Namnen finns i andra tabeller och
  fält som aldrig ingår i sökvektorn.
- En enskild med skyddad identitet (som användaren inte får se, `access.visa_identitet`) ska aldrig gå att
  hitta på namn eller personnummer, inte heller när personalen skrivit namnet i fritexten: en träff vars
  berörda enskilda är skyddade tas bort om någon sökterm liknar deras namn eller nummer, och namnen byts mot
  "[skyddad identitet]" i utdraget.
- PostgreSQL: fulltext med den svenska konfigurationen (varje ord som början av en stam; med operatorer
  websearch-syntax, där ingen inmatning ger syntaxfel), rangordnad, utdrag med SearchHeadline. SQLite (demon):
  en enkel `icontains` per ord.
- Referensnummer (`AV-2026-000012`) matchas exakt eller som början; `AV-2026-12` hittar `AV-2026-000012`.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
from collections.abc import Callable, Iterable, Sequence

from django.db import connections
from django.db.models import Q, QuerySet
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from kvalitet import access, appar

KONFIGURATION = "swedish"
MAX_LANGD = 200
UTDRAG_TECKEN = 180
SKYDDAD = "[skyddad identitet]"
# Markeringarna som SearchHeadline sätter runt träffarna: styrtecken som inte står i vanlig text, så att
# utdraget kan escapas först och markeringarna bli <mark> efteråt (allt annat i utdraget är text).
_START, _SLUT = "\x1e", "\x1f"
KANDIDATER = 500
_OPERATOR = re.compile(r"[\"!&|:*()<>\\]|(^|\s)-|\sor\s", re.IGNORECASE)
_REFERENS = re.compile(r"^([A-ZÅÄÖ]{1,4})-(\d{0,4})(?:-(\d{0,6}))?$", re.IGNORECASE)


@dataclasses.dataclass(frozen=True)
class Traff:
    """En post i sökresultatet, som den visas för användaren."""

    modul: str
    referensnummer: str
    lank: str
    status: str
    nod: str
    datum: datetime.datetime | datetime.date | None
    utdrag: SafeString
    rang: float = 0.0
    brukare_ids: tuple[int, ...] = ()


@dataclasses.dataclass(frozen=True)
class Grupp:
    modul: str
    traffar: list[Traff]
    fler: bool  # fler träffar än som visas


@dataclasses.dataclass(frozen=True)
class Fraga:
    """Den tolkade sökfrågan."""

    text: str
    referens: str | None  # frågan ser ut som (början av) ett referensnummer, versaler
    exakt_referens: str | None  # med löpnumret utfyllt till sex siffror (AV-2026-12 -> AV-2026-000012)

    @property
    def termer(self) -> list[str]:
        return [t for t in re.split(r"[\s\"'()|]+", self.text) if t and t != "-" and t.lower() != "or"]


def tolka(fraga: str) -> Fraga:
    text = " ".join((fraga or "").split())[:MAX_LANGD]
    traff = _REFERENS.match(text)
    if not traff:
        return Fraga(text=text, referens=None, exakt_referens=None)
    prefix, ar, lopnr = traff.group(1).upper(), traff.group(2), traff.group(3)
    exakt = f"{prefix}-{ar}-{int(lopnr):06d}" if len(ar) == 4 and lopnr else None
    return Fraga(text=text, referens=text.upper(), exakt_referens=exakt)


def sok(anvandare, fraga: str, grans: int = 20) -> list[Grupp]:
    """Varje apps träffar för frågan, grupperade per modul i apparnas ordning. Högst `grans` per modul."""
    if not tolka(fraga).text:
        return []
    grupper: dict[str, list[Traff]] = {}
    for modul in appar.undermoduler("queries"):
        # Bara appar som har något att söka i har funktionen (riskanalys och uppföljning har det inte).
        if hasattr(modul, "sok"):
            for t in modul.sok(anvandare, fraga, grans + 1):
                grupper.setdefault(t.modul, []).append(t)
    return [Grupp(modul=m, traffar=t[:grans], fler=len(t) > grans) for m, t in grupper.items()]


# --- själva sökningen (anropas av apparnas sok) --------------------------------------------------------


def traffar(
    anvandare,
    qs: QuerySet,
    *,
    falt: Sequence[str],
    fraga: str,
    grans: int,
    datumfalt: str,
    brukare: Callable[[object], Iterable] = lambda obj: (),
) -> list[tuple[object, float, SafeString]]:
    """(post, rang, utdrag) för de högst `grans` poster i `qs` (redan begränsat av access) som matchar.

    `falt` är postens egna textfält; `brukare(post)` ger de enskilda posten berör (för skyddad identitet)."""
    f = tolka(fraga)
    if not f.text:
        return []
    if f.referens:
        rader = [
            (obj, 1.0, None) for obj in _referensurval(qs, f).order_by(f"-{datumfalt}", "-pk")[: grans + 5]
        ]
    elif connections[qs.db].vendor == "postgresql":
        rader = _fulltext(qs, falt, f, grans + 5, datumfalt)
    else:
        rader = [(obj, 0.0, None) for obj in enkel_sok(qs, falt, f.text, grans + 5, datumfalt)]
    resultat = []
    for obj, rang, rubrik in rader:
        dolda = [b for b in brukare(obj) if b is not None and not access.visa_identitet(anvandare, b)]
        # Ett referensnummer är inget namn eller nummer (och "AV-2026" får inte likna ett personnummer).
        if dolda and not f.referens and _liknar_skyddad(f, dolda):
            continue
        text = rubrik if rubrik is not None else _enkelt_utdrag(obj, falt, f)
        resultat.append((obj, rang, _utdrag_html(text, dolda)))
        if len(resultat) >= grans:
            break
    return resultat


def _referensurval(qs: QuerySet, f: Fraga) -> QuerySet:
    # Referensnumren sparas med versaler: `startswith` (inte istartswith) använder PostgreSQL:s LIKE-index.
    villkor = Q(referensnummer__startswith=f.referens)
    if f.exakt_referens:
        villkor |= Q(referensnummer=f.exakt_referens)
    return qs.filter(villkor)


def sokvektor(*falt: str):
    """Sökvektorn över fälten, samma uttryck som GIN-indexet i apparnas migreringar (annars används det inte)."""
    from django.contrib.postgres.search import SearchVector

    return SearchVector(*falt, config=KONFIGURATION)


def tsfraga(f: Fraga):
    """Frågan till PostgreSQL. Utan operatorer söks varje ord som början av en stam (`medicin:*`), så att
    "rullator" hittar "rullatorn" och "fall" hittar "fallet" (den svenska stammningen gör det inte själv).
    Orden har bara bokstäver och siffror, så råsyntaxen kan inte bli fel. Med citat, minus eller "or" gäller
    websearch-syntaxen (där ger ingen inmatning ett syntaxfel)."""
    from django.contrib.postgres.search import SearchQuery

    ord_ = re.findall(r"\w+", f.text)
    if not ord_ or _OPERATOR.search(f.text):
        return SearchQuery(f.text, config=KONFIGURATION, search_type="websearch")
    return SearchQuery(" & ".join(f"{o}:*" for o in ord_), config=KONFIGURATION, search_type="raw")


def rangordnade(qs: QuerySet, falt: Sequence[str], f: Fraga, antal: int, datumfalt: str) -> QuerySet:
    """De högst `antal` bästa träffarna i `qs` (PostgreSQL), med `rang`."""
    from django.contrib.postgres.search import SearchRank

    fraga, vektor = tsfraga(f), sokvektor(*falt)
    # Rangen räknar om sökvektorn för varje rad den rangordnar (ingen lagrad vektor), så bara de senaste
    # KANDIDATER träffarna rangordnas: ett vanligt ord ("medicin") bland hundratusentals avvikelser kostar
    # annars en omräkning per träff (BENCHMARKS.md, Sökningen).
    kandidater = (
        qs.annotate(sokvektor=vektor)
        .filter(sokvektor=fraga)
        .order_by(f"-{datumfalt}", "-pk")
        .values("pk")[:KANDIDATER]
    )
    return (
        qs.filter(pk__in=kandidater)
        .annotate(rang=SearchRank(vektor, fraga))
        .order_by("-rang", f"-{datumfalt}", "-pk")[:antal]
    )


def _fulltext(qs: QuerySet, falt: Sequence[str], f: Fraga, antal: int, datumfalt: str):
    from django.contrib.postgres.search import SearchHeadline
    from django.db.models import F, TextField, Value
    from django.db.models.functions import Coalesce, Concat

    fraga = tsfraga(f)
    delar = []
    for i, namn in enumerate(falt):
        if i:
            delar.append(Value(" · "))
        delar.append(Coalesce(F(namn), Value(""), output_field=TextField()))
    helt = Concat(*delar, output_field=TextField()) if len(delar) > 1 else delar[0]
    urval = rangordnade(qs, falt, f, antal, datumfalt)
    # Utdraget bara för de rader som visas (en andra fråga på högst `antal` id), inte för varje träff.
    poster = list(urval)
    rubriker = dict(
        qs.model._default_manager.filter(pk__in=[p.pk for p in poster])
        .annotate(
            rubrik=SearchHeadline(
                helt,
                fraga,
                config=KONFIGURATION,
                start_sel=_START,
                stop_sel=_SLUT,
                max_words=30,
                min_words=12,
                max_fragments=2,
                fragment_delimiter=" … ",
            )
        )
        .values_list("pk", "rubrik")
    )
    return [(p, float(p.rang), rubriker.get(p.pk, "")) for p in poster]


def enkel_sok(qs: QuerySet, falt: Sequence[str], text: str, antal: int, datumfalt: str) -> list:
    """Reservvägen utan fulltext (SQLite i demon): varje ord ska finnas i något av fälten, nyast först."""
    for term in tolka(text).termer:
        villkor = Q()
        # SQLite:s LIKE skiljer inte på versaler bara för ASCII ("Å" och "å" är olika): ordet också med
        # gemener, versaler och stor begynnelsebokstav.
        for form in {term, term.lower(), term.upper(), term.capitalize()}:
            for namn in falt:
                villkor |= Q(**{f"{namn}__icontains": form})
        qs = qs.filter(villkor)
    return list(qs.order_by(f"-{datumfalt}", "-pk")[:antal])


def _enkelt_utdrag(obj, falt: Sequence[str], f: Fraga) -> str:
    """Ett stycke runt den första träffen, med markeringar (SQLite, och träffar på referensnummer)."""
    termer = [t for t in f.termer if not f.referens]
    texter = [str(getattr(obj, namn) or "") for namn in falt]
    monster = re.compile("|".join(re.escape(t) for t in termer), re.IGNORECASE) if termer else None
    text = next((t for t in texter if monster and monster.search(t)), next((t for t in texter if t), ""))
    text = text.replace(_START, "").replace(_SLUT, "")
    borjan = 0
    if monster and (m := monster.search(text)):
        borjan = max(0, m.start() - UTDRAG_TECKEN // 3)
    stycke = text[borjan : borjan + UTDRAG_TECKEN]
    if monster:
        stycke = monster.sub(lambda m: f"{_START}{m.group(0)}{_SLUT}", stycke)
    return ("… " if borjan else "") + stycke + (" …" if borjan + UTDRAG_TECKEN < len(text) else "")


def _namnmonster(brukare: Iterable) -> re.Pattern | None:
    namn = {n for b in brukare for n in (b.fornamn, b.efternamn) if n and len(n) > 1}
    if not namn:
        return None
    delar = "|".join(re.escape(n) for n in sorted(namn, key=len, reverse=True))
    # Markeringar runt namnet följer med, så att inte ett tomt <mark> blir kvar.
    return re.compile(rf"{_START}?\b(?:{delar})\w*{_SLUT}?", re.IGNORECASE)


def _utdrag_html(text: str, dolda: Sequence) -> SafeString:
    """Utdraget som HTML: texten escapad, skyddade namn och nummer borttagna, bara <mark> som markup."""
    text = text or ""
    if dolda:
        monster = _namnmonster(dolda)
        if monster:
            text = monster.sub(SKYDDAD, text)
        for b in dolda:
            for nummer in _nummerformer(b.personnummer):
                text = text.replace(nummer, SKYDDAD)
    html = escape(text).replace(_START, "<mark>").replace(_SLUT, "</mark>")
    if html.count("<mark>") != html.count("</mark>"):  # ett styrtecken i själva texten
        html = html.replace("<mark>", "").replace("</mark>", "")
    return mark_safe(html)  # noqa: S308  # nosec B308 B703: texten escapad ovan; bara markeringarna är HTML


def _siffror(text: str) -> str:
    return re.sub(r"\D", "", text or "")


def _nummerformer(personnummer: str) -> list[str]:
    siffror = _siffror(personnummer)
    if len(siffror) < 10:
        return [personnummer] if personnummer else []
    kort = siffror[-10:]
    return sorted(
        {personnummer, siffror, kort, f"{kort[:6]}-{kort[6:]}", f"{siffror[:-4]}-{siffror[-4:]}"},
        key=len,
        reverse=True,
    )


def _liknar_skyddad(f: Fraga, dolda: Sequence) -> bool:
    """Liknar någon sökterm namnet eller numret på en skyddad enskild som posten berör?"""
    for term in f.termer:
        t = term.casefold()
        siffror = _siffror(term)
        for b in dolda:
            if len(siffror) >= 4 and siffror in _siffror(b.personnummer):
                return True
            for namn in (b.fornamn, b.efternamn):
                # Del av namnet åt båda hållen: prefixsökningen ("he:*") och SQLite:s icontains hittar också
                # början och mitten av ett ord, och en böjd form ("Hemligs") innehåller namnet.
                n = (namn or "").casefold()
                if n and (t in n or (len(n) >= 2 and n in t)):
                    return True
    return False
