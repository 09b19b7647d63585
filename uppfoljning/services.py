"""Skrivningar för uppföljningen. Varje funktion är en transaktion; påminnelser härleds av svepet ur data
(se `svep`), så att en sparning aldrig beror på Redis och en förlorad påminnelse tas nästa gång."""

from __future__ import annotations

import datetime
import logging

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from kvalitet import access
from kvalitet.models import Brukare, Insats, Notifikation, OrgNod
from kvalitet.queries import ansvarig
from kvalitet.samtidighet import las_for_andring, ny_version
from uppfoljning.models import (
    CITAT_MAX,
    DIREKTA,
    BeslutTyp,
    Bortval,
    EjVerkstalltBeslut,
    Forandring,
    ForandringTyp,
    Huvudrapportor,
    Individrapport,
    Kontakt,
    Rapporteringsperiod,
    Uppfoljningsarende,
)

logger = logging.getLogger(__name__)


# --- datumregler -----------------------------------------------------------------------------------


def tremanadersgrans(fran: datetime.date) -> datetime.date:
    """Sista dagen inom tre månader från `fran` (31 jan + 3 mån = 30 apr; 30 nov + 3 mån = 28/29 feb).
    Är beslutet inte verkställt denna dag ska det rapporteras dagen efter."""
    return fran + relativedelta(months=settings.UPPFOLJNING_EJ_VERKSTALLT_MANADER)


def tremanadersgrans_bakat(datum: datetime.date) -> datetime.date:
    """Beslut fattade före denna dag har passerat tremånadersgränsen senast `datum`."""
    return datum - relativedelta(months=settings.UPPFOLJNING_EJ_VERKSTALLT_MANADER)


def varningsdag(fran: datetime.date) -> datetime.date:
    """Dagen då handläggaren varnas: en månad före tremånadersgränsen."""
    return tremanadersgrans(fran) - relativedelta(months=settings.UPPFOLJNING_VARNA_MANADER_FORE)


def ar_ej_verkstallt(
    beslutsdatum: datetime.date, startdatum: datetime.date | None, idag: datetime.date
) -> bool:
    """Ska beslutet rapporteras som ej verkställt `idag`? Ja om tremånadersgränsen passerats utan att det
    verkställts senast på gränsdagen."""
    grans = tremanadersgrans(beslutsdatum)
    return idag > grans and (startdatum is None or startdatum > grans)


def kvartal_for(datum: datetime.date) -> tuple[int, int]:
    return datum.year, (datum.month - 1) // 3 + 1


def kvartal_slut(ar: int, kvartal: int) -> datetime.date:
    return datetime.date(ar, 3 * kvartal, 1) + relativedelta(months=1, days=-1)


