"""Skrivningar för kvalitetsberättelsen: varje ändring i en transaktion, sidoeffekter efter commit."""

import datetime
import hashlib
import logging

import nh3
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Max, Q
from django.utils import timezone

from kvalitet import access
from kvalitet.pdf import ALLMANT_FEL, AVBROTT_FEL, PAGAR_MARGINAL, TIDSGRANS_FEL
from kvalitet.samtidighet import las_for_andring, ny_version
from rapporter import pdf as rapport_pdf
from rapporter import queries
from rapporter.models import (
    AVSNITT_NAMN,
    Bestallning,
    Kvalitetsberattelse,
    Pdfstatus,
    PubliceradVersion,
    SamladAnalys,
)

logger = logging.getLogger(__name__)

# Det redigeraren får spara: rubriker, stycken, listor, fet/kursiv. Inga attribut alls (inga on*-attribut,
# inga stilar, inga länkar som kan bära javascript:).
TILLATNA_TAGGAR = {"h3", "h4", "p", "br", "ul", "ol", "li", "strong", "b", "em", "i", "u", "blockquote"}


def rensa_html(text: str) -> str:
    """Samordnarens text som säker html med bara de tillåtna taggarna."""
    return nh3.clean(text or "", tags=TILLATNA_TAGGAR, attributes={}, url_schemes=set()).strip()


def berattelse_skapa(*, nod, ar: int, av) -> Kvalitetsberattelse:
    """Ny berättelse för noden och året (eller den befintliga: en per nod och år)."""
    if nod.pk not in access.noder(av, access.KVALITETSSAMORDNARE):
        raise ValidationError("Du kan bara skriva kvalitetsberättelser för din egen nämnd.")
    with transaction.atomic():
        b, _ = Kvalitetsberattelse.objects.get_or_create(nod=nod, ar=ar, defaults={"skapad_av": av})
    return b


def berattelse_spara_text(
    *,
    berattelse: Kvalitetsberattelse,
    avsnitt: str,
    text: str,
    av,
    version: int | None,
    ivo_tillsyn: str | None = None,
) -> None:
    """Sparar avsnittets text (rensad) mot `version` (den formuläret visade; krävs): har en annan samordnare
    sparat sedan dess sparas ingenting (`Krock`, kvalitet.samtidighet). Avsnittet "externa" har dessutom
    IVO:s tillsyn i ett eget fält (`ivo_tillsyn`), som sparas i samma transaktion."""
    if avsnitt not in AVSNITT_NAMN:
        raise ValidationError("Okänt avsnitt.")
    with transaction.atomic():
        b = las_for_andring(
            Kvalitetsberattelse.objects, pk=berattelse.pk, version=version, av=av, vad="Berättelsen"
        )
        b.texter = {**b.texter, avsnitt: rensa_html(text)}
        falt = ["texter", "andrad", ny_version(b)]
        if ivo_tillsyn is not None:
            b.ivo_tillsyn = ivo_tillsyn.strip()
            falt.append("ivo_tillsyn")
        b._history_user = av
        b.save(update_fields=falt)
    berattelse.refresh_from_db()


def pdf_bestall(*, berattelse: Kvalitetsberattelse, av, publicera: bool = False) -> bool:
    """Köar en utkast-PDF (eller en publicering, som bygger arkiv-PDF:en och fryser en version).
    Webbegäran väntar aldrig på renderingen. Returnerar False om en beställning redan är i kö eller
    pågår (inget dubbelarbete)."""
    from kvalitet.tasks import trygg_koa
    from rapporter import tasks

    if publicera and not access.kan(av, berattelse, access.ANDRA):
        raise ValidationError("Du får inte publicera den här berättelsen.")
    with transaction.atomic():
        n = (
            Kvalitetsberattelse.objects.filter(pk=berattelse.pk)
            .exclude(pdf_status__in=(Pdfstatus.KOAD, Pdfstatus.PAGAR))
            .update(
                pdf_status=Pdfstatus.KOAD,
                pdf_framsteg=0,
                pdf_fel="",
                bestallning=Bestallning.PUBLICERING if publicera else Bestallning.UTKAST,
                pdf_bestalld_av=av,
                pdf_koad=timezone.now(),
                pdf_startad=None,
                pdf_omkoningar=0,
            )
        )
        if n:
            transaction.on_commit(lambda: trygg_koa(tasks.bygg_pdf, berattelse.pk, av.pk))
    berattelse.refresh_from_db()
    return bool(n)


