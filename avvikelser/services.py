"""Tjänster för avvikelser och klagomål. Varje funktion är en transaktion och skriver tidslinjen."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from avvikelser.models import (
    Atgard,
    Avvikelse,
    AvvikelseStatus,
    Bilaga,
    Handelse,
    Klagomal,
    KlagomalAtgard,
    KlagomalHandelse,
    KlagomalStatus,
)
from kvalitet import access
from kvalitet.arende import hinder_for_avslut, kontrollera_oppet, kontrollera_uppfoljning, overga
from kvalitet.bilagor import bilaga_spara
from kvalitet.queries import ansvarig
from kvalitet.samtidighet import las_for_andring, ny_version
from kvalitet.services import bevakning_avbryt, bevakning_lagg, notifikation_skapa

S = AvvikelseStatus
OVERGANGAR = {
    S.RAPPORTERAD: {S.UNDER_UTREDNING},
    S.UNDER_UTREDNING: {S.ATGARDAD},
    S.ATGARDAD: {S.AVSLUTAD, S.UNDER_UTREDNING},
    S.AVSLUTAD: {S.UNDER_UTREDNING},
}
# Övergångar bakåt (återöppning) kräver en motivering.
KRAVER_MOTIVERING = {(S.ATGARDAD, S.UNDER_UTREDNING), (S.AVSLUTAD, S.UNDER_UTREDNING)}

K = KlagomalStatus
KLAGOMAL_OVERGANGAR = {
    K.MOTTAGET: {K.UNDER_HANDLAGGNING, K.AVSLUTAT},
    K.UNDER_HANDLAGGNING: {K.AVSLUTAT},
    # Återöppning, med motivering (klagomal_oppna_igen).
    K.AVSLUTAT: {K.UNDER_HANDLAGGNING},
}


def paminnelse_dagar() -> int:
    return getattr(settings, "AVVIKELSER_PAMINNELSE_DAGAR", 14)


def _referensnummer(prefix: str, modell, pk: int) -> str:
    return f"{prefix}-{timezone.localdate():%Y}-{pk:06d}"


def _chef(nod, roll, datum=None):
    """Den som har rollen på noden eller närmast ovanför den dagen (kvalitet.queries.ansvarig)."""
    return ansvarig(nod, roll, datum)


def _handelse(avvikelse, av, text, fran="", till=""):
    return Handelse.objects.create(avvikelse=avvikelse, av=av, text=text, fran_status=fran, till_status=till)


def _lagg_paminnelser(avvikelse: Avvikelse) -> None:
    dagar = paminnelse_dagar()
    lank = reverse("avvikelser:detalj", args=[avvikelse.pk])
    bas = avvikelse.rapporterad or timezone.now()
    # Mottagaren är den som har rollen den dag påminnelsen förfaller, inte den som hade den när det hände.
    chef = _chef(avvikelse.enhet, access.ENHETSCHEF, timezone.localdate(bas + datetime.timedelta(days=dagar)))
    vc = _chef(
        avvikelse.enhet, access.VERKSAMHETSCHEF, timezone.localdate(bas + datetime.timedelta(days=2 * dagar))
    )
    if chef:
        bevakning_lagg(
            nyckel=f"avvikelse:{avvikelse.pk}:ej_paborjad",
            forfaller=bas + datetime.timedelta(days=dagar),
            mottagare=chef,
            rubrik=f"Avvikelse {avvikelse.referensnummer} är inte påbörjad",
            lank=lank,
        )
    if vc:
        bevakning_lagg(
            nyckel=f"avvikelse:{avvikelse.pk}:ej_paborjad_eskalerad",
            forfaller=bas + datetime.timedelta(days=2 * dagar),
            mottagare=vc,
            rubrik=f"Avvikelse {avvikelse.referensnummer} har inte tagits upp på {2 * dagar} dagar",
            lank=lank,
        )


def _redan_inlamnad(nyckel, av) -> Avvikelse | None:
    """Avvikelsen som redan skickats med formulärets engångsnyckel (av samma person), eller None."""
    if nyckel is None:
        return None
    befintlig = Avvikelse.objects.filter(inlamningsnyckel=nyckel).first()
    if befintlig is not None and befintlig.rapporterad_av_id != av.pk:
        raise ValidationError("Formuläret har redan skickats. Ladda om sidan och fyll i det igen.")
    return befintlig


def _spara_ny(avvikelse: Avvikelse, av, nyckel) -> Avvikelse | None:
    """Sparar den nya raden; None om samma nyckel redan sparats (också av ett samtidigt dubbelklick, som
    den unika nyckeln stoppar i databasen)."""
    avvikelse.inlamningsnyckel = nyckel
    avvikelse.referensnummer = f"tmp-{timezone.now().timestamp()}"[:20]
    avvikelse._history_user = av
    try:
        with transaction.atomic():
            avvikelse.save()
    except IntegrityError:
        if _redan_inlamnad(nyckel, av) is None:
            raise
        avvikelse.pk = None
        return None
    return avvikelse


@transaction.atomic
def avvikelse_rapportera(*, avvikelse: Avvikelse, av, inlamningsnyckel=None, fil=None) -> Avvikelse:
    """Sparar en ny avvikelse, ger den ett referensnummer och lägger påminnelserna.

    Med `inlamningsnyckel` (formulärets engångsnyckel) ger samma nyckel igen den redan sparade
    avvikelsen, inte en till: ett dubbelklick på Skicka skapar en avvikelse (och filen sparas inte två
    gånger). `fil` (ett foto eller dokument från formuläret) sparas som bilaga i samma transaktion, med
    samma kontroller som en bilaga som läggs till senare (`bilaga_lagg_till`)."""
    befintlig = _redan_inlamnad(inlamningsnyckel, av)
    if befintlig is not None:
        return befintlig
    avvikelse.rapporterad_av = av
    avvikelse.status = S.RAPPORTERAD
    if not settings.AVVIKELSER_ANONYM_TILLATEN:
        avvikelse.anonym = False
    if _spara_ny(avvikelse, av, inlamningsnyckel) is None:
        return _redan_inlamnad(inlamningsnyckel, av)
    avvikelse.referensnummer = _referensnummer("AV", Avvikelse, avvikelse.pk)
    avvikelse.save(update_fields=["referensnummer"])
    _handelse(avvikelse, av, "Avvikelsen rapporterades.", till=S.RAPPORTERAD)
    if fil:
        bilaga_lagg_till(avvikelse=avvikelse, fil=fil, av=av)
    _lagg_paminnelser(avvikelse)
    return avvikelse


HISTORIK_TEXT = "Registrerad i efterhand via API"


def _tid(t) -> str:
    return f"{timezone.localtime(t):%Y-%m-%d %H:%M}"


@transaction.atomic
def avvikelse_registrera_historisk(
    *, avvikelse: Avvikelse, av, rapporterad=None, avslutad=None, slutsats: str = "", inlamningsnyckel=None
) -> Avvikelse:
    """För in en avvikelse i efterhand (t.ex. kommunens historik via API:t).

    Utan `avslutad` går den genom den vanliga rapporteringen (påminnelserna räknas från `rapporterad`).
    Med `avslutad` skapas den direkt som avslutad med slutsatsen, tidslinjen säger att den registrerats
    i efterhand, och inga påminnelser läggs. Formuläret (AvvikelseHistorikForm) har redan prövat datumen;
    här kontrolleras bara det som måste gälla oavsett anropare."""
    befintlig = _redan_inlamnad(inlamningsnyckel, av)
    if befintlig is not None:
        return befintlig
    if rapporterad is not None:
        avvikelse.rapporterad = rapporterad
    if avslutad is None:
        sparad = avvikelse_rapportera(avvikelse=avvikelse, av=av, inlamningsnyckel=inlamningsnyckel)
        if sparad is not avvikelse:
            return sparad  # ett samtidigt anrop med samma nyckel hann först
        if rapporterad is not None:
            _handelse(avvikelse, av, f"{HISTORIK_TEXT} (rapporterad {_tid(avvikelse.rapporterad)}).")
        return avvikelse
    if not (slutsats or "").strip():
        raise ValidationError({"slutsats": "Skriv en slutsats när avvikelsen registreras som avslutad."})
    if avvikelse.rapporterad is None or avslutad <= avvikelse.rapporterad:
        raise ValidationError({"avslutad": "Avslutad måste ligga efter rapporterad."})
    avvikelse.rapporterad_av = av
    if not settings.AVVIKELSER_ANONYM_TILLATEN:
        avvikelse.anonym = False
    avvikelse.status = S.AVSLUTAD
    avvikelse.slutsats = slutsats.strip()
    avvikelse.avslutad = avslutad
    avvikelse._change_reason = HISTORIK_TEXT
    if _spara_ny(avvikelse, av, inlamningsnyckel) is None:
        return _redan_inlamnad(inlamningsnyckel, av)
    avvikelse.referensnummer = _referensnummer("AV", Avvikelse, avvikelse.pk)
    avvikelse.save(update_fields=["referensnummer"])
    _handelse(
        avvikelse,
        av,
        f"{HISTORIK_TEXT}: rapporterad {_tid(avvikelse.rapporterad)}.",
        till=S.RAPPORTERAD,
    )
    _handelse(
        avvikelse,
        av,
        f"{HISTORIK_TEXT}: avslutad {_tid(avslutad)}.",
        fran=S.RAPPORTERAD,
        till=S.AVSLUTAD,
    )
    return avvikelse


@transaction.atomic
def avvikelse_byt_status(
    *, avvikelse: Avvikelse, till: str, av, motivering: str = "", aterkoppling: str = ""
) -> Avvikelse:
    """Byter status enligt OVERGANGAR. Återöppning kräver motivering (i tidslinjen och historiken).

    Avslut kräver slutsats, återkoppling till den som rapporterade och att varje åtgärd är genomförd med
    effektbedömning eller struken med motivering (kvalitet.arende). Rapportören får en notifikation."""
    motivering = (motivering or "").strip()
    aterkoppling = (aterkoppling or "").strip()
    nu = timezone.now()

    def forbered(avvikelse, fran):
        if (fran, till) in KRAVER_MOTIVERING and not motivering:
            raise ValidationError("Ange varför avvikelsen öppnas igen.", code="motivering")
        if till == S.AVSLUTAD:
            hinder = []
            if not avvikelse.slutsats.strip():
                hinder.append("Skriv en slutsats innan avvikelsen avslutas.")
            if not aterkoppling:
                hinder.append(
                    "Skriv återkopplingen till den som rapporterade (den visas på hens Mina rapporter)."
                )
            hinder += hinder_for_avslut(a.lage() for a in avvikelse.atgarder.all())
            if hinder:
                raise ValidationError(hinder, code="avslut")
        if till == S.UNDER_UTREDNING and avvikelse.paborjad is None:
            avvikelse.paborjad = nu
        avvikelse.avslutad = nu if till == S.AVSLUTAD else None
        if till == S.AVSLUTAD:
            avvikelse.aterkoppling, avvikelse.aterkopplad = aterkoppling, nu

    avvikelse, fran = overga(
        avvikelse, till=till, tabell=OVERGANGAR, av=av, motivering=motivering, forbered=forbered
    )
    if fran == S.RAPPORTERAD:
        bevakning_avbryt(nyckel=f"avvikelse:{avvikelse.pk}:ej_paborjad")
        bevakning_avbryt(nyckel=f"avvikelse:{avvikelse.pk}:ej_paborjad_eskalerad")
    if till == S.AVSLUTAD:
        _meddela_rapportoren(avvikelse, nu)
    return avvikelse


def _meddela_rapportoren(avvikelse: Avvikelse, nu) -> None:
    """Notifikation till den som rapporterade (också en anonym: bara hen får den). Varje avslut sin egen."""
    notifikation_skapa(
        nyckel=f"avvikelse:{avvikelse.pk}:aterkoppling:{nu:%Y%m%d%H%M%S%f}",
        mottagare=avvikelse.rapporterad_av,
        rubrik=f"Återkoppling på din avvikelse {avvikelse.referensnummer}",
        text="Avvikelsen du rapporterade är avslutad. Läs vad som kom fram och vad som gjordes.",
        lank=reverse("avvikelser:detalj", args=[avvikelse.pk]),
    )


@transaction.atomic
def avvikelse_utred(
    *, avvikelse: Avvikelse, av, orsaker, konsekvens, sannolikhet, slutsats: str, version: int | None
) -> Avvikelse:
    """Sparar utredningen: orsaker, konsekvens och sannolikhet (riskvärde) och slutsats.

    `version` är den version formuläret visade och krävs. Saknas den, eller har någon annan sparat sedan
    dess, sparas ingenting (`Krock`, se kvalitet.samtidighet)."""
    avvikelse = las_for_andring(Avvikelse.objects, pk=avvikelse.pk, version=version, av=av, vad="Utredningen")
    kontrollera_oppet(avvikelse)
    avvikelse.konsekvens = konsekvens
    avvikelse.sannolikhet = sannolikhet
    avvikelse.slutsats = slutsats
    avvikelse._history_user = av
    avvikelse.save(update_fields=["konsekvens", "sannolikhet", "slutsats", ny_version(avvikelse)])
    avvikelse.orsaker.set(orsaker)
    _handelse(avvikelse, av, f"Utredningen uppdaterades (riskvärde {avvikelse.riskvarde or '–'}).")
    return avvikelse


@transaction.atomic
def atgard_lagg_till(*, atgard: Atgard, av) -> Atgard:
    """Lägger till en åtgärd på avvikelsen (inte på en avslutad)."""
    avvikelse = Avvikelse.objects.select_for_update().get(pk=atgard.avvikelse_id)
    kontrollera_oppet(avvikelse)
    ny = atgard.pk is None
    atgard._history_user = av
    atgard.save()
    _handelse(atgard.avvikelse, av, ("Åtgärd tillagd: " if ny else "Åtgärd ändrad: ") + atgard.text[:200])
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
    """Markerar åtgärden genomförd med effektbedömning, eller stryker den med en motivering, mot den version
    formuläret visade (`Krock` annars). Inte på en avslutad avvikelse."""
    avvikelse = Avvikelse.objects.select_for_update().get(pk=atgard.avvikelse_id)
    kontrollera_oppet(avvikelse)
    kontrollera_uppfoljning(genomford=genomford, effekt=effekt_bedomning, effekt_text=effekt, struken=struken)
    atgard = las_for_andring(Atgard.objects, pk=atgard.pk, version=version, av=av, vad="Åtgärden")
    text = atgard.folj_upp(
        genomford=genomford, effekt_bedomning=effekt_bedomning, effekt=effekt, struken=struken
    )
    atgard.klar = True
    atgard._history_user = av
    ny_version(atgard)
    atgard.save()
    _handelse(avvikelse, av, text)
    return atgard


@transaction.atomic
def avvikelse_eskalera(*, avvikelse: Avvikelse, av):
    """Eskalerar till lex Sarah: skapar (eller hämtar) den länkade rapporten via lexsarah-appen.

    Avvikelsen låses, så att två samtidiga klick ger en rapport och en rad i tidslinjen.
    """
    from lexsarah.services import rapport_fran_avvikelse

    avvikelse = Avvikelse.objects.select_for_update().get(pk=avvikelse.pk)
    kontrollera_oppet(avvikelse)
    fanns = avvikelse.handelser.filter(text="Eskalerad till lex Sarah.").exists()
    rapport = rapport_fran_avvikelse(avvikelse=avvikelse, av=av)
    if not fanns:
        _handelse(avvikelse, av, "Eskalerad till lex Sarah.")
    return rapport


@transaction.atomic
def klagomal_registrera(*, klagomal: Klagomal, av=None) -> Klagomal:
    """Sparar ett nytt klagomål/synpunkt (av personal eller via e-tjänsten när av är None)."""
    klagomal.registrerad_av = av
    klagomal.via_e_tjanst = av is None
    klagomal.referensnummer = f"tmp-{timezone.now().timestamp()}"[:20]
    if klagomal.anonym:
        klagomal.namn = ""
        klagomal.kontakt = ""
    klagomal._history_user = av
    klagomal.save()
    klagomal.referensnummer = _referensnummer("KS", Klagomal, klagomal.pk)
    klagomal.save(update_fields=["referensnummer"])
    _klagomal_handelse(
        klagomal, av, "Registrerat via e-tjänsten." if av is None else "Registrerat.", till=K.MOTTAGET
    )
    chef = _chef(klagomal.enhet, access.ENHETSCHEF)
    if chef and not klagomal.anonym:
        bevakning_lagg(
            nyckel=f"klagomal:{klagomal.pk}:aterkoppling",
            forfaller=timezone.now() + datetime.timedelta(days=paminnelse_dagar()),
            mottagare=chef,
            rubrik=f"Återkoppling saknas för {klagomal.referensnummer}",
            lank=reverse("avvikelser:klagomal_detalj", args=[klagomal.pk]),
        )
    return klagomal


@transaction.atomic
def klagomal_registrera_historisk(
    *, klagomal: Klagomal, av, inkommet=None, avslutat=None, aterkoppling_datum=None, aterkoppling_hur=""
) -> Klagomal:
    """För in ett klagomål i efterhand (API:t). Utan `avslutat` registreras det som vanligt (med
    påminnelse om återkoppling); med `avslutat` skapas det avslutat med återkopplingen, utan påminnelse.
    Historiken på ärendet säger att det registrerats i efterhand."""
    if inkommet is not None:
        klagomal.inkommet = inkommet
    if avslutat is None:
        klagomal._change_reason = HISTORIK_TEXT if inkommet is not None else None
        return klagomal_registrera(klagomal=klagomal, av=av)
    if klagomal.inkommet is None or avslutat <= klagomal.inkommet:
        raise ValidationError({"avslutat": "Avslutat måste ligga efter inkommet."})
    if not klagomal.anonym and (not aterkoppling_datum or not (aterkoppling_hur or "").strip()):
        raise ValidationError("Ange datum och hur återkoppling gavs innan ärendet avslutas.")
    klagomal.registrerad_av = av
    klagomal.via_e_tjanst = False
    if klagomal.anonym:
        klagomal.namn = ""
        klagomal.kontakt = ""
    klagomal.status = K.AVSLUTAT
    klagomal.avslutat = avslutat
    klagomal.aterkoppling_datum = aterkoppling_datum
    klagomal.aterkoppling_hur = (aterkoppling_hur or "").strip()
    klagomal.referensnummer = f"tmp-{timezone.now().timestamp()}"[:20]
    klagomal._history_user = av
    klagomal._change_reason = HISTORIK_TEXT
    klagomal.save()
    klagomal.referensnummer = _referensnummer("KS", Klagomal, klagomal.pk)
    klagomal.save(update_fields=["referensnummer"])
    _klagomal_handelse(klagomal, av, f"{HISTORIK_TEXT}: avslutat {_tid(avslutat)}.", till=K.AVSLUTAT)
    return klagomal


@transaction.atomic
def klagomal_satt_tema(*, klagomal: Klagomal, tema, av, version: int | None) -> Klagomal:
    """Sätter (eller tar bort) ärendets tema; ändringen hamnar i historiken med författare.

    `version` är den version formuläret visade och krävs: saknas den, eller har någon annan sparat sedan
    dess, sparas ingenting (`Krock`, kvalitet.samtidighet)."""
    klagomal = las_for_andring(Klagomal.objects, pk=klagomal.pk, version=version, av=av, vad="Ärendet")
    kontrollera_oppet(klagomal)
    if klagomal.tema_id == (tema.pk if tema else None):
        return klagomal
    if tema is not None and not tema.aktiv:
        raise ValidationError("Temat erbjuds inte längre; välj ett annat.")
    klagomal.tema = tema
    klagomal._history_user = av
    klagomal.save(update_fields=["tema", ny_version(klagomal)])
    return klagomal


def _klagomal_handelse(klagomal, av, text, fran="", till=""):
    return KlagomalHandelse.objects.create(
        klagomal=klagomal, av=av, text=text, fran_status=fran, till_status=till
    )


@transaction.atomic
def klagomal_avsluta(*, klagomal: Klagomal, av, aterkoppling_datum=None, aterkoppling_hur="") -> Klagomal:
    """Avslutar. Kräver återkoppling (datum och hur) om avsändaren inte är anonym, och att varje åtgärd är
    genomförd med effektbedömning eller struken med motivering (kvalitet.arende). Raden låses, så att två
    samtidiga avslut inte båda passerar övergången; versionen räknas upp (ett öppet temaformulär krockar)."""
    aterkoppling_hur = (aterkoppling_hur or "").strip()

    def forbered(klagomal, fran):
        hinder = []
        if not klagomal.anonym and (not aterkoppling_datum or not aterkoppling_hur):
            hinder.append("Ange datum och hur återkoppling gavs innan ärendet avslutas.")
        hinder += hinder_for_avslut(a.lage() for a in klagomal.atgarder.all())
        if hinder:
            raise ValidationError(hinder, code="avslut")
        klagomal.aterkoppling_datum = aterkoppling_datum
        klagomal.aterkoppling_hur = aterkoppling_hur
        klagomal.avslutat = timezone.now()
        ny_version(klagomal)

    klagomal, _ = overga(klagomal, till=K.AVSLUTAT, tabell=KLAGOMAL_OVERGANGAR, av=av, forbered=forbered)
    bevakning_avbryt(nyckel=f"klagomal:{klagomal.pk}:aterkoppling")
    return klagomal


@transaction.atomic
def klagomal_oppna_igen(*, klagomal: Klagomal, av, motivering: str) -> Klagomal:
    """Öppnar ett avslutat ärende igen (till Under handläggning). Motiveringen krävs och skrivs i tidslinjen
    och historiken; återkopplingen står kvar tills ärendet avslutas på nytt."""
    motivering = (motivering or "").strip()

    def forbered(klagomal, fran):
        if not motivering:
            raise ValidationError("Ange varför ärendet öppnas igen.", code="motivering")
        klagomal.avslutat = None
        ny_version(klagomal)

    klagomal, _ = overga(
        klagomal,
        till=K.UNDER_HANDLAGGNING,
        tabell=KLAGOMAL_OVERGANGAR,
        av=av,
        motivering=motivering,
        forbered=forbered,
    )
    return klagomal


@transaction.atomic
def klagomal_atgard_lagg_till(*, atgard: KlagomalAtgard, av) -> KlagomalAtgard:
    """Lägger till en åtgärd på klagomålet (inte på ett avslutat). Ett mottaget ärende går till Under
    handläggning: någon har börjat arbeta med det."""
    klagomal = Klagomal.objects.select_for_update().get(pk=atgard.klagomal_id)
    kontrollera_oppet(klagomal)
    atgard._history_user = av
    atgard.save()
    if klagomal.status == K.MOTTAGET:
        klagomal.status = K.UNDER_HANDLAGGNING
        klagomal._history_user = av
        klagomal.save(update_fields=["status", ny_version(klagomal)])
        _klagomal_handelse(
            klagomal,
            av,
            f"{K.MOTTAGET.label} → {K.UNDER_HANDLAGGNING.label}",
            K.MOTTAGET,
            K.UNDER_HANDLAGGNING,
        )
    _klagomal_handelse(klagomal, av, "Åtgärd tillagd: " + atgard.text[:200])
    return atgard


@transaction.atomic
def klagomal_atgard_folj_upp(
    *,
    atgard: KlagomalAtgard,
    av,
    version: int | None,
    genomford=None,
    effekt_bedomning: str = "",
    effekt: str = "",
    struken: str = "",
) -> KlagomalAtgard:
    """Markerar åtgärden genomförd med effektbedömning, eller stryker den med en motivering, mot den version
    formuläret visade (`Krock` annars). Inte på ett avslutat ärende."""
    klagomal = Klagomal.objects.select_for_update().get(pk=atgard.klagomal_id)
    kontrollera_oppet(klagomal)
    kontrollera_uppfoljning(genomford=genomford, effekt=effekt_bedomning, effekt_text=effekt, struken=struken)
    atgard = las_for_andring(KlagomalAtgard.objects, pk=atgard.pk, version=version, av=av, vad="Åtgärden")
    text = atgard.folj_upp(
        genomford=genomford, effekt_bedomning=effekt_bedomning, effekt=effekt, struken=struken
    )
    atgard._history_user = av
    ny_version(atgard)
    atgard.save()
    _klagomal_handelse(klagomal, av, text)
    return atgard


@transaction.atomic
def bilaga_lagg_till(*, avvikelse: Avvikelse, fil, av) -> Bilaga:
    """Sparar en bilaga (typ och storlek kontrolleras på innehållet) och skriver den i tidslinjen."""
    kontrollera_oppet(Avvikelse.objects.select_for_update().get(pk=avvikelse.pk))
    bilaga = bilaga_spara(Bilaga(avvikelse=avvikelse, uppladdad_av=av), fil)
    _handelse(avvikelse, av, f"Bilagan ”{bilaga.filnamn}” bifogades.")
    return bilaga


def oppna_inlamningar_rensa(*, nu: datetime.datetime | None = None) -> int:
    """Tar bort det öppna formulärets rader för hastighetsbegränsningen som är äldre än ett dygn (gränsen
    räknar bara den senaste timmen). Returnerar antalet borttagna."""
    from avvikelser.models import OppenInlamning

    grans = (nu or timezone.now()) - datetime.timedelta(days=1)
    antal, _ = OppenInlamning.objects.filter(tidpunkt__lt=grans).delete()
    return antal
