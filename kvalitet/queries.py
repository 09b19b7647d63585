"""Läsningar i kärnan. Varje funktion börjar i kvalitet.access."""

import bisect
import datetime
import itertools
import re

from django.db.models import BooleanField, Case, Count, F, Q, QuerySet, Value, When
from django.db.models.functions import ExtractMonth, ExtractYear

from kvalitet import access
from kvalitet.models import (
    Atkomstlogg,
    Brukare,
    Insats,
    NodTyp,
    Notifikation,
    OrgNod,
    Roll,
    Rolltilldelning,
)
from kvalitet.personnummer import normalisera_personnummer


def _brukare_villkor(user, fraga: str) -> Q:
    """Namn eller personnummer; skyddade brukare matchar bara för sin egen handläggare."""
    villkor = Q()
    siffror = fraga.replace("-", "").replace("+", "")
    if siffror.isdigit() and len(siffror) >= 6:
        try:
            villkor = Q(personnummer=normalisera_personnummer(fraga))
        except Exception:
            villkor = Q(personnummer__contains=siffror)
    else:
        for ord_ in fraga.split():
            villkor &= Q(fornamn__icontains=ord_) | Q(efternamn__icontains=ord_)
    synliga = Q(skyddad_identitet=False) | Q(handlaggare_id=user.pk)
    return villkor & synliga


def brukare_sok(user, fraga: str = "", atgard: str = access.LASA) -> QuerySet:
    """Brukare i användarens scope som matchar namn eller personnummer.

    Skyddade brukare matchar bara för sin egen handläggare, så att en sökning inte röjer att de finns.
    """
    qs = access.scope(user, Brukare, atgard)
    fraga = (fraga or "").strip()
    if not fraga:
        return qs
    return qs.filter(_brukare_villkor(user, fraga))


def brukare_i_ordning(user, qs: QuerySet) -> QuerySet:
    """Efter namn, men skyddade som användaren inte ser namnet på sist och efter nummer: i bokstavsordning
    skulle platsen mellan två synliga namn röja efternamnet."""
    dold = Q(skyddad_identitet=True) & ~Q(handlaggare_id=user.pk)
    return qs.annotate(
        _dold=Case(When(dold, then=Value(True)), default=Value(False), output_field=BooleanField()),
        _efternamn=Case(When(dold, then=Value("")), default=F("efternamn")),
        _fornamn=Case(When(dold, then=Value("")), default=F("fornamn")),
    ).order_by("_dold", "_efternamn", "_fornamn", "pk")


# "nr 17" (eller bara "17"): numret som visas för en skyddad identitet, så att den som har ärendet kan välja
# personen utan namn. Sex siffror eller fler är ett personnummer.
_NUMMER = re.compile(r"^(?:nr\.?\s*)?(\d{1,5})$", re.IGNORECASE)
MINSTA_SOKNING = 2
MAX_TRAFFAR = 20


def _sokvillkor(user, fraga: str, prefix: str = "") -> Q | None:
    fraga = (fraga or "").strip()
    if len(fraga) < MINSTA_SOKNING and not _NUMMER.match(fraga):
        return None
    if traff := _NUMMER.match(fraga):
        return Q(**{f"{prefix}pk": int(traff.group(1))})
    villkor = _brukare_villkor(user, fraga)
    return Q(**{f"{prefix}pk__in": Brukare.objects.filter(villkor).values("pk")}) if prefix else villkor


def _synliga_forst(user, poster, brukare=lambda b: b):
    # Skyddade som visas som nummer står sist, efter numret: i bokstavsordning skulle platsen röja efternamnet.
    def nyckel(post):
        b = brukare(post)
        if access.visa_identitet(user, b):
            return (0, b.efternamn.casefold(), b.fornamn.casefold(), b.pk)
        return (1, "", "", b.pk)

    return sorted(poster, key=nyckel)


def enskilda_att_valja(
    user, fraga: str, atgard: str = access.VALJA, *, antal: int = MAX_TRAFFAR
) -> list[Brukare] | None:
    """Högst `antal` brukare användaren får `atgard` (välja, ändra) som matchar sökningen, synliga namn i
    bokstavsordning och skyddade sist. None om sökningen är för kort (då visas ingen alls)."""
    villkor = _sokvillkor(user, fraga)
    if villkor is None:
        return None
    traffar = access.scope(user, Brukare, atgard).filter(villkor).order_by("efternamn", "fornamn", "pk")
    return _synliga_forst(user, traffar[:antal])


