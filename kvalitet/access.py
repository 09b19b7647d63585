"""Det enda stället som avgör vem som får se och ändra vad.

Varje lista, detaljsida, export, API-svar och rapport går via `scope()` (eller `Model.objects.for_user()`,
som anropar den). Vyer filtrerar aldrig på roll själva. En modell utan regel här ger ett fel i stället
för att visa allt: åtkomst stängs som standard.

Roller gäller den nod de är tilldelade och allt under den i organisationsträdet:

| roll                 | ser                                                                      |
|----------------------|--------------------------------------------------------------------------|
| personal             | bara det hen själv rapporterat; kan välja brukare vid sina enheter        |
| enhetschef           | sina enheter                                                             |
| verksamhetschef      | sitt verksamhetsområde                                                   |
| handläggare          | sin nämnds brukare och listor, sitt eget ärendeurval                      |
| kvalitetssamordnare  | hela nämnden                                                             |
| ledning              | inga personuppgifter, bara sammanställningar                             |
| admin                | konfiguration (organisation, användare, kategorier), inga personuppgifter |

Skyddad identitet: namn och personnummer visas och ändras bara av den handläggare som har ärendet
(`visa_identitet`), och sådana brukare hittas inte på namn eller nummer av andra. Att lämna över ärendet
(`far_overlamna`) och häva skyddet (`far_hava_skydd`) är egna åtgärder med motivering, aldrig en bieffekt
av ett vanligt formulär, en API-ändring eller en import.

Sidor: vilka roller som får använda en sida (ett formulär, en lista, en knapp) står i tabellen `SIDOR`, och
vyer (`@sida("…")`), mallar (`{% if user|kan_sida:"…" %}`) och menyn frågar samma sak (`kan_sida`). Ett
nekande ser alltid likadant ut:

- en *sida* som rollen inte får använda ger 403 (den svenska sidan "Du saknar behörighet"). Sidan finns
  för alla, så svaret röjer ingenting om någon post;
- en *post* utanför användarens scope för åtgärden ger 404 (`hamta`), samma svar som om posten inte
  fanns, så att ingen kan pröva sig fram till vilka ärenden som finns;
- en särskild åtgärd på en post användaren redan får ändra (lämna över, häva skyddad identitet) ger 403:
  posten röjs inte av svaret, eftersom hen redan ser den.

Nekandet görs alltid genom att höja `PermissionDenied` eller `Http404` (aldrig en egen render), så att
felsidorna i kvalitet/views_fel.py är de enda svaren.

Ingen vy omdirigerar som nekande; en omdirigering betyder "din vy av det här ligger där" (t.ex. personalens
avvikelsesida är de egna rapporterna).
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
from collections.abc import Callable, Iterable
from functools import reduce
from operator import or_

from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import models
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

LASA = "view"
ANDRA = "change"
# Brukare vars insats vid enheten avslutats inom ett år går fortfarande att välja och se för chefen.
_ETT_AR = datetime.timedelta(days=365)

VALJA = "select"  # välja i ett formulär (t.ex. brukare i en avvikelserapport), inte se detaljer
# Räkna poster under de noder man ansvarar för (statistik, årsrapport). Det egna rapporterade ingår inte:
# det gör statistiken för en nod oberoende av vem som tittar, och den kan läsas ur ett index.
STATISTIK = "statistics"

PERSONAL = "personal"
ENHETSCHEF = "enhetschef"
VERKSAMHETSCHEF = "verksamhetschef"
HANDLAGGARE = "handlaggare"
KVALITETSSAMORDNARE = "kvalitetssamordnare"
LEDNING = "ledning"
ADMIN = "admin"

CHEFER = (ENHETSCHEF, VERKSAMHETSCHEF)
# Vilka som räknar avvikelser och klagomål (STATISTIK): cheferna, nämndens kvalitetssamordnare och
# ledningen, som enligt rolltabellen läser sammanställningar men inga personuppgifter.
STATISTIK_ROLLER = (*CHEFER, KVALITETSSAMORDNARE, LEDNING)
ALLA_ROLLER = (PERSONAL, ENHETSCHEF, VERKSAMHETSCHEF, HANDLAGGARE, KVALITETSSAMORDNARE, LEDNING, ADMIN)


@dataclasses.dataclass
class Behorighet:
    """En användares giltiga rolltilldelningar, hämtade en gång per begäran."""

    anvandar_id: int
    tilldelningar: list[tuple[str, int, str]]  # (roll, nod_id, nodens sökväg)
    _noder: dict[tuple[str, ...], frozenset[int]] = dataclasses.field(default_factory=dict)
    _alla: list[tuple[int, str, str, bool]] | None = None

    @property
    def roller(self) -> frozenset[str]:
        return frozenset(r for r, _, _ in self.tilldelningar)

    def har(self, *roller: str) -> bool:
        return any(r in roller for r, _, _ in self.tilldelningar)

    def tilldelade_noder(self, *roller: str) -> list[int]:
        return [nod for r, nod, _ in self.tilldelningar if r in roller]

    def noder(self, *roller: str) -> frozenset[int]:
        """Alla noder (id) i delträden under användarens noder för rollerna, inklusive noderna själva."""
        nyckel = tuple(sorted(roller))
        if nyckel not in self._noder:
            vagar = tuple({vag for r, _, vag in self.tilldelningar if r in roller})
            self._noder[nyckel] = frozenset(
                nod_id for nod_id, sokvag, _, _ in self._deltrad() if vagar and sokvag.startswith(vagar)
            )
        return self._noder[nyckel]

    def har_aktiv_nod(self, typ: str) -> bool:
        """Finns en aktiv nod av typen under någon av användarens tilldelningar (vilken roll som helst)?"""
        return any(t == typ and aktiv for _, _, t, aktiv in self._deltrad())

    def _deltrad(self) -> list[tuple[int, str, str, bool]]:
        """(id, sökväg, typ, aktiv) för varje nod under någon av användarens tilldelningar, oavsett roll: EN fråga per
        begäran, och varje rolluppsättning filtreras sedan ur den (en sida frågar om tre, fyra sådana)."""
        if self._alla is None:
            from kvalitet.models import OrgNod

            vagar = sorted({vag for _, _, vag in self.tilldelningar})
            self._alla = (
                list(
                    OrgNod.objects.filter(reduce(or_, (Q(sokvag__startswith=v) for v in vagar))).values_list(
                        "id", "sokvag", "typ", "aktiv"
                    )
                )
                if vagar
                else []
            )
        return self._alla


def behorighet(user) -> Behorighet:
    """Användarens behörighet, cachad på användarobjektet (alltså per begäran)."""
    cachad = getattr(user, "_kvalitet_behorighet", None)
    if cachad is not None:
        return cachad
    from kvalitet.models import Rolltilldelning

    tilldelningar: list[tuple[str, int, str]] = []
    if user.is_authenticated and user.is_active:
        idag = timezone.localdate()
        tilldelningar = list(
            Rolltilldelning.objects.filter(anvandare_id=user.pk, nod__aktiv=True)
            .filter(Q(giltig_fran__isnull=True) | Q(giltig_fran__lte=idag))
            .filter(Q(giltig_till__isnull=True) | Q(giltig_till__gte=idag))
            .values_list("roll", "nod_id", "nod__sokvag")
        )
    beh = Behorighet(anvandar_id=user.pk, tilldelningar=tilldelningar)
    if user.is_authenticated:
        user._kvalitet_behorighet = beh
    return beh


def glom_behorighet(user) -> None:
    """Efter en ändring av roller i samma begäran (mest i tester)."""
    if hasattr(user, "_kvalitet_behorighet"):
        del user._kvalitet_behorighet


def har_roll(user, *roller: str) -> bool:
    return behorighet(user).har(*roller)


def noder(user, *roller: str) -> frozenset[int]:
    return behorighet(user).noder(*roller)


# --- sidor (namngivna behörigheter) ------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Sida:
    """Vilka roller som får använda en sida; med `nod` i `kan_sida` måste rollen gälla noden eller en nod
    ovanför den (t.ex. en knapp på en post vid en viss enhet)."""

    roller: tuple[str, ...]
    beskrivning: str


# Den enda listan över sidornas roller. Posterna på sidan begränsas ändå av reglerna nedan (`scope`).
SIDOR: dict[str, Sida] = {
    "avvikelser.ko": Sida((*CHEFER, KVALITETSSAMORDNARE), "avvikelsekön (övriga ser sina egna rapporter)"),
    "avvikelser.rapportera": Sida(
        (PERSONAL, *CHEFER, KVALITETSSAMORDNARE), "rapportera avvikelse, klagomål och lex Sarah (menyn)"
    ),
    "avvikelser.statistik": Sida(STATISTIK_ROLLER, "avvikelsestatistik och styrdiagram"),
    # Enhetens chef och uppåt (verksamhetschefen, nämndens kvalitetssamordnare), för sina egna enheter.
    "avvikelser.affisch": Sida((*CHEFER, KVALITETSSAMORDNARE), "QR-affisch för rapportering vid enheten"),
    # Alla anställda ska kunna rapportera ett missförhållande (SoL 14 kap.), också handläggarna (menyn).
    "lexsarah.rapportera": Sida(
        (PERSONAL, *CHEFER, HANDLAGGARE, KVALITETSSAMORDNARE),
        "rapportera missförhållande – lex Sarah (menyn)",
    ),
    "avvikelser.namnder": Sida((KVALITETSSAMORDNARE, LEDNING), "nämnderna sida vid sida (menyn)"),
    "lexsarah.arenden": Sida((*CHEFER, KVALITETSSAMORDNARE), "lex Sarah-ärendena (övriga ser sina egna)"),
    "lexsarah.register": Sida((*CHEFER, KVALITETSSAMORDNARE, LEDNING), "lex Sarah-registret och statistiken"),
    "riskanalys.anvanda": Sida((*CHEFER, KVALITETSSAMORDNARE), "riskanalyser, mallar och alla risker"),
    "uppfoljning.mina_arenden": Sida((HANDLAGGARE,), "handläggarens egna uppföljningsärenden"),
    "uppfoljning.oversikt": Sida((KVALITETSSAMORDNARE, LEDNING), "täckningsöversikten som startsida"),
    "uppfoljning.lasa": Sida((HANDLAGGARE, KVALITETSSAMORDNARE, VERKSAMHETSCHEF), "uppföljningen (menyn)"),
    "uppfoljning.registrera_forandring": Sida((HANDLAGGARE, KVALITETSSAMORDNARE), "registrera förändring"),
    "uppfoljning.nytt_arende": Sida((HANDLAGGARE, KVALITETSSAMORDNARE), "nytt uppföljningsärende"),
    "uppfoljning.registrera_avbrott": Sida((HANDLAGGARE, KVALITETSSAMORDNARE), "registrera avbrott"),
    "uppfoljning.individrapporter": Sida((HANDLAGGARE, KVALITETSSAMORDNARE), "skapa individrapporter"),
    "uppfoljning.personer": Sida(
        (HANDLAGGARE, KVALITETSSAMORDNARE), "personerna bakom täckningens luckor (personuppgifter)"
    ),
    "kvalitet.brukare": Sida((HANDLAGGARE, KVALITETSSAMORDNARE, *CHEFER), "brukarlistan (menyn)"),
    "kvalitet.ny_brukare": Sida((HANDLAGGARE, KVALITETSSAMORDNARE), "ny brukare"),
    "kvalitet.loggkontroll": Sida((KVALITETSSAMORDNARE,), "loggkontroll"),
    # De som har åtgärder att hålla ordning på; raderna är ändå bara de poster rollen läser (scope).
    # Personalen ser sina egna åtgärder i "Mina uppgifter", ledningen bara sammanställningar.
    "kvalitet.atgardsregister": Sida((*CHEFER, KVALITETSSAMORDNARE, HANDLAGGARE), "åtgärdsregistret"),
    # Sökningen visar bara poster som rollen läser (scope); ledning och admin läser inga enskilda poster.
    "kvalitet.sok": Sida(
        (PERSONAL, *CHEFER, HANDLAGGARE, KVALITETSSAMORDNARE), "sök på referensnummer och fritext (menyn)"
    ),
    "kvalitetsarbete.andra": Sida((KVALITETSSAMORDNARE,), "nytt mål, kontrollplan och förbättring"),
    "kvalitetsarbete.kolada": Sida((KVALITETSSAMORDNARE, ADMIN), "import av jämförelsevärden från Kolada"),
    "rapporter.lasa": Sida((KVALITETSSAMORDNARE, LEDNING), "kvalitetsberättelsen (menyn)"),
    # Administratören ser bara analystexten, inga siffror (rapporter.samlad.noder).
    "rapporter.samlad_analys": Sida((*STATISTIK_ROLLER, ADMIN), "samlad analys (menyn)"),
    "kvalitet.administration": Sida((ADMIN,), "Django-admin (kräver också personalkonto)"),
}


def kan_sida(user, namn: str, nod=None) -> bool:
    """Får användaren använda sidan `namn` (i `SIDOR`)? Med `nod` (OrgNod eller id): rollen ska gälla där."""
    try:
        sida_ = SIDOR[namn]
    except KeyError:
        raise ImproperlyConfigured(f"Ingen sida {namn!r} i kvalitet.access.SIDOR.") from None
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if nod is None:
        return behorighet(user).har(*sida_.roller)
    return getattr(nod, "pk", nod) in noder(user, *sida_.roller)


def krav_sida(user, namn: str, nod=None) -> None:
    """403 (den svenska sidan) om användaren inte får använda sidan."""
    if not kan_sida(user, namn, nod):
        raise PermissionDenied(namn)


def sida(namn: str):
    """Vydekoratör: sidan kräver den namngivna behörigheten, annars 403. Namnet sparas på vyn
    (`_kvalitet_sida`), så att genomgången av länkar kan fråga samma sak om ett formulärs action."""
    if namn not in SIDOR:
        raise ImproperlyConfigured(f"Ingen sida {namn!r} i kvalitet.access.SIDOR.")

    def dekorera(vy):
        @functools.wraps(vy)
        def kontrollerad(request, *args, **kwargs):
            krav_sida(request.user, namn)
            return vy(request, *args, **kwargs)

        kontrollerad._kvalitet_sida = namn
        return kontrollerad

    return dekorera


def metrik_tillaten(request) -> bool:
    """/metrics läses bara med "Authorization: Bearer <METRICS_TOKEN>" (ingen användare, inga
    personuppgifter i svaret). Utan inställd token är sidan avstängd (vyn svarar 404)."""
    import hmac

    from django.conf import settings

    token = settings.METRICS_TOKEN
    givet = request.headers.get("Authorization", "")
    return bool(token) and hmac.compare_digest(givet.encode(), f"Bearer {token}".encode())


# --- regler per modell -------------------------------------------------------------------------

Regel = Callable[[object, QuerySet, str], QuerySet]
REGLER: dict[str, Regel] = {}


def regel(*etiketter: str):
    """Registrerar regeln för modellerna (app_label.modelname). Alla regler står i den här modulen."""

    def registrera(fn: Regel) -> Regel:
        for etikett in etiketter:
            REGLER[etikett] = fn
        return fn

    return registrera


def _eller(villkor: Iterable[Q]) -> Q:
    lista = [q for q in villkor if q is not None]
    return reduce(or_, lista) if lista else Q(pk__in=[])


def nodscope(
    user,
    qs: QuerySet,
    *,
    roller: Iterable[str],
    nodfalt: str = "enhet",
    egen_falt: str | None = None,
) -> QuerySet:
    """Gemensamt mönster: poster vars nod ligger under användarens noder för `roller`, plus (om
    `egen_falt` anges) poster användaren själv står som t.ex. rapportör på."""
    beh = behorighet(user)
    villkor = []
    nod_ids = beh.noder(*roller)
    if nod_ids:
        villkor.append(Q(**{f"{nodfalt}__in": nod_ids}))
    if egen_falt:
        villkor.append(Q(**{egen_falt: user.pk}))
    return qs.filter(_eller(villkor))


def volymscope(user, qs: QuerySet, *, nodfalt: str = "enhet") -> QuerySet:
    """Läshjälp, ingen regel: poster vid noder där användaren räknar statistik (STATISTIK_ROLLER), bara för
    att räkna volymer (t.ex. pågående insatser per enhet och månad, nämnaren i styrdiagrammen) och aldrig för
    att visa posterna. Samma noder som avvikelsestatistiken, så att täljare och nämnare har samma urval."""
    return nodscope(user, qs, roller=STATISTIK_ROLLER, nodfalt=nodfalt)


@regel("kvalitet.orgnod", "kvalitet.insatstyp", "kvalitet.lagrum")
def _regel_konfiguration(user, qs, atgard):
    # Organisationen och listorna är inga personuppgifter; ändras bara av admin.
    if atgard == LASA or atgard == VALJA:
        return qs
    return qs if har_roll(user, ADMIN) else qs.none()


@regel("kvalitet.brukare")
def _regel_brukare(user, qs, atgard):
    beh = behorighet(user)
    villkor = [Q(handlaggare_id=user.pk)] if beh.har(HANDLAGGARE) else []
    namnder = beh.noder(HANDLAGGARE, KVALITETSSAMORDNARE)
    if namnder:
        villkor.append(Q(namnd_id__in=namnder))
    if atgard in (LASA, VALJA):
        roller = CHEFER + ((PERSONAL,) if atgard == VALJA else ())
        enheter = beh.noder(*roller)
        if enheter:
            from kvalitet.models import Insats

            aktuella = Insats.objects.filter(enhet_id__in=enheter).filter(
                Q(slutdatum__isnull=True) | Q(slutdatum__gte=timezone.localdate() - _ETT_AR)
            )
            villkor.append(Q(pk__in=aktuella.values("brukare_id")))
    return qs.filter(_eller(villkor))


@regel("kvalitet.insats")
def _regel_insats(user, qs, atgard):
    beh = behorighet(user)
    villkor = [Q(brukare__handlaggare_id=user.pk)] if beh.har(HANDLAGGARE) else []
    namnder = beh.noder(HANDLAGGARE, KVALITETSSAMORDNARE)
    if namnder:
        villkor.append(Q(brukare__namnd_id__in=namnder))
    if atgard == LASA:
        enheter = beh.noder(*CHEFER)
        if enheter:
            # Samma gräns som brukarregeln: chefen ser insatser som pågår eller avslutats inom ett år.
            aktuell = Q(slutdatum__isnull=True) | Q(slutdatum__gte=timezone.localdate() - _ETT_AR)
            villkor.append(Q(enhet_id__in=enheter) & aktuell)
    return qs.filter(_eller(villkor))


@regel("kvalitet.atkomstlogg")
def _regel_atkomstlogg(user, qs, atgard):
    if atgard != LASA:
        return qs.none()  # loggen ändras aldrig
    return nodscope(user, qs, roller=(KVALITETSSAMORDNARE,), nodfalt="brukare__namnd")


@regel("kvalitet.notifikation")
def _regel_notifikation(user, qs, atgard):
    return qs.filter(mottagare_id=user.pk)


# --- kvalitetsarbete (mål, indikatorer, egenkontroll, förbättringsplan) ------------------------------


# Mål, egenkontroll och förbättringsplan: chefer och kvalitetssamordnare läser det som hör till deras noder
# och allt ovanför dem (nämndens mål gäller också enheten); bara kvalitetssamordnaren ändrar, inom sin
# nämnd. Ledningen läser dem i den publicerade kvalitetsberättelsen.
_KVALITETSARBETE_LASARE = CHEFER + (KVALITETSSAMORDNARE,)


def _noder_och_foraldrar(user, *roller: str) -> set[int]:
    beh = behorighet(user)
    ids = set(beh.noder(*roller))
    for r, _nod, vag in beh.tilldelningar:
        if r in roller:
            ids.update(int(x) for x in vag.strip("/").split("/") if x)
    return ids


def _kvalitetsarbete_scope(user, qs, atgard, nodfalt):
    if atgard == ANDRA:
        return nodscope(user, qs, roller=(KVALITETSSAMORDNARE,), nodfalt=nodfalt)
    return qs.filter(**{f"{nodfalt}__in": _noder_och_foraldrar(user, *_KVALITETSARBETE_LASARE)})


@regel("kvalitet.mal", "kvalitet.kontrollplan", "kvalitet.forbattringsatgard")
def _regel_kvalitetsarbete(user, qs, atgard):
    return _kvalitetsarbete_scope(user, qs, atgard, "nod")


@regel("kvalitet.malindikator", "kvalitet.kontrollpunkt")
def _regel_kvalitetsarbete_del(user, qs, atgard):
    falt = "mal__nod" if qs.model._meta.model_name == "malindikator" else "plan__nod"
    return _kvalitetsarbete_scope(user, qs, atgard, falt)


@regel("kvalitet.indikatorvarde")
def _regel_indikatorvarde(user, qs, atgard):
    return _kvalitetsarbete_scope(user, qs, atgard, "indikator__mal__nod")


@regel("kvalitet.jamforelsevarde")
def _regel_jamforelsevarde(user, qs, atgard):
    # Offentlig statistik; importeras av kvalitetssamordnare.
    if atgard == ANDRA:
        return qs if har_roll(user, KVALITETSSAMORDNARE, ADMIN) else qs.none()
    return qs


# --- api (tokens m.m.) -----------------------------------------------------------------------------


# --- avvikelser (regler för avvikelser-appens modeller) --------------------------------------------


@regel("avvikelser.kategori", "avvikelser.orsak")
def _regel_avvikelse_listor(user, qs, atgard):
    return _regel_konfiguration(user, qs, atgard)


@regel("avvikelser.avvikelse")
def _regel_avvikelse(user, qs, atgard):
    # Chefer ser sina enheters avvikelser, kvalitetssamordnare sin nämnds; personal bara det egna.
    if atgard == ANDRA:
        return nodscope(user, qs, roller=CHEFER)
    if atgard == STATISTIK:
        return nodscope(user, qs, roller=STATISTIK_ROLLER)
    return nodscope(user, qs, roller=CHEFER + (KVALITETSSAMORDNARE,), egen_falt="rapporterad_av")


@regel("avvikelser.manadsantal")
def _regel_manadsantal(user, qs, atgard):
    # Statistikens sammanställning: samma urval som avvikelserna under STATISTIK; skrivs bara av databasen.
    if atgard == STATISTIK:
        return nodscope(user, qs, roller=STATISTIK_ROLLER)
    return qs.none()


@regel("avvikelser.handelse", "avvikelser.atgard", "avvikelser.bilaga")
def _regel_avvikelse_del(user, qs, atgard):
    roller = CHEFER if atgard == ANDRA else CHEFER + (KVALITETSSAMORDNARE,)
    return nodscope(user, qs, roller=roller, nodfalt="avvikelse__enhet")


@regel("avvikelser.klagomal")
def _regel_klagomal(user, qs, atgard):
    if atgard == STATISTIK:
        return nodscope(user, qs, roller=STATISTIK_ROLLER)
    roller = CHEFER if atgard == ANDRA else CHEFER + (KVALITETSSAMORDNARE,)
    return nodscope(user, qs, roller=roller, egen_falt="registrerad_av")


@regel("avvikelser.klagomalhandelse", "avvikelser.klagomalatgard")
def _regel_klagomal_del(user, qs, atgard):
    roller = CHEFER if atgard == ANDRA else CHEFER + (KVALITETSSAMORDNARE,)
    return nodscope(user, qs, roller=roller, nodfalt="klagomal__enhet")


@regel("avvikelser.oppeninlamning")
def _regel_oppeninlamning(user, qs, atgard):
    return qs.none()


# --- lexsarah (regler för lexsarah-appens modeller) ------------------------------------------------

# Beslut: utredarna är nämndens kvalitetssamordnare; de ändrar och ser rapportörens namn. Enhetens och
# områdets chefer läser ärendet (de ska åtgärda) men inte vem som rapporterade. Rapportören ser bara
# status på sina egna rapporter (LASA ger raden, INNEHALL krävs för innehållet). Ledning ser bara registret
# och antal (STATISTIK), admin ingenting: lex Sarah-ärenden är personuppgifter, inte konfiguration.
LEXSARAH_INNEHALL = "lexsarah_innehall"
LEXSARAH_STATISTIK = "lexsarah_statistik"


@regel("lexsarah.rapport")
def _regel_lexsarah_rapport(user, qs, atgard):
    if atgard == ANDRA:
        return nodscope(user, qs, roller=(KVALITETSSAMORDNARE,))
    if atgard == LEXSARAH_INNEHALL:
        return nodscope(user, qs, roller=CHEFER + (KVALITETSSAMORDNARE,))
    if atgard == LEXSARAH_STATISTIK:
        return nodscope(user, qs, roller=CHEFER + (KVALITETSSAMORDNARE, LEDNING))
    if atgard == LASA:
        return nodscope(user, qs, roller=CHEFER + (KVALITETSSAMORDNARE,), egen_falt="rapporterad_av")
    return qs.none()


@regel("lexsarah.handelse", "lexsarah.atgard", "lexsarah.bilaga")
def _regel_lexsarah_del(user, qs, atgard):
    if atgard == ANDRA:
        return nodscope(user, qs, roller=(KVALITETSSAMORDNARE,), nodfalt="rapport__enhet")
    if atgard in (LASA, LEXSARAH_INNEHALL):
        return nodscope(user, qs, roller=CHEFER + (KVALITETSSAMORDNARE,), nodfalt="rapport__enhet")
    return qs.none()


def lexsarah_ar_utredare(user, rapport) -> bool:
    """Utredare (får se rapportörens namn och ändra): kvalitetssamordnare i rapportens nämnd."""
    return rapport.enhet_id in noder(user, KVALITETSSAMORDNARE)


# --- riskanalys (regler för riskanalys-appens modeller) ---------------------------------------------

# Analyser kan lista enskilda, så bara chefer och kvalitetssamordnare under analysens nivå läser och
# ändrar dem. Ledningen får bara antal (RISKANALYS_STATISTIK). Mallarna saknar personuppgifter och delas i
# hela kommunen; de ändras av den som skapat dem eller en kvalitetssamordnare.
RISKANALYS_STATISTIK = "riskanalys_statistik"
_RISKANALYS_ROLLER = CHEFER + (KVALITETSSAMORDNARE,)


@regel("riskanalys.riskanalys")
def _regel_riskanalys(user, qs, atgard):
    if atgard == LASA:
        # Den som ansvarar för en åtgärd läser analysen den hör till. (Genom relationerna, inte genom en
        # import av riskanalys.models: kärnan importerar ingen app, docs/ARCHITECTURE.md.)
        egna = qs.model.objects.filter(risker__atgarder__ansvarig_id=user.pk).values("pk")
        scopad = nodscope(user, qs, roller=_RISKANALYS_ROLLER, nodfalt="nod")
        return qs.filter(Q(pk__in=scopad.values("pk")) | Q(pk__in=egna))
    if atgard == VALJA:
        # Handläggaren kopplar sina förändringar till nämndens analyser (rubriken, inte innehållet).
        return nodscope(user, qs, roller=_RISKANALYS_ROLLER + (HANDLAGGARE,), nodfalt="nod")
    if atgard == ANDRA:
        return nodscope(user, qs, roller=_RISKANALYS_ROLLER, nodfalt="nod")
    if atgard == RISKANALYS_STATISTIK:
        return nodscope(user, qs, roller=_RISKANALYS_ROLLER + (LEDNING,), nodfalt="nod")
    return qs.none()


@regel("riskanalys.risk", "riskanalys.atgard", "riskanalys.handelse")
def _regel_riskanalys_del(user, qs, atgard):
    ar_atgard = qs.model._meta.model_name == "atgard"
    nodfalt = "risk__analys__nod" if ar_atgard else "analys__nod"
    if atgard in (LASA, ANDRA):
        if ar_atgard:
            # Den ansvariga följer upp sin egen åtgärd (status och resultat).
            return nodscope(user, qs, roller=_RISKANALYS_ROLLER, nodfalt=nodfalt, egen_falt="ansvarig")
        if atgard == LASA and qs.model._meta.model_name == "risk":
            egna = qs.model.objects.filter(analys__risker__atgarder__ansvarig_id=user.pk).values("analys_id")
            scopad = nodscope(user, qs, roller=_RISKANALYS_ROLLER, nodfalt=nodfalt)
            return qs.filter(Q(pk__in=scopad.values("pk")) | Q(analys_id__in=egna))
        return nodscope(user, qs, roller=_RISKANALYS_ROLLER, nodfalt=nodfalt)
    return qs.none()


@regel("riskanalys.pdfbestallning")
def _regel_riskanalys_pdf(user, qs, atgard):
    # Bara den som beställde, och bara så länge hen läser analysen: PDF:en visar namnen som för hen.
    if atgard not in (LASA, ANDRA):
        return qs.none()
    riskanalys = qs.model._meta.get_field("analys").related_model
    lasbara = _regel_riskanalys(user, riskanalys.objects.all(), LASA)
    return qs.filter(bestalld_av_id=user.pk, analys__in=lasbara.values("pk"))


@regel("riskanalys.mall", "riskanalys.mallrisk")
def _regel_riskanalys_mall(user, qs, atgard):
    if not har_roll(user, *_RISKANALYS_ROLLER):
        return qs.none()
    if atgard in (LASA, VALJA):
        return qs
    prefix = "mall__" if qs.model._meta.model_name == "mallrisk" else ""
    villkor = [Q(**{f"{prefix}skapad_av_id": user.pk})]
    if har_roll(user, KVALITETSSAMORDNARE):
        villkor.append(Q(**{f"{prefix}nod__in": noder(user, KVALITETSSAMORDNARE)}))
    return qs.filter(_eller(villkor))


# --- uppfoljning (regler för uppfoljning-appens modeller) -------------------------------------------

# Uppföljning och ej verkställda beslut är handläggarnas arbete: handläggaren ser sina egna ärenden,
# nämndens handläggare och kvalitetssamordnare nämndens. Chefer läser förändringarna (inga personuppgifter)
# vid sina enheter. Ledningen får bara antal (UPPFOLJNING_STATISTIK). Rapporteringsperioderna är data.
UPPFOLJNING_STATISTIK = "uppfoljning_statistik"
_UPPFOLJNING_ROLLER = (HANDLAGGARE, KVALITETSSAMORDNARE)


@regel("uppfoljning.forandring")
def _regel_forandring(user, qs, atgard):
    if atgard == ANDRA:
        return nodscope(user, qs, roller=_UPPFOLJNING_ROLLER, nodfalt="nod")
    if atgard == UPPFOLJNING_STATISTIK:
        return nodscope(user, qs, roller=_UPPFOLJNING_ROLLER + (LEDNING,), nodfalt="nod")
    if atgard == LASA:
        beh = behorighet(user)
        villkor = [Q(nod__in=beh.noder(*_UPPFOLJNING_ROLLER))]
        enheter = beh.noder(*CHEFER)
        if enheter:
            villkor.append(Q(nod__in=enheter) | Q(enheter__in=enheter))
        return qs.filter(pk__in=qs.model.objects.filter(_eller(villkor)).values("pk"))
    return qs.none()


def _uppfoljning_arende_scope(user, qs, atgard, prefix=""):
    if atgard == UPPFOLJNING_STATISTIK:
        return nodscope(user, qs, roller=_UPPFOLJNING_ROLLER + (LEDNING,), nodfalt=f"{prefix}nod")
    if atgard not in (LASA, ANDRA):
        return qs.none()
    return nodscope(
        user, qs, roller=_UPPFOLJNING_ROLLER, nodfalt=f"{prefix}namnd", egen_falt=f"{prefix}handlaggare"
    )


@regel("uppfoljning.uppfoljningsarende")
def _regel_uppfoljningsarende(user, qs, atgard):
    return _uppfoljning_arende_scope(user, qs, atgard)


@regel("uppfoljning.kontakt")
def _regel_uppfoljning_kontakt(user, qs, atgard):
    return _uppfoljning_arende_scope(user, qs, atgard, "arende__")


@regel("uppfoljning.bortval")
def _regel_bortval(user, qs, atgard):
    # Bortvalen läses på förändringens sida av dem som får ändra förändringen (nämndens handläggare).
    if atgard not in (LASA, ANDRA):
        return qs.none()
    return nodscope(user, qs, roller=_UPPFOLJNING_ROLLER, nodfalt="forandring__nod")


@regel("uppfoljning.ejverkstalltbeslut")
def _regel_ej_verkstallt(user, qs, atgard):
    if atgard == UPPFOLJNING_STATISTIK:
        return nodscope(user, qs, roller=_UPPFOLJNING_ROLLER + (LEDNING,), nodfalt="namnd")
    if atgard not in (LASA, ANDRA):
        return qs.none()
    return nodscope(user, qs, roller=_UPPFOLJNING_ROLLER, nodfalt="namnd", egen_falt="brukare__handlaggare")


@regel("uppfoljning.individrapport")
def _regel_individrapport(user, qs, atgard):
    if atgard not in (LASA, ANDRA):
        return qs.none()
    return nodscope(user, qs, roller=_UPPFOLJNING_ROLLER, nodfalt="beslut__namnd")


@regel("uppfoljning.rapporteringsperiod")
def _regel_rapporteringsperiod(user, qs, atgard):
    if atgard in (LASA, VALJA):
        return qs
    return qs if har_roll(user, ADMIN, KVALITETSSAMORDNARE) else qs.none()


@regel("uppfoljning.huvudrapportor")
def _regel_huvudrapportor(user, qs, atgard):
    roller = (KVALITETSSAMORDNARE,) if atgard == ANDRA else _UPPFOLJNING_ROLLER
    return nodscope(user, qs, roller=roller, nodfalt="namnd")


# --- rapporter (regler för rapporter-appens modeller) ----------------------------------------------


@regel("rapporter.kvalitetsberattelse", "rapporter.publiceradversion")
def _regel_kvalitetsberattelse(user, qs, atgard):
    # Berättelsen sammanställs av kvalitetssamordnaren (som ser hela nämnden); ledning och chefer läser
    # publicerade versioner för sina noder och nämnden ovanför (bara sammanställningar, inga namn).
    nodfalt = "nod" if qs.model._meta.model_name == "kvalitetsberattelse" else "berattelse__nod"
    if atgard == ANDRA:
        return nodscope(user, qs, roller=(KVALITETSSAMORDNARE,), nodfalt=nodfalt)
    return qs.filter(**{f"{nodfalt}__in": _noder_och_foraldrar(user, *_KVALITETSARBETE_LASARE, LEDNING)})


@regel("rapporter.samladanalys")
def _regel_samlad_analys(user, qs, atgard):
    # Analystexten (inga personuppgifter): skrivs av nodens kvalitetssamordnare (och admin), läses av dem
    # som ser den samlade analysen för noden (STATISTIK_ROLLER).
    if atgard == ANDRA:
        return (
            qs if har_roll(user, ADMIN) else nodscope(user, qs, roller=(KVALITETSSAMORDNARE,), nodfalt="nod")
        )
    if atgard == LASA:
        return nodscope(user, qs, roller=(*STATISTIK_ROLLER, ADMIN), nodfalt="nod")
    return qs.none()


def far_skriva_samlad_analys(user, nod) -> bool:
    """Samma urval som regeln ovan för ANDRA, före första sparningen (då finns ingen rad att pröva)."""
    return har_roll(user, ADMIN) or nod.pk in noder(user, KVALITETSSAMORDNARE)


# --- ingångarna ---------------------------------------------------------------------------------


def scope(user, qs: QuerySet | type[models.Model], atgard: str = LASA) -> QuerySet:
    """Exakt de poster i `qs` som användaren får `atgard` (läsa, ändra, välja)."""
    if not isinstance(qs, QuerySet):
        qs = qs._default_manager.all()
    if user is None or not user.is_authenticated or not user.is_active:
        return qs.none()
    etikett = qs.model._meta.label_lower
    try:
        fn = REGLER[etikett]
    except KeyError:
        raise ImproperlyConfigured(f"Ingen åtkomstregel för {etikett} i kvalitet.access.") from None
    return fn(user, qs, atgard)


def hamta(user, qs: QuerySet | type[models.Model], atgard: str = LASA, **uppslag):
    """Ett objekt användaren får `atgard`, annars 404 (samma svar som om det inte fanns)."""
    try:
        return scope(user, qs, atgard).get(**uppslag)
    except (models.ObjectDoesNotExist, ValueError, TypeError):
        raise Http404 from None


def kan(user, obj: models.Model, atgard: str = LASA) -> bool:
    return scope(user, type(obj)._default_manager.filter(pk=obj.pk), atgard).exists()


def visa_identitet(user, brukare) -> bool:
    """Får användaren se namn och personnummer? Vid skyddad identitet bara ärendets handläggare."""
    return not brukare.skyddad_identitet or (user is not None and brukare.handlaggare_id == user.pk)


# Fälten som bara ärendets handläggare läser och ändrar när identiteten är skyddad.
IDENTITETSFALT = ("personnummer", "fornamn", "efternamn")


def identitet_synlig(user, brukare) -> bool:
    """Får användaren veta att just den här brukaren finns, med namn och nummer? (I scope och, vid skyddad
    identitet, ärendets handläggare.) Används när en krock på personnummer ska förklaras."""
    return kan(user, brukare, LASA) and visa_identitet(user, brukare)


def far_overlamna(user, brukare) -> bool:
    """Får användaren lämna över en brukare med skyddad identitet till en annan handläggare?

    Ärendets egen handläggare får det. Saknar ärendet en aktiv handläggare (hen har slutat, eller ingen är
    satt) får nämndens kvalitetssamordnare utse en, utan att själv se identiteten. Ett vanligt ärende byter
    handläggare i det vanliga formuläret.
    """
    if not brukare.skyddad_identitet or not kan(user, brukare, ANDRA):
        return False
    if brukare.handlaggare_id == user.pk:
        return True
    utan_handlaggare = brukare.handlaggare_id is None or not brukare.handlaggare.is_active
    return utan_handlaggare and brukare.namnd_id in noder(user, KVALITETSSAMORDNARE)


def far_hava_skydd(user, brukare) -> bool:
    """Får användaren häva skyddad identitet? Ärendets handläggare eller nämndens kvalitetssamordnare."""
    if not brukare.skyddad_identitet or not kan(user, brukare, ANDRA):
        return False
    return brukare.handlaggare_id == user.pk or brukare.namnd_id in noder(user, KVALITETSSAMORDNARE)


def brukare_visningsnamn(user, brukare) -> str:
    if visa_identitet(user, brukare):
        return f"{brukare.fornamn} {brukare.efternamn}"
    return f"Skyddad identitet (nr {brukare.pk})"


def brukare_visningsnummer(user, brukare) -> str:
    if visa_identitet(user, brukare):
        return brukare.personnummer_visning
    return "************"


# --- vem gjorde det (tidslinjer, historik, krockmeddelanden) -------------------------------------------

# En anonym avvikelserapportör namnges för ingen utom hen själv, inte heller för kvalitetssamordnaren:
# "dölj mitt namn" ska gå att lita på, och utredningen behöver inte namnet (det finns kvar i posten, så att
# rapportören ser sina egna rapporter). En lex Sarah-rapportör namnges bara för utredarna
# (`lexsarah_ar_utredare`) och för hen själv. Regeln gäller varje händelse rapportören står för, inte bara
# själva rapporten: annars röjer en senare rad namnet.
ANONYM_RAPPORTOR = "Anonym rapportör"
DOLD_RAPPORTOR = "Rapportören (namnet visas bara för utredarna)"


def rapportor_dold(user, post) -> str:
    """Tom sträng om användaren får se vem som rapporterat posten, annars det som visas i stället."""
    if user is not None and post.rapporterad_av_id == user.pk:
        return ""
    etikett = post._meta.label_lower
    if etikett == "avvikelser.avvikelse":
        return ANONYM_RAPPORTOR if post.anonym else ""
    if etikett == "lexsarah.rapport":
        return "" if user is not None and lexsarah_ar_utredare(user, post) else DOLD_RAPPORTOR
    return ""


def aktor_visningsnamn(user, post, aktor) -> str:
    """Namnet på den som gjorde något i `post` (en rad i tidslinjen, en historikrad, "ändrat av"), som
    `user` får se det: rapportören döljs enligt `rapportor_dold`."""
    if aktor is None:
        return "systemet"
    if getattr(post, "rapporterad_av_id", None) == aktor.pk:
        dold = rapportor_dold(user, post)
        if dold:
            return dold
    return aktor.get_full_name() or aktor.username


class AtkomstQuerySet(models.QuerySet):
    """QuerySet med `for_user`, så att varje läsning börjar i åtkomstregeln."""

    def for_user(self, user, atgard: str = LASA) -> QuerySet:
        return scope(user, self, atgard)
