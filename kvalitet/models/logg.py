from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class LoggenArOforanderlig(Exception):
    """Åtkomstloggen får inte ändras eller raderas."""


class AtkomstloggQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise LoggenArOforanderlig("Åtkomstloggen kan inte ändras.")

    def delete(self):
        raise LoggenArOforanderlig("Åtkomstloggen kan inte raderas.")


class Atkomstlogg(models.Model):
    """En post per visning eller export av en enskilds uppgifter: vem, vem det gällde, vad, när, varifrån.

    Posten kan bara skapas. Ändring och radering stoppas här och, i PostgreSQL, av en trigger
    (migrering 0002), så att inte heller rå SQL från applikationen kan skriva om loggen.
    """

    tidpunkt = models.DateTimeField(_("tidpunkt"), auto_now_add=True, db_index=True)
    anvandare = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("användare"), on_delete=models.PROTECT, related_name="+"
    )
    brukare = models.ForeignKey(
        "kvalitet.Brukare", verbose_name=_("brukare"), on_delete=models.PROTECT, related_name="atkomstloggar"
    )
    vad = models.CharField(_("vad"), max_length=200)
    sokvag = models.CharField(_("adress"), max_length=500, blank=True)
    klientadress = models.GenericIPAddressField(_("från adress"), null=True, blank=True)

    objects = AtkomstloggQuerySet.as_manager()

    class Meta:
        verbose_name = _("åtkomstloggpost")
        verbose_name_plural = _("åtkomstlogg")
        ordering = ["-tidpunkt"]
        indexes = [
            models.Index(fields=["brukare", "-tidpunkt"]),
            models.Index(fields=["anvandare", "-tidpunkt"]),
        ]

    def __str__(self):
        return f"{self.tidpunkt:%Y-%m-%d %H:%M} {self.anvandare} {self.vad}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise LoggenArOforanderlig("Åtkomstloggen kan inte ändras.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise LoggenArOforanderlig("Åtkomstloggen kan inte raderas.")
