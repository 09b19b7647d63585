"""Skrivningar i kärnan: organisation, roller, brukare, insatser, notifikationer och bevakningar.

Varje funktion gör sin ändring i en transaktion, validerar med full_clean() och sätter författaren för
historiken. Sidoeffekter (e-post) läggs i utkorgen och skickas av svepet, aldrig i webbegäran.
"""

from __future__ import annotations

import datetime
import logging

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from kvalitet.audit import logga_atkomst
from kvalitet.models import (
    Bevakning,
    BevakningStatus,
    Brukare,
    Insats,
    Notifikation,
    OrgNod,
    Rolltilldelning,
)
from kvalitet.models.kvalitetsarbete import Indikatorkalla, Indikatorvarde
from kvalitet.samtidighet import Krock, las_for_andring, ny_version

logger = logging.getLogger(__name__)


# --- organisation -------------------------------------------------------------------------------


def _sokvag(nod: OrgNod) -> str:
    bas = nod.forelder.sokvag if nod.forelder_id else "/"
    return f"{bas}{nod.pk}/"


@transaction.atomic
def orgnod_spara(*, nod: OrgNod, av=None) -> OrgNod:
    """Skapar eller ändrar en nod och håller sökvägarna i hela delträdet rätt (med historik)."""
    nod.full_clean(exclude=["sokvag"])
    if nod.forelder_id and nod.pk and nod.forelder.sokvag.startswith(nod.sokvag or "\0"):
        from django.core.exceptions import ValidationError

        raise ValidationError({"forelder": "En nod kan inte flyttas in under sig själv."})
    if av is not None:
        nod._history_user = av
    gammal = nod.sokvag
    nod.save()
    ny = _sokvag(nod)
    if ny != gammal:
        nod.sokvag = ny
        nod.save(update_fields=["sokvag"])
        if gammal:
            under = list(OrgNod.objects.filter(sokvag__startswith=gammal).exclude(pk=nod.pk))
            for u in under:
                u.sokvag = ny + u.sokvag[len(gammal) :]
            if under:
                bulk_update_with_history(under, OrgNod, ["sokvag"], default_user=av)
    return nod


@transaction.atomic
def roll_tilldela(*, anvandare, roll: str, nod: OrgNod, av=None, giltig_fran=None, giltig_till=None):
    tilldelning, _ = Rolltilldelning.objects.get_or_create(
        anvandare=anvandare,
        roll=roll,
        nod=nod,
        defaults={"giltig_fran": giltig_fran, "giltig_till": giltig_till},
    )
    return tilldelning


# --- brukare och insatser ---------------------------------------------------------------------------


# Svaret när personnumret eller källsystemets id redan finns hos en brukare som användaren inte får se
# (annan nämnd, eller skyddad identitet med en annan handläggare). Numret är unikt i hela kommunen: en
# person har en post, så att ett skydd inte kan kringgås med en andra, oskyddad post. Meddelandet är
# detsamma för varje dold krock och säger inte vilket fält, vilken nämnd eller om identiteten är skyddad.
BRUKARE_KAN_INTE_SPARAS = (
    "Brukaren kunde inte sparas med de här uppgifterna. Kontakta registratorn eller systemadministratören."
)


def _dolj_unikhetsfel(fel: ValidationError) -> ValidationError:
    """Djangos "finns redan" (kod unique) avslöjar en dold post; det blir det allmänna meddelandet."""
    if not hasattr(fel, "error_dict"):
        return fel
    if any(e.code == "unique" for lista in fel.error_dict.values() for e in lista):
        return ValidationError(BRUKARE_KAN_INTE_SPARAS, code="krock")
    return fel


def _las_befintlig(post, *, version: int | None, av, vad: str) -> None:
    """En ändrad post sparas bara mot den version formuläret (eller API-anropet, importen) utgick från:
    raden låses och versionen räknas upp, annars `Krock` (kvalitet.samtidighet). En ny post har ingen."""
    if post.pk is None or post._state.adding:
        return
    sparad = las_for_andring(type(post)._default_manager, pk=post.pk, version=version, av=av, vad=vad)
    post.version = sparad.version
    ny_version(post)


@transaction.atomic
def brukare_spara(*, brukare: Brukare, av, version: int | None = None) -> Brukare:
    """Skapar eller ändrar en brukare efter validering; historiken får `av` som författare.

    En ändring kräver `version` (den version formuläret visade): saknas den eller har någon annan sparat
    sedan dess sparas ingenting (`Krock`). En krock med en annan brukares personnummer eller externa id
    (även en samtidig) ger ValidationError med BRUKARE_KAN_INTE_SPARAS, aldrig ett fel som röjer den andra
    posten. Formuläret och importen säger "finns redan" själva när användaren får se den andra posten.
    """
    _las_befintlig(brukare, version=version, av=av, vad="Brukaren")
    try:
        brukare.full_clean()
    except ValidationError as fel:
        raise _dolj_unikhetsfel(fel) from None
    brukare._history_user = av
    try:
        with transaction.atomic():
            brukare.save()
    except IntegrityError:
        raise ValidationError(BRUKARE_KAN_INTE_SPARAS, code="krock") from None
    return brukare


