"""Import av brukare och insatser från verksamhetssystemet (Treserva, Lifecare, Viva/Procapita ...) som CSV.

Nyckeln är källsystemets id (`externt_id`): samma fil två gånger ändrar ingenting. Alla rader kontrolleras
först (samma regler som formulären: personnummer, datumordning, unikhet); en felaktig rad stoppar inte de
korrekta, utom med `strikt` (då skrivs ingenting om någon rad är fel). Med torrkörning skrivs ingenting.
Kolumnerna står i README (avsnittet "API och import").
"""

from __future__ import annotations

import csv
import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction

from kvalitet import access, services
from kvalitet.forms import personnummer_upptaget
from kvalitet.importer import FALSKT, SANT, Radfel, Resultat, _las
from kvalitet.models import Brukare, Insats, Insatstyp, NodTyp, OrgNod
from kvalitet.personnummer import normalisera_personnummer

BRUKARE_KOLUMNER = ("externt_id", "personnummer", "fornamn", "efternamn", "namnd_kod")
INSATS_KOLUMNER = ("externt_id", "brukare_externt_id", "insatstyp", "beslutsdatum")


def _rader(text: str, kolumner, resultat) -> list[tuple[int, dict]] | None:
    """(radnummer, rad) för varje datarad, eller None (med ett fel) om filen inte går att läsa."""
    if "\x00" in text:
        resultat.fel.append(Radfel(1, "fil", "innehåller NUL-tecken; är det verkligen en CSV-fil?"))
        return None
    try:
        lasare = _las(text.lstrip("\ufeff"))
        saknas = [k for k in kolumner if k not in (lasare.fieldnames or [])]
        if saknas:
            resultat.fel.append(Radfel(1, ", ".join(saknas), "kolumnen saknas i rubrikraden"))
            return None
        return [
            (nr, {k: v if isinstance(v, str) else "" for k, v in rad.items() if k})
            for nr, rad in enumerate(lasare, start=2)
        ]
    except csv.Error as fel:
        resultat.fel.append(Radfel(1, "fil", f"kan inte läsas som CSV med semikolon eller komma ({fel})"))
        return None


def _modellfel(radnr: int, fel: ValidationError) -> list[Radfel]:
    if hasattr(fel, "error_dict"):
        return [
            Radfel(radnr, falt if falt != "__all__" else "rad", m)
            for falt, ms in fel.message_dict.items()
            for m in ms
        ]
    return [Radfel(radnr, "rad", m) for m in fel.messages]


def _datum(text: str, radnr: int, falt: str, fel: list[Radfel]) -> datetime.date | None:
    text = (text or "").strip()
    if not text:
        return None
    from kvalitet.forms import MINSTA_DATUM, STORSTA_DATUM, inom_granserna

    try:
        datum = datetime.date.fromisoformat(text)
    except ValueError:
        fel.append(Radfel(radnr, falt, "ska vara ett datum ÅÅÅÅ-MM-DD"))
        return None
    if not inom_granserna(datum):  # samma gränser som formulären: år 1 och 9999 ger 500 längre fram
        fel.append(Radfel(radnr, falt, f"ska ligga mellan {MINSTA_DATUM} och {STORSTA_DATUM}"))
        return None
    return datum


def _skriv(rader, resultat, *, torrkorning, strikt, spara):
    """rader: (radnr, befintlig eller None, ny instans, fält att jämföra)."""
    if torrkorning or (strikt and resultat.fel):
        return resultat
    with transaction.atomic():
        for radnr, befintlig, ny, falt in rader:
            if befintlig is not None and all(getattr(befintlig, f) == getattr(ny, f) for f in falt):
                resultat.oforandrade += 1
                continue
            try:
                with transaction.atomic():
                    spara(ny)
            except ValidationError as fel:
                resultat.fel.extend(_modellfel(radnr, fel))
                continue
            if befintlig is None:
                resultat.skapade += 1
            else:
                resultat.andrade += 1
    return resultat


