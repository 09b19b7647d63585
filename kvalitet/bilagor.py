"""Bilagor (foton och dokument) till avvikelser och lex Sarah-rapporter.

- Lagras utanför static och MEDIA_URL, i PRIVAT_MEDIA_ROOT, under ett slumpat namn; ingen URL pekar dit.
- Filtypen avgörs av innehållet (de första byten), inte av filnamnet eller webbläsarens uppgift.
- Storleken begränsas (BILAGA_MAX_MB).
- Hämtas bara genom en vy som först hämtar bilagan via åtkomstmodulen och loggar visningen.

Varje app har sin egen bilagemodell (FK till sin post) med `fil = models.FileField(storage=privat_lagring,
upload_to=uppladdningsvag)` och använder `kontrollera_fil` och `bilagesvar` härifrån.
"""

import os
import uuid
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.http import FileResponse
from django.utils.deconstruct import deconstructible

# Tillåtna typer: (mime, filändelse, hur innehållet börjar).
TYPER = (
    ("application/pdf", ".pdf", (b"%PDF-",)),
    ("image/jpeg", ".jpg", (b"\xff\xd8\xff",)),
    ("image/png", ".png", (b"\x89PNG\r\n\x1a\n",)),
    ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx", (b"PK\x03\x04",)),
)
TILLATNA_TEXT = "PDF, JPEG, PNG eller Word (.docx)"


@deconstructible(path="kvalitet.bilagor.PrivatLagring")
class PrivatLagring(FileSystemStorage):
    """Filsystemet under PRIVAT_MEDIA_ROOT, läst vid varje anrop (så att inställningen kan ändras i tester)."""

    def __init__(self):
        super().__init__(base_url=None)

    @property
    def base_location(self):
        return str(settings.PRIVAT_MEDIA_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Bilagor har ingen öppen adress; de hämtas genom en behörighetskontrollerad vy.")


privat_lagring = PrivatLagring()


def uppladdningsvag(instance, filnamn: str) -> str:
    # Slumpat namn: det ursprungliga namnet kan innehålla personuppgifter och sparas i en egen kolumn.
    andelse = next((a for m, a, _ in TYPER if m == getattr(instance, "mime", "")), "")
    return f"bilagor/{instance._meta.app_label}/{uuid.uuid4().hex}{andelse}"


def filnamn_for(namn: str, mime: str) -> str:
    """Det ursprungliga namnet med den upptäckta typens filändelse: en PDF med namnet "x.html" eller
    "x.exe" sparas och laddas ned som "x.pdf", så att ingen annan app än den för typen öppnar den."""
    namn = os.path.basename((namn or "").replace("\\", "/")).strip() or "bilaga"
    andelse = next((a for m, a, _ in TYPER if m == mime), "")
    stam, nuvarande = os.path.splitext(namn)
    if nuvarande.lower() == andelse or (andelse == ".jpg" and nuvarande.lower() == ".jpeg"):
        return namn[:200]
    return (stam or "bilaga")[: 200 - len(andelse)] + andelse


def _ar_docx(fil) -> bool:
    try:
        with zipfile.ZipFile(fil) as z:
            namn = set(z.namelist())
    except (zipfile.BadZipFile, OSError):
        return False
    finally:
        fil.seek(0)
    return "[Content_Types].xml" in namn and "word/document.xml" in namn


def kontrollera_fil(fil) -> str:
    """Mime-typen om filen är tillåten, annars ValidationError med ett svenskt meddelande."""
    max_mb = settings.BILAGA_MAX_MB
    if fil.size > max_mb * 1024 * 1024:
        raise ValidationError(f"Filen är för stor. Största tillåtna storlek är {max_mb} MB.", code="for_stor")
    if fil.size == 0:
        raise ValidationError("Filen är tom.", code="tom")
    fil.seek(0)
    borjan = fil.read(16)
    fil.seek(0)
    for mime, _, signaturer in TYPER:
        if any(borjan.startswith(s) for s in signaturer):
            if mime.endswith("document") and not _ar_docx(fil):
                break
            return mime
    raise ValidationError(f"Filtypen går inte att bifoga. Bifoga {TILLATNA_TEXT}.", code="fel_typ")


def bilagesvar(bilaga) -> FileResponse:
    """Filen som nedladdning (aldrig visad inline), med den sparade mime-typen och ursprungliga namnet."""
    svar = FileResponse(
        bilaga.fil.open("rb"),
        as_attachment=True,
        # Också bilagor sparade före filnamn_for får typens ändelse vid nedladdning.
        filename=filnamn_for(bilaga.filnamn, bilaga.mime),
        content_type=bilaga.mime,
    )
    svar["X-Content-Type-Options"] = "nosniff"
    svar["Cache-Control"] = "private, no-store"
    return svar


def bilaga_spara(bilaga, fil):
    """Sparar en ny bilaga (appens `kvalitet.models.Arendebilaga` med sin FK och `uppladdad_av` satta) med
    filen: typen avgörs av innehållet, namnet får typens ändelse. Appens tjänst låser ärendet, kontrollerar
    att det är öppet och skriver tidslinjen i samma transaktion."""
    mime = kontrollera_fil(fil)
    bilaga.filnamn = filnamn_for(fil.name, mime)
    bilaga.mime, bilaga.storlek = mime, fil.size
    bilaga.fil.save(bilaga.filnamn, fil, save=False)
    bilaga.save()
    return bilaga
