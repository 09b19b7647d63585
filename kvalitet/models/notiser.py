from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notifikation(models.Model):
    """Ett meddelande till en användare, i appen och per e-post.

    `nyckel` är unik: samma påminnelse kan aldrig skapas två gånger, hur ofta svepet än körs.
    E-post skickas av svepet (utkorg): `epost_skickad` sätts när den gått iväg, så en webbegäran
    behöver aldrig vänta på e-post eller Redis.
    """

    nyckel = models.CharField(max_length=200, unique=True)
    mottagare = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("mottagare"),
        on_delete=models.CASCADE,
        related_name="notifikationer",
    )
    rubrik = models.CharField(_("rubrik"), max_length=200)
    text = models.TextField(_("text"), blank=True)
    lank = models.CharField(_("länk"), max_length=300, blank=True)
    skapad = models.DateTimeField(_("skapad"), auto_now_add=True)
    last = models.DateTimeField(_("läst"), null=True, blank=True)
    epost = models.BooleanField(_("skicka e-post"), default=True)
    epost_skickad = models.DateTimeField(_("e-post skickad"), null=True, blank=True)
    epost_forsok = models.PositiveSmallIntegerField(default=0)
    # En påminnelse (förfallet, försenat): e-posten går i mottagarens dagliga sammandrag, inte för sig,
    # om hen inte valt e-post direkt (Epostval). Notisen i appen finns alltid direkt.
    sammandrag = models.BooleanField(_("i dagens sammandrag"), default=False)

    class Meta:
        verbose_name = _("notifikation")
        verbose_name_plural = _("notifikationer")
        ordering = ["-skapad"]
        indexes = [
            models.Index(fields=["mottagare", "last"]),
            models.Index(
                fields=["skapad"],
                name="notifikation_utkorg",
                condition=models.Q(epost=True, epost_skickad=None),
            ),
        ]

    def __str__(self):
        return self.rubrik


class BevakningStatus(models.TextChoices):
    VANTAR = "vantar", _("Väntar")
    SKICKAD = "skickad", _("Skickad")
    AVBRUTEN = "avbruten", _("Avbruten")


class Bevakning(models.Model):
    """Något som förfaller vid en viss tid och då ska påminna en användare, en gång.

    Apparnas tjänster lägger bevakningar i samma transaktion som ändringen som ger upphov till dem
    (t.ex. "avvikelse ej påbörjad inom 14 dagar") och avbryter dem när villkoret inte längre gäller.
    Svepet (kvalitet.tasks.bevakningssvep) gör förfallna bevakningar till notifikationer.
    """

    nyckel = models.CharField(max_length=200, unique=True)
    forfaller = models.DateTimeField(_("förfaller"))
    mottagare = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    rubrik = models.CharField(_("rubrik"), max_length=200)
    text = models.TextField(_("text"), blank=True)
    lank = models.CharField(_("länk"), max_length=300, blank=True)
    status = models.CharField(max_length=10, choices=BevakningStatus.choices, default=BevakningStatus.VANTAR)
    hanterad = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("bevakning")
        verbose_name_plural = _("bevakningar")
        indexes = [
            models.Index(fields=["forfaller"], name="bevakning_vantar", condition=models.Q(status="vantar")),
        ]

    def __str__(self):
        return f"{self.rubrik} ({self.forfaller:%Y-%m-%d})"


class Epostval(models.Model):
    """En användares val för e-post om påminnelser: ett sammandrag om dagen (standard) eller en direkt."""

    anvandare = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="epostval",
        verbose_name=_("användare"),
    )
    direkt = models.BooleanField(_("e-post direkt för varje påminnelse"), default=False)

    class Meta:
        verbose_name = _("val för e-post")
        verbose_name_plural = _("val för e-post")

    def __str__(self):
        return f"{self.anvandare_id}: {'direkt' if self.direkt else 'sammandrag'}"


class Sammandrag(models.Model):
    """Ett skickat dagligt sammandrag: högst ett per person och dag (unikt), så att ett omkört svep aldrig
    skickar två. Påminnelserna i det får `epost_skickad` i samma transaktion."""

    mottagare = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    datum = models.DateField(_("datum"))
    antal = models.PositiveIntegerField(_("antal påminnelser"), default=0)
    skickat = models.DateTimeField(_("skickat"), auto_now_add=True)

    class Meta:
        verbose_name = _("sammandrag")
        verbose_name_plural = _("sammandrag")
        constraints = [models.UniqueConstraint(fields=["mottagare", "datum"], name="ett_sammandrag_per_dag")]

    def __str__(self):
        return f"{self.mottagare_id} {self.datum}"
