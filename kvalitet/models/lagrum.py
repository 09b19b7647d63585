import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _


class Lagrum(models.Model):
    """En lagregel som data: samma `nyckel` kan ha flera versioner med olika giltighet.

    Nya socialtjänstlagen (2025:400) numrerade om SoL (2001:453) den 1 juli 2025; en post visar det
    lagrum som gällde på postens datum (se `Lagrum.objects.giltigt`).
    """

    nyckel = models.SlugField(_("nyckel"), max_length=60, help_text=_("T.ex. lex_sarah_rapportering."))
    lag = models.CharField(_("lag"), max_length=100)
    kapitel = models.CharField(_("kapitel"), max_length=10, blank=True)
    paragraf = models.CharField(_("paragraf"), max_length=30)
    beskrivning = models.CharField(_("beskrivning"), max_length=300)
    giltig_fran = models.DateField(_("giltig från"))
    giltig_till = models.DateField(_("giltig till"), null=True, blank=True)

    class Meta:
        verbose_name = _("lagrum")
        verbose_name_plural = _("lagrum")
        ordering = ["nyckel", "giltig_fran"]
        constraints = [
            models.UniqueConstraint(fields=["nyckel", "giltig_fran"], name="unikt_lagrum_per_start")
        ]

    def __str__(self):
        kap = f"{self.kapitel} kap. " if self.kapitel else ""
        return f"{kap}{self.paragraf} {self.lag}"

    @classmethod
    def giltigt(cls, nyckel: str, datum: datetime.date) -> "Lagrum | None":
        """Det lagrum med nyckeln som gällde på datumet, eller None."""
        return (
            cls.objects.filter(nyckel=nyckel, giltig_fran__lte=datum)
            .filter(models.Q(giltig_till__isnull=True) | models.Q(giltig_till__gte=datum))
            .order_by("-giltig_fran")
            .first()
        )
