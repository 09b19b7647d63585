from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class OidcIdentitet(models.Model):
    """Kopplingen mellan en användare och hens konto hos kommunens IdP: utfärdaren (`iss`) och det
    stabila subjektet (`sub`). Inloggning med OIDC matchar bara på detta par, aldrig på e-post, som
    IdP:n eller användaren kan ändra."""

    anvandare = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("användare"),
        on_delete=models.CASCADE,
        related_name="oidc_identitet",
    )
    utfardare = models.CharField(_("utfärdare (iss)"), max_length=255)
    subjekt = models.CharField(_("subjekt (sub)"), max_length=255)
    skapad = models.DateTimeField(_("skapad"), auto_now_add=True)

    class Meta:
        verbose_name = _("OIDC-identitet")
        verbose_name_plural = _("OIDC-identiteter")
        constraints = [
            models.UniqueConstraint(fields=["utfardare", "subjekt"], name="oidc_identitet_unik"),
        ]

    def __str__(self):
        return f"{self.anvandare} ({self.utfardare})"


class Registreringskod(models.Model):
    """En engångskod som admin ger en användare för att registrera sin autentiseringsapp.

    Utan den visas ingen nyckel: den som bara har lösenordet kan inte binda sin egen telefon till
    kontot. Koden lagras bara som SHA-256 (den är slumpad och lång, så en långsam hash behövs inte),
    gäller en begränsad tid och bara en gång.
    """

    anvandare = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("användare"),
        on_delete=models.CASCADE,
        related_name="registreringskoder",
    )
    kod_hash = models.CharField(max_length=64, unique=True, editable=False)
    skapad = models.DateTimeField(_("skapad"), auto_now_add=True)
    skapad_av = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("skapad av"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    giltig_till = models.DateTimeField(_("giltig till"))
    anvand = models.DateTimeField(_("använd"), null=True, blank=True)

    class Meta:
        verbose_name = _("registreringskod för tvåfaktor")
        verbose_name_plural = _("registreringskoder för tvåfaktor")
        ordering = ["-skapad"]

    def __str__(self):
        return (
            f"{self.anvandare} (till {self.giltig_till:%Y-%m-%d})"
            if self.giltig_till
            else str(self.anvandare)
        )
