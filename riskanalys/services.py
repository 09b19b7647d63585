"""Tjänster för riskanalyser och mallar. Varje funktion är en transaktion och skriver tidslinjen."""

import datetime
import logging
import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from kvalitet.arende import (
    kontrollera_avslut,
    kontrollera_oppet,
    kontrollera_planering,
    kontrollera_uppfoljning,
    overga,
)
from kvalitet.samtidighet import las_for_andring, ny_version
from kvalitet.services import bevakning_avbryt, bevakning_lagg
from riskanalys.models import (
    AnalysStatus,
    Atgard,
    AtgardStatus,
    Handelse,
    Mall,
    MallRisk,
    Pdfbestallning,
    PdfStatus,
    Risk,
    Riskanalys,
)

logger = logging.getLogger(__name__)

S = AnalysStatus
OVERGANGAR = {S.UTKAST: {S.FASTSTALLD}, S.FASTSTALLD: {S.UPPFOLJD}, S.UPPFOLJD: set()}


def _handelse(analys, av, text, fran="", till=""):
    return Handelse.objects.create(analys=analys, av=av, text=text, fran_status=fran, till_status=till)


def _dagen_efter(datum: datetime.date) -> datetime.datetime:
    """Påminnelsen går när dagen passerat, inte på morgonen samma dag."""
    dag = datum + datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(dag, datetime.time(7, 0)))


def _kontrollera_redigerbar(analys: Riskanalys) -> None:
    if not analys.aktuell:
        raise ValidationError("Det här är en äldre version. Den går att läsa men inte ändra.")
    if analys.status != S.UTKAST:
        raise ValidationError("Analysen är fastställd. Skapa en ny version för att ändra den.")


# --- bevakningar ----------------------------------------------------------------------------------


def _atgard_nyckel(atgard) -> str:
    return f"riskanalys:atgard:{atgard.pk}:forsenad"


def _analys_nyckel(analys) -> str:
    return f"riskanalys:{analys.pk}:uppfoljning"


def _bevaka_atgard(atgard: Atgard) -> None:
    analys = atgard.risk.analys
    if (
        atgard.klar_senast is None
        or atgard.status == AtgardStatus.KLAR
        or not analys.aktuell
        or analys.status != S.FASTSTALLD
    ):
        bevakning_avbryt(nyckel=_atgard_nyckel(atgard))
        return
    bevakning_lagg(
        nyckel=_atgard_nyckel(atgard),
        forfaller=_dagen_efter(atgard.klar_senast),
        mottagare=atgard.ansvarig or analys.faststalld_av or analys.skapad_av,
        rubrik=f"Åtgärden ”{atgard.text[:60]}” i riskanalysen ”{analys.titel}” är försenad",
        lank=reverse("riskanalys:detalj", args=[analys.pk]),
    )


def _bevaka_analys(analys: Riskanalys) -> None:
    if analys.status != S.FASTSTALLD or not analys.aktuell or analys.uppfoljning_senast is None:
        bevakning_avbryt(nyckel=_analys_nyckel(analys))
        return
    bevakning_lagg(
        nyckel=_analys_nyckel(analys),
        forfaller=_dagen_efter(analys.uppfoljning_senast),
        mottagare=analys.faststalld_av or analys.skapad_av,
        rubrik=f"Riskanalysen ”{analys.titel}” skulle ha följts upp {analys.uppfoljning_senast:%Y-%m-%d}",
        lank=reverse("riskanalys:detalj", args=[analys.pk]),
    )


def _bevaka_allt(analys: Riskanalys) -> None:
    _bevaka_analys(analys)
    for atgard in Atgard.objects.filter(risk__analys=analys).select_related("risk__analys"):
        _bevaka_atgard(atgard)


# --- analysen -------------------------------------------------------------------------------------