def pseudonym(brukare: Brukare, lopnr: int) -> str:
    """IVO:s identitet: födelsedatum och en kod vars tredje tecken är jämnt för kvinna, udda för man.
    Beräknas en gång (av löpnumret) och sparas, så den är densamma hela perioden."""
    fodd = brukare.fodelsedatum.replace("-", "")
    kvinna = int(brukare.personnummer[10]) % 2 == 0
    bokstav = chr(ord("A") + lopnr % 26)
    forsta = (lopnr // 26) % 10
    tredje = ((lopnr // 260) % 5) * 2 + (0 if kvinna else 1)
    sista = (lopnr // 2600) % 10
    return f"{fodd}-{bokstav}{forsta}{tredje}{sista}"


# --- förändringar och berörda ------------------------------------------------------------------------


@transaction.atomic
def forandring_registrera(*, forandring: Forandring, enheter, av) -> Forandring:
    """Sparar en förändring med dess enheter. Utan riskanalys sparas den ändå men flaggas på översikten."""
    forandring.skapad_av = av
    forandring.full_clean(exclude=["skapad_av"])
    forandring._history_user = av
    forandring.save()
    forandring.enheter.set(enheter)
    return forandring


def berorda_insatser(forandring: Forandring, datum: datetime.date):
    """Insatserna av förändringens typ vid dess enheter som gällde `datum` (beslutade, inte avslutade)."""
    qs = Insats.objects.filter(typ=forandring.insatstyp, beslutsdatum__lte=datum).filter(
        Q(slutdatum__isnull=True) | Q(slutdatum__gte=datum)
    )
    enheter = list(forandring.enheter.values_list("pk", flat=True))
    if enheter:
        qs = qs.filter(enhet_id__in=enheter)
    else:
        under = OrgNod.objects.filter(sokvag__startswith=forandring.nod.sokvag).values("pk")
        qs = qs.filter(enhet_id__in=under)
    return qs


def berorda_kandidater(forandring: Forandring, datum: datetime.date) -> dict[int, tuple]:
    """De enskilda som ett urval `datum` skulle ge ett ärende: brukare (id) → (insats, enhet, nämnd,
    handläggare), en rad per brukare (den senast beslutade insatsen), utan dem som redan har ett ärende
    för förändringen. Förhandsvisningen och bekräftelsen använder samma definition."""
    redan = set(forandring.arenden.values_list("brukare_id", flat=True))
    rader = (
        berorda_insatser(forandring, datum)
        .filter(brukare__namnd__sokvag__startswith=forandring.nod.sokvag)
        .order_by("brukare_id", "-beslutsdatum", "pk")
        .values_list("pk", "brukare_id", "enhet_id", "brukare__namnd_id", "brukare__handlaggare_id")
    )
    kandidater: dict[int, tuple] = {}
    for insats_id, brukare_id, enhet_id, namnd_id, handlaggare_id in rader:
        if brukare_id not in redan and brukare_id not in kandidater:
            kandidater[brukare_id] = (insats_id, enhet_id, namnd_id, handlaggare_id)
    return kandidater


URVAL_ANDRAT = (
    "Listan över berörda har ändrats sedan du granskade den (någon har lagt till ärenden eller ändrat "
    "insatserna). Ingenting är sparat: granska listan igen och bekräfta."
)


@transaction.atomic
def berorda_valj(
    *,
    forandring: Forandring,
    datum: datetime.date,
    av,
    visade: set[int] | None = None,
    valda: set[int] | None = None,
    skal: str = "",
) -> int:
    """Urvalet: ett uppföljningsärende per brukare med insatsen vid enheterna `datum`, tilldelat
    brukarens handläggare. Brukare som redan har ett ärende för förändringen hoppas över.

    Efter en förhandsvisning är `visade` de brukare som visades och `valda` de som fortfarande var
    ikryssade: ärenden skapas bara för de valda, och varje bortvald sparas som ett `Bortval` (vem, vem,
    skäl). Stämmer `visade` inte med urvalet nu sparas ingenting (ValidationError). Utan `visade` väljs
    alla (demodata, API). Returnerar antalet nya ärenden; allt skrivs i en transaktion med historik."""
    # Låser förändringen så att två bekräftelser av samma urval inte båda skapar ärenden.
    forandring = Forandring.objects.select_for_update().get(pk=forandring.pk)
    kandidater = berorda_kandidater(forandring, datum)
    if visade is None:
        valda = set(kandidater)
    else:
        if set(visade) != set(kandidater) or not set(valda or ()) <= set(visade):
            raise ValidationError(URVAL_ANDRAT, code="urval_andrat")
        valda = set(valda or ())
    nya = [
        Uppfoljningsarende(
            forandring=forandring,
            brukare_id=brukare_id,
            insats_id=insats_id,
            namnd_id=namnd_id,
            nod_id=enhet_id or namnd_id,
            handlaggare_id=handlaggare_id,
        )
        for brukare_id, (insats_id, enhet_id, namnd_id, handlaggare_id) in kandidater.items()
        if brukare_id in valda
    ]
    bulk_create_with_history(nya, Uppfoljningsarende, batch_size=2000, default_user=av)
    bortvalda = sorted(set(kandidater) - valda)
    Bortval.objects.bulk_create(
        Bortval(forandring=forandring, brukare_id=b, urvalsdatum=datum, skal=skal.strip(), av=av)
        for b in bortvalda
    )
    return len(nya)


# Fälten en rättelse får ändra. Nämnd, insatstyp och enheter avgör vilka som berörs och ändras inte i
# efterhand (ärendena är redan skapade av urvalet).
RATTELSEFALT = ("rubrik", "typ", "giltig_fran", "giltig_till", "orsak", "beslutad_av", "riskanalys")


@transaction.atomic
def forandring_andra(*, forandring: Forandring, av, version: int | None, **falt) -> Forandring:
    """Rättar förändringens beskrivning mot `version` (den formuläret visade): har någon annan sparat
    sedan dess sparas ingenting (`Krock`). Ändringen hamnar i historiken med vem som gjorde den."""
    forandring = las_for_andring(
        Forandring.objects, pk=forandring.pk, version=version, av=av, vad="Förändringen"
    )
    for namn in RATTELSEFALT:
        if namn in falt:
            setattr(forandring, namn, falt[namn])
    if forandring.giltig_till and forandring.giltig_till < forandring.giltig_fran:
        raise ValidationError({"giltig_till": "Slutdatum kan inte ligga före startdatum."})
    forandring.full_clean(exclude=["skapad_av"])
    ny_version(forandring)
    forandring._history_user = av
    forandring.save()
    return forandring


@transaction.atomic
def arende_skapa(
    *,
    brukare: Brukare,
    av,
    forandring: Forandring | None = None,
    insats: Insats | None = None,
    egen_typ="",
    eget_val_datum: datetime.date | None = None,
) -> Uppfoljningsarende:
    """Ett ärende för en enskild: berörd av en förändring, eller som själv tackat nej till/pausat en insats.
    Med insats räknas ärendet på insatsens enhet (och därmed dess område), annars på nämnden."""
    if forandring is None and not egen_typ:
        raise ValidationError("Välj en förändring eller ange vad den enskilde själv valt.")
    if egen_typ and egen_typ not in ForandringTyp.values:
        raise ValidationError("Okänt val.")
    if forandring is not None and forandring.arenden.filter(brukare=brukare).exists():
        raise ValidationError("Den enskilde har redan ett ärende för den här förändringen.")
    if insats is not None and insats.brukare_id != brukare.pk:
        raise ValidationError({"insats": "Insatsen hör inte till den enskilde."})
    if eget_val_datum and eget_val_datum > timezone.localdate():
        raise ValidationError({"eget_val_datum": "Datumet kan inte ligga i framtiden."})
    arende = Uppfoljningsarende(
        forandring=forandring,
        egen_typ=egen_typ,
        eget_val_datum=eget_val_datum if forandring is None else None,
        brukare=brukare,
        insats=insats,
        namnd_id=brukare.namnd_id,
        nod_id=(insats.enhet_id if insats and insats.enhet_id else brukare.namnd_id),
        handlaggare_id=brukare.handlaggare_id,
    )
    arende._history_user = av
    arende.save()
    return arende


def _rost_kontroll(kontakt: Kontakt) -> None:
    if kontakt.har_rost and kontakt.med_vem not in DIREKTA:
        raise ValidationError(
            "Den enskildes röst kan bara registreras vid direkt kontakt (den enskilde, närstående eller "
            "företrädare), inte via utföraren."
        )
    if len(kontakt.citat) > CITAT_MAX:
        raise ValidationError({"citat": f"Citatet får vara högst {CITAT_MAX} tecken."})


@transaction.atomic
def kontakt_registrera(*, kontakt: Kontakt, av) -> Kontakt:
    """Loggar en kontakt och håller ärendets första kontaktdatum rätt: direkt kontakt i `forsta_kontakt`
    (den räknas som kontakt), kontakt via utföraren i `indirekt_kontakt`."""
    if kontakt.datum > timezone.localdate():
        raise ValidationError({"datum": "En kontakt kan inte ligga i framtiden."})
    _rost_kontroll(kontakt)
    kontakt.citat = kontakt.citat.strip()
    kontakt.gjord_av = av
    kontakt.save()
    arende = Uppfoljningsarende.objects.select_for_update().get(pk=kontakt.arende_id)
    falt = "forsta_kontakt" if kontakt.med_vem in DIREKTA else "indirekt_kontakt"
    if getattr(arende, falt) is None or kontakt.datum < getattr(arende, falt):
        setattr(arende, falt, kontakt.datum)
        arende._history_user = av
        arende.save(update_fields=[falt])
    return kontakt


@transaction.atomic
def kontakter_registrera(*, arenden, av, **falt) -> list[Kontakt]:
    """Samma kontakt (till exempel ett brev till alla) loggad i vart och ett av `arenden`, genom
    `kontakt_registrera`, så att reglerna och täckningen blir desamma som en i taget. Allt eller inget."""
    return [kontakt_registrera(kontakt=Kontakt(arende=arende, **falt), av=av) for arende in arenden]


@transaction.atomic
def citat_valj(*, kontakt: Kontakt, av, valt: bool, version: int | None) -> Kontakt:
    """Samordnaren väljer (eller väljer bort) ett citat till kvalitetsberättelsen, mot `version`. Bara
    nämndens kvalitetssamordnare; andra får ett fel och ingenting sparas."""
    if kontakt.arende.namnd_id not in access.noder(av, access.KVALITETSSAMORDNARE):
        raise ValidationError("Bara nämndens kvalitetssamordnare väljer citat till kvalitetsberättelsen.")
    kontakt = las_for_andring(Kontakt.objects, pk=kontakt.pk, version=version, av=av, vad="Citatet")
    if valt and not kontakt.citat:
        raise ValidationError("Kontakten har inget citat att välja.")
    if valt and Brukare.objects.filter(pk=kontakt.arende.brukare_id, skyddad_identitet=True).exists():
        # Ett citat i en offentlig berättelse kan peka ut den som har skyddad identitet.
        raise ValidationError(
            "Citat från en person med skyddad identitet kan inte väljas till kvalitetsberättelsen."
        )
    kontakt.citat_valt = valt
    kontakt.citat_valt_av = av if valt else None
    ny_version(kontakt)
    kontakt.save(update_fields=["citat_valt", "citat_valt_av", "version"])
    return kontakt


@transaction.atomic
def arende_bedom(*, arende: Uppfoljningsarende, av, version: int | None, **falt) -> Uppfoljningsarende:
    """Sparar behov och risker, beslutade åtgärder och planerad uppföljning, mot `version` (den
    formuläret visade; krävs): har någon annan sparat sedan dess sparas ingenting (`Krock`)."""
    arende = las_for_andring(Uppfoljningsarende.objects, pk=arende.pk, version=version, av=av, vad="Ärendet")
    for namn in ("behov", "behov_bedomt", "atgarder_behovs", "atgarder", "uppfoljning_planerad"):
        if namn in falt:
            setattr(arende, namn, falt[namn])
    if arende.atgarder_behovs and not arende.atgarder.strip():
        raise ValidationError({"atgarder": "Beskriv vilka åtgärder som beslutats."})
    ny_version(arende)
    arende._history_user = av
    arende.save()
    return arende


@transaction.atomic
def arende_folj_upp(
    *,
    arende: Uppfoljningsarende,
    av,
    uppfoljning_gjord: datetime.date,
    utfall: str,
    fortsattning: str = "",
    utan_kontakt: bool = False,
    rost: dict | None = None,
    version: int | None,
) -> Uppfoljningsarende:
    """Registrerar uppföljningen (datum, om behoven tillgodosetts och vad som händer sedan), mot
    `version` (krävs, som i arende_bedom). Utan direkt kontakt med den enskilde krävs `utan_kontakt`
    (uppföljningen bygger på indirekt information); den sparas då som uppföljd utan kontakt med den
    enskilde, en egen lucka i täckningen. Med `rost` (den enskildes svar vid uppföljningssamtalet:
    med_vem, kanal, svaren och citatet) loggas samtalet som en direkt kontakt på uppföljningsdagen."""
    arende = las_for_andring(Uppfoljningsarende.objects, pk=arende.pk, version=version, av=av, vad="Ärendet")
    if rost:
        if utan_kontakt:
            raise ValidationError("Den enskildes röst förutsätter kontakt med den enskilde.")
        if uppfoljning_gjord > timezone.localdate():
            raise ValidationError({"uppfoljning_gjord": "Uppföljningen kan inte vara gjord i framtiden."})
        kontakt_registrera(
            kontakt=Kontakt(
                arende_id=arende.pk, datum=uppfoljning_gjord, vad_sades="Uppföljningssamtal.", **rost
            ),
            av=av,
        )
        arende.refresh_from_db(fields=["forsta_kontakt"])
    if arende.forsta_kontakt is None and not utan_kontakt:
        raise ValidationError(
            "Registrera en kontakt med den enskilde (eller närstående/företrädare) innan uppföljningen, "
            "eller ange att uppföljningen bygger på indirekt information."
        )
    if uppfoljning_gjord > timezone.localdate():
        raise ValidationError({"uppfoljning_gjord": "Uppföljningen kan inte vara gjord i framtiden."})
    arende.uppfoljning_gjord = uppfoljning_gjord
    arende.utfall = utfall
    arende.fortsattning = fortsattning
    arende.uppfoljd_utan_kontakt = utan_kontakt
    ny_version(arende)
    arende._history_user = av
    arende.save()
    return arende


# --- ej verkställda beslut ---------------------------------------------------------------------------


def _nytt_beslut(insats_id, typ, fran, brukare, namnd_id, lag, lopnr) -> EjVerkstalltBeslut:
    return EjVerkstalltBeslut(
        insats_id=insats_id,
        typ=typ,
        fran=fran,
        brukare=brukare,
        namnd_id=namnd_id,
        lag=lag,
        pseudonym=pseudonym(brukare, lopnr),
    )


@transaction.atomic
def ej_verkstallda_harled(*, idag: datetime.date | None = None) -> dict:
    """Härleder ej verkställda beslut ur insatserna: nya när tremånadersgränsen passerats, och sätter
    verkställt-datum på dem vars insats fått ett startdatum. Idempotent."""
    idag = idag or timezone.localdate()
    # Grovt i SQL (alla som kan ha passerat gränsen), exakt i Python med månadsaritmetiken.
    senast = (
        idag - relativedelta(months=settings.UPPFOLJNING_EJ_VERKSTALLT_MANADER) + datetime.timedelta(days=3)
    )
    redan = EjVerkstalltBeslut.objects.filter(typ=BeslutTyp.EJ_VERKSTALLT).values("insats_id")
    kandidater = (
        Insats.objects.filter(beslutsdatum__lte=senast)
        .filter(
            Q(startdatum__isnull=True, slutdatum__isnull=True)
            | Q(startdatum__gt=F("beslutsdatum") + datetime.timedelta(days=85))
        )
        .exclude(pk__in=redan)
        .select_related("brukare")
        .order_by("pk")
    )
    lopnr = EjVerkstalltBeslut.objects.count()
    nya = []
    for insats in kandidater.iterator(chunk_size=2000):
        if not ar_ej_verkstallt(insats.beslutsdatum, insats.startdatum, idag):
            continue
        lopnr += 1
        beslut = _nytt_beslut(
            insats.pk,
            BeslutTyp.EJ_VERKSTALLT,
            insats.beslutsdatum,
            insats.brukare,
            insats.brukare.namnd_id,
            insats.lag,
            lopnr,
        )
        beslut.verkstallt = insats.startdatum
        nya.append(beslut)
    bulk_create_with_history(nya, EjVerkstalltBeslut, batch_size=2000)
    # Verkställda sedan förra svepet: datumet kommer från insatsen.
    verkstallda = 0
    for beslut in EjVerkstalltBeslut.objects.filter(
        typ=BeslutTyp.EJ_VERKSTALLT,
        verkstallt__isnull=True,
        avslutat__isnull=True,
        insats__startdatum__isnull=False,
    ).select_related("insats"):
        beslut.verkstallt = beslut.insats.startdatum
        beslut.save(update_fields=["verkstallt"])
        verkstallda += 1
    return {"nya": len(nya), "verkstallda": verkstallda}


@transaction.atomic
def avbrott_registrera(*, insats: Insats, fran: datetime.date, av) -> EjVerkstalltBeslut:
    """Ett avbrott i verkställigheten från `fran`. Rapporteras om det inte återupptagits inom tre månader."""
    if fran > timezone.localdate():
        raise ValidationError({"fran": "Avbrottet kan inte börja i framtiden."})
    if insats.startdatum is None or fran < insats.startdatum:
        raise ValidationError(
            {"fran": "Ett avbrott kan bara gälla en verkställd insats, efter startdatumet."}
        )
    if EjVerkstalltBeslut.objects.filter(insats=insats, typ=BeslutTyp.AVBROTT, fran=fran).exists():
        raise ValidationError("Avbrottet är redan registrerat.")
    beslut = _nytt_beslut(
        insats.pk,
        BeslutTyp.AVBROTT,
        fran,
        insats.brukare,
        insats.brukare.namnd_id,
        insats.lag,
        EjVerkstalltBeslut.objects.count() + 1,
    )
    beslut._history_user = av
    beslut.save()
    return beslut


@transaction.atomic
def beslut_dokumentera(*, beslut: EjVerkstalltBeslut, av, version: int | None, **falt) -> EjVerkstalltBeslut:
    """Orsak, konsekvenser, vad den enskilde får under väntan, erbjudanden; verkställt eller avslutat.
    Sparas mot `version` (den formuläret visade; krävs), annars `Krock` och ingenting sparat."""
    beslut = las_for_andring(
        EjVerkstalltBeslut.objects, pk=beslut.pk, version=version, av=av, vad="Dokumentationen"
    )
    for namn in ("orsak", "konsekvenser", "under_vantan", "erbjudanden", "verkstallt", "avslutat"):
        if namn in falt:
            setattr(beslut, namn, falt[namn])
    idag = timezone.localdate()
    for namn in ("verkstallt", "avslutat"):
        varde = getattr(beslut, namn)
        if varde and (varde > idag or varde < beslut.fran):
            raise ValidationError({namn: "Datumet måste ligga mellan beslutet och idag."})
    ny_version(beslut)
    beslut._history_user = av
    beslut.save()
    return beslut


def rapportpliktiga(qs, ar: int, kvartal: int):
    """Beslut som ska ha en individrapport för kvartalet: gränsen passerad senast kvartalets sista dag och
    inte verkställda eller avslutade före kvartalets början (då rapporteras verkställigheten med datum)."""
    slut = kvartal_slut(ar, kvartal)
    borjan = datetime.date(ar, 3 * kvartal - 2, 1)
    senast_fran = slut - relativedelta(months=settings.UPPFOLJNING_EJ_VERKSTALLT_MANADER)
    qs = qs.filter(fran__lt=senast_fran + datetime.timedelta(days=1))
    qs = qs.filter(Q(verkstallt__isnull=True) | Q(verkstallt__gte=borjan))
    qs = qs.filter(Q(avslutat__isnull=True) | Q(avslutat__gte=borjan))
    return [b for b in qs if tremanadersgrans(b.fran) < slut]


def individrapport_data(beslut: EjVerkstalltBeslut) -> dict:
    """Uppgifterna IVO:s e-tjänst frågar efter, utan namn och personnummer."""
    return {
        "pseudonym": beslut.pseudonym,
        "lag": beslut.lag,
        "insatstyp": beslut.insats.typ.namn,
        "typ": beslut.get_typ_display(),
        "beslutsdatum": beslut.insats.beslutsdatum.isoformat(),
        "fran": beslut.fran.isoformat(),
        "orsak": beslut.orsak,
        "konsekvenser": beslut.konsekvenser,
        "under_vantan": beslut.under_vantan,
        "erbjudanden": beslut.erbjudanden,
        "verkstallt": beslut.verkstallt.isoformat() if beslut.verkstallt else "",
        "avslutat": beslut.avslutat.isoformat() if beslut.avslutat else "",
    }


@transaction.atomic
def individrapporter_skapa(*, user, namnd: OrgNod, ar: int, kvartal: int) -> int:
    """En individrapport per rapportpliktigt beslut i nämnden för kvartalet (upprepas varje kvartal tills
    beslutet verkställts eller avslutats). Idempotent: en redan skapad rapport ändras inte."""
    beslut_qs = (
        access.scope(user, EjVerkstalltBeslut, access.ANDRA).filter(namnd=namnd).select_related("insats__typ")
    )
    redan = set(Individrapport.objects.filter(ar=ar, kvartal=kvartal).values_list("beslut_id", flat=True))
    nya = [
        Individrapport(beslut=b, ar=ar, kvartal=kvartal, data=individrapport_data(b), skapad_av=user)
        for b in rapportpliktiga(beslut_qs, ar, kvartal)
        if b.pk not in redan
    ]
    Individrapport.objects.bulk_create(nya)
    return len(nya)


def rapportfonster(ar: int, kvartal: int) -> tuple[datetime.date, datetime.date]:
    """IVO:s fönster för kvartalet: ur tabellen om det finns, annars standardkalendern i inställningarna."""
    period = Rapporteringsperiod.objects.filter(ar=ar, kvartal=kvartal).first()
    if period:
        return period.oppnar, period.stanger
    (om, od), (sm, sd), tillagg = settings.UPPFOLJNING_RAPPORTFONSTER[kvartal]
    return datetime.date(ar + tillagg, om, od), datetime.date(ar + tillagg, sm, sd)


# --- svepet ------------------------------------------------------------------------------------------


def _kvalitetssamordnare(namnd_id: int) -> int | None:
    """Nämndens kvalitetssamordnare med en roll som gäller i dag (kvalitet.queries.ansvarig)."""
    namnd = OrgNod.objects.filter(pk=namnd_id).first()
    samordnare = ansvarig(namnd, access.KVALITETSSAMORDNARE) if namnd else None
    return samordnare.pk if samordnare else None


def _notiser(rader, batch: int = 2000) -> int:
    """Skapar notifikationerna i omgångar; den unika nyckeln gör att varje påminnelse finns en gång."""
    skapade = 0
    buffert: list[Notifikation] = []

    def tom():
        nonlocal skapade
        if not buffert:
            return
        fore = Notifikation.objects.filter(nyckel__in=[n.nyckel for n in buffert]).count()
        Notifikation.objects.bulk_create(buffert, ignore_conflicts=True)
        skapade += len(buffert) - fore
        buffert.clear()

    for n in rader:
        n.sammandrag = True  # påminnelser går i mottagarens dagliga sammandrag (kvalitet.services)
        buffert.append(n)
        if len(buffert) >= batch:
            tom()
    tom()
    return skapade


def svep(*, nu: datetime.datetime | None = None) -> dict:
    """Härleder allt som förfallit ur data och skapar varje påminnelse en gång (unik nyckel):
    ej kontaktade, förfallna uppföljningar, eskalering till kvalitetssamordnaren, tremånadersvarningar
    (också för avbrott) och IVO:s rapporteringsfönster. Säker att köra hur ofta som helst och parallellt."""
    nu = nu or timezone.now()
    idag = timezone.localdate(nu)
    resultat = {"ej_verkstallda": ej_verkstallda_harled(idag=idag)}
    grans = nu - datetime.timedelta(days=settings.UPPFOLJNING_KONTAKT_DAGAR)
    oppna = Uppfoljningsarende.objects.filter(handlaggare__isnull=False)

    ej_kontaktade = (
        oppna.filter(forsta_kontakt__isnull=True, skapad__lte=grans)
        .values_list("pk", "handlaggare_id")
        .iterator(chunk_size=5000)
    )
    resultat["ej_kontaktade"] = _notiser(
        Notifikation(
            nyckel=f"uppfoljning:{pk}:ej_kontaktad",
            mottagare_id=h,
            rubrik="Kontakt saknas med en enskild vars insats förändrats",
            text=f"Ingen kontakt är registrerad efter {settings.UPPFOLJNING_KONTAKT_DAGAR} dagar.",
            lank=reverse("uppfoljning:arende", args=[pk]),
        )
        for pk, h in ej_kontaktade
    )
    forfallna = (
        oppna.filter(uppfoljning_gjord__isnull=True, uppfoljning_planerad__lte=idag)
        .values_list("pk", "handlaggare_id", "uppfoljning_planerad")
        .iterator(chunk_size=5000)
    )
    resultat["uppfoljning_forfallen"] = _notiser(
        Notifikation(
            nyckel=f"uppfoljning:{pk}:uppfoljning:{planerad:%Y%m%d}",
            mottagare_id=h,
            rubrik="Uppföljning att göra",
            text=f"Uppföljningen var planerad {planerad:%Y-%m-%d}.",
            lank=reverse("uppfoljning:arende", args=[pk]),
        )
        for pk, h, planerad in forfallna
    )
    eskalera = idag - datetime.timedelta(days=settings.UPPFOLJNING_ESKALERA_DAGAR)
    samordnare: dict[int, int | None] = {}

    def eskaleringar():
        for pk, namnd_id, planerad in (
            Uppfoljningsarende.objects.filter(
                uppfoljning_gjord__isnull=True, uppfoljning_planerad__lte=eskalera
            )
            .values_list("pk", "namnd_id", "uppfoljning_planerad")
            .iterator(chunk_size=5000)
        ):
            if namnd_id not in samordnare:
                samordnare[namnd_id] = _kvalitetssamordnare(namnd_id)
            if samordnare[namnd_id]:
                yield Notifikation(
                    nyckel=f"uppfoljning:{pk}:eskalerad:{planerad:%Y%m%d}",
                    mottagare_id=samordnare[namnd_id],
                    rubrik="Försenad uppföljning (eskalerad)",
                    text=f"Uppföljningen planerades {planerad:%Y-%m-%d} och är inte gjord.",
                    lank=reverse("uppfoljning:arende", args=[pk]),
                )

    resultat["eskalerade"] = _notiser(eskaleringar())
    resultat["tremanadersvarningar"] = _notiser(_tremanadersvarningar(idag))
    resultat["avbrottsvarningar"] = _notiser(_avbrottsvarningar(idag))
    resultat["rapportfonster"] = _notiser(_rapportfonster_paminnelser(idag))
    return resultat


def _tremanadersvarningar(idag: datetime.date):
    """Insatser som inte verkställts och som når tremånadersgränsen inom en månad."""
    tidigast = (
        idag - relativedelta(months=settings.UPPFOLJNING_EJ_VERKSTALLT_MANADER) - datetime.timedelta(days=3)
    )
    senast = (
        idag
        - relativedelta(
            months=settings.UPPFOLJNING_EJ_VERKSTALLT_MANADER - settings.UPPFOLJNING_VARNA_MANADER_FORE
        )
        + datetime.timedelta(days=3)
    )
    for pk, beslutsdatum, handlaggare_id in (
        Insats.objects.filter(
            startdatum__isnull=True,
            slutdatum__isnull=True,
            beslutsdatum__gte=tidigast,
            beslutsdatum__lte=senast,
            brukare__handlaggare__isnull=False,
        )
        .values_list("pk", "beslutsdatum", "brukare__handlaggare_id")
        .iterator(chunk_size=5000)
    ):
        grans = tremanadersgrans(beslutsdatum)
        if varningsdag(beslutsdatum) <= idag <= grans:
            yield Notifikation(
                nyckel=f"ejverkstallt:{pk}:varning",
                mottagare_id=handlaggare_id,
                rubrik="Beslut närmar sig tre månader utan verkställighet",
                text=f"Beslutet från {beslutsdatum:%Y-%m-%d} ska rapporteras till IVO om det inte verkställs "
                f"senast {grans:%Y-%m-%d}.",
                lank=reverse("uppfoljning:ej_verkstallda"),
            )


def _avbrottsvarningar(idag: datetime.date):
    """Avbrott som inte återupptagits och som når tremånadersgränsen inom en månad."""
    tidigast = (
        idag - relativedelta(months=settings.UPPFOLJNING_EJ_VERKSTALLT_MANADER) - datetime.timedelta(days=3)
    )
    for pk, fran, handlaggare_id in (
        EjVerkstalltBeslut.objects.filter(
            typ=BeslutTyp.AVBROTT,
            verkstallt__isnull=True,
            avslutat__isnull=True,
            fran__gte=tidigast,
            brukare__handlaggare__isnull=False,
        )
        .values_list("pk", "fran", "brukare__handlaggare_id")
        .iterator(chunk_size=5000)
    ):
        grans = tremanadersgrans(fran)
        if varningsdag(fran) <= idag <= grans:
            yield Notifikation(
                nyckel=f"ejverkstallt:avbrott:{pk}:varning",
                mottagare_id=handlaggare_id,
                rubrik="Avbrott i verkställigheten närmar sig tre månader",
                text=f"Avbrottet från {fran:%Y-%m-%d} ska rapporteras till IVO om insatsen inte återupptagits "
                f"senast {grans:%Y-%m-%d}.",
                lank=reverse("uppfoljning:beslut", args=[pk]),
            )


def _rapportfonster_paminnelser(idag: datetime.date):
    """Huvudrapportören påminns när ett rapporteringsfönster öppnat och nämnden har något att rapportera."""
    ar, kvartal = kvartal_for(idag)
    # Fönstret som kan vara öppet nu gäller föregående kvartal.
    ar, kvartal = (ar, kvartal - 1) if kvartal > 1 else (ar - 1, 4)
    oppnar, stanger = rapportfonster(ar, kvartal)
    if not oppnar <= idag <= stanger:
        return
    for hr in Huvudrapportor.objects.all():
        beslut = EjVerkstalltBeslut.objects.filter(namnd_id=hr.namnd_id)
        if rapportpliktiga(beslut, ar, kvartal):
            yield Notifikation(
                nyckel=f"ivo:{hr.namnd_id}:{ar}:{kvartal}",
                mottagare_id=hr.anvandare_id,
                rubrik=f"Individrapporter till IVO för kvartal {kvartal} {ar}",
                text=f"Rapporteringen är öppen till {stanger:%Y-%m-%d}.",
                lank=reverse("uppfoljning:ej_verkstallda"),
            )