def pdf_bygg(*, berattelse_id: int, anvandare_id: int) -> bool:
    """Bygger beställningen (anropas av Celery-uppgiften). Tar raden med ett villkorat UPDATE, så att två
    workers aldrig bygger samma beställning; sparar framsteg så att sidan kan visa dem."""
    from django.contrib.auth import get_user_model

    tagen = Kvalitetsberattelse.objects.filter(pk=berattelse_id, pdf_status=Pdfstatus.KOAD).update(
        pdf_status=Pdfstatus.PAGAR, pdf_framsteg=10, pdf_startad=timezone.now()
    )
    if not tagen:
        return False
    b = Kvalitetsberattelse.objects.select_related("nod").get(pk=berattelse_id)
    anvandare = get_user_model().objects.get(pk=anvandare_id)
    try:
        if b.bestallning == Bestallning.PUBLICERING:
            berattelse_publicera(berattelse=b, av=anvandare)
            Kvalitetsberattelse.objects.filter(pk=b.pk).update(pdf_status=Pdfstatus.KLAR, pdf_framsteg=100)
            return True
        data = queries.samla(anvandare, b.nod, b.ar)
        Kvalitetsberattelse.objects.filter(pk=b.pk).update(pdf_framsteg=40)
        innehall = rapport_pdf.pdf(b, data, b.texter)
    except (SoftTimeLimitExceeded, rapport_pdf.Tidsgrans):
        # Celerys mjuka tidsgräns (PDF-workern) eller sandlådans egen: samordnaren ser varför.
        logger.warning("PDF för berättelse %s avbröts efter tidsgränsen", berattelse_id)
        Kvalitetsberattelse.objects.filter(pk=b.pk).update(pdf_status=Pdfstatus.FEL, pdf_fel=TIDSGRANS_FEL)
        return False
    except Exception:
        logger.exception("PDF för berättelse %s misslyckades", berattelse_id)
        Kvalitetsberattelse.objects.filter(pk=b.pk).update(pdf_status=Pdfstatus.FEL, pdf_fel=ALLMANT_FEL)
        return False
    gammal = b.pdf.name
    b.pdf.save(f"kvalitetsberattelse-{b.pk}-{b.ar}.pdf", ContentFile(innehall), save=False)
    Kvalitetsberattelse.objects.filter(pk=b.pk).update(
        pdf=b.pdf.name, pdf_status=Pdfstatus.KLAR, pdf_framsteg=100
    )
    if gammal and gammal != b.pdf.name:
        b.pdf.storage.delete(gammal)
    logger.info("PDF för berättelse %s klar", berattelse_id)
    return True


def pdf_fastnade_svep(*, nu=None) -> dict:
    """Ingen beställning blir kvar i "koad" eller "pågår" för alltid. En beställning som ingen worker tagit
    på RAPPORTER_PDF_KO_MINUTER (brokern var nere, meddelandet förlorades) köas om, högst
    RAPPORTER_PDF_MAX_OMKONINGAR gånger; en som pågått längre än den hårda tidsgränsen med marginal
    (workern dog) och en som köats om för många gånger blir "fel" med ett meddelande till samordnaren.
    Säker att köra parallellt: varje ändring är ett villkorat UPDATE."""
    from kvalitet.tasks import trygg_koa
    from rapporter import tasks

    nu = nu or timezone.now()
    koad_grans = nu - datetime.timedelta(minutes=settings.RAPPORTER_PDF_KO_MINUTER)
    pagar_grans = nu - datetime.timedelta(seconds=settings.RAPPORTER_PDF_TIDSGRANS_HARD + PAGAR_MARGINAL)
    pagar = Kvalitetsberattelse.objects.filter(pdf_status=Pdfstatus.PAGAR).filter(
        Q(pdf_startad__lt=pagar_grans) | Q(pdf_startad__isnull=True)
    )
    avbrutna = pagar.update(pdf_status=Pdfstatus.FEL, pdf_fel=AVBROTT_FEL)
    koade = Kvalitetsberattelse.objects.filter(pdf_status=Pdfstatus.KOAD).filter(
        Q(pdf_koad__lt=koad_grans) | Q(pdf_koad__isnull=True)
    )
    uppgivna = koade.filter(
        Q(pdf_omkoningar__gte=settings.RAPPORTER_PDF_MAX_OMKONINGAR) | Q(pdf_bestalld_av__isnull=True)
    ).update(pdf_status=Pdfstatus.FEL, pdf_fel=AVBROTT_FEL)
    omkoade = 0
    for pk, anvandare_id in list(koade.values_list("pk", "pdf_bestalld_av_id")):
        tagen = koade.filter(pk=pk).update(pdf_koad=nu, pdf_omkoningar=F("pdf_omkoningar") + 1)
        if tagen:
            # Ett gammalt meddelande som ändå levde gör inget: bara en uppgift tar raden ur "koad".
            trygg_koa(tasks.bygg_pdf, pk, anvandare_id)
            omkoade += 1
    if avbrutna or uppgivna or omkoade:
        logger.warning(
            "Fastnade PDF-beställningar: %s avbrutna, %s uppgivna, %s omköade", avbrutna, uppgivna, omkoade
        )
    return {"avbrutna": avbrutna, "uppgivna": uppgivna, "omkoade": omkoade}