def _skyddsatgard(
    brukare: Brukare, *, falt: str, varde, motivering: str, av, vad: str, kanal: str, version: int | None
) -> Brukare:
    """En uttrycklig åtgärd på ett skyddat ärende: ett fält under radlås och mot den version sidan visade
    (annars `Krock`), motiveringen i historiken och en rad i åtkomstloggen (syns i loggkontrollen)."""
    brukare = las_for_andring(Brukare.objects, pk=brukare.pk, version=version, av=av, vad="Brukaren")
    setattr(brukare, falt, varde)
    brukare._history_user = av
    brukare._change_reason = motivering[:100]
    # Ny version: ett ändringsformulär som öppnades före åtgärden sparas inte över den.
    brukare.save(update_fields=[falt, ny_version(brukare)])
    logga_atkomst(anvandare=av, brukare_ids=[brukare.pk], vad=vad, kanal=kanal)
    return brukare


@transaction.atomic
def brukare_overlamna(*, brukare: Brukare, till, motivering: str, av, version: int | None) -> Brukare:
    """Lämnar över en brukare med skyddad identitet till en annan handläggare.

    Anroparen har prövat `access.far_overlamna` och att `till` är handläggare i brukarens nämnd.
    """
    return _skyddsatgard(
        brukare,
        falt="handlaggare",
        varde=till,
        motivering=motivering,
        av=av,
        vad=f"skyddad identitet: ärendet överlämnat till {till.get_username()}",
        kanal="överlämning",
        version=version,
    )


@transaction.atomic
def brukare_hav_skydd(*, brukare: Brukare, motivering: str, av, version: int | None) -> Brukare:
    """Häver skyddad identitet (anroparen har prövat `access.far_hava_skydd`); därefter visas namn och
    nummer för alla som ser brukaren."""
    return _skyddsatgard(
        brukare,
        falt="skyddad_identitet",
        varde=False,
        motivering=motivering,
        av=av,
        vad=f"skyddad identitet hävd: {motivering}",
        kanal="häv skydd",
        version=version,
    )


@transaction.atomic
def insats_spara(*, insats: Insats, av, version: int | None = None) -> Insats:
    """Skapar eller ändrar en insats; en ändring kräver `version`, som för brukaren."""
    _las_befintlig(insats, version=version, av=av, vad="Insatsen")
    insats.full_clean()
    insats._history_user = av
    insats.save()
    return insats


# --- notifikationer och bevakningar --------------------------------------------------------------


def notifikation_skapa(
    *, nyckel: str, mottagare, rubrik: str, text: str = "", lank: str = "", epost: bool = True
):
    """Skapar notifikationen en gång. Finns nyckeln redan händer ingenting och None returneras.

    E-posten går via utkorgen (svepet), så att anroparen aldrig väntar på e-post eller Redis.
    """
    try:
        with transaction.atomic():
            notis = Notifikation.objects.create(
                nyckel=nyckel, mottagare=mottagare, rubrik=rubrik, text=text, lank=lank, epost=epost
            )
    except IntegrityError:
        return None
    transaction.on_commit(_skicka_utkorg_snart)
    return notis


def _skicka_utkorg_snart() -> None:
    """Försöker få ut e-posten direkt; misslyckas det (Redis nere) tar nästa svep den."""
    from kvalitet.tasks import skicka_utkorg, trygg_koa

    trygg_koa(skicka_utkorg)


def bevakning_lagg(
    *, nyckel: str, forfaller: datetime.datetime, mottagare, rubrik: str, text: str = "", lank: str = ""
) -> Bevakning:
    """Lägger (eller flyttar) en bevakning. En redan skickad bevakning rörs inte: den påminner en gång."""
    bevakning, skapad = Bevakning.objects.get_or_create(
        nyckel=nyckel,
        defaults={
            "forfaller": forfaller,
            "mottagare": mottagare,
            "rubrik": rubrik,
            "text": text,
            "lank": lank,
        },
    )
    if not skapad and bevakning.status == BevakningStatus.VANTAR:
        bevakning.forfaller = forfaller
        bevakning.mottagare = mottagare
        bevakning.rubrik, bevakning.text, bevakning.lank = rubrik, text, lank
        bevakning.save()
    return bevakning


