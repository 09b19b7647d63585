"""Kvalitetsarbetets egna register: mål och målindikatorer, intern kontrollplan med kontrollpunkter,
förbättringsplan och nationella jämförelsevärden (Kolada). Inga personuppgifter; allt hör till en nod."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kvalitet.access import AtkomstQuerySet


class Mal(models.Model):
    """Ett mål för en nämnd (eller ett område) ett visst år, t.ex. ur nämndens verksamhetsplan."""

    nod = models.ForeignKey(
        "kvalitet.OrgNod", verbose_name=_("organisationsnod"), on_delete=models.PROTECT, related_name="+"
    )
    ar = models.PositiveSmallIntegerField(_("år"))
    rubrik = models.CharField(_("mål"), max_length=300)
    beskrivning = models.TextField(_("beskrivning"), blank=True)
    history = HistoricalRecords()

    objects = AtkomstQuerySet.as_manager()

    class Meta:
        verbose_name = _("mål")
        verbose_name_plural = _("mål")
        ordering = ["-ar", "rubrik"]

    def __str__(self):
        return f"{self.rubrik} ({self.ar})"


class Riktning(models.TextChoices):
    HOGRE = "hogre", _("Högre är bättre")
    LAGRE = "lagre", _("Lägre är bättre")


class Indikatorkalla(models.TextChoices):
    MANUELL = "manuell", _("Registreras för hand")
    BERAKNAD = "beraknad", _("Beräknas ur registren")
    KOLADA = "kolada", _("Importeras från Kolada")


class Berakning(models.TextChoices):
    """Indikatorer som räknas fram ur registren (se rapporter.queries.berakna_indikator)."""

    ANDEL_UTEBLIVEN_INSATS = "andel_utebliven_insats", _("Andel avvikelser som är utebliven insats (%)")
    ANDEL_AVVIKELSER_AVSLUTADE = "andel_avvikelser_avslutade", _("Andel avslutade avvikelser (%)")
    ANDEL_KLAGOMAL_ATERKOPPLADE = "andel_klagomal_aterkopplade", _("Andel klagomål med återkoppling (%)")


class Malindikator(models.Model):
    """Ett mätbart tecken på att målet nås: målvärde, riktning, källa och resultat per år."""

    mal = models.ForeignKey(Mal, verbose_name=_("mål"), on_delete=models.CASCADE, related_name="indikatorer")
    namn = models.CharField(_("indikator"), max_length=300)
    malvarde = models.DecimalField(_("målvärde"), max_digits=10, decimal_places=2)
    riktning = models.CharField(
        _("riktning"), max_length=10, choices=Riktning.choices, default=Riktning.HOGRE
    )
    kalla = models.CharField(
        _("källa"), max_length=10, choices=Indikatorkalla.choices, default=Indikatorkalla.MANUELL
    )
    berakning = models.CharField(_("beräkning"), max_length=40, choices=Berakning.choices, blank=True)
    kolada_kpi = models.CharField(_("Kolada-KPI"), max_length=20, blank=True, help_text=_("T.ex. U21468."))
    enhet = models.CharField(_("enhet"), max_length=20, blank=True, default="%")
    history = HistoricalRecords()

    objects = AtkomstQuerySet.as_manager()

    class Meta:
        verbose_name = _("målindikator")
        verbose_name_plural = _("målindikatorer")
        ordering = ["mal", "namn"]

    def __str__(self):
        return self.namn

    def uppfyllt(self, varde) -> bool | None:
        if varde is None:
            return None
        return varde >= self.malvarde if self.riktning == Riktning.HOGRE else varde <= self.malvarde


class Indikatorvarde(models.Model):
    """Indikatorns resultat ett år (inmatat, beräknat vid publicering eller importerat)."""

    indikator = models.ForeignKey(Malindikator, on_delete=models.CASCADE, related_name="varden")
    ar = models.PositiveSmallIntegerField(_("år"))
    varde = models.DecimalField(_("värde"), max_digits=10, decimal_places=2)
    kalla = models.CharField(_("källa"), max_length=10, choices=Indikatorkalla.choices)
    # Två samordnare kan skriva samma års värde: ett befintligt värde ersätts bara mot versionen man såg.
    version = models.PositiveIntegerField(default=0, editable=False)
    history = HistoricalRecords()

    objects = AtkomstQuerySet.as_manager()

    class Meta:
        verbose_name = _("indikatorvärde")
        verbose_name_plural = _("indikatorvärden")
        constraints = [
            models.UniqueConstraint(fields=["indikator", "ar"], name="unikt_indikatorvarde_per_ar")
        ]

    def __str__(self):
        return f"{self.indikator}: {self.varde} ({self.ar})"


class Kontrollplan(models.Model):
    """Intern kontrollplan (egenkontroll) för en nod och ett år."""

    nod = models.ForeignKey(
        "kvalitet.OrgNod", verbose_name=_("organisationsnod"), on_delete=models.PROTECT, related_name="+"
    )
    ar = models.PositiveSmallIntegerField(_("år"))
    rubrik = models.CharField(_("rubrik"), max_length=200, default="Intern kontrollplan")
    history = HistoricalRecords()

    objects = AtkomstQuerySet.as_manager()

    class Meta:
        verbose_name = _("intern kontrollplan")
        verbose_name_plural = _("interna kontrollplaner")
        ordering = ["-ar"]
        constraints = [
            models.UniqueConstraint(
                fields=["nod", "ar"],
                name="en_kontrollplan_per_nod_och_ar",
                violation_error_message=_("Det finns redan en kontrollplan för noden det året."),
            )
        ]

    def __str__(self):
        return f"{self.rubrik} {self.ar} – {self.nod}"


class Kontrollpunkt(models.Model):
    """En kontrollpunkt: vad som kontrolleras, av vem, när, hur det följs upp och vad man fann."""

    plan = models.ForeignKey(Kontrollplan, on_delete=models.CASCADE, related_name="kontrollpunkter")
    aktivitet = models.CharField(_("aktivitet"), max_length=300)
    ansvarig = models.CharField(_("ansvarig"), max_length=200)
    nar = models.CharField(_("när"), max_length=100, help_text=_('T.ex. "varje kvartal" eller "mars".'))
    uppfoljning = models.CharField(_("uppföljning"), max_length=300, blank=True)
    iakttagelser = models.TextField(_("iakttagelser"), blank=True)
    genomford = models.BooleanField(_("genomförd"), default=False)
    # Optimistisk låsning (kvalitet.samtidighet): två samordnare skriver inte över varandra.
    version = models.PositiveIntegerField(default=0, editable=False)
    history = HistoricalRecords()

    objects = AtkomstQuerySet.as_manager()

    class Meta:
        verbose_name = _("kontrollpunkt")
        verbose_name_plural = _("kontrollpunkter")
        ordering = ["plan", "pk"]

    def __str__(self):
        return self.aktivitet


class Forbattringsatgard(models.Model):
    """En rad i förbättringsplanen: nästa års inriktning inom ett område."""

    nod = models.ForeignKey(
        "kvalitet.OrgNod", verbose_name=_("organisationsnod"), on_delete=models.PROTECT, related_name="+"
    )
    ar = models.PositiveSmallIntegerField(_("gäller år"))
    omrade = models.CharField(_("område"), max_length=200)
    atgard = models.TextField(_("förbättring"))
    ansvarig = models.CharField(_("ansvarig"), max_length=200)
    uppfoljning = models.CharField(_("hur det följs upp"), max_length=300)
    klar = models.BooleanField(_("klar"), default=False)
    skapad_av = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Optimistisk låsning (kvalitet.samtidighet), som för kontrollpunkten.
    version = models.PositiveIntegerField(default=0, editable=False)
    history = HistoricalRecords()

    objects = AtkomstQuerySet.as_manager()

    class Meta:
        verbose_name = _("förbättringsåtgärd")
        verbose_name_plural = _("förbättringsplan")
        ordering = ["ar", "omrade", "pk"]

    def __str__(self):
        return f"{self.omrade}: {self.atgard[:40]}"


class Jamforelsevarde(models.Model):
    """Ett nationellt jämförelsevärde (Kolada): KPI, kommun, år, kön (T = totalt)."""

    kpi = models.CharField(_("KPI"), max_length=20)
    kommun = models.CharField(_("kommunkod"), max_length=10)
    period = models.PositiveSmallIntegerField(_("år"))
    kon = models.CharField(_("kön"), max_length=1, default="T")
    varde = models.DecimalField(_("värde"), max_digits=14, decimal_places=4, null=True)
    importerad = models.DateTimeField(auto_now=True)

    objects = AtkomstQuerySet.as_manager()

    class Meta:
        verbose_name = _("jämförelsevärde")
        verbose_name_plural = _("jämförelsevärden")
        constraints = [
            models.UniqueConstraint(fields=["kpi", "kommun", "period", "kon"], name="unikt_jamforelsevarde")
        ]

    def __str__(self):
        return f"{self.kpi} {self.kommun} {self.period}: {self.varde}"
