from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kvalitet.access import AtkomstQuerySet

# Avsnitten i den ordning de står i berättelsen (modell: de verkliga berättelserna i ../shared/seeds).
AVSNITT = [
    ("sammanfattning", "Sammanfattning"),
    ("bakgrund", "Bakgrund"),
    ("organisation", "Organisatoriskt ansvar och roller"),
    ("mal", "Mål och måluppfyllelse"),
    ("riskanalyser", "Riskanalyser"),
    ("egenkontroll", "Egenkontroll"),
    ("avvikelser", "Avvikelser"),
    ("klagomal", "Klagomål och synpunkter"),
    ("lexsarah", "Lex Sarah"),
    ("uppfoljning", "Individuell uppföljning av förändrade insatser"),
    ("externa", "Externa granskningar"),
    ("samlad_analys", "Samlad analys"),
    ("personal", "Personalens medverkan"),
    ("forbattringsplan", "Förbättringsplan"),
    ("bilagor", "Bilagor"),
]
AVSNITT_NAMN = dict(AVSNITT)


class Pdfstatus(models.TextChoices):
    INGEN = "ingen", _("Ingen PDF")
    KOAD = "koad", _("I kö")
    PAGAR = "pagar", _("Skapas")
    KLAR = "klar", _("Klar")
    FEL = "fel", _("Misslyckades")


class Bestallning(models.TextChoices):
    UTKAST = "utkast", _("Utkast-PDF")
    PUBLICERING = "publicering", _("Publicering")


class Kvalitetsberattelse(models.Model):
    """Årets kvalitetsberättelse för en nämnd (eller ett område): samordnarens egna texter per avsnitt;
    siffrorna hämtas ur registren när den visas och fryses när en version publiceras."""

    nod = models.ForeignKey(
        "kvalitet.OrgNod", verbose_name=_("nämnd eller område"), on_delete=models.PROTECT, related_name="+"
    )
    ar = models.PositiveSmallIntegerField(_("år"))
    texter = models.JSONField(_("texter"), default=dict, blank=True)  # {avsnitt: rensad html}
    ivo_tillsyn = models.TextField(_("IVO:s tillsyn under året"), blank=True)
    skapad = models.DateTimeField(auto_now_add=True)
    skapad_av = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    andrad = models.DateTimeField(auto_now=True)
    # Optimistisk låsning av texterna (kvalitet.samtidighet): två samordnare skriver inte över varandra.
    version = models.PositiveIntegerField(default=0, editable=False)
    # Utkast-PDF: byggs av en Celery-uppgift; sidan frågar efter läget.
    pdf_status = models.CharField(max_length=10, choices=Pdfstatus.choices, default=Pdfstatus.INGEN)
    pdf_framsteg = models.PositiveSmallIntegerField(default=0)
    pdf_fel = models.TextField(blank=True)
    bestallning = models.CharField(max_length=12, choices=Bestallning.choices, default=Bestallning.UTKAST)
    pdf = models.FileField(upload_to="rapporter/utkast/", blank=True, max_length=200)
    # För svepet som hittar fastnade beställningar (brokern nere, workern dog): vem beställde, när den
    # köades och startade, och hur många gånger svepet köat om den.
    pdf_bestalld_av = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    pdf_koad = models.DateTimeField(null=True, blank=True)
    pdf_startad = models.DateTimeField(null=True, blank=True)
    pdf_omkoningar = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords(
        excluded_fields=[
            "pdf_status",
            "pdf_framsteg",
            "pdf_fel",
            "pdf",
            "andrad",
            "bestallning",
            "pdf_bestalld_av",
            "pdf_koad",
            "pdf_startad",
            "pdf_omkoningar",
        ]  # fmt: skip
    )

    objects = AtkomstQuerySet.as_manager()

    class Meta:
        verbose_name = _("kvalitetsberättelse")
        verbose_name_plural = _("kvalitetsberättelser")
        ordering = ["-ar", "nod__namn"]
        constraints = [models.UniqueConstraint(fields=["nod", "ar"], name="en_berattelse_per_nod_och_ar")]

    def __str__(self):
        return f"Kvalitetsberättelse {self.ar} – {self.nod}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("rapporter:detalj", args=[self.pk])

    @property
    def pdf_saknas(self) -> bool:
        """Fältet pekar på en utkast-PDF som inte finns i lagringen: sidan erbjuder att skapa den igen."""
        return bool(self.pdf) and not fil_finns(self.pdf)


class PubliceradVersion(models.Model):
    """En fryst version: PDF, siffrorna bakom den, texterna och en kontrollsumma. Ändras aldrig."""

    berattelse = models.ForeignKey(Kvalitetsberattelse, on_delete=models.PROTECT, related_name="versioner")
    nummer = models.PositiveSmallIntegerField(_("version"))
    publicerad = models.DateTimeField(_("publicerad"), auto_now_add=True)
    publicerad_av = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    siffror = models.JSONField(_("siffror"))
    texter = models.JSONField(_("texter"))
    pdf = models.FileField(upload_to="rapporter/publicerade/", max_length=200)
    checksumma = models.CharField(_("SHA-256 för PDF:en"), max_length=64)

    objects = AtkomstQuerySet.as_manager()

    class Meta:
        verbose_name = _("publicerad version")
        verbose_name_plural = _("publicerade versioner")
        ordering = ["berattelse", "-nummer"]
        constraints = [
            models.UniqueConstraint(fields=["berattelse", "nummer"], name="unikt_versionsnummer"),
        ]

    def __str__(self):
        return f"{self.berattelse} v{self.nummer}"


def fil_finns(falt) -> bool:
    """Om en sparad PDF finns kvar i lagringen (efter en återställning av databasen utan media kan den
    saknas fast fältet pekar på den)."""
    return bool(falt) and falt.storage.exists(falt.name)


class SamladAnalys(models.Model):
    """Kvalitetssamordnarens analystext för en nod och ett år, skriven bredvid den samlade analysens siffror
    (SOSFS 2011:9 5 kap. 6 §). Går in i kvalitetsberättelsens avsnitt "Samlad analys"."""

    nod = models.ForeignKey(
        "kvalitet.OrgNod", verbose_name=_("nod"), on_delete=models.PROTECT, related_name="+"
    )
    ar = models.PositiveSmallIntegerField(_("år"))
    text = models.TextField(_("analys"), blank=True)  # rensad html (services.rensa_html)
    andrad = models.DateTimeField(auto_now=True)
    andrad_av = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Optimistisk låsning (kvalitet.samtidighet): två samordnare skriver inte över varandras analys.
    version = models.PositiveIntegerField(default=0, editable=False)
    history = HistoricalRecords(excluded_fields=["andrad"])

    objects = AtkomstQuerySet.as_manager()

    class Meta:
        verbose_name = _("samlad analys")
        verbose_name_plural = _("samlade analyser")
        ordering = ["-ar", "nod__namn"]
        constraints = [models.UniqueConstraint(fields=["nod", "ar"], name="en_samlad_analys_per_nod_och_ar")]

    def __str__(self):
        return f"Samlad analys {self.ar} – {self.nod}"