def importera_brukare(
    text: str, *, torrkorning: bool = False, strikt: bool = False, av=None, namnder: set[int] | None = None
) -> Resultat:
    """Kolumner: externt_id; personnummer; fornamn; efternamn; namnd_kod; skyddad_identitet; handlaggare.

    `namnder` begränsar vilka nämnder raderna får gälla (API:t: användarens egna); None = alla (kommandot).
    Med en användare (`av`, API:t) gäller också webbens regler för befintliga brukare: en rad vars id eller
    personnummer hör till en brukare utanför användarens scope avvisas med samma allmänna meddelande som
    för varje annan dold post, och en brukare med skyddad identitet ändras bara av ärendets handläggare och
    varken byter handläggare eller förlorar skyddet genom en import.
    """
    resultat = Resultat()
    rader_in = _rader(text, BRUKARE_KOLUMNER, resultat)
    if rader_in is None:
        return resultat
    nodkoder = {n.kod: n for n in OrgNod.objects.filter(typ=NodTyp.NAMND)}
    befintliga = {b.externt_id: b for b in Brukare.objects.filter(externt_id__isnull=False)}
    far_andra = None
    if av is not None:
        far_andra = set(
            access.scope(av, Brukare, access.ANDRA)
            .filter(externt_id__isnull=False)
            .values_list("pk", flat=True)
        )
    anvandare = {u.username: u for u in get_user_model().objects.filter(is_active=True)}
    sedda: set[str] = set()
    sedda_nummer: set[str] = set()
    rader = []
    for radnr, rad in rader_in:
        fel: list[Radfel] = []
        externt_id = (rad.get("externt_id") or "").strip()
        if not externt_id:
            fel.append(Radfel(radnr, "externt_id", "saknas"))
        elif externt_id in sedda:
            fel.append(Radfel(radnr, "externt_id", f"{externt_id} förekommer flera gånger i filen"))
        nummer = ""
        try:
            nummer = normalisera_personnummer(rad.get("personnummer") or "")
        except ValidationError as e:
            fel.append(Radfel(radnr, "personnummer", e.messages[0]))
        if nummer and nummer in sedda_nummer:
            fel.append(Radfel(radnr, "personnummer", "förekommer flera gånger i filen"))
        namnd = nodkoder.get((rad.get("namnd_kod") or "").strip())
        if namnd is None:
            fel.append(Radfel(radnr, "namnd_kod", "ingen nämnd har den koden"))
        elif namnder is not None and namnd.pk not in namnder:
            fel.append(Radfel(radnr, "namnd_kod", "du får inte importera till den nämnden"))
        skyddad_text = (rad.get("skyddad_identitet") or "").strip().lower()
        if skyddad_text and skyddad_text not in SANT | FALSKT:
            fel.append(Radfel(radnr, "skyddad_identitet", "ska vara ja eller nej"))
        handlaggare = None
        anvandarnamn = (rad.get("handlaggare") or "").strip()
        if anvandarnamn:
            handlaggare = anvandare.get(anvandarnamn)
            if handlaggare is None:
                fel.append(Radfel(radnr, "handlaggare", f"ingen aktiv användare heter {anvandarnamn}"))
        befintlig = befintliga.get(externt_id)
        skyddad = bool(skyddad_text) and skyddad_text not in FALSKT
        if not fel and befintlig is not None and far_andra is not None:
            fel.extend(_befintlig_fel(radnr, befintlig, av, far_andra, handlaggare, skyddad))
        if not fel and nummer:
            upptaget = personnummer_upptaget(av, nummer, utom_pk=befintlig.pk if befintlig else None)
            if upptaget:
                falt = "rad" if upptaget == services.BRUKARE_KAN_INTE_SPARAS else "personnummer"
                fel.append(Radfel(radnr, falt, upptaget))
        if not fel:
            ny = Brukare(
                externt_id=externt_id,
                personnummer=nummer,
                fornamn=(rad.get("fornamn") or "").strip(),
                efternamn=(rad.get("efternamn") or "").strip(),
                namnd=namnd,
                skyddad_identitet=skyddad,
                handlaggare=handlaggare,
            )
            if befintlig is not None:
                ny.pk, ny.skapad, ny._state.adding = befintlig.pk, befintlig.skapad, False
                # Versionen som lästes: ändrade någon brukaren efter inläsningen blir raden en krock.
                ny.version = befintlig.version
            try:
                # Unikheten är prövad ovan (id:t via befintliga, numret utan att röja dolda brukare).
                ny.full_clean(validate_unique=False)
            except ValidationError as e:
                fel.extend(_modellfel(radnr, e))
            else:
                falt = [
                    "personnummer",
                    "fornamn",
                    "efternamn",
                    "namnd_id",
                    "skyddad_identitet",
                    "handlaggare_id",
                ]
                rader.append((radnr, befintlig, ny, falt))
                sedda.add(externt_id)
                sedda_nummer.add(nummer)
        resultat.fel.extend(fel)
    return _skriv(
        rader,
        resultat,
        torrkorning=torrkorning,
        strikt=strikt,
        spara=lambda b: services.brukare_spara(brukare=b, av=av, version=b.version),
    )