def pagaende_insatser_att_valja(user, fraga: str, *, antal: int = MAX_TRAFFAR) -> list[Insats] | None:
    """Verkställda, inte avslutade insatser som användaren får ändra, för brukare som matchar sökningen
    (samma regler som enskilda_att_valja). None om sökningen är för kort."""
    villkor = _sokvillkor(user, fraga, prefix="brukare__")
    if villkor is None:
        return None
    traffar = (
        access.scope(user, Insats, access.ANDRA)
        .filter(villkor, startdatum__isnull=False, slutdatum__isnull=True)
        .select_related("brukare", "typ")
        .order_by("brukare__efternamn", "brukare__fornamn", "pk")
    )
    return _synliga_forst(user, traffar[:antal], brukare=lambda i: i.brukare)


def _vag(nod: OrgNod) -> list[int]:
    return [int(x) for x in nod.sokvag.strip("/").split("/") if x]


def giltiga_tilldelningar(nod: OrgNod, roll, datum=None, *, och_under: bool = False) -> QuerySet:
    """Rolltilldelningar med `roll` (en roll eller flera) på noden eller ovanför den som gäller `datum`
    (standard i dag): inom giltig från/till, på en aktiv nod, för en aktiv användare. Med `och_under` även
    i delträdet under noden. Den enda frågan om "vem har rollen här" som påminnelser, urval och rapporter
    använder, så att en utgången roll aldrig får något."""
    from django.utils import timezone

    datum = datum or timezone.localdate()
    roller = (roll,) if isinstance(roll, str) else tuple(roll)
    noder = Q(nod_id__in=_vag(nod))
    if och_under:
        noder |= Q(nod__sokvag__startswith=nod.sokvag)
    return Rolltilldelning.objects.filter(
        noder,
        Q(giltig_fran__isnull=True) | Q(giltig_fran__lte=datum),
        Q(giltig_till__isnull=True) | Q(giltig_till__gte=datum),
        roll__in=roller,
        nod__aktiv=True,
        anvandare__is_active=True,
    )


def ansvariga(nod: OrgNod, roll, datum=None) -> list:
    """Användarna som har `roll` på noden eller ovanför den `datum` (standard i dag), närmast noden först
    (sedan äldsta tilldelningen), var och en en gång. Mottagarna för påminnelser och eskaleringar."""
    from django.db.models.functions import Length

    rader = (
        giltiga_tilldelningar(nod, roll, datum)
        .select_related("anvandare")
        .order_by(Length("nod__sokvag").desc(), "pk")
    )
    sedda: dict[int, object] = {}
    for rt in rader:
        sedda.setdefault(rt.anvandare_id, rt.anvandare)
    return list(sedda.values())


def ansvarig(nod: OrgNod, roll, datum=None):
    """Den närmaste användaren med rollen (ansvariga()[0]), eller None."""
    hittade = ansvariga(nod, roll, datum)
    return hittade[0] if hittade else None


def handlaggare_i_namnd(namnd: OrgNod) -> QuerySet:
    """Aktiva användare med en giltig handläggarroll på nämnden eller en nod ovanför den."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(pk__in=giltiga_tilldelningar(namnd, access.HANDLAGGARE).values("anvandare_id"))
        .order_by("last_name", "first_name", "pk")
    )


# Roller som kan vara ansvariga för en åtgärd. Ledningen och administratören arbetar inte i ärendena (de ser
# inga personuppgifter) och erbjuds aldrig, inte heller om de har en roll i nämnden.
ANSVARIG_ROLLER = (
    access.PERSONAL,
    access.ENHETSCHEF,
    access.VERKSAMHETSCHEF,
    access.HANDLAGGARE,
    access.KVALITETSSAMORDNARE,
)


def _ansvariga_tilldelningar(nod: OrgNod, *, och_under: bool = False) -> QuerySet:
    """Giltiga rolltilldelningar för de roller som kan ansvara för en åtgärd, på noden och noderna ovanför
    den upp till och med nämnden; med `och_under` även i delträdet under noden."""
    # Kommunen ligger ovanför nämnderna: en roll där gäller alla nämnder och ger ingen ansvarig i en.
    return giltiga_tilldelningar(nod, ANSVARIG_ROLLER, och_under=och_under).exclude(nod__typ=NodTyp.KOMMUN)


def mojliga_ansvariga(nod: OrgNod, *, och_under: bool = False) -> QuerySet:
    """Användare som kan vara ansvariga för en åtgärd på en post vid `nod`: aktiva, med en giltig
    rolltilldelning på noden eller ovanför den inom samma nämnd (aldrig en annan nämnds personal, aldrig
    ledning eller admin). Samma urval ger valen i formuläret och prövar det som skickas in."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(pk__in=_ansvariga_tilldelningar(nod, och_under=och_under).values("anvandare_id"))
        .order_by("last_name", "first_name", "pk")
    )