@transaction.atomic
def analys_skapa(
    *, analys: Riskanalys, av, avvikelser=(), brukare=(), mall: Mall | None = None
) -> Riskanalys:
    """Sparar en ny analys (utkast). Från en mall kopieras risker och typiska åtgärder."""
    analys.skapad_av = av
    analys.status = S.UTKAST
    analys.mall = mall
    analys.save()
    analys.avvikelser.set(avvikelser)
    analys.brukare.set(brukare)
    text = "Analysen skapades"
    if mall is not None:
        for mr in mall.risker.all():
            risk = Risk.objects.create(
                analys=analys,
                beskrivning=mr.beskrivning,
                orsak=mr.orsak,
                konsekvens=mr.konsekvens,
                sannolikhet=mr.sannolikhet,
            )
            for rad in (r.strip() for r in mr.atgarder.splitlines()):
                if rad:
                    Atgard.objects.create(risk=risk, text=rad)
        Mall.objects.filter(pk=mall.pk).update(antal_anvandningar=F("antal_anvandningar") + 1)
        text += f" från mallen ”{mall.titel}”"
    _handelse(analys, av, text, till=S.UTKAST)
    return analys


# Analysens egna uppgifter (formuläret); status, fastställande och uppföljning skrivs av sina tjänster.
_UPPGIFTER = ("nod", "titel", "forandring", "deltagare", "datum", "uppfoljning_senast")


@transaction.atomic
def analys_spara(*, analys: Riskanalys, av, version: int | None, avvikelser=None, brukare=None) -> Riskanalys:
    """Sparar analysens uppgifter mot `version` (andringsnumret formuläret visade; krävs). Har någon annan
    sparat sedan dess sparas ingenting (`Krock`, kvalitet.samtidighet)."""
    sparad = las_for_andring(
        Riskanalys.objects, pk=analys.pk, version=version, av=av, vad="Analysen", falt="andringsnummer"
    )
    _kontrollera_redigerbar(sparad)
    analys.andringsnummer = sparad.andringsnummer
    analys._history_user = av
    analys.save(update_fields=[*_UPPGIFTER, ny_version(analys, "andringsnummer")])
    if avvikelser is not None:
        analys.avvikelser.set(avvikelser)
    if brukare is not None:
        analys.brukare.set(brukare)
    return analys


@transaction.atomic
def analys_faststall(*, analys: Riskanalys, av) -> Riskanalys:
    def forst(analys):
        if not analys.aktuell:
            raise ValidationError("Bara den senaste versionen kan fastställas.")

    def forbered(analys, fran):
        if not analys.risker.exists():
            raise ValidationError("Lägg till minst en risk innan analysen fastställs.")
        # Samma regel som i de andra ärendena (kvalitet.arende): en fastställd plan har ansvarig och datum.
        kontrollera_planering(
            a.lage() for a in Atgard.objects.filter(risk__analys=analys).order_by("risk_id", "pk")
        )
        analys.faststalld_av = av
        analys.faststalld = timezone.now()

    analys, _ = overga(
        analys,
        till=S.FASTSTALLD,
        tabell=OVERGANGAR,
        av=av,
        text="Analysen fastställdes",
        forst=forst,
        forbered=forbered,
    )
    _bevaka_allt(analys)
    return analys


@transaction.atomic
def analys_folj_upp(*, analys: Riskanalys, av, utvardering: str, kvarstar: str = "") -> Riskanalys:
    def forst(analys):
        if not analys.aktuell:
            raise ValidationError("Bara den senaste versionen kan följas upp.")

    def forbered(analys, fran):
        if not utvardering.strip():
            raise ValidationError("Beskriv om åtgärderna fungerade.")
        # Samma regel som när en avvikelse avslutas (kvalitet.arende): varje åtgärd är genomförd med
        # effektbedömning eller struken med en motivering.
        kontrollera_avslut(
            a.lage() for a in Atgard.objects.filter(risk__analys=analys).order_by("risk_id", "pk")
        )
        analys.utvardering = utvardering
        analys.kvarstar = kvarstar
        analys.uppfoljd_av = av
        analys.uppfoljd = timezone.now()

    analys, _ = overga(
        analys,
        till=S.UPPFOLJD,
        tabell=OVERGANGAR,
        av=av,
        text="Analysen följdes upp",
        forst=forst,
        forbered=forbered,
    )
    # Uppföljningen avslutar analysen: det som återstår står i `kvarstar`, inte i fler påminnelser.
    _bevaka_allt(analys)
    return analys