def _befintlig_fel(radnr, befintlig, av, far_andra, handlaggare, skyddad) -> list[Radfel]:
    """Får användaren skriva raden över en befintlig brukare? (Webbens regler, se importera_brukare.)"""
    if befintlig.pk not in far_andra:
        # Samma meddelande som för ett dolt personnummer: säger inte var brukaren finns eller vem hen är.
        return [Radfel(radnr, "rad", services.BRUKARE_KAN_INTE_SPARAS)]
    if not befintlig.skyddad_identitet:
        return []
    if not access.visa_identitet(av, befintlig):
        return [
            Radfel(
                radnr, "rad", "brukaren har skyddad identitet; raden importeras bara av ärendets handläggare"
            )
        ]
    fel = []
    if (handlaggare.pk if handlaggare else None) != befintlig.handlaggare_id:
        fel.append(
            Radfel(
                radnr, "handlaggare", "skyddad identitet: ärendet lämnas över med åtgärden Lämna över ärendet"
            )
        )
    if not skyddad:
        fel.append(
            Radfel(
                radnr, "skyddad_identitet", "skyddad identitet hävs bara med åtgärden Häv skyddad identitet"
            )
        )
    return fel


LAGNAMN = {"sol": "SoL", "lss": "LSS"}


def _typer_per_namn() -> dict[str, dict[str, Insatstyp]]:
    typer: dict[str, dict[str, Insatstyp]] = {}
    for t in Insatstyp.objects.all():
        typer.setdefault(t.namn.lower(), {})[t.lag.lower()] = t
    return typer


def _insatstyp(typer, text, lag_text) -> tuple[Insatstyp | None, str]:
    """Typen ur namnet, med lagen ur kolumnen `lag` eller namnet "Kontaktperson (LSS)" (samma form som
    listorna visar). Namnet är unikt bara per lag, så ett tvetydigt namn utan lag är ett fel."""
    namn, lag = (text or "").strip(), (lag_text or "").strip().lower()
    if not lag and namn.endswith(")") and " (" in namn:
        namn, _, lag = namn[:-1].rpartition(" (")
        lag = lag.strip().lower()
    per_lag = typer.get(namn.strip().lower())
    if not per_lag:
        return None, "okänd insatstyp"
    if lag:
        typ = per_lag.get(lag)
        return (typ, "") if typ else (None, f"insatstypen finns inte under {LAGNAMN.get(lag, lag)}")
    if len(per_lag) > 1:
        forslag = " eller ".join(f"'{t.namn} ({t.lag})'" for t in per_lag.values())
        return None, f"insatstypen finns under flera lagar: skriv {forslag}"
    return next(iter(per_lag.values())), ""


