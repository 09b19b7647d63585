"""Risk- och konsekvensanalyser (SOSFS 2011:9 5 kap 1 §, 7 kap 1 §) och delade mallar."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kvalitet import riskmatris
from kvalitet.access import AtkomstQuerySet
from kvalitet.bilagor import privat_lagring
from kvalitet.models.arende import Arendeatgard, Tidslinjehandelse


class AnalysStatus(models.TextChoices):
    UTKAST = "utkast", _("Utkast")
    FASTSTALLD = "faststalld", _("Fastställd")
    UPPFOLJD = "uppfoljd", _("Uppföljd")


class Riskanalys(models.Model):
    """En analys på en nivå (enhet, verksamhetsområde eller nämnd). En ändring efter fastställande ger en
    ny version (`foregaende` pekar bakåt); den gamla finns kvar och går att läsa."""

    nod = models.ForeignKey(
        "kvalitet.OrgNod", on_delete=models.PROTECT, related_name="riskanalyser", verbose_name=_("nivå")
    )
    titel = models.CharField(_("titel"), max_length=200)
    forandring = models.TextField(_("förändring eller situation som analyseras"))
    deltagare = models.TextField(_("deltagare"), blank=True)
    datum = models.DateField(_("datum"), db_index=True)
    uppfoljning_senast = models.DateField(_("följs upp senast"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=AnalysStatus.choices, default=AnalysStatus.UTKAST
    )
    faststalld_av = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("fastställd av"),
    )
    faststalld = models.DateTimeField(_("fastställd"), null=True, blank=True)
    utvardering = models.TextField(_("utvärdering: fungerade åtgärderna?"), blank=True)
    kvarstar = models.TextField(_("vad återstår"), blank=True)
    uppfoljd_av = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uppföljd av"),
    )
    uppfoljd = models.DateTimeField(_("uppföljd"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    foregaende = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="efterfoljare",
        verbose_name=_("föregående version"),
    )
    # Sant för den senaste versionen: listor och räkningar visar bara den.
    aktuell = models.BooleanField(_("aktuell version"), default=True, db_index=True)
    mall = models.ForeignKey(
        "riskanalys.Mall",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="analyser",
        verbose_name=_("mall"),
    )
    avvikelser = models.ManyToManyField(
        "avvikelser.Avvikelse", blank=True, related_name="riskanalyser", verbose_name=_("avvikelser")
    )
    brukare = models.ManyToManyField(
        "kvalitet.Brukare", blank=True, related_name="riskanalyser", verbose_name=_("berörda enskilda")
    )
    skapad_av = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("skapad av")
    )
    skapad = models.DateTimeField(_("skapad"), auto_now_add=True)
    # Optimistisk låsning av analysens uppgifter (kvalitet.samtidighet); `version` ovan är dokumentets
    # version (en ny efter fastställandet), det här räknar sparningar.
    andringsnummer = models.PositiveIntegerField(default=0, editable=False)

    objects = AtkomstQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["skapad"])

    class Meta:
        ordering = ["-datum", "-id"]
        verbose_name = _("riskanalys")
        verbose_name_plural = _("riskanalyser")
        indexes = [models.Index(fields=["nod", "aktuell", "datum"], name="riskanalys_nod_aktuell_datum")]

    # En uppföljd analys är stängd (kvalitet.arende.far_andras); den ändras genom en ny version.
    STANGDA_STATUSAR = (AnalysStatus.UPPFOLJD,)

    def __str__(self):
        return f"{self.titel} (v{self.version})"

    @property
    def redigerbar(self) -> bool:
        return self.aktuell and self.status == AnalysStatus.UTKAST


class Risk(models.Model):
    """Vad kan hända, varför, och hur allvarligt – före och efter åtgärder."""

    analys = models.ForeignKey(Riskanalys, on_delete=models.CASCADE, related_name="risker")
    beskrivning = models.TextField(_("vad kan hända"))
    orsak = models.TextField(_("bakomliggande orsak"), blank=True)
    konsekvens = models.PositiveSmallIntegerField(_("konsekvens (1–4)"))
    sannolikhet = models.PositiveSmallIntegerField(_("sannolikhet (1–4)"))
    konsekvens_efter = models.PositiveSmallIntegerField(_("konsekvens efter åtgärder"), null=True, blank=True)
    sannolikhet_efter = models.PositiveSmallIntegerField(
        _("sannolikhet efter åtgärder"), null=True, blank=True
    )
    # Optimistisk låsning (kvalitet.samtidighet): två i editorn skriver inte över varandras risk.
    version = models.PositiveIntegerField(default=0, editable=False)

    objects = AtkomstQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]
        verbose_name = _("risk")
        verbose_name_plural = _("risker")

    def __str__(self):
        return self.beskrivning[:60]

    @property
    def riskvarde(self):
        return riskmatris.riskvarde(self.konsekvens, self.sannolikhet)

    @property
    def riskniva(self):
        return riskmatris.niva(self.riskvarde)

    @property
    def riskvarde_efter(self):
        return riskmatris.riskvarde(self.konsekvens_efter, self.sannolikhet_efter)

    @property
    def riskniva_efter(self):
        return riskmatris.niva(self.riskvarde_efter)


class AtgardStatus(models.TextChoices):
    PLANERAD = "planerad", _("Planerad")
    PAGAR = "pagar", _("Pågår")
    KLAR = "klar", _("Genomförd")


class Atgard(Arendeatgard):
    """En åtgärd mot en risk (kvalitet.models.Arendeatgard): vad, vem, när, hur den följs upp, när den
    genomfördes och vad den gav (`resultat` är effektens beskrivning)."""

    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="atgarder")
    uppfoljning = models.CharField(_("när och hur följs den upp"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=AtgardStatus.choices, default=AtgardStatus.PLANERAD
    )
    genomford = models.DateField(_("genomförd"), null=True, blank=True)
    resultat = models.TextField(_("resultat"), blank=True)

    history = HistoricalRecords()

    EFFEKT_TEXT_FALT = "resultat"


class Handelse(Tidslinjehandelse):
    """Tidslinjen: statusbyten (vem, när) och nya versioner."""

    analys = models.ForeignKey(Riskanalys, on_delete=models.CASCADE, related_name="handelser")


class Mall(models.Model):
    """En mall utan personuppgifter (bara risker och typiska åtgärder), delad i hela kommunen så att en
    nämnds lärdom når de andra."""

    titel = models.CharField(_("titel"), max_length=200)
    beskrivning = models.TextField(_("när passar mallen"), blank=True)
    nod = models.ForeignKey(
        "kvalitet.OrgNod",
        on_delete=models.PROTECT,
        related_name="riskanalysmallar",
        verbose_name=_("skapad vid"),
    )
    skapad_av = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("skapad av")
    )
    skapad = models.DateTimeField(_("skapad"), auto_now_add=True)
    antal_anvandningar = models.PositiveIntegerField(_("antal användningar"), default=0)

    objects = AtkomstQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-antal_anvandningar", "titel"]
        verbose_name = _("mall")
        verbose_name_plural = _("mallar")

    def __str__(self):
        return self.titel


class MallRisk(models.Model):
    mall = models.ForeignKey(Mall, on_delete=models.CASCADE, related_name="risker")
    beskrivning = models.TextField(_("vad kan hända"))
    orsak = models.TextField(_("bakomliggande orsak"), blank=True)
    konsekvens = models.PositiveSmallIntegerField(_("konsekvens (1–4)"))
    sannolikhet = models.PositiveSmallIntegerField(_("sannolikhet (1–4)"))
    atgarder = models.TextField(_("typiska åtgärder (en per rad)"), blank=True)

    objects = AtkomstQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        verbose_name = _("mallrisk")
        verbose_name_plural = _("mallrisker")

    def __str__(self):
        return self.beskrivning[:60]


class PdfStatus(models.TextChoices):
    KOAD = "koad", _("I kö")
    PAGAR = "pagar", _("Skapas")
    KLAR = "klar", _("Klar")
    FEL = "fel", _("Misslyckades")


class Pdfbestallning(models.Model):
    """En PDF av en analys, beställd av och byggd för en användare. Namnen på berörda enskilda beror på vem
    som läser (skyddad identitet), så filen lämnas bara ut till den som beställde. Den senaste beställningen
    per analys och användare; PDF:en byggs av PDF-workern och ligger i PRIVAT_MEDIA_ROOT."""

    analys = models.ForeignKey(Riskanalys, on_delete=models.PROTECT, related_name="+")
    bestalld_av = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(_("analysens version"))
    status = models.CharField(max_length=10, choices=PdfStatus.choices, default=PdfStatus.KOAD)
    fel = models.TextField(blank=True)
    pdf = models.FileField(storage=privat_lagring, upload_to="riskanalys/pdf/", blank=True, max_length=200)
    # För svepet som hittar fastnade beställningar (som kvalitetsberättelsens).
    koad = models.DateTimeField(default=timezone.now)
    startad = models.DateTimeField(null=True, blank=True)
    omkoningar = models.PositiveSmallIntegerField(default=0)

    objects = AtkomstQuerySet.as_manager()

    class Meta:
        verbose_name = _("PDF-beställning")
        verbose_name_plural = _("PDF-beställningar")
        constraints = [
            models.UniqueConstraint(
                fields=["analys", "bestalld_av"], name="en_pdfbestallning_per_analys_och_anvandare"
            )
        ]

    def __str__(self):
        return f"PDF av {self.analys} för {self.bestalld_av_id}"