@transaction.atomic
def bevakning_avbryt(*, nyckel: str) -> bool:
    """Avbryter en väntande bevakning (villkoret gäller inte längre). True om något avbröts."""
    antal = 0
    for b in Bevakning.objects.select_for_update().filter(nyckel=nyckel, status=BevakningStatus.VANTAR):
        b.status = BevakningStatus.AVBRUTEN
        b.hanterad = timezone.now()
        b.save(update_fields=["status", "hanterad"])
        antal += 1
    return antal > 0


def notifikation_markera_last(*, notis: Notifikation) -> None:
    if notis.last is None:
        notis.last = timezone.now()
        notis.save(update_fields=["last"])


# --- svepet ---------------------------------------------------------------------------------------


def bevakningar_svep(*, nu: datetime.datetime | None = None, batch: int = 500) -> int:
    """Gör förfallna bevakningar till notifikationer. Returnerar antalet nya notifikationer.

    Flera svep kan köra samtidigt: raderna låses med SKIP LOCKED, och notifikationens unika nyckel gör
    att ett omkört eller avbrutet svep aldrig påminner två gånger.
    """
    nu = nu or timezone.now()
    nya = 0
    while True:
        with transaction.atomic():
            forfallna = list(
                Bevakning.objects.select_for_update(skip_locked=True)
                .filter(status=BevakningStatus.VANTAR, forfaller__lte=nu)
                .order_by("forfaller")[:batch]
            )
            if not forfallna:
                break
            skapade = Notifikation.objects.bulk_create(
                [
                    Notifikation(
                        nyckel=f"bevakning:{b.nyckel}",
                        mottagare_id=b.mottagare_id,
                        rubrik=b.rubrik,
                        text=b.text,
                        lank=b.lank,
                        sammandrag=True,
                    )
                    for b in forfallna
                ],
                ignore_conflicts=True,
            )
            for b in forfallna:
                b.status = BevakningStatus.SKICKAD
                b.hanterad = nu
            Bevakning.objects.bulk_update(forfallna, ["status", "hanterad"])
            nya += len(skapade)
    return nya


def utkorg_skicka(*, batch: int = 200, max_forsok: int = 5, nu: datetime.datetime | None = None) -> int:
    """Skickar e-post för notifikationer som väntar. Returnerar antalet skickade e-brev.

    Påminnelser (`sammandrag`) går i mottagarens dagliga sammandrag (`sammandrag_skicka`), utom för den
    som valt e-post direkt (Epostval); övriga notifikationer skickas var för sig.
    E-post är "minst en gång": kraschar processen mellan sändning och commit skickas den igen.
    Notifikationen i appen finns alltid exakt en gång.
    """
    from django.conf import settings
    from django.core.mail import send_mail
    from django.db.models import Q

    skickade = 0
    while True:
        with transaction.atomic():
            rader = list(
                Notifikation.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(epost=True, epost_skickad__isnull=True, epost_forsok__lt=max_forsok)
                .filter(Q(sammandrag=False) | Q(mottagare__epostval__direkt=True))
                .select_related("mottagare")
                .order_by("skapad")[:batch]
            )
            if not rader:
                break
            nu_ = timezone.now()
            for n in rader:
                if not n.mottagare.email:
                    n.epost = False
                    continue
                try:
                    lank = f"\n\n{settings.KVALITET_BAS_URL}{n.lank}" if n.lank else ""
                    send_mail(n.rubrik, f"{n.text}{lank}", None, [n.mottagare.email])
                except Exception:
                    logger.exception("E-post till %s kunde inte skickas", n.mottagare_id)
                    n.epost_forsok += 1
                else:
                    n.epost_skickad = nu_
                    skickade += 1
            Notifikation.objects.bulk_update(rader, ["epost", "epost_skickad", "epost_forsok"])
    return skickade + sammandrag_skicka(nu=nu, max_forsok=max_forsok)


def _sammandrag_text(rader: list[Notifikation]) -> str:
    from django.conf import settings

    delar = [
        f"Du har {len(rader)} {'påminnelse' if len(rader) == 1 else 'påminnelser'} om sådant som ska göras:"
    ]
    for n in rader:
        rad = f"\n• {n.rubrik}"
        if n.text:
            rad += f"\n  {n.text}"
        if n.lank:
            rad += f"\n  {settings.KVALITET_BAS_URL}{n.lank}"
        delar.append(rad)
    delar.append(
        "\nAlla notiser finns också i appen under Notiser. Vill du ha e-post direkt för varje påminnelse "
        "kan du välja det där."
    )
    return "\n".join(delar)


