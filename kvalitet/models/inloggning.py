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