@transaction.atomic
def analys_ny_version(*, analys: Riskanalys, av) -> Riskanalys:
    """En fastställd (eller uppföljd) analys ändras genom en ny version; den gamla blir läsbar historik."""
    gammal = Riskanalys.objects.select_for_update().get(pk=analys.pk)
    if not gammal.aktuell:
        raise ValidationError("Det finns redan en nyare version av analysen.")
    if gammal.status == S.UTKAST:
        raise ValidationError("Ett utkast ändras direkt, utan ny version.")
    gammal.aktuell = False
    gammal.save()
    ny = Riskanalys.objects.create(
        nod=gammal.nod,
        titel=gammal.titel,
        forandring=gammal.forandring,
        deltagare=gammal.deltagare,
        datum=timezone.localdate(),
        uppfoljning_senast=gammal.uppfoljning_senast,
        version=gammal.version + 1,
        foregaende=gammal,
        mall=gammal.mall,
        skapad_av=av,
    )
    ny.avvikelser.set(gammal.avvikelser.all())
    ny.brukare.set(gammal.brukare.all())
    for risk in gammal.risker.prefetch_related("atgarder"):
        atgarder = list(risk.atgarder.all())
        risk.pk = None
        risk.analys = ny
        risk.save()
        for a in atgarder:
            a.pk = None
            a.risk = risk
            a.save()
    _handelse(gammal, av, f"Ersatt av version {ny.version}")
    _handelse(ny, av, f"Version {ny.version} skapades från version {gammal.version}", till=S.UTKAST)
    _bevaka_allt(gammal)  # den gamla versionen påminner inte längre
    return ny


# --- risker och åtgärder --------------------------------------------------------------------------


@transaction.atomic
def risk_spara(*, risk: Risk, av, version: int | None) -> Risk:
    """Sparar en ny risk, eller en ändrad mot `version` (den formuläret visade; krävs): har någon annan
    sparat risken sedan dess sparas ingenting (`Krock`)."""
    _kontrollera_redigerbar(risk.analys)
    ny = risk.pk is None
    if not ny:
        risk.version = las_for_andring(Risk.objects, pk=risk.pk, version=version, av=av, vad="Risken").version
        ny_version(risk)
    risk.save()
    if ny:
        _handelse(risk.analys, av, f"Risk tillagd: {risk.beskrivning[:80]}")
    return risk


@transaction.atomic
def risk_ta_bort(*, risk: Risk, av) -> None:
    _kontrollera_redigerbar(risk.analys)
    _handelse(risk.analys, av, f"Risk borttagen: {risk.beskrivning[:80]}")
    risk.delete()


# Det som planerades när analysen fastställdes; ändras bara genom en ny version.
_PLANERING = ("text", "ansvarig_id", "klar_senast", "uppfoljning")


@transaction.atomic
def atgard_spara(*, atgard: Atgard, av, version: int | None) -> Atgard:
    """Utkast ändras fritt; i en fastställd analys får åtgärdens status och resultat följas upp. En
    ändrad åtgärd sparas mot `version` (den formuläret visade; krävs), annars `Krock`."""
    analys = atgard.risk.analys
    if not analys.aktuell:
        raise ValidationError("Det här är en äldre version. Den går att läsa men inte ändra.")
    if atgard.pk is None:
        _kontrollera_redigerbar(analys)
    else:
        fore = las_for_andring(Atgard.objects, pk=atgard.pk, version=version, av=av, vad="Åtgärden")
        atgard.version = fore.version
        ny_version(atgard)
    if atgard.pk is not None and analys.status != S.UTKAST:
        if any(getattr(fore, f) != getattr(atgard, f) for f in _PLANERING):
            raise ValidationError(
                "Analysen är fastställd: följ upp åtgärdens status och resultat, "
                "eller skapa en ny version för att ändra planeringen."
            )
    atgard.save()
    _bevaka_atgard(atgard)
    return atgard


