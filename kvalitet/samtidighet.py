"""Samtidiga ändringar: en låsning för varje post som två personer kan redigera samtidigt.

Formuläret bär postens versionsnummer i ett dolt fält (`MedVersion`). Tjänsten låser raden med
`las_for_andring` (SELECT ... FOR UPDATE, så att två samtidiga sparningar inte båda kan passera),
jämför versionen och räknar upp den med `ny_version`. Saknas versionen eller har någon annan sparat sedan
sidan öppnades sparas ingenting: `Krock` bär ett svenskt meddelande och den sparade versionen, och vyn
visar formuläret igen med det användaren skrev (`MedVersion.efter_krock`), bredvid det sparade.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import transaction
from django.db.models import Model, QuerySet
from django.utils import timezone

from kvalitet import access


class Krock(ValidationError):
    """Någon annan har sparat posten sedan formuläret visades (eller formuläret saknade version)."""

    def __init__(self, meddelande: str, *, version: int):
        super().__init__(meddelande, code="krock")
        self.version = version


def _senaste_andring(post: Model, falt: str):
    """(vem, när) för historikraden (django-simple-history) där posten fick sin nuvarande version, eller
    den senaste raden; (None, None) utan historik."""
    historik = getattr(post, "history", None)
    if historik is None:
        return None, None
    historik = historik.select_related("history_user")
    rad = (
        historik.filter(**{falt: getattr(post, falt)}).order_by("history_date", "history_id").first()
        or historik.order_by("-history_date", "-history_id").first()
    )
    if rad is None:
        return None, None
    return rad.history_user, rad.history_date


def krockmeddelande(
    post: Model,
    av,
    vad: str,
    *,
    falt: str = "version",
    saknas: bool = False,
    rapportpost: Model | None = None,
) -> str:
    """Meddelandet vid en krock. Den som ändrade namnges bara om `av` får se vem det var
    (access.aktor_visningsnamn: en anonym rapportör eller en lex Sarah-rapportör namnges inte).
    `rapportpost` är posten vars rapportör regeln gäller, när `post` är en del av den (en lex Sarah-åtgärd)."""
    if saknas:
        return (
            f"Det gick inte att se vilken version av {vad.lower()} du utgick från. Dina ändringar är inte "
            "sparade: jämför med det sparade nedan och spara igen om dina uppgifter ska gälla."
        )
    # Version 0 har aldrig sparats genom formuläret: då finns ingen "som ändrade" att nämna.
    vem, nar = _senaste_andring(post, falt) if getattr(post, falt) else (None, None)
    if vem is None:
        namn = ""
    elif av is not None and vem.pk == av.pk:
        namn = " av dig (i en annan flik eller ett tidigare klick)"
    else:
        namn = f" av {access.aktor_visningsnamn(av, rapportpost or post, vem)}"
    tid = f" {timezone.localtime(nar):%Y-%m-%d %H:%M}" if nar is not None else ""
    return (
        f"{vad} har ändrats{namn}{tid} sedan du öppnade sidan. Dina ändringar är inte sparade: "
        "jämför med det sparade nedan och spara igen om dina uppgifter ska gälla."
    )


def las_for_andring(
    qs: QuerySet,
    *,
    pk,
    version: int | None,
    av,
    vad: str,
    falt: str = "version",
    rapportpost: Model | None = None,
):
    """Låser raden (i den pågående transaktionen) och returnerar den om `version` är den sparade.
    Annars `Krock`, och ingenting har skrivits. Anropas inuti `transaction.atomic`."""
    post = qs.select_for_update().get(pk=pk)
    aktuell = getattr(post, falt)
    if version is None or version != aktuell:
        meddelande = krockmeddelande(
            post, av, vad, falt=falt, saknas=version is None, rapportpost=rapportpost
        )
        raise Krock(meddelande, version=aktuell)
    return post


def ny_version(post: Model, falt: str = "version") -> str:
    """Räknar upp versionen inför `save()`; returnerar fältnamnet (för `update_fields`)."""
    setattr(post, falt, getattr(post, falt) + 1)
    return falt


class MedVersion:
    """Mixin för formulär (först i basklasserna): ett dolt fält `version`.

    Värdet tas från `version=` eller från instansens versionsfält (`versionsfalt`). Ett saknat eller
    felaktigt värde blir None, som tjänsten behandlar som en krock, så att ingenting sparas och det
    inskrivna står kvar."""

    versionsfalt = "version"

    def __init__(self, *args, version: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"] = forms.CharField(widget=forms.HiddenInput, required=False)
        instans = getattr(self, "instance", None)
        if version is None and instans is not None and instans.pk:
            version = getattr(instans, self.versionsfalt, None)
        if version is not None:
            self.initial["version"] = version

    def clean_version(self) -> int | None:
        varde = (self.cleaned_data.get("version") or "").strip()
        return int(varde) if varde.isdigit() else None

    def efter_krock(self, krock: Krock, *, som_fel: bool = True) -> None:
        """Behåll det användaren skrev, räkna med den sparade versionen nästa gång och (om inte sidan
        visar meddelandet själv) visa det som formulärets fel."""
        self.data = self.data.copy()
        self.data[self.add_prefix("version")] = str(krock.version)
        self._krock = True
        if som_fel:
            self.add_error(None, krock)


def spara_formular(form, *, av, vad: str):
    """`ModelForm.save()` under samma låsning, för poster som sparas direkt av formuläret (ingen egen
    tjänst): en ändrad post sparas bara mot den version formuläret visade, annars `Krock`."""
    post = form.instance
    if post.pk is None:
        return form.save()
    with transaction.atomic():
        sparad = las_for_andring(
            type(post)._default_manager,
            pk=post.pk,
            version=form.cleaned_data.get("version"),
            av=av,
            vad=vad,
            falt=form.versionsfalt,
        )
        setattr(post, form.versionsfalt, getattr(sparad, form.versionsfalt))
        ny_version(post, form.versionsfalt)
        post._history_user = av
        return form.save()


def sparat_nu(form, post) -> list[tuple[str, str]]:
    """Det som är sparat i posten för formulärets fält, att visa bredvid det användaren skrev efter en
    krock: (etikett, värde). Bara postens egna värden (text, datum, val), inga kopplade personer."""
    rader = []
    for namn, falt in form.fields.items():
        if namn == "version":
            continue
        try:
            modellfalt = post._meta.get_field(namn)
        except FieldDoesNotExist:
            continue
        if modellfalt.is_relation:
            continue
        visning = getattr(post, f"get_{namn}_display", None)
        varde = visning() if callable(visning) else getattr(post, namn)
        if isinstance(varde, bool):
            varde = "Ja" if varde else "Nej"
        rader.append((str(falt.label or namn), "–" if varde in (None, "") else str(varde)))
    return rader