def ansvarigas_roller(nod: OrgNod, *, och_under: bool = False) -> dict[int, list[str]]:
    """Användar-id -> "Roll, nod" för de tilldelningar som gör hen valbar (en fråga), för etiketterna."""
    etiketter = dict(Roll.choices)
    roller: dict[int, list[str]] = {}
    rader = (
        _ansvariga_tilldelningar(nod, och_under=och_under)
        .order_by("nod__sokvag", "roll")
        .values_list("anvandare_id", "roll", "nod__namn")
    )
    for anvandare_id, roll, nodnamn in rader:
        roller.setdefault(anvandare_id, []).append(f"{etiketter.get(roll, roll)}, {nodnamn}")
    return roller


def lag_per_enhet(enhet_ids) -> dict[int, str]:
    """Lagen (SoL eller LSS) som varje enhet entydigt arbetar under, för att fylla i rapportformulären.

    Regeln: enhetens pågående insatser (utan slutdatum eller med slutdatum i dag eller senare, också
    beslutade som inte börjat) är alla beslutade enligt samma lag → den lagen. Har enheten insatser enligt
    båda lagarna, eller inga, finns ingen lag att föreslå och rapportören väljer själv. Svaret är en lag per
    enhet (inga personuppgifter), så det läses utan scope; anroparen frågar bara om enheter hen får välja.
    En fråga för alla enheterna."""
    from django.utils import timezone

    idag = timezone.localdate()
    lagar: dict[int, set[str]] = {}
    rader = (
        Insats.objects.filter(enhet_id__in=list(enhet_ids))
        .filter(Q(slutdatum__isnull=True) | Q(slutdatum__gte=idag))
        .values_list("enhet_id", "lag")
        .distinct()
    )
    for enhet_id, lag in rader:
        lagar.setdefault(enhet_id, set()).add(lag)
    return {e: next(iter(varden)) for e, varden in lagar.items() if len(varden) == 1}


def organisationstrad() -> list[OrgNod]:
    """Hela trädet i sökvägsordning (ett anrop); `djup` ger indraget."""
    return list(OrgNod.objects.filter(aktiv=True).order_by("sokvag"))


def loggkontroll(user, *, brukare_id: int | None = None, anvandare_id: int | None = None) -> QuerySet:
    """Vem har tittat på vem och när, inom användarens nämnd."""
    qs = access.scope(user, Atkomstlogg).select_related("anvandare", "brukare")
    if brukare_id:
        qs = qs.filter(brukare_id=brukare_id)
    if anvandare_id:
        qs = qs.filter(anvandare_id=anvandare_id)
    return qs.order_by("-tidpunkt")


def notifikationer(user) -> QuerySet:
    return access.scope(user, Notifikation).order_by("-skapad")


# Volymen bakom styrdiagrammen (avvikelser per pågående insats): insatserna är kärnans, så frågan bor här.
def aktiva_insatser_per_manad(user, nod: OrgNod | None, manader: list[datetime.date]) -> list[dict]:
    """Volymen för styrdiagrammen: antal insatser som var verkställda någon dag under månaden (start senast
    månadens sista dag, inte avslutade före dess första), per utförande enhet under noden (utan nod: alla användarens):
    [{"enhet_id", "manad", "antal"}], bara antal > 0. Enheter där användaren räknar statistik
    (`access.volymscope`); inga personuppgifter lämnar frågan. EN fråga, grupperad på enhet och insatsens
    start- och slutmånad (några hundra rader oavsett antal insatser); månaderna räknas sedan här: en insats
    pågår under månaden m om startmånaden <= m och slutmånaden saknas eller >= m, vilket är samma villkor
    som "start senast sista dagen, slut tidigast första dagen". Fungerar likadant i PostgreSQL och SQLite."""
    if not manader:
        return []
    under = {"enhet__sokvag__startswith": nod.sokvag} if nod else {}
    rader = (
        access.volymscope(user, Insats.objects.all())
        .filter(**under, startdatum__lte=manader[-1] + datetime.timedelta(days=31))
        .filter(Q(slutdatum__isnull=True) | Q(slutdatum__gte=manader[0]))
        # Månaden som heltal (år·12 + månad): inga datumomvandlingar per rad i Python.
        .annotate(
            startmanad=ExtractYear("startdatum") * 12 + ExtractMonth("startdatum"),
            slutmanad=ExtractYear("slutdatum") * 12 + ExtractMonth("slutdatum"),
        )
        .values_list("enhet_id", "startmanad", "slutmanad")
        .annotate(antal=Count("pk"))
        .order_by()
    )
    # Insatsen pågår månaderna manader[forsta..sista]: en differenslista per enhet, summerad i en gång.
    nummer = [m.year * 12 + m.month for m in manader]
    skillnad: dict[int, list[int]] = {}
    for enhet_id, startmanad, slutmanad, antal in rader:
        forsta = bisect.bisect_left(nummer, startmanad)
        sista = len(manader) - 1 if slutmanad is None else bisect.bisect_right(nummer, slutmanad) - 1
        if forsta <= sista:
            lista = skillnad.setdefault(enhet_id, [0] * (len(manader) + 1))
            lista[forsta] += antal
            lista[sista + 1] -= antal
    per_enhet = {enhet_id: list(itertools.accumulate(lista[:-1])) for enhet_id, lista in skillnad.items()}
    return [
        {"enhet_id": enhet_id, "manad": m, "antal": summor[i]}
        for enhet_id, summor in per_enhet.items()
        for i, m in enumerate(manader)
        if summor[i]
    ]