@transaction.atomic
def atgard_folj_upp(
    *,
    atgard: Atgard,
    av,
    version: int | None,
    genomford=None,
    effekt_bedomning: str = "",
    effekt: str = "",
    struken: str = "",
) -> Atgard:
    """Markerar åtgärden genomförd med effektbedömning ("Fick åtgärden avsedd effekt?", beskrivningen i
    `resultat`), eller stryker den med en motivering, mot den version formuläret visade (`Krock` annars).
    Bara i den aktuella versionen av en fastställd analys: utkastet planeras, den uppföljda är stängd."""
    analys = Riskanalys.objects.select_for_update().get(pk=atgard.risk.analys_id)
    if not analys.aktuell:
        raise ValidationError("Det här är en äldre version. Den går att läsa men inte ändra.")
    kontrollera_oppet(analys)
    if analys.status != S.FASTSTALLD:
        raise ValidationError("Åtgärderna följs upp när analysen är fastställd.")
    kontrollera_uppfoljning(genomford=genomford, effekt=effekt_bedomning, effekt_text=effekt, struken=struken)
    atgard = las_for_andring(
        Atgard.objects.select_related("risk__analys"), pk=atgard.pk, version=version, av=av, vad="Åtgärden"
    )
    text = atgard.folj_upp(
        genomford=genomford, effekt_bedomning=effekt_bedomning, effekt=effekt, struken=struken
    )
    if not atgard.struken:
        atgard.status = AtgardStatus.KLAR
    atgard._history_user = av
    ny_version(atgard)
    atgard.save()
    if atgard.struken:
        bevakning_avbryt(nyckel=_atgard_nyckel(atgard))
    else:
        _bevaka_atgard(atgard)
    _handelse(analys, av, text)
    return atgard


@transaction.atomic
def atgard_ta_bort(*, atgard: Atgard, av) -> None:
    _kontrollera_redigerbar(atgard.risk.analys)
    bevakning_avbryt(nyckel=_atgard_nyckel(atgard))
    atgard.delete()


# --- mallar ---------------------------------------------------------------------------------------


# Personnummer och samordningsnummer i fritext: ÅÅMMDD-NNNN, ÅÅÅÅMMDDNNNN och varianterna däremellan.
_PERSONNUMMER = re.compile(r"\b(?:\d{2})?\d{6}[-+ ]?\d{4}\b")


def _personnamn(analys: Riskanalys) -> set[str]:
    """Namn som kan ha skrivits in i fritexten: de berörda enskilda och de ansvariga för åtgärderna."""
    namn = set()
    for b in analys.brukare.all():
        namn |= {b.fornamn, b.efternamn}
    for a in Atgard.objects.filter(risk__analys=analys, ansvarig__isnull=False).select_related("ansvarig"):
        namn |= {a.ansvarig.first_name, a.ansvarig.last_name}
    return {n.strip() for n in namn if n and len(n.strip()) > 1}


def utan_personuppgifter(text: str, namn: set[str]) -> str:
    """Texten med kända namn och personnummer ersatta, så att en mall kan delas i hela kommunen."""
    text = _PERSONNUMMER.sub("[personnummer]", text)
    for n in sorted(namn, key=len, reverse=True):
        # Hela ord, också i genitiv (Gretas), men inte som början på ett annat ord (Granhammar).
        text = re.sub(rf"(?<!\w){re.escape(n)}s?(?!\w)", "[namn]", text, flags=re.IGNORECASE)
    return text


@transaction.atomic
def mall_fran_analys(*, analys: Riskanalys, av, titel: str, beskrivning: str = "") -> Mall:
    """Sparar analysens risker och åtgärder som mall. Enskilda, avvikelser, deltagare och ansvariga
    följer inte med, och deras namn och personnummer tas bort ur fritexten: mallen delas i hela kommunen."""
    namn = _personnamn(analys)

    def rensa(text: str) -> str:
        return utan_personuppgifter(text, namn)

    mall = Mall.objects.create(
        titel=rensa(titel), beskrivning=rensa(beskrivning), nod=analys.nod, skapad_av=av
    )
    MallRisk.objects.bulk_create(
        MallRisk(
            mall=mall,
            beskrivning=rensa(risk.beskrivning),
            orsak=rensa(risk.orsak),
            konsekvens=risk.konsekvens,
            sannolikhet=risk.sannolikhet,
            atgarder="\n".join(rensa(a.text.replace("\n", " ")) for a in risk.atgarder.all()),
        )
        for risk in analys.risker.prefetch_related("atgarder")
    )
    _handelse(analys, av, f"Sparad som mallen ”{titel}”")
    return mall


# --- PDF (byggs av PDF-workern i samma sandlåda som kvalitetsberättelsen) ------------------------------