def berattelse_publicera(*, berattelse: Kvalitetsberattelse, av) -> PubliceradVersion:
    """Fryser en version: siffrorna som de är nu, texterna, PDF:en (PDF/A för arkivet) och dess
    SHA-256. Senare ändringar i registren påverkar aldrig en publicerad version."""
    if not access.kan(av, berattelse, access.ANDRA):
        raise ValidationError("Du får inte publicera den här berättelsen.")
    data = queries.samla(av, berattelse.nod, berattelse.ar)
    with transaction.atomic():
        b = Kvalitetsberattelse.objects.select_for_update().get(pk=berattelse.pk)
        nummer = (b.versioner.aggregate(m=Max("nummer"))["m"] or 0) + 1
        version = PubliceradVersion(
            berattelse=b, nummer=nummer, publicerad_av=av, siffror=data, texter=b.texter
        )
        innehall = rapport_pdf.pdf(b, data, b.texter, version=version, variant="pdf/a-3b")
        version.checksumma = hashlib.sha256(innehall).hexdigest()
        version.pdf.save(
            f"kvalitetsberattelse-{b.pk}-{b.ar}-v{nummer}.pdf", ContentFile(innehall), save=False
        )
        version.save()
    return version


def jamfor(gammal: dict, ny: dict, prefix: str = "") -> list[dict]:
    """Skillnader mellan två versioners siffror: [{"falt", "gammal", "ny"}] (för jämförelsesidan)."""
    rader = []
    nycklar = sorted(set(gammal) | set(ny)) if isinstance(gammal, dict) and isinstance(ny, dict) else []
    if not nycklar:
        if gammal != ny:
            rader.append({"falt": prefix, "gammal": gammal, "ny": ny})
        return rader
    for k in nycklar:
        g, n = gammal.get(k), ny.get(k)
        falt = f"{prefix}.{k}" if prefix else str(k)
        if isinstance(g, dict) and isinstance(n, dict):
            rader.extend(jamfor(g, n, falt))
        elif g != n:
            rader.append({"falt": falt, "gammal": g, "ny": n})
    return rader


def samlad_analys_spara(*, nod, ar: int, text: str, av, version: int | None) -> SamladAnalys:
    """Sparar samordnarens analystext (rensad) för noden och året mot `version` (den sidan visade; en ny
    text har version 0). Har någon annan sparat sedan dess sparas ingenting (`Krock`)."""
    if not access.far_skriva_samlad_analys(av, nod):
        raise ValidationError("Du kan bara skriva den samlade analysen för din egen nämnd.")
    with transaction.atomic():
        # Första sparningen skapar raden (version 0); två samtidiga första sparningar möts i låset nedan.
        ny, _ = SamladAnalys.objects.get_or_create(nod=nod, ar=ar)
        a = las_for_andring(SamladAnalys.objects, pk=ny.pk, version=version, av=av, vad="Analysen")
        a.text = rensa_html(text)
        a.andrad_av = av
        a._history_user = av
        a.save(update_fields=["text", "andrad", "andrad_av", ny_version(a)])
    return a