def epost_direkt(user) -> bool:
    """Har användaren valt e-post direkt för varje påminnelse (i stället för dagens sammandrag)?"""
    from kvalitet.models import Epostval

    return Epostval.objects.filter(anvandare_id=user.pk, direkt=True).exists()


# --- åtgärdsregistret: kärnans källor (egenkontroll och förbättringsplan) ------------------------------


def atgardsregister(user, f):
    """Kontrollpunkter och förbättringsåtgärder i registret (kvalitet.atgardsregister). Ansvarig är fritext
    i båda (en funktion eller ett namn), så filtret på ansvarig ger inga rader och ingen påminnelse; de
    förfaller årets sista dag (kontrollpunktens "när" är fritext som "mars" eller "varje kvartal")."""
    from django.urls import reverse

    from kvalitet.atgardsregister import Atgardsrad, filtrera, status_for
    from kvalitet.models.kvalitetsarbete import Forbattringsatgard, Kontrollpunkt

    rader = []
    idag = f.dag
    if f.tar_med("egenkontroll"):
        punkter = filtrera(
            access.scope(user, Kontrollpunkt),
            f,
            nod="plan__nod",
            klar=Q(genomford=True),
            ar="plan__ar",
            ansvarig=None,
        ).select_related("plan__nod")
        for p in punkter:
            slut = datetime.date(p.plan.ar, 12, 31)
            rader.append(
                Atgardsrad(
                    kalla="egenkontroll",
                    pk=p.pk,
                    referens=f"{p.plan.ar}",
                    rubrik=p.plan.rubrik,
                    lank=reverse("kvalitetsarbete:kontrollplan", args=[p.plan_id]),
                    text=p.aktivitet + (f" ({p.nar})" if p.nar else ""),
                    nod_namn=p.plan.nod.namn,
                    status=status_for(klar=p.genomford, struken=False, klar_senast=slut, idag=idag),
                    ansvarig_namn=p.ansvarig,
                    klar_senast=slut,
                    effekt=p.iakttagelser,
                )
            )
    if f.tar_med("forbattringsplan"):
        atgarder = filtrera(
            access.scope(user, Forbattringsatgard), f, nod="nod", klar=Q(klar=True), ar="ar", ansvarig=None
        ).select_related("nod")
        # Förbättringen ändras bara av nämndens kvalitetssamordnare; chefer som läser den når planen.
        andringsbara = (
            set(access.scope(user, Forbattringsatgard, access.ANDRA).values_list("pk", flat=True))
            if atgarder
            else set()
        )
        for a in atgarder:
            slut = datetime.date(a.ar, 12, 31)
            rader.append(
                Atgardsrad(
                    kalla="forbattringsplan",
                    pk=a.pk,
                    referens=f"{a.ar}",
                    rubrik=a.omrade,
                    lank=reverse("kvalitetsarbete:forbattring", args=[a.pk])
                    if a.pk in andringsbara
                    else reverse("kvalitetsarbete:index"),
                    text=a.atgard,
                    nod_namn=a.nod.namn,
                    status=status_for(klar=a.klar, struken=False, klar_senast=slut, idag=idag),
                    ansvarig_namn=a.ansvarig,
                    klar_senast=slut,
                )
            )
    return rader