def pdf_bestall(*, analys: Riskanalys, av) -> Pdfbestallning:
    """Köar en PDF av analysen för användaren; webbegäran väntar aldrig på renderingen. En beställning som
    redan är i kö eller pågår köas inte igen."""
    from kvalitet.tasks import trygg_koa
    from riskanalys import tasks

    with transaction.atomic():
        bestallning, ny = Pdfbestallning.objects.select_for_update().get_or_create(
            analys=analys, bestalld_av=av, defaults={"version": analys.version}
        )
        if not ny and bestallning.status in (PdfStatus.KOAD, PdfStatus.PAGAR):
            return bestallning
        if not ny:
            bestallning.status, bestallning.fel, bestallning.version = PdfStatus.KOAD, "", analys.version
            bestallning.koad, bestallning.startad, bestallning.omkoningar = timezone.now(), None, 0
            bestallning.save(update_fields=["status", "fel", "version", "koad", "startad", "omkoningar"])
        transaction.on_commit(lambda: trygg_koa(tasks.bygg_pdf, bestallning.pk))
    return bestallning


def pdf_bygg(*, bestallning_id: int) -> bool:
    """Bygger beställningen (anropas av Celery-uppgiften). Tar raden med ett villkorat UPDATE, så att två
    workers aldrig bygger samma; analysen läses som den som beställde får se den."""
    from celery.exceptions import SoftTimeLimitExceeded
    from django.core.files.base import ContentFile

    from kvalitet import pdf as sandlada
    from riskanalys import pdf as riskanalys_pdf
    from riskanalys import queries

    rader = Pdfbestallning.objects.filter(pk=bestallning_id)
    if not rader.filter(status=PdfStatus.KOAD).update(status=PdfStatus.PAGAR, startad=timezone.now()):
        return False
    bestallning = rader.select_related("bestalld_av").get()
    try:
        analys = queries.detalj(bestallning.bestalld_av, bestallning.analys_id)
        innehall = riskanalys_pdf.pdf(analys, bestallning.bestalld_av)
    except (SoftTimeLimitExceeded, sandlada.Tidsgrans):
        logger.warning("PDF för riskanalys %s avbröts efter tidsgränsen", bestallning.analys_id)
        rader.update(status=PdfStatus.FEL, fel=sandlada.TIDSGRANS_FEL)
        return False
    except Exception:
        logger.exception("PDF för riskanalys %s misslyckades", bestallning.analys_id)
        rader.update(status=PdfStatus.FEL, fel=sandlada.ALLMANT_FEL)
        return False
    gammal = bestallning.pdf.name
    bestallning.pdf.save(f"riskanalys-{analys.pk}-v{analys.version}.pdf", ContentFile(innehall), save=False)
    rader.update(pdf=bestallning.pdf.name, status=PdfStatus.KLAR, version=analys.version)
    if gammal and gammal != bestallning.pdf.name:
        bestallning.pdf.storage.delete(gammal)
    logger.info("PDF för riskanalys %s klar", analys.pk)
    return True


def pdf_fastnade_svep(*, nu: datetime.datetime | None = None) -> dict:
    """Som kvalitetsberättelsens: en beställning som ingen worker tagit köas om (högst
    RAPPORTER_PDF_MAX_OMKONINGAR gånger), en som pågått förbi den hårda tidsgränsen blir "fel"."""
    from django.conf import settings

    from kvalitet import pdf as sandlada
    from kvalitet.tasks import trygg_koa
    from riskanalys import tasks

    nu = nu or timezone.now()
    koad_grans = nu - datetime.timedelta(minutes=settings.RAPPORTER_PDF_KO_MINUTER)
    pagar_grans = nu - datetime.timedelta(
        seconds=settings.RAPPORTER_PDF_TIDSGRANS_HARD + sandlada.PAGAR_MARGINAL
    )
    avbrutna = (
        Pdfbestallning.objects.filter(status=PdfStatus.PAGAR)
        .filter(Q(startad__lt=pagar_grans) | Q(startad__isnull=True))
        .update(status=PdfStatus.FEL, fel=sandlada.AVBROTT_FEL)
    )
    koade = Pdfbestallning.objects.filter(status=PdfStatus.KOAD, koad__lt=koad_grans)
    uppgivna = koade.filter(omkoningar__gte=settings.RAPPORTER_PDF_MAX_OMKONINGAR).update(
        status=PdfStatus.FEL, fel=sandlada.AVBROTT_FEL
    )
    omkoade = 0
    for pk in list(koade.values_list("pk", flat=True)):
        if koade.filter(pk=pk).update(koad=nu, omkoningar=F("omkoningar") + 1):
            trygg_koa(tasks.bygg_pdf, pk)
            omkoade += 1
    return {"avbrutna": avbrutna, "uppgivna": uppgivna, "omkoade": omkoade}
