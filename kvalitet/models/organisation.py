from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class NodTyp(models.TextChoices):
    KOMMUN = "kommun", _("Kommun")
    NAMND = "namnd", _("Nämnd")
    VERKSAMHETSOMRADE = "verksamhetsomrade", _("Verksamhetsområde")
    ENHET = "enhet", _("Enhet")


# Vilken typ en förälder måste ha; trädet är alltid Kommun → Nämnd → Verksamhetsområde → Enhet.
FORALDER_TYP = {
    NodTyp.KOMMUN: None,
    NodTyp.NAMND: NodTyp.KOMMUN,
    NodTyp.VERKSAMHETSOMRADE: NodTyp.NAMND,
    NodTyp.ENHET: NodTyp.VERKSAMHETSOMRADE,
}


class OrgNod(models.Model):
    """En nod i organisationsträdet: kommun, nämnd, verksamhetsområde eller enhet.

    `sokvag` är den materialiserade vägen från roten ("/1/4/9/"), så att ett helt delträd hämtas med
    ett prefixvillkor och behörighet kan avgöras utan rekursion. Den sätts av tjänsterna i
    kvalitet.services, aldrig för hand.
    """

    typ = models.CharField(_("typ"), max_length=20, choices=NodTyp.choices)
    namn = models.CharField(_("namn"), max_length=200)
    kod = models.CharField(
        _("kod"), max_length=50, unique=True, help_text=_("Unik kod, t.ex. från HR-systemet.")
    )
    forelder = models.ForeignKey(
        "self",
        verbose_name=_("förälder"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="barn",
    )
    sokvag = models.CharField(max_length=255, db_index=True, editable=False, default="")
    antal_platser = models.PositiveIntegerField(
        _("antal platser/brukare"),
        null=True,
        blank=True,
        help_text=_("Storlek, för jämförelser mellan enheter."),
    )
    aktiv = models.BooleanField(_("aktiv"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("organisationsnod")
        verbose_name_plural = _("organisationsnoder")
        ordering = ["sokvag"]
        indexes = [models.Index(fields=["typ", "aktiv"])]

    def __str__(self):
        return self.namn

    @property
    def djup(self) -> int:
        return self.sokvag.count("/") - 1

    def clean(self):
        from django.core.exceptions import ValidationError

        krav = FORALDER_TYP.get(self.typ)
        if krav is None and self.forelder_id:
            raise ValidationError({"forelder": _("En kommun har ingen förälder.")})
        if krav is not None and (self.forelder is None or self.forelder.typ != krav):
            raise ValidationError(
                {
                    "forelder": _("Fel nivå: föräldern ska vara av typen %(typ)s.")
                    % {"typ": krav.label.lower()}
                }
            )

    def namnd(self) -> "OrgNod | None":
        """Nämnden noden hör till (en fråga)."""
        if self.typ == NodTyp.NAMND:
            return self
        ids = [int(x) for x in self.sokvag.strip("/").split("/") if x]
        return OrgNod.objects.filter(id__in=ids, typ=NodTyp.NAMND).first()


class Roll(models.TextChoices):
    PERSONAL = "personal", _("Personal")
    ENHETSCHEF = "enhetschef", _("Enhetschef")
    VERKSAMHETSCHEF = "verksamhetschef", _("Verksamhetschef")
    HANDLAGGARE = "handlaggare", _("Handläggare")
    KVALITETSSAMORDNARE = "kvalitetssamordnare", _("Kvalitetssamordnare")
    LEDNING = "ledning", _("Ledning")
    ADMIN = "admin", _("Administratör")


class Rolltilldelning(models.Model):
    """En användares roll på en nod i trädet; rollen gäller noden och allt under den."""

    anvandare = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("användare"), on_delete=models.CASCADE, related_name="roller"
    )
    roll = models.CharField(_("roll"), max_length=30, choices=Roll.choices)
    nod = models.ForeignKey(
        OrgNod, verbose_name=_("organisationsnod"), on_delete=models.PROTECT, related_name="+"
    )
    giltig_fran = models.DateField(_("giltig från"), null=True, blank=True)
    giltig_till = models.DateField(_("giltig till"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("rolltilldelning")
        verbose_name_plural = _("rolltilldelningar")
        constraints = [
            models.UniqueConstraint(fields=["anvandare", "roll", "nod"], name="unik_rolltilldelning"),
        ]

    def __str__(self):
        return f"{self.anvandare} – {self.get_roll_display()} – {self.nod}"
