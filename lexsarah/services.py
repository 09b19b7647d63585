"""Tjänster för lex Sarah. Varje funktion är en transaktion: ändringen, tidslinjen och historiken ihop."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from kvalitet import access, helgdagar
from kvalitet.arende import hinder_for_avslut, kontrollera_oppet, kontrollera_uppfoljning, overga
from kvalitet.bilagor import bilaga_spara
from kvalitet.queries import ansvariga
from kvalitet.samtidighet import las_for_andring, ny_version
from kvalitet.services import bevakning_avbryt, bevakning_lagg, notifikation_skapa
from lexsarah.models import Atgard, Beslut, Bilaga, Handelse, Rapport, Status

S = Status
# Allvarligheten kan vara tydlig direkt: anmälan till IVO får göras under utredningen, som då fortsätter
# och skickas som komplettering. Bedömd men inte allvarligt går direkt till uppföljningen av åtgärder.
OVERGANGAR = {
    S.RAPPORT: {S.UTREDNING},
    S.UTREDNING: {S.BEDOMD, S.ANMALD_IVO},
    S.BEDOMD: {S.ANMALD_IVO, S.ATGARDER_UPPFOLJDA, S.UTREDNING},
    S.ANMALD_IVO: {S.ATGARDER_UPPFOLJDA},
    S.ATGARDER_UPPFOLJDA: {S.AVSLUTAD},
    # Återöppning (med motivering): tillbaka till åtgärderna, som då kan läggas till och följas upp igen.
    S.AVSLUTAD: {S.ATGARDER_UPPFOLJDA},
}


def _dagar(namn: str, standard: int) -> int:
    return getattr(settings, namn, standard)


def _handelse(rapport, av, text, fran="", till="", kommentar=False):
    return Handelse.objects.create(
        rapport=rapport, av=av, text=text, fran_status=fran, till_status=till, kommentar=kommentar
    )


def _lank(rapport) -> str:
    return rapport.get_absolute_url()


def _utredare(rapport) -> list:
    """Kvalitetssamordnarna i rapportens nämnd (på nämnden eller ovanför) med en roll som gäller i dag."""
    return ansvariga(rapport.enhet, access.KVALITETSSAMORDNARE)


def _chefer(rapport) -> list:
    return ansvariga(rapport.enhet, access.ENHETSCHEF)


def bedomning_frist(rapporterad: datetime.datetime) -> datetime.date:
    """Intern frist för bedömningen; slutar den på en helg eller helgdag gäller nästa vardag."""
    return helgdagar.frist(timezone.localdate(rapporterad), _dagar("LEXSARAH_BEDOMNING_DAGAR", 14))


def _som_tid(d: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(d, datetime.time(8, 0)))


def _lagg_bedomningsbevakningar(rapport) -> None:
    frist = rapport.bedomning_senast
    fore = frist - datetime.timedelta(days=_dagar("LEXSARAH_VARNA_DAGAR_FORE", 3))
    for utredare in _utredare(rapport):
        bevakning_lagg(
            nyckel=f"lexsarah:{rapport.pk}:bedomning_fore:{utredare.pk}",
            forfaller=_som_tid(fore),
            mottagare=utredare,
            rubrik=f"Lex Sarah {rapport.referensnummer}: bedömningen ska vara klar {frist:%Y-%m-%d}",
            lank=_lank(rapport),
        )
        bevakning_lagg(
            nyckel=f"lexsarah:{rapport.pk}:bedomning_passerad:{utredare.pk}",
            forfaller=_som_tid(frist + datetime.timedelta(days=1)),
            mottagare=utredare,
            rubrik=f"Lex Sarah {rapport.referensnummer}: fristen för bedömningen har passerat",
            lank=_lank(rapport),
        )


def _avbryt_bevakningar(rapport, slag: str) -> None:
    for utredare in _utredare(rapport):
        for nyckel in (
            f"lexsarah:{rapport.pk}:{slag}_fore:{utredare.pk}",
            f"lexsarah:{rapport.pk}:{slag}_passerad:{utredare.pk}",
        ):
            bevakning_avbryt(nyckel=nyckel)


def _lagg_ivo_bevakning(rapport) -> None:
    frist = helgdagar.lagg_till_arbetsdagar(timezone.localdate(), _dagar("LEXSARAH_IVO_VARDAGAR", 2))
    for utredare in _utredare(rapport):
        bevakning_lagg(
            nyckel=f"lexsarah:{rapport.pk}:ivo_passerad:{utredare.pk}",
            forfaller=_som_tid(frist),
            mottagare=utredare,
            rubrik=f"Lex Sarah {rapport.referensnummer} är bedömd som allvarlig: anmäl till IVO snarast",
            lank=_lank(rapport),
        )


def _meddela_inlamnad(rapport) -> None:
    """Utredarna och enhetens chef får en notifikation (i appen och e-post) en gång per mottagare."""
    mottagare = {u.pk: u for u in _utredare(rapport) + _chefer(rapport)}
    for anvandare in mottagare.values():
        notifikation_skapa(
            nyckel=f"lexsarah:{rapport.pk}:inlamnad:{anvandare.pk}",
            mottagare=anvandare,
            rubrik=f"Ny lex Sarah-rapport {rapport.referensnummer} vid {rapport.enhet.namn}",
            text="En rapport om missförhållande eller påtaglig risk har lämnats. Utred utan dröjsmål.",
            lank=_lank(rapport),
        )
    notifikation_skapa(
        nyckel=f"lexsarah:{rapport.pk}:kvitto",
        mottagare=rapport.rapporterad_av,
        rubrik=f"Din lex Sarah-rapport har tagits emot ({rapport.referensnummer})",
        text="Tack. Du kan följa rapportens status under Lex Sarah → Mina rapporter.",
        lank=_lank(rapport),
        epost=False,
    )


def _satt_ovriga(rapport: Rapport, av, ovriga_brukare) -> None:
    """Övriga berörda (utom den som främst berörs); historiken (m2m) får ändringen med författare."""
    ids = {b if isinstance(b, int) else b.pk for b in ovriga_brukare} - {rapport.brukare_id}
    rapport._history_user = av
    rapport.ovriga_brukare.set(sorted(ids))


def _redan_lamnad(nyckel, av) -> Rapport | None:
    """Rapporten som redan lämnats med formulärets engångsnyckel (av samma person), eller None."""
    if nyckel is None:
        return None
    befintlig = Rapport.objects.filter(inlamningsnyckel=nyckel).first()
    if befintlig is not None and befintlig.rapporterad_av_id != av.pk:
        raise ValidationError("Formuläret har redan skickats. Ladda om sidan och fyll i det igen.")
    return befintlig


@transaction.atomic
def rapport_lamna(*, rapport: Rapport, av, ovriga_brukare=(), inlamningsnyckel=None) -> Rapport:
    """Sparar en ny rapport, ger den referensnummer och frist, meddelar utredare och chef.

    `ovriga_brukare`: fler enskilda som berörs, utöver `rapport.brukare`. Samma `inlamningsnyckel`
    (formulärets engångsnyckel) igen ger den redan lämnade rapporten: ett dubbelklick ger en rapport."""
    befintlig = _redan_lamnad(inlamningsnyckel, av)
    if befintlig is not None:
        return befintlig
    rapport.rapporterad_av = av
    rapport.rapportor_chef = access.har_roll(av, *access.CHEFER)
    rapport.status = S.RAPPORT
    rapport.inlamningsnyckel = inlamningsnyckel
    rapport.referensnummer = f"tmp-{timezone.now().timestamp()}"[:20]
    rapport._history_user = av
    try:
        with transaction.atomic():
            rapport.save()
    except IntegrityError:
        # Ett samtidigt klick med samma nyckel hann först (den unika nyckeln stoppar det andra).
        befintlig = _redan_lamnad(inlamningsnyckel, av)
        if befintlig is None:
            raise
        return befintlig
    rapport.referensnummer = f"LS-{timezone.localdate():%Y}-{rapport.pk:06d}"
    rapport.bedomning_senast = bedomning_frist(rapport.rapporterad)
    rapport.save(update_fields=["referensnummer", "bedomning_senast"])
    if ovriga_brukare:
        _satt_ovriga(rapport, av, ovriga_brukare)
    _handelse(rapport, av, "Rapporten lämnades.", till=S.RAPPORT)
    _lagg_bedomningsbevakningar(rapport)
    _meddela_inlamnad(rapport)
    return rapport


@transaction.atomic
def rapport_fran_avvikelse(*, avvikelse, av) -> Rapport:
    """Lex Sarah-rapport förifylld från en avvikelse och länkad till den. Finns den redan returneras den."""
    befintlig = Rapport.objects.filter(avvikelse_id=avvikelse.pk).first()
    if befintlig is not None:
        return befintlig
    rapport = Rapport(
        avvikelse=avvikelse,
        enhet=avvikelse.enhet,
        brukare=avvikelse.brukare,
        handelsetid=avvikelse.handelsetid,
        upptackt=avvikelse.rapporterad or avvikelse.handelsetid,
        sammanfattning=f"{avvikelse.kategori.namn} (från avvikelse {avvikelse.referensnummer})"[:150],
        beskrivning=avvikelse.beskrivning,
        atgard_direkt=avvikelse.atgard_direkt,
    )
    rapport = rapport_lamna(rapport=rapport, av=av)
    _handelse(rapport, av, f"Skapad från avvikelse {avvikelse.referensnummer}.")
    return rapport


def _las(rapport) -> Rapport:
    return Rapport.objects.select_for_update().get(pk=rapport.pk)


def _las_version(rapport, version, av, vad) -> Rapport:
    """Låser ärendet och kräver den version formuläret visade (kvalitet.samtidighet)."""
    return las_for_andring(Rapport.objects, pk=rapport.pk, version=version, av=av, vad=vad)


@transaction.atomic
def utredning_spara(*, rapport: Rapport, av, version: int | None, **falt) -> Rapport:
    """Sparar utredningens textfält mot `version` (krävs; en annans sparning däremellan ger `Krock`).
    En utredning påbörjas automatiskt när den först sparas."""
    rapport = _las_version(rapport, version, av, "Utredningen")
    kontrollera_oppet(rapport)
    tillatna = {
        "forlopp",
        "konsekvenser",
        "enskildes_syn",
        "enskildes_syn_ej_orsak",
        "orsaker",
        "deltagare",
        "kallor",
    }
    for namn, varde in falt.items():
        if namn not in tillatna:
            raise TypeError(namn)
        setattr(rapport, namn, varde)
    ny_version(rapport)
    rapport._history_user = av
    rapport.save()
    _handelse(rapport, av, "Utredningen uppdaterades.")
    if rapport.status == S.RAPPORT:
        return byt_status(rapport=rapport, till=S.UTREDNING, av=av)
    return rapport


@transaction.atomic
def berorda_spara(*, rapport: Rapport, av, brukare, ovriga_brukare, version: int | None) -> Rapport:
    """Vilka enskilda ärendet berör: den som främst berörs och övriga. Tidslinjen får antalet, inga namn
    (den läses av fler än de som får se en skyddad identitet). Sparas mot `version` (krävs)."""
    rapport = _las_version(rapport, version, av, "Ärendet")
    kontrollera_oppet(rapport)
    ovriga = list(ovriga_brukare or ())
    if ovriga and brukare is None:
        raise ValidationError("Välj den enskilde som främst berörs; övriga berörda anges utöver den.")
    fore = (rapport.brukare_id, set(rapport.ovriga_brukare.values_list("pk", flat=True)))
    rapport.brukare = brukare
    rapport._history_user = av
    _satt_ovriga(rapport, av, ovriga)
    efter = (rapport.brukare_id, set(rapport.ovriga_brukare.values_list("pk", flat=True)))
    if efter != fore:
        ny_version(rapport)
        rapport.save()
        antal = len(efter[1]) + (1 if efter[0] else 0)
        _handelse(rapport, av, f"Berörda enskilda ändrades (nu {antal}).")
    return rapport


@transaction.atomic
def bedom(
    *, rapport: Rapport, av, konsekvens, sannolikhet, beslut, allvarligt, motivering, version: int | None
) -> Rapport:
    """Bedömningen: riskmatrisen, beslutet och om det är allvarligt, med motivering, vem och när.
    Sparas mot `version` (krävs; en annans sparning däremellan ger `Krock`).

    Från utredning går ärendet till "bedömd". Är det redan anmält till IVO (före utredningen var klar)
    ligger statusen kvar; då är det här utredningens slutliga ställningstagande som ska kompletteras."""
    rapport = _las_version(rapport, version, av, "Bedömningen")
    if rapport.status in (S.RAPPORT, S.ATGARDER_UPPFOLJDA, S.AVSLUTAD):
        raise ValidationError("Bedömningen görs när ärendet utreds.")
    if not (motivering or "").strip():
        raise ValidationError("Motivera bedömningen.", code="motivering")
    if beslut not in Beslut.values:
        raise ValidationError("Välj en bedömning.")
    if beslut == Beslut.EJ_MISSFORHALLANDE:
        allvarligt = False
    elif allvarligt is None:
        raise ValidationError("Ange om missförhållandet eller risken är allvarlig.", code="allvarligt")
    if rapport.status == S.ANMALD_IVO and not allvarligt:
        raise ValidationError("Ärendet är anmält till IVO; bedömningen måste då vara allvarlig.")
    if not rapport.forlopp.strip() or not rapport.orsaker.strip():
        raise ValidationError("Utredningen saknar händelseförlopp eller orsaker.", code="utredning")
    if not rapport.enskildes_syn.strip() and not rapport.enskildes_syn_ej_orsak.strip():
        raise ValidationError(
            "Ange den enskildes eller närståendes syn, eller varför den inte inhämtats.", code="syn"
        )
    rapport.konsekvens, rapport.sannolikhet = konsekvens, sannolikhet
    rapport.beslut, rapport.allvarligt, rapport.motivering = beslut, allvarligt, motivering.strip()
    rapport.beslutad_av, rapport.beslutad = av, timezone.now()
    ny_version(rapport)
    rapport._history_user = av
    rapport.save()
    text = f"Bedömning: {Beslut(beslut).label}" + (", allvarligt" if allvarligt else "")
    _handelse(rapport, av, text + f" (riskvärde {rapport.riskvarde or '–'}).")
    _avbryt_bevakningar(rapport, "bedomning")
    if rapport.status == S.UTREDNING:
        rapport = byt_status(rapport=rapport, till=S.BEDOMD, av=av)
    if allvarligt and not rapport.ivo_skickad:
        _lagg_ivo_bevakning(rapport)
    return rapport


@transaction.atomic
def anmal_till_ivo(*, rapport: Rapport, av, skickad: datetime.date, diarienummer: str = "") -> Rapport:
    """Registrerar att anmälan skickats. Kräver en bedömning (preliminär eller slutlig) som allvarlig."""
    rapport = _las(rapport)
    if rapport.status == S.UTREDNING and rapport.allvarligt is None:
        raise ValidationError(
            "Ange först (preliminärt) att ärendet är allvarligt; bara allvarliga ärenden anmäls till IVO.",
            code="ej_allvarligt",
        )
    if not rapport.allvarligt:
        raise ValidationError(
            "Bara ett allvarligt missförhållande eller en allvarlig risk anmäls till IVO.",
            code="ej_allvarligt",
        )
    if skickad > timezone.localdate():
        raise ValidationError("Datumet kan inte ligga i framtiden.")
    from lexsarah.ivo import saknas_for_anmalan  # blankettens obligatoriska fält (lexsarah/ivo.py)

    saknas = saknas_for_anmalan(rapport)
    if saknas:
        raise ValidationError(
            "Anmälan kan inte registreras som skickad: IVO:s blankett kräver "
            + "; ".join(s.lower() for s in saknas)
            + ".",
            code="blankett_ofullstandig",
        )
    rapport.ivo_skickad = skickad
    rapport.ivo_diarienummer = (diarienummer or "").strip()
    rapport.ivo_fore_utredning = not rapport.utredning_klar
    rapport._history_user = av
    rapport.save()
    rapport = byt_status(rapport=rapport, till=S.ANMALD_IVO, av=av)
    for utredare in _utredare(rapport):
        bevakning_avbryt(nyckel=f"lexsarah:{rapport.pk}:ivo_passerad:{utredare.pk}")
    return rapport


@transaction.atomic
def markera_allvarligt_preliminart(*, rapport: Rapport, av, motivering: str) -> Rapport:
    """Allvarligheten är tydlig direkt: ärendet kan anmälas till IVO medan utredningen fortsätter."""
    rapport = _las(rapport)
    if rapport.status not in (S.RAPPORT, S.UTREDNING):
        raise ValidationError("Ärendet är redan bedömt.")
    if not (motivering or "").strip():
        raise ValidationError("Motivera varför ärendet redan nu bedöms som allvarligt.", code="motivering")
    rapport.allvarligt = True
    rapport.motivering = motivering.strip()
    rapport._history_user = av
    rapport.save()
    _handelse(rapport, av, f"Preliminärt bedömt som allvarligt: {motivering.strip()}")
    if rapport.status == S.RAPPORT:
        rapport = byt_status(rapport=rapport, till=S.UTREDNING, av=av)
    _lagg_ivo_bevakning(rapport)
    return rapport


@transaction.atomic
def ivo_uppdatera(*, rapport: Rapport, av, version: int | None, **falt) -> Rapport:
    """Diarienummer, komplettering, IVO:s beslut och information till den enskilde; mot `version`.

    Undantaget från skrivskyddet för avslutade ärenden: IVO:s beslut kommer ofta efter avslutet."""
    rapport = _las_version(rapport, version, av, "Uppgifterna om anmälan")
    if not rapport.ivo_skickad:
        raise ValidationError("Ärendet är inte anmält till IVO.")
    tillatna = {
        "ivo_diarienummer",
        "ivo_komplettering",
        "ivo_beslut",
        "ivo_beslut_datum",
        "enskild_informerad",
        "enskild_informerad_hur",
    }
    for namn, varde in falt.items():
        if namn not in tillatna:
            raise TypeError(namn)
        setattr(rapport, namn, varde)
    if rapport.ivo_komplettering and not rapport.utredning_klar:
        raise ValidationError("Kompletteringen skickas när utredningen är klar (bedömningen gjord).")
    ny_version(rapport)
    rapport._history_user = av
    rapport.save()
    _handelse(rapport, av, "Uppgifterna om anmälan till IVO uppdaterades.")
    return rapport


def _hinder_for_uppfoljda(rapport) -> list[str]:
    hinder = []
    if not rapport.utredning_klar:
        hinder.append("Utredningen är inte klar (bedömningen saknas).")
    if rapport.allvarligt and not rapport.ivo_skickad:
        hinder.append("Ärendet är allvarligt men inte anmält till IVO.")
    if rapport.ivo_fore_utredning and not rapport.ivo_komplettering:
        hinder.append("Utredningen har inte skickats till IVO som komplettering.")
    if rapport.ivo_skickad and not rapport.enskild_informerad and not rapport.enskild_informerad_hur.strip():
        hinder.append("Det saknas uppgift om att den enskilde informerats om anmälan (eller varför inte).")
    atgarder = list(rapport.atgarder.all())
    if not atgarder:
        hinder.append("Det finns inga åtgärder.")
    return hinder + hinder_for_avslut(a.lage() for a in atgarder)


@transaction.atomic
def byt_status(*, rapport: Rapport, till: str, av, motivering: str = "") -> Rapport:
    """Statusbyte enligt OVERGANGAR med sina villkor. Skriver tidslinjen (vem, när). Återöppning av ett
    avslutat ärende kräver en motivering (i tidslinjen och historiken)."""
    motivering = (motivering or "").strip()

    def forbered(rapport, fran):
        if fran == S.AVSLUTAD and not motivering:
            raise ValidationError("Ange varför ärendet öppnas igen.", code="motivering")
        if till == S.BEDOMD and not rapport.utredning_klar:
            raise ValidationError("Gör bedömningen först.", code="bedomning")
        if till == S.ANMALD_IVO and (not rapport.allvarligt or not rapport.ivo_skickad):
            raise ValidationError(
                "Bara ett allvarligt ärende anmäls till IVO; registrera när anmälan skickades.",
                code="ej_allvarligt",
            )
        if till in (S.ATGARDER_UPPFOLJDA, S.AVSLUTAD):
            hinder = _hinder_for_uppfoljda(rapport)
            if hinder:
                raise ValidationError(" ".join(hinder), code="hinder")
        if till == S.UTREDNING and fran == S.BEDOMD:
            rapport.beslutad = None  # bedömningen görs om
        rapport.avslutad = timezone.now() if till == S.AVSLUTAD else None

    rapport, _ = overga(
        rapport, till=till, tabell=OVERGANGAR, av=av, motivering=motivering, forbered=forbered
    )
    return rapport


@transaction.atomic
def kommentera(*, rapport: Rapport, av, text: str) -> Handelse:
    text = (text or "").strip()
    if not text:
        raise ValidationError("Skriv en kommentar.")
    kontrollera_oppet(_las(rapport))
    return _handelse(rapport, av, text, kommentar=True)


@transaction.atomic
def atgard_spara(*, atgard: Atgard, av) -> Atgard:
    kontrollera_oppet(_las(atgard.rapport))
    ny = atgard.pk is None
    atgard._history_user = av
    atgard.save()
    _handelse(atgard.rapport, av, ("Åtgärd tillagd: " if ny else "Åtgärd ändrad: ") + atgard.text[:200])
    if atgard.ansvarig_id and atgard.klar_senast and not atgard.uppfoljd:
        bevakning_lagg(
            nyckel=f"lexsarah:atgard:{atgard.pk}:forfallen",
            forfaller=_som_tid(atgard.klar_senast + datetime.timedelta(days=1)),
            mottagare=atgard.ansvarig,
            rubrik=f"Lex Sarah {atgard.rapport.referensnummer}: åtgärden skulle vara klar {atgard.klar_senast:%Y-%m-%d}",
            lank=_lank(atgard.rapport),
        )
    return atgard


@transaction.atomic
def atgard_folj_upp(
    *,
    atgard: Atgard,
    av,
    datum: datetime.date | None,
    resultat: str,
    version: int | None,
    effekt_bedomning: str = "",
    struken: str = "",
) -> Atgard:
    """Sparar uppföljningen (genomförd med effektbedömning, eller struken med motivering, kvalitet.arende)
    mot den version av åtgärden formuläret visade (`Krock` annars). Krocken namnger den som ändrade enligt
    ärendets regel: en lex Sarah-rapportör bara för utredarna. Inte i ett avslutat ärende."""
    kontrollera_oppet(_las(atgard.rapport))
    struken = (struken or "").strip()
    if not struken and not (resultat or "").strip():
        raise ValidationError("Beskriv resultatet av uppföljningen.")
    kontrollera_uppfoljning(genomford=datum, effekt=effekt_bedomning, effekt_text=resultat, struken=struken)
    atgard = las_for_andring(
        Atgard.objects.select_related("rapport"),
        pk=atgard.pk,
        version=version,
        av=av,
        vad="Åtgärden",
        rapportpost=atgard.rapport,
    )
    text = atgard.folj_upp(
        genomford=datum, effekt_bedomning=effekt_bedomning, effekt=resultat, struken=struken
    )
    atgard._history_user = av
    ny_version(atgard)
    atgard.save()
    bevakning_avbryt(nyckel=f"lexsarah:atgard:{atgard.pk}:forfallen")
    _handelse(atgard.rapport, av, text)
    return atgard


@transaction.atomic
def bilaga_lagg_till(*, rapport: Rapport, fil, av) -> Bilaga:
    """Sparar en bilaga (typ och storlek kontrolleras på innehållet) och skriver den i tidslinjen."""
    kontrollera_oppet(_las(rapport))
    bilaga = bilaga_spara(Bilaga(rapport=rapport, uppladdad_av=av), fil)
    _handelse(rapport, av, f"Bilagan ”{bilaga.filnamn}” bifogades.")
    return bilaga
