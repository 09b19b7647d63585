"""Förändrade insatser, individuell uppföljning av dem som berörs, och ej verkställda beslut."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kvalitet.access import AtkomstQuerySet
from kvalitet.models.brukare import Lag


class ForandringTyp(models.TextChoices):
    MINSKAD_OMFATTNING = "minskad_omfattning", _("Minskad omfattning")
    DIGITAL_FORM = "digital_form", _("Digital form")
    ANDRAT_INNEHALL = "andrat_innehall", _("Ändrat innehåll")
    PAUSAD_PA_BEGARAN = "pausad_pa_begaran", _("Pausad på den enskildes begäran")
    INSTALLD = "installd", _("Inställd/stängd")
    AVSLUTAD = "avslutad", _("Avslutad")


class Forandring(models.Model):
    """En förändring av en insatstyp vid en eller flera enheter, beslutad en gång och tillämpad på de
    enskilda den berör. Utan riskanalys flaggas den på översikten."""

    nod = models.ForeignKey(
        "kvalitet.OrgNod", on_delete=models.PROTECT, related_name="forandringar", verbose_name=_("nämnd")
    )
    rubrik = models.CharField(_("rubrik"), max_length=200)
    typ = models.CharField(_("slag av förändring"), max_length=20, choices=ForandringTyp.choices)
    insatstyp = models.ForeignKey(
        "kvalitet.Insatstyp", on_delete=models.PROTECT, related_name="+", verbose_name=_("insatstyp")
    )
    enheter = models.ManyToManyField(
        "kvalitet.OrgNod", blank=True, related_name="+", verbose_name=_("enheter")
    )
    giltig_fran = models.DateField(_("gäller från"))
    giltig_till = models.DateField(_("gäller till"), null=True, blank=True)
    orsak = models.TextField(_("orsak"))
    beslutad_av = models.CharField(_("beslutad av"), max_length=200)
    riskanalys = models.ForeignKey(
        "riskanalys.Riskanalys",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="forandringar",
        verbose_name=_("riskanalys"),
    )
    skapad_av = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    skapad = models.DateTimeField(auto_now_add=True)
    # Optimistisk låsning (kvalitet.samtidighet): en rättelse skriver inte över någon annans.
    version = models.PositiveIntegerField(default=0, editable=False)

    objects = AtkomstQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-giltig_fran", "-pk"]
        verbose_name = _("förändring")
        verbose_name_plural = _("förändringar")

    def __str__(self):
        return self.rubrik


class Bortval(models.Model):
    """En enskild som fanns i urvalet för en förändring men valdes bort före bekräftelsen: vem som valde
    bort vem, när och varför, så att täckningen inte kan förbättras genom att tyst lämna någon utanför."""

    forandring = models.ForeignKey(Forandring, on_delete=models.PROTECT, related_name="bortval")
    brukare = models.ForeignKey("kvalitet.Brukare", on_delete=models.PROTECT, related_name="+")
    urvalsdatum = models.DateField(_("urvalets datum"))
    skal = models.TextField(_("skäl"), blank=True)
    av = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    skapad = models.DateTimeField(auto_now_add=True)

    objects = AtkomstQuerySet.as_manager()

    class Meta:
        ordering = ["skapad", "pk"]
        verbose_name = _("bortvald enskild")
        verbose_name_plural = _("bortvalda enskilda")

    def __str__(self):
        return f"Bortval {self.pk}"


class Utfall(models.TextChoices):
    JA = "ja", _("Ja")
    DELVIS = "delvis", _("Delvis")
    NEJ = "nej", _("Nej")


class Uppfoljningsarende(models.Model):
    """En enskild som berörs av en förändring (eller som själv tackat nej till eller pausat en insats).

    Ärendet är komplett när kontakt är tagen, behoven bedömda, åtgärder beslutade där de behövs och
    uppföljningen gjord. `forsta_kontakt` sätts av tjänsten så att täckningen räknas utan join."""

    forandring = models.ForeignKey(
        Forandring, null=True, blank=True, on_delete=models.PROTECT, related_name="arenden"
    )
    egen_typ = models.CharField(
        _("den enskildes eget val"),
        max_length=20,
        choices=ForandringTyp.choices,
        blank=True,
        help_text=_("När den enskilde själv tackat nej till eller pausat en insats."),
    )
    brukare = models.ForeignKey(
        "kvalitet.Brukare", on_delete=models.PROTECT, related_name="uppfoljningsarenden"
    )
    insats = models.ForeignKey(
        "kvalitet.Insats", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    namnd = models.ForeignKey("kvalitet.OrgNod", on_delete=models.PROTECT, related_name="+")
    # Den nod ärendet räknas på i täckningen: insatsens enhet, annars nämnden.
    nod = models.ForeignKey("kvalitet.OrgNod", on_delete=models.PROTECT, related_name="+")
    handlaggare = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="uppfoljningsarenden",
        verbose_name=_("handläggare"),
    )
    skapad = models.DateTimeField(auto_now_add=True, db_index=True)
    # Dagen den enskilde pausade/tackade nej (eget val); räknas för perioden i stället för inmatningsdagen.
    eget_val_datum = models.DateField(_("datum för den enskildes val"), null=True, blank=True)
    # Första direkta kontakten (den enskilde, närstående, företrädare): bara den räknas som kontakt.
    forsta_kontakt = models.DateField(_("första kontakt med den enskilde"), null=True, blank=True)
    # Första kontakten via utföraren (indirekt): visas som egen lucka, räknas inte som kontakt.
    indirekt_kontakt = models.DateField(_("första indirekta kontakt"), null=True, blank=True)
    behov = models.TextField(_("behov och risker"), blank=True)
    behov_bedomt = models.DateField(_("behov bedömda"), null=True, blank=True)
    atgarder_behovs = models.BooleanField(_("behövs åtgärder?"), null=True, blank=True)
    atgarder = models.TextField(_("beslutade åtgärder"), blank=True)
    uppfoljning_planerad = models.DateField(_("uppföljning planerad"), null=True, blank=True)
    uppfoljning_gjord = models.DateField(_("uppföljning gjord"), null=True, blank=True)
    utfall = models.CharField(_("behoven tillgodosedda"), max_length=6, choices=Utfall.choices, blank=True)
    fortsattning = models.TextField(_("vad händer sedan"), blank=True)
    uppfoljd_utan_kontakt = models.BooleanField(
        _("uppföljd utan kontakt med den enskilde"),
        default=False,
        help_text=_("Uppföljningen bygger på indirekt information (utföraren, journal)."),
    )
    # Optimistisk låsning (kvalitet.samtidighet): två handläggare skriver inte över varandras bedömning.
    version = models.PositiveIntegerField(default=0, editable=False)

    objects = AtkomstQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-skapad", "-pk"]
        verbose_name = _("uppföljningsärende")
        verbose_name_plural = _("uppföljningsärenden")
        constraints = [
            models.UniqueConstraint(
                fields=["forandring", "brukare"],
                condition=models.Q(forandring__isnull=False),
                name="uppfoljning_en_per_brukare_och_forandring",
            )
        ]
        indexes = [
            models.Index(fields=["namnd", "skapad"]),
            models.Index(fields=["handlaggare", "uppfoljning_gjord"]),
        ]

    def __str__(self):
        return f"Uppföljning {self.pk}"

    @property
    def kontaktad(self) -> bool:
        return self.forsta_kontakt is not None

    @property
    def atgarder_beslutade(self) -> bool:
        return self.atgarder_behovs is False or (self.atgarder_behovs is True and bool(self.atgarder.strip()))

    @property
    def uppfoljd(self) -> bool:
        return self.uppfoljning_gjord is not None and bool(self.utfall)

    def saknas(self) -> list[str]:
        """Det som fattas innan ärendet är komplett, i arbetsordning."""
        brister = []
        if not self.kontaktad:
            brister.append("kontakt")
        if self.behov_bedomt is None:
            brister.append("behovsbedömning")
        if not self.atgarder_beslutade:
            brister.append("åtgärder")
        if not self.uppfoljd:
            brister.append("uppföljning")
        elif self.uppfoljd_utan_kontakt:
            brister.append("uppföljning i kontakt med den enskilde")
        return brister

    @property
    def utan_kontakt_med_enskilde(self) -> bool:
        """Uppföljd utan kontakt med den enskilde: på indirekt information eller utan direkt kontakt."""
        return self.uppfoljd and (self.uppfoljd_utan_kontakt or not self.kontaktad)

    @property
    def komplett(self) -> bool:
        return not self.saknas()


class Kanal(models.TextChoices):
    TELEFON = "telefon", _("Telefon")
    VIDEO = "video", _("Video")
    HEMBESOK = "hembesok", _("Hembesök")
    MOTE = "mote", _("Möte")
    BREV = "brev", _("Brev")


class MedVem(models.TextChoices):
    ENSKILD = "enskild", _("Den enskilde")
    NARSTAENDE = "narstaende", _("Närstående")
    FORETRADARE = "foretradare", _("Företrädare/god man")
    UTFORARE = "utforare", _("Utförare")


# Direkt kontakt: med den enskilde själv eller någon som företräder hen. Via utföraren är indirekt
# (IVO:s Stockholmsbeslut, seed 002) och räknas inte som nämndens kontakt i täckningen.
DIREKTA = (MedVem.ENSKILD, MedVem.NARSTAENDE, MedVem.FORETRADARE)


class Rostsvar(models.TextChoices):
    JA = "ja", _("Ja")
    DELVIS = "delvis", _("Delvis")
    NEJ = "nej", _("Nej")
    VILL_INTE = "vill_inte", _("Vill inte svara")


class Upplevelse(models.TextChoices):
    BRA = "bra", _("Bra")
    VARKEN = "varken", _("Varken eller")
    DALIG = "dalig", _("Dålig")
    VILL_INTE = "vill_inte", _("Vill inte svara")


# Den enskildes röst: fältet, frågan och skalan (samma ordning i formulär, täckning och rapport).
ROSTFRAGOR = [
    ("rost_delaktig", "Var den enskilde delaktig i förändringen?", Rostsvar),
    ("rost_behov", "Tillgodoses behoven?", Rostsvar),
    ("rost_upplevelse", "Hur upplevde den enskilde kontakten?", Upplevelse),
]
CITAT_MAX = 300


class Kontakt(models.Model):
    """En kontakt i ett uppföljningsärende. Kontakter läggs till, ändras inte (därför ingen historik);
    bara samordnarens val av citat ändras, mot versionen. Vägen (direkt/indirekt) följer av `med_vem`."""

    arende = models.ForeignKey(Uppfoljningsarende, on_delete=models.CASCADE, related_name="kontakter")
    datum = models.DateField(_("datum"))
    kanal = models.CharField(_("kanal"), max_length=10, choices=Kanal.choices)
    med_vem = models.CharField(_("med vem"), max_length=12, choices=MedVem.choices)
    gjord_av = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    vad_sades = models.TextField(_("vad som sades"), blank=True)
    enskildes_syn = models.TextField(_("den enskildes syn på förändringen"), blank=True)
    delaktig = models.BooleanField(_("delaktig i planeringen"), null=True, blank=True)
    # Den enskildes röst (bara vid direkt kontakt): tre korta svar och ett citat utan namn.
    rost_delaktig = models.CharField(
        _("Var den enskilde delaktig i förändringen?"), max_length=10, choices=Rostsvar.choices, blank=True
    )
    rost_behov = models.CharField(
        _("Tillgodoses behoven?"), max_length=10, choices=Rostsvar.choices, blank=True
    )
    rost_upplevelse = models.CharField(
        _("Hur upplevde den enskilde kontakten?"), max_length=10, choices=Upplevelse.choices, blank=True
    )
    citat = models.CharField(_("den enskildes ord (citat)"), max_length=CITAT_MAX, blank=True)
    # Samordnaren väljer citat till kvalitetsberättelsen; versionen låser valet (kvalitet.samtidighet).
    citat_valt = models.BooleanField(_("valt till kvalitetsberättelsen"), default=False)
    citat_valt_av = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=0, editable=False)
    skapad = models.DateTimeField(auto_now_add=True)

    objects = AtkomstQuerySet.as_manager()

    class Meta:
        ordering = ["datum", "pk"]
        verbose_name = _("kontakt")
        verbose_name_plural = _("kontakter")

    def __str__(self):
        return f"Kontakt {self.datum:%Y-%m-%d}"

    @property
    def direkt(self) -> bool:
        return self.med_vem in DIREKTA

    @property
    def har_rost(self) -> bool:
        return any(getattr(self, f) for f, _fraga, _skala in ROSTFRAGOR) or bool(self.citat)


class BeslutTyp(models.TextChoices):
    EJ_VERKSTALLT = "ej_verkstallt", _("Ej verkställt inom tre månader")
    AVBROTT = "avbrott", _("Avbrott i verkställighet")


class EjVerkstalltBeslut(models.Model):
    """Ett beslut som inte verkställts inom tre månader (eller ett avbrott som inte återupptagits).

    Härleds ur insatserna av svepet; handläggaren dokumenterar orsak och vad den enskilde får under
    väntan. `pseudonym` är IVO:s identitet för hela perioden och ändras aldrig."""

    insats = models.ForeignKey("kvalitet.Insats", on_delete=models.PROTECT, related_name="+")
    typ = models.CharField(
        _("typ"), max_length=15, choices=BeslutTyp.choices, default=BeslutTyp.EJ_VERKSTALLT
    )
    # Beslutsdatum (ej verkställt) eller dagen avbrottet började.
    fran = models.DateField(_("från"))
    brukare = models.ForeignKey("kvalitet.Brukare", on_delete=models.PROTECT, related_name="+")
    namnd = models.ForeignKey("kvalitet.OrgNod", on_delete=models.PROTECT, related_name="+")
    lag = models.CharField(_("lag"), max_length=3, choices=Lag.choices)
    pseudonym = models.CharField(_("IVO-identitet"), max_length=13)
    orsak = models.TextField(_("orsak till dröjsmålet"), blank=True)
    konsekvenser = models.TextField(_("konsekvenser för den enskilde"), blank=True)
    under_vantan = models.TextField(_("vad den enskilde får under väntan"), blank=True)
    erbjudanden = models.TextField(_("erbjudanden och uppföljningar (datum)"), blank=True)
    verkstallt = models.DateField(_("verkställt"), null=True, blank=True)
    avslutat = models.DateField(_("avslutat utan verkställighet"), null=True, blank=True)
    skapad = models.DateTimeField(auto_now_add=True)
    # Optimistisk låsning av dokumentationen (kvalitet.samtidighet).
    version = models.PositiveIntegerField(default=0, editable=False)

    objects = AtkomstQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["fran", "pk"]
        verbose_name = _("ej verkställt beslut")
        verbose_name_plural = _("ej verkställda beslut")
        constraints = [
            models.UniqueConstraint(fields=["insats", "typ", "fran"], name="ej_verkstallt_en_per_insats")
        ]

    def __str__(self):
        return f"Ej verkställt beslut {self.pk}"

    @property
    def oppet(self) -> bool:
        return self.verkstallt is None and self.avslutat is None


class Rapporteringsperiod(models.Model):
    """IVO:s rapporteringsfönster för ett kvartal (data, eftersom IVO:s kalender ändras)."""

    ar = models.PositiveSmallIntegerField(_("år"))
    kvartal = models.PositiveSmallIntegerField(_("kvartal"))
    oppnar = models.DateField(_("öppnar"))
    stanger = models.DateField(_("stänger"))

    objects = AtkomstQuerySet.as_manager()

    class Meta:
        ordering = ["ar", "kvartal"]
        verbose_name = _("rapporteringsperiod")
        verbose_name_plural = _("rapporteringsperioder")
        constraints = [models.UniqueConstraint(fields=["ar", "kvartal"], name="rapporteringsperiod_unik")]

    def __str__(self):
        return f"{self.ar} kvartal {self.kvartal}"


class Huvudrapportor(models.Model):
    """Nämndens huvudrapportör till IVO (får påminnelserna om rapporteringsfönstren)."""

    namnd = models.OneToOneField("kvalitet.OrgNod", on_delete=models.PROTECT, related_name="+")
    anvandare = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = AtkomstQuerySet.as_manager()

    class Meta:
        verbose_name = _("huvudrapportör")
        verbose_name_plural = _("huvudrapportörer")

    def __str__(self):
        return f"Huvudrapportör {self.namnd_id}"


class Individrapport(models.Model):
    """En individrapport till IVO för ett kvartal: en per beslut och kvartal, med uppgifterna som de
    var när den skapades (så den läses likadant i efterhand)."""

    beslut = models.ForeignKey(EjVerkstalltBeslut, on_delete=models.PROTECT, related_name="rapporter")
    ar = models.PositiveSmallIntegerField(_("år"))
    kvartal = models.PositiveSmallIntegerField(_("kvartal"))
    data = models.JSONField(_("uppgifter"), default=dict)
    skapad = models.DateTimeField(auto_now_add=True)
    skapad_av = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = AtkomstQuerySet.as_manager()

    class Meta:
        ordering = ["ar", "kvartal", "pk"]
        verbose_name = _("individrapport")
        verbose_name_plural = _("individrapporter")
        constraints = [
            models.UniqueConstraint(fields=["beslut", "ar", "kvartal"], name="individrapport_en_per_kvartal")
        ]

    def __str__(self):
        return f"Individrapport {self.ar} Q{self.kvartal}"