def importera_insatser(
    text: str, *, torrkorning: bool = False, strikt: bool = False, av=None, namnder: set[int] | None = None
) -> Resultat:
    """Kolumner: externt_id; brukare_externt_id; insatstyp; enhet_kod; beslutsdatum; startdatum; slutdatum;
    valfritt lag (SoL/LSS), som behövs när insatstypens namn finns under båda lagarna."""
    resultat = Resultat()
    rader_in = _rader(text, INSATS_KOLUMNER, resultat)
    if rader_in is None:
        return resultat
    brukare = {b.externt_id: b for b in Brukare.objects.filter(externt_id__isnull=False)}
    typer = _typer_per_namn()
    enheter = {n.kod: n for n in OrgNod.objects.filter(typ=NodTyp.ENHET)}
    befintliga = {i.externt_id: i for i in Insats.objects.filter(externt_id__isnull=False)}
    sedda: set[str] = set()
    rader = []
    for radnr, rad in rader_in:
        fel: list[Radfel] = []
        externt_id = (rad.get("externt_id") or "").strip()
        if not externt_id:
            fel.append(Radfel(radnr, "externt_id", "saknas"))
        elif externt_id in sedda:
            fel.append(Radfel(radnr, "externt_id", f"{externt_id} förekommer flera gånger i filen"))
        b = brukare.get((rad.get("brukare_externt_id") or "").strip())
        if b is not None and namnder is not None and b.namnd_id not in namnder:
            b = None  # samma svar som för ett okänt id: importen ska inte röja brukare i andra nämnder
        if b is None:
            fel.append(
                Radfel(radnr, "brukare_externt_id", "ingen brukare har det id:t (importera brukarna först)")
            )
        typ, typfel = _insatstyp(typer, rad.get("insatstyp"), rad.get("lag"))
        if typfel:
            fel.append(Radfel(radnr, "insatstyp", typfel))
        enhet = None
        enhet_kod = (rad.get("enhet_kod") or "").strip()
        if enhet_kod:
            enhet = enheter.get(enhet_kod)
            if enhet is None:
                fel.append(Radfel(radnr, "enhet_kod", "ingen enhet har den koden"))
        beslut = _datum(rad.get("beslutsdatum"), radnr, "beslutsdatum", fel)
        if beslut is None and not any(f.falt == "beslutsdatum" for f in fel):
            fel.append(Radfel(radnr, "beslutsdatum", "saknas"))
        start = _datum(rad.get("startdatum"), radnr, "startdatum", fel)
        slut = _datum(rad.get("slutdatum"), radnr, "slutdatum", fel)
        # Samma regler och meddelanden som InsatsForm.
        if beslut and start and start < beslut:
            fel.append(Radfel(radnr, "startdatum", "Verkställighetsdatum kan inte ligga före beslutsdatum."))
        if beslut and slut and slut < beslut:
            fel.append(Radfel(radnr, "slutdatum", "Slutdatum kan inte ligga före beslutsdatum."))
        if start and slut and slut < start:
            fel.append(Radfel(radnr, "slutdatum", "Slutdatum kan inte ligga före verkställighetsdatum."))
        if not fel:
            befintlig = befintliga.get(externt_id)
            ny = Insats(
                externt_id=externt_id,
                brukare=b,
                typ=typ,
                lag=typ.lag,
                enhet=enhet,
                beslutsdatum=beslut,
                startdatum=start,
                slutdatum=slut,
            )
            if befintlig is not None:
                ny.pk, ny._state.adding, ny.version = befintlig.pk, False, befintlig.version
            try:
                ny.full_clean(exclude=["externt_id"] if befintlig else None)
            except ValidationError as e:
                fel.extend(_modellfel(radnr, e))
            else:
                falt = ["brukare_id", "typ_id", "lag", "enhet_id", "beslutsdatum", "startdatum", "slutdatum"]
                rader.append((radnr, befintlig, ny, falt))
                sedda.add(externt_id)
        resultat.fel.extend(fel)
    return _skriv(
        rader,
        resultat,
        torrkorning=torrkorning,
        strikt=strikt,
        spara=lambda i: services.insats_spara(insats=i, av=av, version=i.version),
    )