def sammandrag_skicka(*, nu: datetime.datetime | None = None, max_forsok: int = 5) -> int:
    """Ett e-brev om dagen per person med de påminnelser som väntar (titel, text och länk), från klockan
    KVALITET_SAMMANDRAG_TIMME. Säker att köra hur ofta och hur parallellt som helst: raderna låses med
    SKIP LOCKED, varje påminnelse skickas en gång (epost_skickad) och `Sammandrag` är unikt per person
    och dag. En påminnelse som förfaller efter dagens sammandrag kommer i morgondagens. Returnerar antalet
    skickade sammandrag."""
    from django.conf import settings
    from django.core.mail import send_mail

    from kvalitet.models import Sammandrag

    nu = nu or timezone.now()
    lokal = timezone.localtime(nu)
    if lokal.hour < getattr(settings, "KVALITET_SAMMANDRAG_TIMME", 7):
        return 0
    idag = lokal.date()
    vantande = Notifikation.objects.filter(
        epost=True, epost_skickad__isnull=True, sammandrag=True, epost_forsok__lt=max_forsok
    ).exclude(mottagare__epostval__direkt=True)
    mottagare = list(
        vantande.exclude(mottagare__in=Sammandrag.objects.filter(datum=idag).values("mottagare"))
        .values_list("mottagare_id", flat=True)
        .distinct()
    )
    skickade = 0
    for mottagare_id in mottagare:
        misslyckade: list[int] = []
        with transaction.atomic():
            rader = list(
                vantande.filter(mottagare_id=mottagare_id)
                .select_for_update(skip_locked=True, of=("self",))
                .select_related("mottagare")
                .order_by("skapad", "pk")
            )
            if not rader:
                continue
            try:
                with transaction.atomic():
                    Sammandrag.objects.create(mottagare_id=mottagare_id, datum=idag, antal=len(rader))
            except IntegrityError:
                continue  # ett annat svep skickade dagens sammandrag under tiden
            user = rader[0].mottagare
            if not user.email:
                for n in rader:
                    n.epost = False
                Notifikation.objects.bulk_update(rader, ["epost"])
                continue
            rubrik = f"Dina påminnelser {idag:%Y-%m-%d}: {len(rader)} att göra"
            try:
                send_mail(rubrik, _sammandrag_text(rader), None, [user.email])
            except Exception:
                logger.exception("Sammandraget till %s kunde inte skickas", mottagare_id)
                # Inget sammandrag i dag ännu: nästa svep försöker igen (högst max_forsok gånger).
                transaction.set_rollback(True)
                misslyckade = [n.pk for n in rader]
            else:
                Notifikation.objects.filter(pk__in=[n.pk for n in rader]).update(epost_skickad=timezone.now())
                skickade += 1
        if misslyckade:
            Notifikation.objects.filter(pk__in=misslyckade).update(epost_forsok=F("epost_forsok") + 1)
    return skickade


def epostval_spara(*, anvandare, direkt: bool) -> None:
    from kvalitet.models import Epostval

    Epostval.objects.update_or_create(anvandare=anvandare, defaults={"direkt": direkt})


def indikatorvarde_spara(*, indikator, ar: int, varde, version: int | None, av) -> Indikatorvarde:
    """Ett inmatat värde för indikatorn ett år. Ett nytt år skapas; ett år som redan har ett värde ersätts
    bara mot den version användaren utgick från (kvalitet.samtidighet), annars `Krock` och ingenting sparas.
    Krocken bär den sparade versionen: sparar användaren igen ersätts värdet, medvetet."""
    with transaction.atomic():
        befintligt = Indikatorvarde.objects.filter(indikator=indikator, ar=ar).first()
        if befintligt is None:
            try:
                with transaction.atomic():
                    nytt = Indikatorvarde(
                        indikator=indikator, ar=ar, varde=varde, kalla=Indikatorkalla.MANUELL
                    )
                    nytt._history_user = av
                    nytt.save()
                    return nytt
            except IntegrityError:
                # Någon annan sparade samma år under tiden.
                befintligt = Indikatorvarde.objects.get(indikator=indikator, ar=ar)
        if version is None:
            raise Krock(
                f"Det finns redan ett värde för {ar} ({befintligt.varde}, {befintligt.get_kalla_display().lower()}). "
                "Ditt värde är inte sparat: spara igen om det ska ersätta det sparade.",
                version=befintligt.version,
            )
        post = las_for_andring(
            Indikatorvarde.objects, pk=befintligt.pk, version=version, av=av, vad=f"Värdet för {ar}"
        )
        post.varde, post.kalla = varde, Indikatorkalla.MANUELL
        ny_version(post)
        post._history_user = av
        post.save()
        return post
